"""What a run will cost before it starts: tokens, wall time and peak memory per training stage.

Token counts come from the data itself (local files are counted with the model's tokenizer when
it is cached, else estimated at 1.35 tokens per word); released hub datasets use their published
sizes, so a dry run downloads nothing. Time = tokens × epochs / throughput, with throughput
constants measured by bench/ (see docs/benchmarks.md); memory = weights + LoRA and Adam state +
activations.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from stages.agentic_config import AgenticConfig
from stages.arms import training_stages
from stages.config import EMBEDDED_MODEL, CheeseConfig, LoraConfig, ModelConfig, TrainConfig
from stages.data import is_hub, read_jsonl
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
# Training tokens/s by (device class, stage kind). CPU: SmolLM2-135M, LoRA r16, bf16 autocast,
# 2 cores (docs/benchmarks.md). GPU rows are predictions for an 8B model from the BRIEF §7
# anchors until bench/ measures them on a lent GPU.
THROUGHPUT = {
    ("cpu", "documents"): 200.0,
    ("cpu", "chats"): 110.0,
    ("gpu-8b", "documents"): 3_000.0,
    ("gpu-8b", "chats"): 2_000.0,
}
PARAMS = {EMBEDDED_MODEL: 135e6, "default": 8.0e9}
# Per-layer (hidden, layers, projections' in+out dims) for LoRA size: Llama-3.1-8B and SmolLM2.
SHAPES = {EMBEDDED_MODEL: (576, 30, 1536), "default": (4096, 32, 14336)}


@dataclass
class StageEstimate:
    stage: str
    rows: int
    tokens: int
    seconds: float
    peak_gb: float
    note: str


def source_size(source: str, max_rows: float) -> tuple[int, int]:
    """(rows, tokens) of one data source, capped at max_rows."""
    if is_hub(source):
        rows, tokens = HUB_SIZES.get(source[4:], (0, 0))
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


def lora_params(model: ModelConfig, lora: LoraConfig) -> float:
    hidden, layers, inner = SHAPES.get(model.name, SHAPES["default"])
    # q,k,v,o ~ hidden->hidden (k,v smaller under GQA; counted full: an upper bound);
    # gate, up: hidden->inner; down: inner->hidden. LoRA adds r*(in+out) per projection.
    per_layer = 4 * lora.r * 2 * hidden + 3 * lora.r * (hidden + inner)
    return per_layer * layers


def peak_memory_gb(model: ModelConfig, lora: LoraConfig, train: TrainConfig, gpu: bool) -> float:
    params = PARAMS.get(model.name, PARAMS["default"])
    weights = params * (0.56 if model.load_in_4bit else 2.0 if gpu else 4.0)
    adapter = lora_params(model, lora) * 16  # fp32 weight, grad, Adam m and v
    hidden, layers, _ = SHAPES.get(model.name, SHAPES["default"])
    tokens = train.batch_size * train.max_seq_len
    # Activations kept for backward: ~34 bytes per token per hidden unit per layer without
    # checkpointing, ~2 with it (Korthikanti et al. 2022, rounded), plus fp32 logits.
    per_unit = 2 if train.gradient_checkpointing else 34
    activations = tokens * hidden * layers * per_unit + tokens * 49_152 * 4
    overhead = 0.8e9 if gpu else 1.5e9  # CUDA context / Python + torch on CPU
    return (weights + adapter + activations + overhead) / 2**30


def estimate_job(stage: str, job: TrainJob, gpu: bool) -> StageEstimate:
    rows = tokens = 0
    for source, max_rows in job.sources:
        r, t = source_size(source, max_rows)
        rows, tokens = rows + r, tokens + t
    if 0 < job.train.max_rows < rows:
        tokens, rows = int(tokens * job.train.max_rows / rows), job.train.max_rows
    device = "gpu-8b" if gpu else "cpu"
    seconds = tokens * job.train.epochs / THROUGHPUT[(device, job.kind)]
    note = "measured throughput" if not gpu else "predicted throughput (no GPU measurement yet)"
    peak = peak_memory_gb(job.model, job.lora, job.train, gpu)
    return StageEstimate(stage, rows, tokens, seconds, peak, note)


def print_plan(cfg: CheeseConfig | AgenticConfig, plans: list, run_dir: Path) -> None:
    """The stages a run will execute, with tokens, predicted time and peak memory, and which
    are already finished in `run_dir` (they will be skipped)."""
    from rich.console import Console
    from rich.table import Table

    from stages.model import has_cuda

    gpu = has_cuda()
    table = Table(title=f"Plan: {cfg.description} (preset {cfg.preset}) → {run_dir}")
    for column in ("stage", "rows", "tokens", "time", "peak mem", "status"):
        table.add_column(column, justify="left" if column in ("stage", "status") else "right")
    stages = training_stages(plans)
    total = 0.0
    for stage, job in stages.items():
        estimate = estimate_job(stage, job, gpu)
        done = (run_dir / stage / "manifest.json").exists()
        total += 0 if done else estimate.seconds
        table.add_row(
            stage,
            f"{estimate.rows:,}",
            f"{estimate.tokens * job.train.epochs:,.0f}",
            _minutes(estimate.seconds),
            f"{estimate.peak_gb:.1f} GB",
            "done" if done else "",
        )
    console = Console()
    console.print(table)
    evals = [p.eval_stage for p in plans]
    device = "GPU (predicted throughput)" if gpu else "CPU (measured throughput)"
    console.print(
        f"{len(stages)} training stages, {len(evals)} eval stages; training ≈ {_minutes(total)} "
        f"remaining on {device}, plus evaluation."
    )


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min" if seconds < 5400 else f"{seconds / 3600:.1f} h"
