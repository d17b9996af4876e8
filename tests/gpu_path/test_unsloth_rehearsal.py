"""The GPU path rehearsed on CPU: stack choice and import order, the real unsloth
trainer on a checkpoint shaped like the real base (tests/fakes/unsloth stands in only for its
CUDA-only loader and fast forward), chat masks, dtype per GPU, memory per stage, continued
adapters, preset choice and the dry run's refusal, and the two requirement stacks kept in step.

Tests that need the real unsloth skip where it is not installed (the CPU stack: its pins are
newer than unsloth's caps); CI's GPU-pins run installs it and sets MSM_KIT_REQUIRE_UNSLOTH=1,
which turns that skip into a failure."""

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
from tests import REPO
from tests.fakes import unsloth as unsloth_cpu

pytestmark = pytest.mark.gpu_path
FAKES = REPO / "tests" / "fakes"
REQUIRE_UNSLOTH = "MSM_KIT_REQUIRE_UNSLOTH"


@pytest.fixture(scope="module")
def real_unsloth() -> None:
    """Skip without the real unsloth, unless this run promised to have it."""
    if unsloth_cpu.available():
        return
    if os.environ.get(REQUIRE_UNSLOTH) == "1":
        pytest.fail(f"{REQUIRE_UNSLOTH}=1 but unsloth and unsloth_zoo are not both installed")
    pytest.skip("needs the real unsloth 2026.10.7 (installed in CI's GPU-pins run, .ci/run)")


def unsloth_env() -> dict[str, str]:
    """A child process that takes the unsloth path on CPU (it calls unsloth_cpu.prepare())."""
    return {
        **os.environ,
        # Kept after ours: CI's GPU-pins environment overlays its libraries through PYTHONPATH.
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.getenv("PYTHONPATH", "")]),
        "OMP_NUM_THREADS": "1",
    }


# ---- import order --------------------------------------------------------------------------


def test_replicate_imports_unsloth_before_trl_transformers_and_peft(real_unsloth, tmp_path) -> None:
    """The entry point imports the real unsloth first: nothing it patches was imported before."""
    script = (
        "from tests.fakes import unsloth as unsloth_cpu\n"
        "unsloth_cpu.prepare()\n"
        "import sys, replicate\n"
        "replicate.main(['--preset', 't4', '--dry-run', '--experiments', 'cheese'])\n"
        "print('BEFORE', unsloth_cpu.IMPORTED_BEFORE)\n"
        "print('REAL', sys.modules['unsloth'].__file__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**unsloth_env(), "UNSLOTH_COMPILE_LOCATION": str(tmp_path / "compiled")},
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "BEFORE []" in result.stdout
    assert "Stack: unsloth" in result.stdout
    real = result.stdout.split("REAL ", 1)[1].strip()
    assert Path(real).parent.parent != FAKES, "the real unsloth, not a stand-in"


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


@pytest.mark.skipif(torch.cuda.is_available(), reason="a GPU is here: unsloth imports")
def test_real_unsloth_without_a_gpu_raises_what_the_kit_catches(real_unsloth) -> None:
    """accel.import_unsloth_first treats NotImplementedError as "no unsloth here"."""
    env = {k: v for k, v in unsloth_env().items() if k != "UNSLOTH_ALLOW_CPU"}
    result = subprocess.run(
        [sys.executable, "-c", "import unsloth"],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "NotImplementedError: Unsloth cannot find any torch accelerator" in result.stderr


# ---- one arm through the real unsloth trainer, and its manifest ----------------------------


@pytest.fixture(scope="module")
def rehearsal(real_unsloth, embedded_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    from tests.fakes.checkpoints import tiny_checkpoint

    out = tmp_path_factory.mktemp("rehearsal")
    llama = tiny_checkpoint("llama3", embedded_dir, out / "llama")
    qwen = tiny_checkpoint("qwen3", embedded_dir, out / "qwen")
    result = subprocess.run(
        [sys.executable, str(FAKES / "rehearsal.py"), str(llama), str(qwen), str(out)],
        env={**unsloth_env(), "UNSLOTH_COMPILE_LOCATION": str(out / "compiled")},
        cwd=out,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads((out / "rehearsal.json").read_text())


def test_rehearsal_trains_with_unsloths_compiled_trainer(rehearsal: dict) -> None:
    assert Path(rehearsal["unsloth_file"]).parent.parent != FAKES
    assert rehearsal["imported_before_unsloth"] == []
    trainers = rehearsal["trainers"]
    assert [t["class"] for t in trainers] == ["UnslothSFTTrainer"] * 2, "both stages"
    assert all(t["loss_type"] == "nll" and t["padding_free"] is False for t in trainers)
    for record in rehearsal["manifests"].values():
        assert record["steps"] > 0
        assert all(loss == loss and loss > 0 for loss in record["loss_history"])  # not NaN


def test_untrained_chat_tokens_stop_unsloth_and_the_kit_says_so_first(rehearsal: dict) -> None:
    """Llama 3.1's instruct template on the base-shaped checkpoint: the real trainer refuses
    (what a first GPU run hit); the kit's load refuses first, in one line, with the fix; the
    default template (llama3_base) trained both stages above."""
    untrained = rehearsal["untrained"]
    assert "Untrained tokens" in untrained["trainer_error"]
    assert "<|eot_id|>" in untrained["trainer_error"]
    assert "model.chat_template=llama3_base" in untrained["kit_error"]
    assert "\n" not in untrained["kit_error"]


def test_unsloth_packs_documents_apart_only_with_the_kits_eos(rehearsal: dict) -> None:
    """unsloth packs raw text rows without EOS (and Qwen3 has no BOS: nothing separates
    documents); the kit's encoded rows carry one EOS per document through unsloth's packing."""
    for family, packed in rehearsal["packed"].items():
        assert packed["raw"]["eos"] == 0, family
        assert packed["kit"]["eos"] == packed["kit"]["documents"], family
    assert rehearsal["packed"]["qwen3"]["kit"]["bos"] == 0
    assert (
        rehearsal["packed"]["llama3"]["kit"]["bos"]
        == rehearsal["packed"]["llama3"]["kit"]["documents"]
    )
    msm = rehearsal["trainers"][0]
    assert msm["eos"] == msm["rows"], "the MSM stage's documents, one EOS each"


def test_unsloth_trains_on_the_eos_that_ends_each_document(rehearsal: dict) -> None:
    """The tiny checkpoints' pad is their EOS, as SmolLM2's and llama3_base's are. unsloth_zoo
    sets transformers' collator (labels -100 wherever the token is the pad) for `input_ids`
    rows, but trl's own, built first, replaces it at `Trainer.__init__`: only padding is masked,
    so each document's closing EOS is a target on both stacks, as trl's collator makes it."""
    from trl.trainer.sft_trainer import DataCollatorForLanguageModeling

    for family, packed in rehearsal["packed"].items():
        batch = packed["kit"]["first_batch"]
        assert batch["pad"] == batch["eos"], family
        assert batch["collator"] == "trl.trainer.sft_trainer", family
        tokens = [
            (token, label, attended)
            for row in zip(
                batch["input_ids"], batch["labels"], batch["attention_mask"], strict=True
            )
            for token, label, attended in zip(*row, strict=True)
        ]
        closing = [label for token, label, attended in tokens if token == batch["eos"] and attended]
        assert closing and closing == [batch["eos"]] * len(closing), family
        assert all(label == -100 for _, label, attended in tokens if not attended), family
        rows = [
            {"input_ids": [token for token, attended in zip(ids, mask, strict=True) if attended]}
            for ids, mask in zip(batch["input_ids"], batch["attention_mask"], strict=True)
        ]
        stock = DataCollatorForLanguageModeling(pad_token_id=batch["pad"])(rows)
        assert stock["labels"].tolist() == batch["labels"], family


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
        device = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu"
        assert record["device"] == device and record["dtype"] == accel.training_dtype()
        assert {"torch", "transformers", "trl", "peft", "unsloth"} <= set(record["versions"])
        assert record["versions"]["unsloth"] == rehearsal["unsloth_version"]


def test_eval_load_returns_logits_in_inference_mode(rehearsal: dict) -> None:
    assert rehearsal["eval_loader"] == "unsloth"
    assert rehearsal["return_logits_after_eval_load"] == "1"
    assert rehearsal["calls"][-1] == "for_inference"
    assert len(rehearsal["scores"]) == 2 and all(s < 0 for s in rehearsal["scores"])


# Fields unsloth's SFTConfig defaults differently that do not change what a training step
# computes: evaluation, parallelism, worker counts, logging filters, cache flushing.
UNSLOTH_DEFAULTS_WITHOUT_EFFECT = {
    "context_parallel_backend",
    "context_parallel_size",
    "context_parallel_rotate_method",
    "dataset_num_proc",
    "eval_accumulation_steps",
    "per_device_eval_batch_size",
    "torch_empty_cache_steps",
    "unsloth_num_chunks",
    "logging_nan_inf_filter",
    "gradient_checkpointing_kwargs",
}


def test_training_settings_do_not_depend_on_unsloths_defaults(rehearsal) -> None:
    """Every SFTConfig default the real unsloth changes, and that matters, is set by the kit:
    the config it builds under unsloth equals the one it builds on stock trl."""
    from trl import SFTConfig

    from stages.config import TrainConfig
    from stages.train import TrainJob, sft_config

    def as_json(config: object) -> dict:
        return json.loads(json.dumps(config.to_dict(), default=str))

    job = TrainJob("chats", ModelConfig(), LoraConfig(), TrainConfig(), [], 0)
    reference = as_json(sft_config(job, Path("out")))
    stock = as_json(SFTConfig(output_dir="out", use_cpu=True))
    theirs = rehearsal["unsloth_defaults"]
    changed = {name for name in theirs.keys() | stock.keys() if theirs.get(name) != stock.get(name)}
    changed -= UNSLOTH_DEFAULTS_WITHOUT_EFFECT
    assert {"learning_rate", "optim", "seed", "padding_free"} <= changed  # the real ones
    under_unsloth = rehearsal["sft_config"]
    assert {name: under_unsloth.get(name) for name in changed} == {
        name: reference.get(name) for name in changed
    }


# ---- the CPU stand-ins behave like unsloth where the kit depends on them -------------------


def test_stand_in_get_peft_model_refuses_a_second_adapter(tiny_llama_dir) -> None:
    """unsloth/models/llama.py: the same LoRA settings return the model, others TypeError."""
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(tiny_llama_dir)
    lora = dict(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"])
    model = unsloth_cpu.get_peft_model(model, **lora)
    assert unsloth_cpu.get_peft_model(model, **lora) is model
    with pytest.raises(TypeError, match="already has LoRA adapters"):
        unsloth_cpu.get_peft_model(model, **{**lora, "r": 8})


# ---- chat masks ----------------------------------------------------------------------------

LLAMA3_SPECIALS = [
    *("<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>"),
    "<|eot_id|>",
]


@pytest.mark.parametrize("family", ["chatml", "llama3", "llama3_base", "qwen3"])
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
                llama = family.startswith("llama3")
                content = message["content"].strip() if llama else message["content"]
                text = content + END_OF_TURN[family]
                independent += len(tokenizer(text, add_special_tokens=False)["input_ids"])
    assert kit == independent > 0
    labels = encoded[0]["labels"]
    assert labels[0] == -100, "the prompt is never trained on"
    trained = [label for label in labels if label != -100]
    assert trained[-1] == tokenizer.convert_tokens_to_ids(END_OF_TURN[family])


# ---- dtype per GPU -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("capability", "dtype"), [((7, 5), "fp16"), ((8, 0), "bf16"), ((9, 0), "bf16")]
)
def test_dtype_follows_compute_capability(monkeypatch, capability, dtype) -> None:
    monkeypatch.setattr(accel, "has_cuda", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda *a: capability)
    # A T4 answers True here through emulation (docs/platform.md): it must not decide.
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    assert accel.training_dtype() == dtype


# ---- preset per card and the dry run's stack and refusal -----------------------------------


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


# ---- memory per stage ----------------------------------------------------------------------


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


# ---- continuing an adapter -----------------------------------------------------------------


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
# transformers 5.17 needs huggingface_hub < 2); unsloth and unsloth_zoo exist only on the GPU
# stack; torch comes from the CUDA machine. CI overlays all but torch on CPU (.ci/run,
# GPU-pins environment).
GPU_PINS_TESTED_IN_CI = (
    *("transformers", "trl", "datasets", "huggingface_hub", "unsloth", "unsloth_zoo"),
)
GPU_ONLY_DIFFERENCES = {*GPU_PINS_TESTED_IN_CI, "torch"}


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
    assert "MSM_KIT_REQUIRE_UNSLOTH=1" in ci, "CI must fail, not skip, without unsloth"
