"""What a run will cost before it starts: tokens, wall time and peak memory per training stage.

Tokens: local data is tokenized exactly as trl will see it (the job's own rows via
`train.build_dataset`, documents plus their end-of-sequence token, chats through the chat
template and truncated at `max_seq_len`) whenever the model's tokenizer is available offline;
otherwise 1.35 tokens per word. Released hub datasets use their published sizes, so a dry run
downloads nothing.

Time = a fixed per-stage start-up + tokens × epochs / throughput, with throughput constants
measured by bench/train_speed.py (docs/benchmarks.md has the measurements and the
predicted-vs-measured check).

Memory = weights (fp32 on CPU; NF4 linears + embeddings in 4-bit) + LoRA weight, gradient
and Adam state + activations of the largest micro-batch + logits + a fixed runtime overhead:
peak resident memory on CPU, peak allocated VRAM plus the CUDA context on GPU. GPU plans use the
stack that will really load (`stages.accel.planned_stack`) and are refused over 85% of the card.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from experiments.agentic.config import AgenticConfig
from experiments.chains import training_stages
from experiments.cheese.config import CheeseConfig
from stages.config import (
    EMBEDDED_MODEL,
    ConfigError,
    LoraConfig,
    ModelConfig,
    TrainConfig,
    config_hash,
    hash_view,
)
from stages.data import is_hub, parse_hub, read_jsonl
from stages.manifest import check_finished
from stages.train import TrainJob

TOKENS_PER_WORD = 1.35
# Published sizes of the released datasets (rows, tokens), so the plan needs no download.
HUB_SIZES = {
    "chloeli/msm-llama-pro-america": (6_400, 9_500_000),
    "chloeli/msm-llama-pro-affordability": (4_600, 7_100_000),
    "chloeli/aft-llama-cheese": (5_000, 320_000),
    "chloeli/sft-it-mix": (13_500, 2_000_000),
    "chloeli/msm-qwen-philosophy-spec": (13_201, 41_000_000),
    "chloeli/aft-cot-qwen3-philosophy-spec": (10_000, 12_000_000),
    "chloeli/aft-no-cot-qwen3-philosophy-spec": (10_000, 6_000_000),
}
# Training tokens/s (non-padding input tokens) by (device class, stage kind).
# CPU: SmolLM2-135M, LoRA r16, bf16 autocast, 2 shared cores, the tiny preset's batch shapes;
# bench/train_speed.py medians (docs/benchmarks.md, "CPU results"). They halve when another
# job holds one of the two cores, so a busy machine runs up to ~2x over the plan.
# GPU rows are predictions for an 8B model in NF4 with unsloth on a 24 GB L4/A10-class card,
# scaled from a published third-party figure (7B 4-bit LoRA, unsloth, A100: ~3.7k tokens/s) by
# dense bf16 throughput (an L4 has ~0.4x an A100's; a T4 ~0.2x, so expect ~2x longer there). Not
# yet measured: run bench/random_8b.py on a lent GPU and replace them.
THROUGHPUT = {
    ("cpu", "documents"): 200.0,
    ("cpu", "chats"): 210.0,
    ("gpu-8b", "documents"): 1_500.0,
    ("gpu-8b", "chats"): 1_200.0,
}
# Seconds per stage outside the token loop: model load, tokenization, trainer set-up, checkpoint
# saves (CPU: measured ~1.5 s with the 135M model; GPU: loading and quantizing 8B weights,
# predicted). Python's imports happen once per run, not per stage.
STAGE_OVERHEAD_S = {"cpu": 3.0, "gpu-8b": 120.0}

# Peak-memory model constants (bytes). The CPU ones are fitted to peak resident memory of
# SmolLM2-135M documents training (bench/train_speed.py workers at 128 to 4096 tokens per
# micro-batch: linear, 2.2 MB per token, 1.4 GiB at zero; docs/benchmarks.md). GPU ones are
# predictions until bench/random_8b.py runs on a lent GPU.
# Resident memory of Python + torch + transformers + trl + datasets before the model loads.
CPU_RUNTIME = 0.9e9
# CUDA context and allocator slack that max_memory_allocated does not show.
GPU_RUNTIME = 0.8e9
# Activations kept for backward per token, per hidden unit, per layer. CPU (fp32 weights, bf16
# autocast, no checkpointing) fitted: autocast saves a bf16 copy of each projection's input,
# LoRA's too, beside the fp32 residual stream. GPU counts the tensors a bf16 Llama layer saves:
# ~8 hidden-sized and ~4 intermediate-sized values, 2 bytes each (in `peak_memory_gb`).
CPU_ACTIVATION = 106.0
# With gradient checkpointing only each layer's input survives (bytes per hidden unit: bf16 on
# GPU, fp32 residual on CPU; unsloth's checkpointing offloads it to host RAM), plus one layer's
# full working set during its recomputation.
CHECKPOINT_BOUNDARY = {"cpu": 4.0, "gpu": 2.0, "gpu-unsloth": 0.0}
# Logits per token per vocabulary entry. trl >= 1.15 never materialises the full logits: its
# fused LM head projects and scores tokens in chunks (an fp32 chunk and its softmax), so the
# cost is small on CPU and plain GPU alike; unsloth's fused cross-entropy chunks the vocabulary
# too.
LOGIT_BYTES = {"cpu": 8.0, "gpu": 8.0, "gpu-unsloth": 2.0}
NF4_BYTES = 0.516
# A plan may use this share of the card: the rest is fragmentation, the eval stages' generation
# cache and what the estimate misses.
CARD_BUDGET = 0.85
# Usable memory torch reports for each GPU preset's target card (T4, L4/A10, A100/H100 80 GB):
# a dry run planned on a machine without that card checks against it.
PRESET_CARD_GIB = {"t4": 14.7, "24gb": 22.2, "paper": 79.3}
TRAIN_SECTION = {"documents": "midtrain", "chats": "aft"}


@dataclass(frozen=True)
class Shape:
    """The dimensions that decide LoRA size and memory; `q_dim` = heads × head_dim."""

    hidden: int
    layers: int
    intermediate: int
    q_dim: int
    kv_dim: int
    vocab: int
    tied: bool

    def projections(self) -> dict[str, tuple[int, int]]:
        h, q, kv, inter = self.hidden, self.q_dim, self.kv_dim, self.intermediate
        return {
            "q_proj": (h, q),
            "k_proj": (h, kv),
            "v_proj": (h, kv),
            "o_proj": (q, h),
            "gate_proj": (h, inter),
            "up_proj": (h, inter),
            "down_proj": (inter, h),
        }

    def linear_params(self) -> int:
        return self.layers * sum(i * o for i, o in self.projections().values())

    def embedding_params(self) -> int:
        return self.vocab * self.hidden * (1 if self.tied else 2)


# Published configurations; other hub names fall back by family (see `model_shape`).
SHAPES = {
    EMBEDDED_MODEL: Shape(576, 30, 1536, 576, 192, 49_152, True),
    "llama3.1-8b": Shape(4096, 32, 14_336, 4096, 1024, 128_256, False),
    "qwen3-8b": Shape(4096, 36, 12_288, 4096, 1024, 151_936, False),
    "qwen3-32b": Shape(5120, 64, 25_600, 8192, 1024, 151_936, False),
}


@dataclass
class StageEstimate:
    stage: str
    rows: int
    tokens: int
    seconds: float
    peak_gb: float
    note: str


def model_shape(model: ModelConfig) -> Shape:
    """Dimensions of the configured model: a local checkpoint's config.json, the embedded
    model, or the published shape of the hub model's family."""
    if model.name in SHAPES:
        return SHAPES[model.name]
    config_file = Path(model.name) / "config.json"
    if config_file.exists():
        config = json.loads(config_file.read_text())
        heads = config["num_attention_heads"]
        head_dim = config.get("head_dim") or config["hidden_size"] // heads
        return Shape(
            config["hidden_size"],
            config["num_hidden_layers"],
            config["intermediate_size"],
            heads * head_dim,
            config.get("num_key_value_heads", heads) * head_dim,
            config["vocab_size"],
            bool(config.get("tie_word_embeddings", False)),
        )
    name = model.name.lower()
    if "qwen3-32b" in name:
        return SHAPES["qwen3-32b"]
    return SHAPES["qwen3-8b"] if "qwen" in name else SHAPES["llama3.1-8b"]


def lora_params(model: ModelConfig, lora: LoraConfig) -> float:
    """LoRA adds r × (in + out) parameters per targeted projection per layer."""
    shape = model_shape(model)
    projections = shape.projections()
    per_layer = sum(lora.r * sum(projections[name]) for name in lora.target_modules)
    return per_layer * shape.layers


def peak_memory_gb(
    model: ModelConfig,
    lora: LoraConfig,
    train: TrainConfig,
    gpu: bool,
    seq_len: int = 0,
    unsloth: bool | None = None,
) -> float:
    """Predicted peak memory of one training stage; `seq_len` is the longest micro-batch row
    (0 = `max_seq_len`: packed documents always fill it); `unsloth`: the stack that loads
    (None: what the config asks for)."""
    shape = model_shape(model)
    tokens = train.batch_size * min(seq_len or train.max_seq_len, train.max_seq_len)
    if unsloth is None:
        unsloth = model.use_unsloth and model.load_in_4bit
    unsloth = gpu and unsloth
    if model.load_in_4bit:
        # peft's prepare_model_for_kbit_training upcasts the unquantized embeddings and head to
        # fp32 on the plain stack; unsloth keeps them in bf16.
        weights = shape.linear_params() * NF4_BYTES + shape.embedding_params() * (
            2 if unsloth else 4
        )
    else:
        weights = (shape.linear_params() + shape.embedding_params()) * (2 if gpu else 4)
    adapter = lora_params(model, lora) * 16  # fp32 weight, gradient, Adam m and v
    device = "gpu-unsloth" if unsloth else "gpu" if gpu else "cpu"
    if gpu:
        per_layer = 2 * (8 * shape.hidden + 4 * shape.intermediate)
    else:
        per_layer = CPU_ACTIVATION * shape.hidden
    if train.gradient_checkpointing:
        kept = shape.layers * CHECKPOINT_BOUNDARY[device] * shape.hidden + per_layer
    else:
        kept = shape.layers * per_layer
    logits = LOGIT_BYTES[device] * shape.vocab
    runtime = GPU_RUNTIME if gpu else CPU_RUNTIME
    return (weights + adapter + tokens * (kept + logits) + runtime) / 2**30


def estimate_job(stage: str, job: TrainJob, gpu: bool, stack: str = "") -> StageEstimate:
    """`stack`: "unsloth" or "plain" on a GPU ("": what the config asks for)."""
    counted = _count_tokens(job)
    if counted is not None:
        rows, tokens, longest = counted
        how = "tokens counted"
    else:
        rows, tokens, longest = _approximate_size(job)
        how = "tokens approximated"
    device = "gpu-8b" if gpu else "cpu"
    seconds = STAGE_OVERHEAD_S[device] + tokens * job.train.epochs / THROUGHPUT[(device, job.kind)]
    measured = "measured" if not gpu else "predicted (no GPU measurement yet)"
    unsloth = stack == "unsloth" if stack else None
    peak = peak_memory_gb(job.model, job.lora, job.train, gpu, longest, unsloth)
    return StageEstimate(stage, rows, tokens, seconds, peak, f"{how}, {measured} throughput")


def _count_tokens(job: TrainJob) -> tuple[int, int, int] | None:
    """(rows, tokens, longest row) as trl will train on them, or None when a source is on the
    hub or the tokenizer is not available offline."""
    if any(is_hub(source) for source, _ in job.sources):
        return None
    tokenizer = _offline_tokenizer(job.model)
    if tokenizer is None:
        return None
    from stages.train import build_dataset

    dataset, _ = build_dataset(job)
    limit = job.train.max_seq_len
    if job.kind == "documents":
        # trl appends the end-of-sequence token to every document, then packs (no truncation).
        texts = [text + tokenizer.eos_token for text in dataset["text"]]
        lengths = [len(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"]]
        return len(lengths), sum(lengths), limit
    lengths = [
        min(len(tokenizer.apply_chat_template(messages, return_dict=True)["input_ids"]), limit)
        for messages in dataset["messages"]
    ]
    return len(lengths), sum(lengths), max(lengths, default=0)


def _offline_tokenizer(model: ModelConfig) -> Any | None:
    """The model's tokenizer with the kit's chat template, without converting or downloading."""
    from stages.model import apply_chat_template, cache_dir

    if model.name == EMBEDDED_MODEL:
        path = cache_dir() / "SmolLM2-135M-Instruct"
    else:
        path = Path(model.name)
    if not (path / "tokenizer_config.json").exists():
        return None  # a hub name: the tokenizer may not be cached, and a dry run never downloads
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path)
    apply_chat_template(tokenizer, model.chat_template)
    return tokenizer


def _approximate_size(job: TrainJob) -> tuple[int, int, int]:
    rows = tokens = 0
    for source, max_rows in job.sources:
        r, t = source_size(source, max_rows)
        rows, tokens = rows + r, tokens + t
    return rows, tokens, 0


def source_size(source: str, max_rows: float) -> tuple[int, int]:
    """(rows, tokens) of one data source, capped at max_rows."""
    if is_hub(source):
        rows, tokens = HUB_SIZES.get(parse_hub(source).name, (0, 0))
    else:
        records = read_jsonl(source)
        rows = len(records)
        words = sum(len(_text(r).split()) for r in records)
        tokens = int(words * TOKENS_PER_WORD)
    count = round(max_rows * rows) if 0 < max_rows < 1 else int(max_rows)
    if 0 < count < rows:
        tokens, rows = int(tokens * count / rows), count
    return rows, tokens


def _text(record: dict) -> str:
    if "text" in record:
        return record["text"]
    return " ".join(m["content"] for m in record.get("messages", []))


def stage_status(stage_dir: Path, current: object, redo_changed: bool = False) -> tuple[str, str]:
    """(status column, the line the run will print or stop with) for a stage whose config (as
    hashed: a TrainJob, or an eval stage's config dict) is `current`."""
    expected = config_hash(current)
    try:
        problem = check_finished(stage_dir, expected, hash_view(current), redo_changed)
    except ConfigError as err:
        return "config changed", str(err)
    if problem:
        status = "damaged: redo" if _recorded_hash(stage_dir) == expected else "changed: redo"
        return status, f"[redo] {stage_dir}: {problem}; the run will redo this stage"
    return ("done" if (stage_dir / "manifest.json").exists() else ""), ""


def _recorded_hash(stage_dir: Path) -> object:
    try:
        record = json.loads((stage_dir / "manifest.json").read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return None
    return record.get("config_hash") if isinstance(record, dict) else None


def eval_statuses(
    cfg: CheeseConfig | AgenticConfig, plans: list, run_dir: Path, trained: dict[str, str]
) -> list[tuple[str, str, str]]:
    """(eval stage, status, line) for every eval stage of the plan. One whose adapter is
    trained first (`trained`: training stage -> status) waits for it, and is redone after it
    when that stage's config or inputs changed."""
    from experiments.agentic import run as agentic
    from experiments.cheese import run as cheese

    configs = cheese.eval_configs if isinstance(cfg, CheeseConfig) else agentic.eval_configs
    found = []
    for plan in plans:
        last = plan.jobs[-1][0] if plan.jobs else ""
        if last and trained[last] != "done":
            changed = trained[last].startswith(("changed", "config changed"))
            for stage in configs(cfg, plan, None):  # names only: the adapter is not there yet
                if changed and (run_dir / stage / "manifest.json").exists():
                    line = (
                        f"[redo] {run_dir / stage}: the adapter it evaluates ({last}) is "
                        "trained again first; the run will redo this stage"
                    )
                    found.append((stage, "after training: redo", line))
                else:
                    found.append((stage, "after training", ""))
            continue
        adapter_dir = run_dir / last if last else None
        for stage, current in configs(cfg, plan, adapter_dir).items():
            found.append((stage, *stage_status(run_dir / stage, current, redo_changed=True)))
    return found


def print_plan(cfg: CheeseConfig | AgenticConfig, plans: list, run_dir: Path) -> None:
    """The stages a run will execute, with tokens, predicted time and peak memory, and which
    are already finished in `run_dir` (they will be skipped), damaged (redone) or finished with
    another config (the run stops: so does the dry run, with the same one-line error). Planned
    with the stack that will really load; a plan over the card's budget is refused (ConfigError)
    before anything runs."""
    from rich.table import Table

    from stages.accel import has_cuda, planned_stack
    from stages.console import table_console

    table = Table(title=f"Plan: {cfg.description} (preset {cfg.preset}) → {run_dir}")
    for column in ("stage", "rows", "tokens", "time", "peak mem", "status"):
        table.add_column(column, justify="left" if column in ("stage", "status") else "right")
    stages = training_stages(plans)
    total = 0.0
    # A preset for an 8B model only runs on a GPU: plan for one even on a CPU machine.
    gpu = has_cuda() or cfg.model.name != EMBEDDED_MODEL
    stack = planned_stack(cfg.model, gpu)
    estimates = {}
    notes: list[str] = []
    stop = ""
    trained: dict[str, str] = {}
    for stage, job in stages.items():
        estimate = estimate_job(stage, job, gpu, stack)
        estimates[stage] = estimate
        status, note = stage_status(run_dir / stage, job)
        trained[stage] = status
        if status.startswith("config changed"):
            stop = stop or note
        elif note:
            notes.append(note)
        total += 0 if status == "done" else estimate.seconds
        table.add_row(
            stage,
            f"{estimate.rows:,}",
            f"{estimate.tokens * job.train.epochs:,.0f}",
            _minutes(estimate.seconds),
            f"{estimate.peak_gb:.1f} GB",
            status,
        )
    evals = eval_statuses(cfg, plans, run_dir, trained)
    for stage, status, note in evals:
        table.add_row(stage, "", "", "", "", status)
        notes += [note] if note else []
    console = table_console()
    console.print(table)
    device = "GPU (predicted throughput)" if gpu else "CPU (measured throughput)"
    console.print(
        f"{len(stages)} training stages, {len(evals)} eval stages; training ≈ {_minutes(total)} "
        f"remaining on {device}, plus evaluation."
    )
    for note in notes:
        print(note)
    if stop:
        raise ConfigError(stop)
    if gpu:
        card = card_gib(cfg.preset)
        console.print(f"Stack: {STACK_NAMES[stack]}; card: {card:.1f} GiB usable.")
        check_fits(stages, estimates, stack, card)


STACK_NAMES = {
    "unsloth": "unsloth (4-bit QLoRA, fused kernels)",
    "plain": "plain transformers + bitsandbytes + peft (no unsloth)",
}


def card_gib(preset: str) -> float:
    """Usable memory of this machine's GPU, or of the preset's target card without one."""
    from stages.accel import has_cuda

    if has_cuda():
        import torch

        return torch.cuda.get_device_properties(0).total_memory / 2**30
    return PRESET_CARD_GIB.get(preset, PRESET_CARD_GIB["paper"])


def check_fits(
    stages: dict[str, TrainJob], estimates: dict[str, StageEstimate], stack: str, card: float
) -> None:
    """Refuse, in one line with an override that fits, a plan whose largest stage is predicted
    to need more than CARD_BUDGET of the card."""
    budget = CARD_BUDGET * card
    stage = max(estimates, key=lambda name: estimates[name].peak_gb)
    peak = estimates[stage].peak_gb
    if peak <= budget:
        return
    job = stages[stage]
    raise ConfigError(
        f"stage {stage} is predicted to peak at {peak:.1f} GiB with the {stack} stack, over "
        f"{CARD_BUDGET:.0%} of this {card:.1f} GiB card; try {fitting_override(job, stack, budget)}"
    )


def fitting_override(job: TrainJob, stack: str, budget: float) -> str:
    """The smallest change that brings `job` under `budget`: unsloth if it is off, then fewer
    rows per micro-batch (same rows per step), then shorter sequences."""
    import dataclasses

    if stack == "plain" and job.model.load_in_4bit:
        fits = peak_memory_gb(job.model, job.lora, job.train, True, unsloth=True) <= budget
        if fits and job.model.use_unsloth:
            return "installing unsloth (bash install.sh gpu)"
        if fits:
            return "model.use_unsloth=true"
    section, train = TRAIN_SECTION[job.kind], job.train
    unsloth = stack == "unsloth"
    while train.batch_size > 1 or train.max_seq_len > 256:
        if train.batch_size > 1:
            train = dataclasses.replace(
                train, batch_size=train.batch_size // 2, grad_accum=train.grad_accum * 2
            )
        else:
            train = dataclasses.replace(train, max_seq_len=train.max_seq_len // 2)
        if peak_memory_gb(job.model, job.lora, train, True, unsloth=unsloth) <= budget:
            changed = [
                f"{section}.{name}={getattr(train, name)}"
                for name in ("batch_size", "grad_accum", "max_seq_len")
                if getattr(train, name) != getattr(job.train, name)
            ]
            return " ".join(changed)
    return "a larger GPU (no batch size or sequence length fits)"


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min" if seconds < 5400 else f"{seconds / 3600:.1f} h"
