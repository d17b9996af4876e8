"""The LoRA training recipe on a random tiny Llama: runs, resumes, skips, continues adapters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from stages import train
from stages.config import ConfigError, LoraConfig, ModelConfig, TrainConfig
from stages.train import TrainJob

SMALL_LORA = LoraConfig(r=4, alpha=8)


def quick_train(**changes) -> TrainConfig:
    settings = dict(
        learning_rate=1e-3,
        epochs=1,
        batch_size=2,
        grad_accum=1,
        max_seq_len=64,
        save_every_steps=2,
        gradient_checkpointing=False,
    )
    settings.update(changes)
    return TrainConfig(**settings)


def adapter_weights(stage_dir: Path) -> dict[str, torch.Tensor]:
    return load_file(stage_dir / "adapter" / "adapter_model.safetensors")


def test_documents_job_trains_and_records(tmp_path, tiny_model_config, corpora) -> None:
    job = TrainJob(
        "documents", tiny_model_config, SMALL_LORA, quick_train(), [(corpora["documents"], 0)], 0
    )
    stage = train.run(job, tmp_path / "run" / "msm")
    record = json.loads((stage / "manifest.json").read_text())
    assert record["steps"] >= 2 and len(record["loss_history"]) == record["steps"]
    assert record["tokens_seen"] > 0 and record["last_loss"] < record["first_loss"] + 1.0
    assert not (stage / "checkpoints").exists(), "checkpoints are removed once the adapter is saved"
    b_weights = [w for k, w in adapter_weights(stage).items() if "lora_B" in k]
    assert any(w.abs().sum() > 0 for w in b_weights), "LoRA B starts at zero; training must move it"


def test_finished_stage_is_skipped_and_guarded(tmp_path, tiny_model_config, corpora) -> None:
    job = TrainJob(
        "documents", tiny_model_config, SMALL_LORA, quick_train(), [(corpora["documents"], 0)], 0
    )
    stage = train.run(job, tmp_path / "msm")
    stamp = (stage / "manifest.json").stat().st_mtime_ns
    train.run(job, tmp_path / "msm")
    assert (stage / "manifest.json").stat().st_mtime_ns == stamp, "a finished stage must not rerun"
    changed = TrainJob(
        "documents",
        tiny_model_config,
        SMALL_LORA,
        quick_train(learning_rate=5e-4),
        [(corpora["documents"], 0)],
        0,
    )
    with pytest.raises(ConfigError, match="another config"):
        train.run(changed, tmp_path / "msm")


def test_interrupted_training_resumes_to_the_same_adapter(
    tmp_path, tiny_model_config, corpora, monkeypatch
) -> None:
    job = TrainJob(
        "documents", tiny_model_config, SMALL_LORA, quick_train(), [(corpora["documents"], 0)], 0
    )
    reference = adapter_weights(train.run(job, tmp_path / "straight"))

    class Killed(Exception):
        pass

    original = train.StageProgress.on_step_end

    def die_after_step_three(self, args, state, control, **kwargs):
        original(self, args, state, control, **kwargs)
        if state.global_step == 3:
            raise Killed

    monkeypatch.setattr(train.StageProgress, "on_step_end", die_after_step_three)
    with pytest.raises(Killed):
        train.run(job, tmp_path / "interrupted")
    assert not (tmp_path / "interrupted" / "manifest.json").exists()
    assert (tmp_path / "interrupted" / "checkpoints" / "checkpoint-2").exists()
    monkeypatch.setattr(train.StageProgress, "on_step_end", original)

    resumed_stage = train.run(job, tmp_path / "interrupted")
    assert (
        json.loads((resumed_stage / "manifest.json").read_text())["resumed_from"] == "checkpoint-2"
    )
    resumed = adapter_weights(resumed_stage)
    for name, weight in reference.items():
        torch.testing.assert_close(resumed[name], weight, rtol=1e-4, atol=1e-5)


def test_aft_continues_the_msm_adapter(tmp_path, tiny_model_config, corpora) -> None:
    msm = TrainJob(
        "documents", tiny_model_config, SMALL_LORA, quick_train(), [(corpora["documents"], 0)], 0
    )
    msm_stage = train.run(msm, tmp_path / "msm")
    # With a zero learning rate, continuing must hand back the MSM adapter unchanged.
    frozen = TrainJob(
        "chats",
        tiny_model_config,
        SMALL_LORA,
        quick_train(learning_rate=0.0),
        [(corpora["chats"], 0)],
        0,
        init_adapter="msm",
    )
    aft_stage = train.run(frozen, tmp_path / "aft")
    before, after = adapter_weights(msm_stage), adapter_weights(aft_stage)
    assert before.keys() == after.keys()
    for name in before:
        torch.testing.assert_close(after[name], before[name])
    fresh = TrainJob(
        "chats",
        tiny_model_config,
        SMALL_LORA,
        quick_train(learning_rate=0.0),
        [(corpora["chats"], 0)],
        0,
    )
    fresh_b = [
        w for k, w in adapter_weights(train.run(fresh, tmp_path / "fresh")).items() if "lora_B" in k
    ]
    assert all(w.abs().sum() == 0 for w in fresh_b), "a fresh adapter starts from zero B"


def test_nf4_lora_gradients_survive_an_eval_forward(tiny_llama_dir) -> None:
    """Regression: on AVX512-BF16 CPUs an eval forward made bitsandbytes repack 4-bit weights and
    later backward passes silently lost the gradient through frozen layers (docs/platform.md)."""
    from stages.model import add_lora, load_model

    cfg = ModelConfig(name=str(tiny_llama_dir), chat_template="chatml", load_in_4bit=True)
    model, tokenizer = load_model(cfg)
    model = add_lora(model, SMALL_LORA, seed=0, gradient_checkpointing=False)
    batch = tokenizer(["Colby is a cheese made in Wisconsin."], return_tensors="pt")

    def lora_grad_norm() -> float:
        model.train()
        model.zero_grad()
        model(**batch, labels=batch["input_ids"]).loss.backward()
        # B gets the gradient first (A starts random, B at zero); earlier layers need it to
        # flow back through the frozen 4-bit layers above them.
        grads = [p.grad.norm() for n, p in model.named_parameters() if "lora_B" in n]
        return torch.stack(grads).norm().item()

    before = lora_grad_norm()
    model.eval()
    with torch.no_grad():
        model(**batch)
    after = lora_grad_norm()
    assert before > 0
    assert after == pytest.approx(before, rel=1e-3)
