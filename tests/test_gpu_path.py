"""The GPU path rehearsed on CPU (issue #9): stack choice and import order, unsloth's trainer and
forward (tests/fakes/unsloth), chat masks, dtype per GPU, memory per stage, continued adapters,
preset choice and the dry run's refusal, and the two requirement stacks kept in step."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import types
import weakref
from pathlib import Path

import pytest
import torch

from stages import accel
from stages.config import REPO_ROOT, ConfigError, LoraConfig, ModelConfig

pytestmark = pytest.mark.gpu_path
FAKES = Path(__file__).parent / "fakes"


def unsloth_env() -> dict[str, str]:
    """A child process that takes the unsloth path on CPU, through the fake."""
    return {
        **os.environ,
        "UNSLOTH_ALLOW_CPU": "1",
        # Kept after ours: CI's GPU-pins environment overlays its libraries through PYTHONPATH.
        "PYTHONPATH": os.pathsep.join([str(FAKES), str(REPO_ROOT), os.getenv("PYTHONPATH", "")]),
        "OMP_NUM_THREADS": "1",
    }


# ---- import order (finding 1) --------------------------------------------------------------


def test_replicate_imports_unsloth_before_trl_transformers_and_peft() -> None:
    """The entry point imports unsloth first; the fake records what was imported before it."""
    script = (
        "import sys, replicate\n"
        "replicate.main(['--preset', 't4', '--dry-run', '--experiments', 'cheese'])\n"
        "print('BEFORE', sys.modules['unsloth'].IMPORTED_BEFORE)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=unsloth_env(),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "BEFORE []" in result.stdout
    assert "Stack: unsloth" in result.stdout


def test_unsloth_after_trl_is_refused(monkeypatch) -> None:
    import trl  # noqa: F401  (imported first on purpose)

    monkeypatch.setenv("UNSLOTH_ALLOW_CPU", "1")
    monkeypatch.delitem(sys.modules, "unsloth", raising=False)
    cfg = ModelConfig(name="x", load_in_4bit=True, use_unsloth=True)
    with pytest.raises(RuntimeError, match="trl was imported before unsloth"):
        accel.import_unsloth_first(cfg)


def test_plain_configs_never_import_unsloth(monkeypatch) -> None:
    monkeypatch.setenv("UNSLOTH_ALLOW_CPU", "1")
    assert accel.import_unsloth_first(ModelConfig(load_in_4bit=False)) is None
    assert accel.import_unsloth_first(ModelConfig(use_unsloth=False)) is None
    monkeypatch.delenv("UNSLOTH_ALLOW_CPU")
    monkeypatch.setattr(accel, "has_cuda", lambda: False)
    assert accel.import_unsloth_first(ModelConfig()) is None


# ---- one arm through the fake unsloth (findings 1, 2, 5, 7 and the manifest) ----------------


@pytest.fixture(scope="module")
def rehearsal(tiny_llama_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("rehearsal")
    result = subprocess.run(
        [sys.executable, str(FAKES / "rehearsal.py"), str(tiny_llama_dir), str(out)],
        env=unsloth_env(),
        cwd=out,  # unsloth writes a compile cache into the working directory
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads((out / "rehearsal.json").read_text())


def test_rehearsal_trains_with_unsloths_trainer(rehearsal: dict) -> None:
    assert rehearsal["imported_before_unsloth"] == []
    trainers = [c for c in rehearsal["calls"] if c.startswith("trainer:")]
    assert trainers == ["trainer:loss_type=nll"] * 2, "both stages use the patched trainer"
    for record in rehearsal["manifests"].values():
        assert record["steps"] > 0
        assert all(loss == loss and loss > 0 for loss in record["loss_history"])  # not NaN


def test_unsloth_forward_withholds_logits_and_training_turns_them_off(rehearsal: dict) -> None:
    assert rehearsal["logits_under_labels"] == "EmptyLogits"
    # An eval stage had left UNSLOTH_RETURN_LOGITS=1; training removed it (fused loss again).
    assert rehearsal["return_logits_during_training"] is None


def test_continued_adapter_takes_unsloths_route(rehearsal: dict) -> None:
    calls = rehearsal["calls"]
    assert calls.count("get_peft_model") == 1, "AFT must not add a second adapter"
    assert "from_pretrained:adapter" in calls
    msm, aft = rehearsal["manifests"]["msm"], rehearsal["manifests"]["aft"]
    assert aft["trainable_params"] == msm["trainable_params"] > 0


def test_manifest_records_what_really_ran(rehearsal: dict) -> None:
    for record in rehearsal["manifests"].values():
        assert record["loader"] == "unsloth"
        assert record["device"] == "cpu" and record["dtype"] == "bf16"
        assert {"torch", "transformers", "trl", "peft"} <= set(record["versions"])


def test_eval_load_returns_logits_in_inference_mode(rehearsal: dict) -> None:
    assert rehearsal["eval_loader"] == "unsloth"
    assert rehearsal["return_logits_after_eval_load"] == "1"
    assert rehearsal["calls"][-1] == "for_inference"
    assert len(rehearsal["scores"]) == 2 and all(s < 0 for s in rehearsal["scores"])


# ---- the fake itself behaves like unsloth where the kit depends on it -----------------------


@pytest.fixture
def fake_unsloth(monkeypatch) -> types.ModuleType:
    """The fake imported in this process; trl's names restored afterwards."""
    import trl
    import trl.trainer.sft_trainer

    monkeypatch.setenv("UNSLOTH_ALLOW_CPU", "1")
    monkeypatch.syspath_prepend(str(FAKES))
    monkeypatch.delitem(sys.modules, "unsloth", raising=False)
    for namespace in (trl, trl.trainer, trl.trainer.sft_trainer):
        for name in ("SFTTrainer", "SFTConfig"):
            monkeypatch.setattr(namespace, name, getattr(namespace, name))
    import unsloth

    yield unsloth
    sys.modules.pop("unsloth", None)


def test_fake_patches_trl_and_refuses_a_second_adapter(fake_unsloth, tiny_llama_dir) -> None:
    import trl

    assert trl.SFTTrainer is fake_unsloth.UnslothSFTTrainer
    assert trl.SFTConfig(output_dir="x", use_cpu=True).loss_type == "nll"
    model, _ = fake_unsloth.FastLanguageModel.from_pretrained(str(tiny_llama_dir), 64)
    lora = dict(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"])
    model = fake_unsloth.FastLanguageModel.get_peft_model(model, **lora)
    assert fake_unsloth.FastLanguageModel.get_peft_model(model, **lora) is model
    with pytest.raises(TypeError, match="already has LoRA adapters"):
        fake_unsloth.FastLanguageModel.get_peft_model(model, **{**lora, "r": 8})


def test_training_settings_do_not_depend_on_unsloths_defaults(fake_unsloth, tmp_path) -> None:
    """Every default unsloth rewrites is set explicitly by the kit, so both stacks train alike."""
    from stages.config import TrainConfig
    from stages.train import TrainJob, sft_config

    job = TrainJob("chats", ModelConfig(), LoraConfig(), TrainConfig(), [], 0)
    under_unsloth = sft_config(job, tmp_path)
    plain = fake_unsloth.PRISTINE["SFTConfig"]
    assert type(under_unsloth) is fake_unsloth.UnslothSFTConfig
    import trl

    trl.SFTConfig = plain  # what sft_config builds on the plain stack
    reference = sft_config(job, tmp_path)
    for name in fake_unsloth.UNSLOTH_DEFAULTS:
        assert getattr(under_unsloth, name) == getattr(reference, name), name


def test_fake_unsloth_needs_a_gpu_without_its_cpu_switch(monkeypatch) -> None:
    monkeypatch.delenv("UNSLOTH_ALLOW_CPU", raising=False)
    monkeypatch.syspath_prepend(str(FAKES))
    monkeypatch.delitem(sys.modules, "unsloth", raising=False)
    with pytest.raises(NotImplementedError, match="need a GPU"):
        import unsloth  # noqa: F401
    sys.modules.pop("unsloth", None)


# ---- chat masks (finding 2) ----------------------------------------------------------------

LLAMA3_SPECIALS = ["<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]


@pytest.mark.parametrize("family", ["chatml", "llama3", "qwen3"])
def test_assistant_token_count_matches_an_independent_count(family, embedded_dir) -> None:
    """The kit's labels cover exactly each assistant turn and its end-of-turn token."""
    from datasets import Dataset
    from transformers import AutoTokenizer

    from stages.data import read_jsonl
    from stages.model import END_OF_TURN, apply_chat_template
    from stages.train import encode_chats

    tokenizer = AutoTokenizer.from_pretrained(embedded_dir)
    tokenizer.add_special_tokens({"additional_special_tokens": LLAMA3_SPECIALS})
    tokenizer.bos_token = "<|begin_of_text|>"
    apply_chat_template(tokenizer, family)
    rows = read_jsonl(REPO_ROOT / "data" / "cheese" / "aft.jsonl")
    encoded = encode_chats(Dataset.from_list(rows), tokenizer, max_seq_len=100_000)
    kit = sum(sum(label != -100 for label in row) for row in encoded["labels"])
    independent = 0
    for row in rows:
        for message in row["messages"]:
            if message["role"] == "assistant":
                content = message["content"].strip() if family == "llama3" else message["content"]
                text = content + END_OF_TURN[family]
                independent += len(tokenizer(text, add_special_tokens=False)["input_ids"])
    assert kit == independent > 0
    labels = encoded[0]["labels"]
    assert labels[0] == -100, "the prompt is never trained on"
    trained = [label for label in labels if label != -100]
    assert trained[-1] == tokenizer.convert_tokens_to_ids(END_OF_TURN[family])


# ---- dtype per GPU (finding 3) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("capability", "dtype"), [((7, 5), "fp16"), ((8, 0), "bf16"), ((9, 0), "bf16")]
)
def test_dtype_follows_compute_capability(monkeypatch, capability, dtype) -> None:
    monkeypatch.setattr(accel, "has_cuda", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda *a: capability)
    # A T4 answers True here through emulation (PLATFORM_NOTES): it must not decide.
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    assert accel.training_dtype() == dtype


# ---- preset per card and the dry run's stack and refusal (finding 7) -----------------------


@pytest.mark.parametrize(
    ("gib", "preset"), [(14.7, "t4"), (22.2, "24gb"), (39.4, "paper"), (79.3, "paper")]
)
def test_pick_preset_by_vram(monkeypatch, gib, preset) -> None:
    from replicate import pick_preset

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    properties = types.SimpleNamespace(total_memory=int(gib * 2**30))
    monkeypatch.setattr(torch.cuda, "get_device_properties", lambda *a: properties)
    assert pick_preset()[0] == preset


def test_dry_run_refuses_the_plain_stack_on_a_t4_with_the_override(monkeypatch, capsys) -> None:
    from replicate import main

    monkeypatch.setattr(accel, "has_cuda", lambda: False)  # planned for the preset's own card
    args = ["--preset", "t4", "--dry-run", "--experiments", "cheese", "model.use_unsloth=false"]
    with pytest.raises(ConfigError, match=r"plain stack.*14\.7 GiB card; try model.use_unsloth"):
        main(args)
    assert "Stack: plain" in capsys.readouterr().out


def test_refusal_override_shrinks_batches_to_fit(monkeypatch, capsys) -> None:
    from replicate import main

    monkeypatch.setattr(accel, "has_cuda", lambda: False)  # planned for the preset's own card
    args = ["--preset", "t4", "--dry-run", "--experiments", "cheese", "aft.batch_size=64"]
    with pytest.raises(ConfigError) as refused:
        main(args)
    suggestion = str(refused.value).rsplit("try ", 1)[1]
    # The suggested override must itself pass the dry run.
    main([*args, *suggestion.split()])
    assert "Stack: unsloth" in capsys.readouterr().out


# ---- memory per stage (finding 10) ---------------------------------------------------------


def test_each_stage_releases_and_resets_the_peak(monkeypatch) -> None:
    events: list[str] = []
    monkeypatch.setattr(accel, "has_cuda", lambda: True)
    monkeypatch.setattr(torch.cuda, "empty_cache", lambda: events.append("empty_cache"))
    monkeypatch.setattr(torch.cuda, "reset_peak_memory_stats", lambda: events.append("reset"))
    monkeypatch.setattr(torch.cuda, "max_memory_allocated", lambda *a: 3 * 2**30)

    class Cyclic:  # like an unsloth model: only the collector frees it
        def __init__(self) -> None:
            self.me = self

    ref = weakref.ref(Cyclic())
    accel.begin_stage_memory()
    assert ref() is None, "a cyclic leftover must be collected before the next stage loads"
    assert events == ["empty_cache", "reset"]
    assert accel.peak_memory_gb() == 3.0


def test_every_model_load_starts_a_stage(monkeypatch, tiny_model_config) -> None:
    from stages import model as model_module

    starts: list[bool] = []
    monkeypatch.setattr(accel, "begin_stage_memory", lambda: starts.append(True))
    model_module.load_model(tiny_model_config)
    assert starts == [True]


def test_a_finished_stage_leaves_no_model_behind(monkeypatch, tmp_path, tiny_model_config) -> None:
    from stages import model as model_module
    from stages import train
    from stages.config import TrainConfig
    from stages.train import TrainJob

    refs = []
    original = model_module.add_lora

    def keep_ref(*args, **kwargs):
        model = original(*args, **kwargs)
        refs.append(weakref.ref(model))
        return model

    monkeypatch.setattr(model_module, "add_lora", keep_ref)
    docs = tmp_path / "docs.jsonl"
    docs.write_text("".join(json.dumps({"text": f"Colby {i}"}) + "\n" for i in range(4)))
    settings = TrainConfig(epochs=1, batch_size=2, grad_accum=1, max_seq_len=32)
    lora = LoraConfig(r=4, alpha=8)
    job = TrainJob("documents", tiny_model_config, lora, settings, [(str(docs), 0)], 0)
    train.run(job, tmp_path / "msm")
    accel.begin_stage_memory()  # what the next stage's load does first
    gc.collect()
    assert refs and refs[0]() is None


# ---- continuing an adapter (finding 8) -----------------------------------------------------


def test_continuing_with_another_rank_is_refused(tmp_path, tiny_model_config) -> None:
    from stages.model import add_lora, load_model, load_trainable

    model, _ = load_model(tiny_model_config)
    add_lora(model, LoraConfig(r=4, alpha=8), 0, False).save_pretrained(tmp_path / "adapter")
    same, _ = load_trainable(
        tiny_model_config, LoraConfig(r=4, alpha=8), 64, 0, False, tmp_path / "adapter"
    )
    assert sum(p.numel() for p in same.parameters() if p.requires_grad) > 0
    with pytest.raises(ConfigError, match="trainable parameters"):
        load_trainable(
            tiny_model_config, LoraConfig(r=8, alpha=16), 64, 0, False, tmp_path / "adapter"
        )


# ---- the two requirement stacks (CI's GPU-pins environment) --------------------------------

# Pins that differ on purpose: unsloth 2026.10.7 caps transformers, trl and datasets (and
# transformers 5.17 needs huggingface_hub < 2); torch comes from the CUDA machine; unsloth exists
# only on the GPU stack. CI tests the first four on CPU (.ci/run, GPU-pins environment).
GPU_PINS_TESTED_IN_CI = ("transformers", "trl", "datasets", "huggingface_hub")
GPU_ONLY_DIFFERENCES = {*GPU_PINS_TESTED_IN_CI, "torch", "unsloth"}


def read_pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        requirement = line.split("#")[0].strip()
        if "==" in requirement:
            name, version = requirement.split("==")
            pins[name.split("[")[0].strip().lower()] = version.strip()
    return pins


def test_cpu_and_gpu_requirements_agree_except_where_documented() -> None:
    cpu = read_pins(REPO_ROOT / "requirements.txt")
    gpu = read_pins(REPO_ROOT / "requirements-gpu.txt")
    drift = {
        name: (cpu.get(name), gpu.get(name))
        for name in (cpu.keys() | gpu.keys()) - GPU_ONLY_DIFFERENCES
        if cpu.get(name) != gpu.get(name)
    }
    assert drift == {}, "pin these the same in both files, or document the difference"
    assert all(name in gpu for name in GPU_PINS_TESTED_IN_CI)
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    assert "|".join(GPU_PINS_TESTED_IN_CI) in ci, "CI overlays exactly these GPU pins"
