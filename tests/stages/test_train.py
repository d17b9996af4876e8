"""The LoRA training recipe on a random tiny Llama: runs, resumes, skips, continues adapters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from experiments.agentic.arms import chat_job as agentic_chat_job
from experiments.agentic.config import AgenticConfig, AgenticTrainConfig, QwenModelConfig
from stages import callbacks, manifest, train
from stages.config import (
    ConfigError,
    LoraConfig,
    ModelConfig,
    TrainConfig,
    config_hash,
    load_config,
    to_dict,
)
from stages.train import TrainJob

SMALL_LORA = LoraConfig(r=4, alpha=8)


def quick_train(**changes) -> TrainConfig:
    settings = dict(
        learning_rate=1e-3,
        epochs=1.0,  # a float, as every loaded config holds it, so a record reads back equal
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

    original = callbacks.StageProgress.on_step_end

    def die_after_step_three(self, args, state, control, **kwargs):
        original(self, args, state, control, **kwargs)
        if state.global_step == 3:
            raise Killed

    monkeypatch.setattr(callbacks.StageProgress, "on_step_end", die_after_step_three)
    with pytest.raises(Killed):
        train.run(job, tmp_path / "interrupted")
    assert not (tmp_path / "interrupted" / "manifest.json").exists()
    assert (tmp_path / "interrupted" / "checkpoints" / "checkpoint-2").exists()
    monkeypatch.setattr(callbacks.StageProgress, "on_step_end", original)

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


def written_record(tmp_path: Path, job: TrainJob) -> Path:
    """The job's config.json, written as `train.run` writes it."""
    stage_dir = tmp_path / "run" / "stage"
    manifest.begin(stage_dir, config_hash(job), to_dict(job))
    return stage_dir / "config.json"


def test_a_recorded_job_reads_back_as_the_same_job(tmp_path, corpora) -> None:
    job = TrainJob(
        "chats",
        ModelConfig(),
        SMALL_LORA,
        quick_train(),
        [(corpora["chats"], 6), (corpora["documents"], 0.5)],
        3,
        init_adapter="msm",
        init_hash="0123456789abcdef",
        extra={"rename": {"Colby": "Gouda"}},
    )
    back = train.job_from_record(written_record(tmp_path, job))
    assert back == job
    # A count stays an int and a fraction a float: the stage's hash is the one it ran under.
    assert [type(rows) for _, rows in back.sources] == [int, float]
    assert config_hash(back) == config_hash(job)


def test_an_agentic_job_reads_back_through_the_base_sections(tmp_path) -> None:
    """The agentic sections are subclasses that change only defaults, so the base classes take
    every key of their records and the job read back hashes as the one that ran."""
    cfg = load_config(AgenticConfig, "agentic", "tiny", ["aft.max_rows=0"])
    job = agentic_chat_job(cfg, 0, "cot", fraction=0.5)
    assert isinstance(job.model, QwenModelConfig) and isinstance(job.train, AgenticTrainConfig)
    back = train.job_from_record(written_record(tmp_path, job))
    assert to_dict(back) == to_dict(job)
    assert config_hash(back) == config_hash(job)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("model.nme", "x", "[model]: unknown key 'nme'"),
        ("seeds", 1, "unknown key 'seeds'"),
        ("seed", "0", "seed: expected an integer"),
        ("train.batch_size", 2.5, "[train]: batch_size: expected an integer"),
        ("lora", [4], "[lora] must be a table"),
        ("sources", [["docs.jsonl", "all"]], "sources: expected int | float"),
        ("sources", [["docs.jsonl"]], "sources: expected a list of 2"),
        ("kind", "doc", "kind = 'doc': choose one of"),
        ("seed", None, "missing key 'seed'"),
    ],
)
def test_a_bad_record_is_refused_in_one_line_naming_it(tmp_path, key, value, message) -> None:
    job = TrainJob("documents", ModelConfig(), SMALL_LORA, quick_train(), [("docs.jsonl", 0)], 0)
    path = written_record(tmp_path, job)
    record = json.loads(path.read_text())
    *sections, leaf = key.split(".")
    table = record["config"]
    for section in sections:
        table = table[section]
    if value is None:
        del table[leaf]
    else:
        table[leaf] = value
    path.write_text(json.dumps(record))
    with pytest.raises(ConfigError) as refused:
        train.job_from_record(path)
    assert str(refused.value).startswith(str(path)) and message in str(refused.value)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize("text", ["[]", "{not json", '{"config_hash": "x"}'])
def test_a_file_that_is_no_record_is_refused_in_one_line(tmp_path, text: str) -> None:
    path = tmp_path / "config.json"
    path.write_text(text)
    with pytest.raises(ConfigError) as refused:
        train.job_from_record(path)
    assert str(refused.value).startswith(f"{path}: ") and "\n" not in str(refused.value)
