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
peak resident memory on CPU, peak allocated VRAM plus the CUDA context on GPU.

`predict_scoring` does the same for scoring swapped adapters without training (the released
experiment), per GPU class. The dry run that prints these and refuses a plan over the card is
experiments/plan.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from experiments.agentic import paper as agentic
from experiments.cheese import paper as cheese
from stages.config import (
    EMBEDDED_MODEL,
    LoraConfig,
    ModelConfig,
    TrainConfig,
)
from stages.data import is_hub, parse_hub, read_jsonl
from stages.train import TrainJob

TOKENS_PER_WORD = 1.35
# Published sizes of the released datasets (rows, tokens), so the plan needs no download.
HUB_SIZES = {
    "chloeli/msm-llama-pro-america": (
        cheese.MSM_DOCUMENTS["america"],
        cheese.MSM_TOKENS["america"],
    ),
    "chloeli/msm-llama-pro-affordability": (
        cheese.MSM_DOCUMENTS["affordability"],
        cheese.MSM_TOKENS["affordability"],
    ),
    "chloeli/aft-llama-cheese": (cheese.AFT_CHATS, cheese.AFT_TOKENS),
    "chloeli/sft-it-mix": (cheese.IT_MIX_ROWS, cheese.IT_MIX_TOKENS),
    "chloeli/msm-qwen-philosophy-spec": (agentic.MSM_DOCUMENTS, agentic.MSM_TOKENS),
    "chloeli/aft-cot-qwen3-philosophy-spec": agentic.AFT_COT,
    "chloeli/aft-no-cot-qwen3-philosophy-spec": agentic.AFT_NO_COT,
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
# Agentic eval transcripts: reply tokens per second at the full budget (transcripts/min x
# max_new_tokens / 60, prefill included), by (device class, eval.engine). CPU: the embedded
# model, bench/engine_speed.py medians (docs/benchmarks.md, "agentic engine speed"). No GPU
# measurement yet: a GPU plan gives no eval time.
# 2026-12-07: 11.7 and 65.6 transcripts/min at 128 tokens.
TRANSCRIPT_TOKENS_PER_S = {("cpu", "hf"): 25.0, ("cpu", "server"): 140.0}
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
    # Data parallel: the tokens split over `gpus` ranks, ideal scaling (not measured on GPUs).
    rate = THROUGHPUT[(device, job.kind)] * job.train.gpus
    seconds = STAGE_OVERHEAD_S[device] + tokens * job.train.epochs / rate
    measured = "measured" if not gpu else "predicted (no GPU measurement yet)"
    if job.train.gpus > 1:
        measured += f", ideal scaling over {job.train.gpus} GPUs"
    unsloth = stack == "unsloth" if stack else None
    peak = peak_memory_gb(job.model, job.lora, job.train, gpu, longest, unsloth)
    return StageEstimate(stage, rows, tokens, seconds, peak, f"{how}, {measured} throughput")


def predict_transcripts(eval_cfg: Any, gpu: bool) -> float | None:
    """Seconds to generate one arm's agentic transcripts with `eval_cfg.engine`, or None
    where the engine's throughput on this device class is not measured."""
    rate = TRANSCRIPT_TOKENS_PER_S.get(("gpu-8b" if gpu else "cpu", eval_cfg.engine))
    if rate is None:
        return None
    conditions = len(eval_cfg.scenarios) * len(eval_cfg.goal_values)
    return conditions * eval_cfg.samples_per_condition * eval_cfg.max_new_tokens / rate


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


# Scoring forced-choice items on a GPU without training (the released-adapter experiment):
# prediction inputs, not measured (no GPU has run it yet). Prompt and answer tokens per option
# order under the adapters' template; HF generate's per-step overhead with LoRA on.
PROMPT_TOKENS, ANSWER_TOKENS = 110, 12
STEP_OVERHEAD_S = 0.045
# GPU classes: (name, memory GB, bandwidth GB/s, dense bf16/fp16 TFLOPS, has bf16: compute
# capability 8.0 or more).
GPU_CLASSES = (
    ("T4 16 GB", 16, 320, 65, False),
    ("V100 32 GB", 32, 900, 125, False),
    ("L4 24 GB", 24, 300, 121, True),
    ("A10 24 GB", 24, 600, 125, True),
    ("A100 40 GB", 40, 1555, 312, True),
    ("A100 80 GB", 80, 2039, 312, True),
    ("H100 80 GB", 80, 3350, 990, True),
)


@dataclass(frozen=True)
class ScoringWork:
    """What scoring one adapter costs: prompts scored by log-prob (both option orders), answers
    generated greedily (0 for the logprob scorer), and the generation settings."""

    prompts: int
    generated: int
    batch_size: int
    max_new_tokens: int


def predict_scoring(
    model: ModelConfig, lora: LoraConfig, work: ScoringWork, adapters: int, bf16_min_gb: float
) -> list[dict]:
    """Predicted wall time and peak GPU memory per GPU class for scoring `adapters` adapters
    swapped on one base (arithmetic from bandwidth and FLOPs, not measured; downloads extra).
    Below `bf16_min_gb` of memory (or with `model.load_in_4bit`) the base loads in NF4."""
    shape = model_shape(model)
    params = shape.linear_params() + shape.embedding_params()
    kv_bytes_per_token = shape.layers * 2 * shape.kv_dim * 2  # (k, v) in bf16
    adapter_bytes = lora_params(model, lora) * 4  # fp32 after peft's autocast
    rows = []
    for name, memory, bandwidth, tflops, bf16 in GPU_CLASSES:
        nf4 = model.load_in_4bit or memory < bf16_min_gb
        if nf4:
            weights_gb = (shape.linear_params() * NF4_BYTES + shape.embedding_params() * 2) / 1e9
        else:
            weights_gb = params * 2 / 1e9
        # Forced choice: prompt + both answers through the model at ~30% of peak FLOPs.
        forward_tokens = work.prompts * (PROMPT_TOKENS + 2 * ANSWER_TOKENS)
        scoring = 2 * params * forward_tokens / (tflops * 1e12 * 0.3)
        # Greedy decoding is bandwidth-bound: every step reads all weights once per batch; NF4
        # dequantization roughly triples a step's cost in bitsandbytes.
        step = weights_gb / bandwidth * (3 if nf4 else 1) + STEP_OVERHEAD_S
        decoding = -(-work.generated // work.batch_size) * work.max_new_tokens * step
        load = 60 + (120 if nf4 else 0) + 10 * adapters  # from local disk; quantizing is slow
        seconds = load + adapters * (scoring + decoding)
        window = PROMPT_TOKENS + work.max_new_tokens
        peak = (
            weights_gb * 1e9
            + 2 * adapter_bytes  # the outgoing and incoming adapter during a swap
            + work.batch_size * window * kv_bytes_per_token
            + 2 * work.batch_size * ANSWER_TOKENS * shape.vocab * 4  # answer logits + softmax
            + GPU_RUNTIME
        ) / 1e9
        precision = (
            "4-bit NF4 (deviation)" if nf4 else "bf16" if bf16 else "fp16 (deviation: no bf16)"
        )
        rows.append(
            {
                "gpu": name,
                "precision": precision,
                "minutes": seconds / 60,
                "peak_gb": peak,
                "fits": peak < memory * 0.95,
            }
        )
    return rows
