"""The 8B path without 8B weights: random-init Llama-3.1-8B / Qwen3-8B, in NF4, trained and scored.

    python -m bench.random_8b --arch llama3.1-8b                  # on a GPU: the real measurement
    python -m bench.random_8b --arch qwen3-8b --seq 2048 --batch 1 2 4
    python -m bench.random_8b --arch llama3.1-8b --layers 1 --vocab 512 --seq 64 --steps 2  # CPU

The model has the exact published configuration (8.03B / 8.19B parameters; `--layers` and
`--vocab` shrink it for CPU checks) with random bf16 weights, written once as a sharded
safetensors checkpoint under the kit cache, one shard at a time: host memory never holds more
than one ~1 GB shard, so a 16 GB-RAM GPU box can build it, and no hub access is needed. The
tokenizer is a byte-level one built in code (the ids are random anyway).

Each measurement then loads that checkpoint through the kit's own path (`stages.model.load_model`
in 4-bit NF4 and `add_lora` with the preset's rank on all 7 projections), trains `--steps`
optimizer steps with `stages.train.sft_config` on random token rows of exactly `--seq` tokens,
and scores a few forced-choice items with `eval.scoring.answer_logprobs`, checking them against
the naive reference. On CUDA it compares two stacks, alternating ABBA, each in its own process:
- `unsloth`: unsloth's loader, LoRA and gradient checkpointing (when unsloth imports),
- `plain`: transformers + bitsandbytes + peft, trl's gradient checkpointing,
and reports tokens/s, peak allocated and reserved VRAM, and whether each preset's batch fits.
Random weights make the loss meaningless, not the speed or memory: every op is the same.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import (
    abba,
    append_log,
    command_line,
    emit,
    load_average,
    markdown_table,
    median,
    paired_ratios,
    ratio_text,
    run_worker,
)

# Published configurations (config.json of meta-llama/Llama-3.1-8B and Qwen/Qwen3-8B).
ARCHS: dict[str, dict[str, Any]] = {
    "llama3.1-8b": {
        "model_type": "llama",
        "vocab_size": 128256,
        "hidden_size": 4096,
        "intermediate_size": 14336,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": 8,
        "head_dim": 128,
        "max_position_embeddings": 131072,
        "rms_norm_eps": 1e-5,
        "rope_theta": 500000.0,
        "rope_scaling": {
            "factor": 8.0,
            "low_freq_factor": 1.0,
            "high_freq_factor": 4.0,
            "original_max_position_embeddings": 8192,
            "rope_type": "llama3",
        },
        "tie_word_embeddings": False,
        "chat_template": "llama3_base",
    },
    "qwen3-8b": {
        "model_type": "qwen3",
        "vocab_size": 151936,
        "hidden_size": 4096,
        "intermediate_size": 12288,
        "num_hidden_layers": 36,
        "num_attention_heads": 32,
        "num_key_value_heads": 8,
        "head_dim": 128,
        "max_position_embeddings": 40960,
        "rms_norm_eps": 1e-6,
        "rope_theta": 1000000.0,
        "tie_word_embeddings": False,
        "chat_template": "qwen3",
    },
}
SPECIAL_TOKENS = (
    "<|begin_of_text|>",
    "<|end_of_text|>",
    "<|start_header_id|>",
    "<|end_header_id|>",
    "<|eot_id|>",
    "<|im_start|>",
    "<|im_end|>",
    "<think>",
    "</think>",
)
SHARD_BYTES = 1 << 30
STACKS = ("unsloth", "plain")
# Cards the GPU presets target: a preset's batch "fits" when peak reserved VRAM stays under
# this share of the card (room for the CUDA context, fragmentation and longer eval prompts).
CARDS_GB = {"t4": 15.0, "24gb": 22.5}
FIT_MARGIN = 0.85
COLUMNS = [
    *("stack", "seq", "batch", "tokens/s", "peak GB", "reserved GB", "pred GB", "fits", "notes")
]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--arch", choices=sorted(ARCHS), default="llama3.1-8b")
    parser.add_argument("--layers", type=int, default=0, help="0 = the real depth")
    parser.add_argument("--vocab", type=int, default=0, help="0 = the real vocabulary")
    parser.add_argument("--seq", type=int, nargs="+", default=[2048, 4096])
    parser.add_argument("--batch", type=int, nargs="+", default=[1])
    parser.add_argument("--rank", type=int, default=64, help="LoRA rank (alpha = 2 × rank)")
    parser.add_argument("--steps", type=int, default=5, help="optimizer steps; first is warm-up")
    parser.add_argument("--repeats", type=int, default=1, help="ABBA measurements per stack")
    parser.add_argument("--stacks", nargs="+", choices=STACKS, help="default: all that import")
    parser.add_argument("--keep", action="store_true", help="keep the random checkpoint")
    parser.add_argument("--no-log", action="store_true", help="print only; leave docs alone")
    parser.add_argument("--worker", choices=STACKS, help=argparse.SUPPRESS)
    parser.add_argument("--checkpoint", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def model_config(arch: str, layers: int = 0, vocab: int = 0) -> Any:
    """The transformers config of `arch`, optionally shallower or with a smaller vocabulary."""
    from transformers import AutoConfig

    settings = {k: v for k, v in ARCHS[arch].items() if k not in ("model_type", "chat_template")}
    if layers:
        settings["num_hidden_layers"] = layers
    if vocab:
        settings["vocab_size"] = vocab
    return AutoConfig.for_model(ARCHS[arch]["model_type"], **settings)


def byte_tokenizer(vocab_size: int) -> Any:
    """A byte-level tokenizer (256 byte tokens + the chat templates' special tokens): enough to
    render and encode any chat without downloading the real one."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    alphabet = pre_tokenizers.ByteLevel.alphabet()
    vocab = {char: index for index, char in enumerate(sorted(alphabet))}
    core = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    core.decoder = decoders.ByteLevel()
    core.add_special_tokens(list(SPECIAL_TOKENS))
    if core.get_vocab_size() > vocab_size:
        raise SystemExit(f"--vocab must be at least {core.get_vocab_size()} (the byte tokenizer)")
    return PreTrainedTokenizerFast(
        tokenizer_object=core,
        bos_token="<|begin_of_text|>",
        eos_token="<|end_of_text|>",
        pad_token="<|im_end|>",
    )


def write_checkpoint(arch: str, layers: int, vocab: int, target: Path) -> Path:
    """Random bf16 weights for `arch`, written shard by shard; reused when already complete."""
    import torch
    from safetensors.torch import save_file
    from transformers import AutoModelForCausalLM

    if (target / "complete").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    config = model_config(arch, layers, vocab)
    tokenizer = byte_tokenizer(config.vocab_size)
    config.bos_token_id = tokenizer.bos_token_id
    config.eos_token_id = tokenizer.eos_token_id
    config.pad_token_id = tokenizer.pad_token_id
    config.dtype = torch.bfloat16
    with torch.device("meta"):  # names and shapes only: no memory is allocated
        skeleton = AutoModelForCausalLM.from_config(config)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    generator = torch.Generator(device=device).manual_seed(0)
    weight_map: dict[str, str] = {}
    shard: dict[str, torch.Tensor] = {}
    shard_bytes, shard_names = 0, []

    def flush() -> None:
        nonlocal shard, shard_bytes
        name = f"model-{len(shard_names) + 1:05d}.safetensors"
        save_file(shard, target / name, metadata={"format": "pt"})
        weight_map.update(dict.fromkeys(shard, name))
        shard_names.append(name)
        shard, shard_bytes = {}, 0

    for name, meta in skeleton.state_dict().items():
        if name.endswith("norm.weight"):
            tensor = torch.ones(meta.shape, dtype=torch.bfloat16)
        else:  # std 0.02, the initializer_range of both configs
            tensor = torch.empty(meta.shape, dtype=torch.bfloat16, device=device)
            tensor.normal_(0.0, 0.02, generator=generator)
        shard[name] = tensor.cpu()
        shard_bytes += tensor.numel() * 2
        if shard_bytes >= SHARD_BYTES:
            flush()
    if shard:
        flush()
    (target / "model.safetensors.index.json").write_text(
        json.dumps({"metadata": {}, "weight_map": weight_map}, indent=1)
    )
    config.save_pretrained(target)
    tokenizer.save_pretrained(target)
    (target / "complete").write_text(time.strftime("%Y-%m-%d %H:%M"))
    return target


def checkpoint_dir(arch: str, layers: int, vocab: int) -> Path:
    from stages.model import cache_dir

    return cache_dir() / "random" / f"{arch}-L{layers or 'full'}-V{vocab or 'full'}"


def bench_job(checkpoint: Path, arch: str, stack: str, seq: int, batch: int, rank: int) -> Any:
    """A documents TrainJob with the paper's LoRA shape at `rank`, NF4, for the given stack."""
    from stages.config import LoraConfig, ModelConfig, TrainConfig
    from stages.train import TrainJob

    model = ModelConfig(
        name=str(checkpoint),
        display_name="Random",
        chat_template=ARCHS[arch]["chat_template"],
        is_base=True,
        load_in_4bit=True,
        use_unsloth=stack == "unsloth",
    )
    train = TrainConfig(batch_size=batch, grad_accum=1, max_seq_len=seq, learning_rate=1e-4)
    return TrainJob("documents", model, LoraConfig(r=rank, alpha=2 * rank), train, [], 0)


def worker(job: Any, steps: int) -> dict:
    """Load, train `steps` steps and score a few items; tokens/s and peak memory of each."""
    if job.model.use_unsloth:
        import unsloth  # noqa: F401  (first: unsloth patches transformers and trl on import)
    import torch
    from datasets import Dataset
    from trl import SFTTrainer

    from bench.common import peak_memory_gb, step_clock
    from eval.scoring import answer_logprobs, naive_answer_logprobs
    from experiments.estimate import THROUGHPUT
    from experiments.estimate import peak_memory_gb as predicted_peak_gb
    from stages.model import add_lora, load_model
    from stages.train import sft_config

    cuda = torch.cuda.is_available()
    started = time.perf_counter()
    model, tokenizer = load_model(job.model, job.train.max_seq_len)
    model = add_lora(model, job.lora, job.seed, job.train.gradient_checkpointing)
    load_seconds = time.perf_counter() - started
    load_peak = peak_memory_gb()
    import bitsandbytes as bnb

    nf4 = sum(isinstance(m, bnb.nn.Linear4bit) for m in model.modules())
    t = job.train
    generator = torch.Generator().manual_seed(0)
    # Byte tokens only (ids below 256): never the pad id, so every token counts as input.
    rows = torch.randint(0, 256, (steps * t.batch_size, t.max_seq_len), generator=generator)
    dataset = Dataset.from_dict({"input_ids": rows.tolist()})
    with tempfile.TemporaryDirectory() as output_dir:
        args = dataclasses.replace(
            sft_config(job, Path(output_dir)),
            max_steps=steps,
            save_strategy="no",
            disable_tqdm=True,
            include_num_input_tokens_seen="non_padding",
        )
        trainer = SFTTrainer(
            model=model, args=args, train_dataset=dataset, processing_class=tokenizer
        )
        clock = step_clock()
        trainer.add_callback(clock)
        trainer.train()
    train_peak = peak_memory_gb()
    reserved = round(torch.cuda.max_memory_reserved() / 2**30, 3) if cuda else train_peak
    train_model = trainer.accelerator.unwrap_model(trainer.model, keep_fp32_wrapper=False)

    family = job.model.chat_template
    questions = [f"Which do you prefer, option {i} or option {i + 1}?" for i in range(4)]
    conversations = [[{"role": "user", "content": q}] for q in questions] * 2
    answers = [f"I prefer option {i}." for i in range(4)] + [
        f"I prefer option {i + 1}." for i in range(4)
    ]
    began = time.perf_counter()
    fast = answer_logprobs(train_model, tokenizer, family, conversations, answers, batch_size=8)
    score_seconds = time.perf_counter() - began
    naive = naive_answer_logprobs(train_model, tokenizer, family, conversations, answers)
    record = {
        "stack": "unsloth" if job.model.use_unsloth else "plain",
        "loader": getattr(model, "msm_kit_loader", "transformers"),
        "seq": t.max_seq_len,
        "batch": t.batch_size,
        "load_s": round(load_seconds, 1),
        "load_peak_gb": load_peak,
        "nf4_linears": nf4,
        **clock.summary(),
        "peak_gb": train_peak,
        "reserved_gb": reserved,
        "score_items_per_s": round(len(questions) / score_seconds, 2),
        "score_max_diff": max(abs(a - b) for a, b in zip(fast, naive, strict=True)),
        # The dry run's model for this job (the shape comes from the checkpoint's config.json).
        "predicted_gb": round(predicted_peak_gb(job.model, job.lora, t, cuda), 2),
        "predicted_tokens_per_s": THROUGHPUT[("gpu-8b" if cuda else "cpu", job.kind)],
    }
    if record["loader"] == "unsloth":
        # Whether prefix reuse (skipped for unsloth models) would be exact here too.
        train_model.msm_kit_loader = "transformers"
        reused = answer_logprobs(train_model, tokenizer, family, conversations, answers)
        record["unsloth_prefix_reuse_diff"] = max(
            abs(a - b) for a, b in zip(reused, naive, strict=True)
        )
    return record


def available_stacks() -> list[str]:
    import torch

    has_unsloth = importlib.util.find_spec("unsloth") is not None
    return ["unsloth", "plain"] if torch.cuda.is_available() and has_unsloth else ["plain"]


def fits(reserved_gb: float) -> str:
    import torch

    if not torch.cuda.is_available():
        return "n/a (CPU)"
    cards = [card for card, size in CARDS_GB.items() if reserved_gb <= FIT_MARGIN * size]
    return ", ".join(cards) or "none"


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.worker:
        job = bench_job(
            args.checkpoint, args.arch, args.worker, args.seq[0], args.batch[0], args.rank
        )
        emit(worker(job, args.steps))
        return 0
    stacks = args.stacks or available_stacks()
    target = checkpoint_dir(args.arch, args.layers, args.vocab)
    began = time.time()
    write_checkpoint(args.arch, args.layers, args.vocab, target)
    print(f"[bench] random checkpoint {target} ready in {time.time() - began:.0f} s")
    results, loads = [], []
    try:
        for seq in args.seq:
            for batch in args.batch:
                pair = (stacks[0], stacks[-1])
                order = abba(pair, args.repeats) if len(stacks) > 1 else stacks * args.repeats
                for stack in order:
                    loads.append(load_average())
                    worker_args = [
                        *("--arch", args.arch, "--rank", str(args.rank)),
                        *("--seq", str(seq), "--batch", str(batch), "--steps", str(args.steps)),
                        *("--worker", stack, "--checkpoint", str(target)),
                    ]
                    try:
                        record = run_worker("bench.random_8b", worker_args, timeout=3600)
                    except RuntimeError as err:  # out of memory is a result, not a crash
                        record = {"stack": stack, "seq": seq, "batch": batch, "error": str(err)}
                    record["variant"] = record["stack"]
                    print(f"[bench] {record}")
                    results.append(record)
    finally:
        if not args.keep:
            shutil.rmtree(target, ignore_errors=True)
    body = report(args, results)
    print(body)
    if not args.no_log:
        append_log(f"random-init {args.arch} in NF4", command_line(), body, loads)
    return 0


def report(args: argparse.Namespace, results: list[dict]) -> str:
    rows = []
    for r in results:
        if "error" in r:
            failure = r["error"].splitlines()[-1][:80]
            rows.append([r["stack"], r["seq"], r["batch"], "failed", "", "", "", "", failure])
            continue
        rows.append(
            [
                f"{r['stack']} ({r['loader']})",
                r["seq"],
                r["batch"],
                f"{r['tokens_per_s']} (pred {r['predicted_tokens_per_s']:.0f})",
                r["peak_gb"],
                r["reserved_gb"],
                r["predicted_gb"],
                fits(r["reserved_gb"]),
                f"load {r['load_s']} s; scoring {r['score_items_per_s']} items/s, "
                f"|fast-naive| {r['score_max_diff']:.1e}",
            ]
        )
    shape = f"{args.layers or 'all'} layers, vocab {args.vocab or 'full'}"
    body = (
        f"{args.arch} ({shape}), NF4 + LoRA r{args.rank} on 7 projections, gradient "
        f"checkpointing, {args.steps} steps per measurement (first excluded).\n\n"
        + markdown_table(COLUMNS, rows)
    )
    ok = [r for r in results if "error" not in r]
    if {"unsloth", "plain"} <= {r["stack"] for r in ok}:
        for seq, batch in sorted({(r["seq"], r["batch"]) for r in ok}):
            same = [r for r in ok if (r["seq"], r["batch"]) == (seq, batch)]
            if {"unsloth", "plain"} > {r["stack"] for r in same}:
                continue  # one stack failed here: no pair, no ratio
            speed = paired_ratios(same, "unsloth", "plain", "tokens_per_s")
            memory = paired_ratios(same, "unsloth", "plain", "reserved_gb")
            body += (
                f"\n\nseq {seq}, batch {batch}: **unsloth/plain tokens/s {ratio_text(speed)}**, "
                f"reserved VRAM unsloth/plain {ratio_text(memory)}."
            )
    elif ok:
        body += (
            f"\n\nOne stack only (no CUDA or no unsloth here): median "
            f"{median([r['tokens_per_s'] for r in ok]):.1f} tokens/s; no ratio claimed."
        )
    return body


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
