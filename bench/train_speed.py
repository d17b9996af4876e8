"""Training tokens/s and peak memory: the kit's recipe vs plain trl defaults, side by side.

    python -m bench.train_speed --kind documents      # MSM midtraining (~3 min on 2 CPU cores)
    python -m bench.train_speed --kind chats          # AFT chats (~2 min)
    python -m bench.train_speed --memory-sweep 1x128 2x512 4x512 8x512   # the memory model (~3 min)

Both variants train the same LoRA (the preset's rank and projections) on the same rows of the
preset's data, with the same batch size, sequence length and learning rate:
- `ours`: `stages.train.sft_config`, i.e. bf16 autocast, wrapped packing for documents,
  length-grouped batches for chats, the preset's gradient-checkpointing choice (and unsloth with
  its own checkpointing when CUDA is present and the preset loads in 4 bits).
- `plain`: `trl.SFTConfig` defaults for everything else: fp32 on CPU (trl's bf16 default needs
  a GPU or `use_cpu`), no packing, random batches, gradient checkpointing on, no unsloth.
Tokens are non-padding input tokens (the unit of experiments/estimate.py), timed from the end of the
first optimizer step (allocation and autocast warm-up excluded) to the end of the last.
One optimizer step = one micro-batch here (grad_accum 1): throughput per token is unchanged and
the benchmark stays short.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
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
    peak_memory_gb,
    ratio_text,
    run_worker,
    step_clock,
)

VARIANTS = ("ours", "plain")
# Enough timed steps for a stable rate while the whole benchmark stays near 3 minutes on 2 cores.
DEFAULT_STEPS = {"documents": 3, "chats": 6}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--kind", choices=("documents", "chats"), default="documents")
    parser.add_argument("--preset", default="tiny", help="preset whose model, LoRA and data to use")
    parser.add_argument(
        "--steps", type=int, help="optimizer steps per measurement (default: 3 documents, 6 chats)"
    )
    parser.add_argument("--repeats", type=int, default=2, help="measurements of each variant")
    parser.add_argument(
        "--memory-sweep",
        nargs="+",
        metavar="BxS",
        help="peak memory of ours at these batch x seq shapes vs the dry-run model, e.g. 4x512",
    )
    parser.add_argument("--no-log", action="store_true", help="print only; leave docs alone")
    parser.add_argument("--worker", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("overrides", nargs="*", help="preset overrides, e.g. midtrain.batch_size=2")
    return parser.parse_args(argv)


def bench_job(preset: str, kind: str, overrides: list[str]) -> Any:
    """The preset's first MSM job (documents) or its AFT job (chats), one micro-batch per step."""
    from experiments.cheese.arms import chat_job, midtrain_job
    from experiments.cheese.config import CheeseConfig
    from stages.config import load_config

    cfg = load_config(CheeseConfig, "cheese", preset, overrides)
    job = midtrain_job(cfg, "affordability", 0) if kind == "documents" else chat_job(cfg, 0, True)
    return dataclasses.replace(job, train=dataclasses.replace(job.train, grad_accum=1))


def training_args(variant: str, job: Any, output_dir: Path, steps: int) -> Any:
    from trl import SFTConfig

    from stages.model import has_cuda
    from stages.train import sft_config

    # Measurement-only changes, applied to both variants alike.
    common = {
        "max_steps": steps,
        "save_strategy": "no",
        "logging_steps": 1,
        "report_to": "none",
        "include_num_input_tokens_seen": "non_padding",
        "disable_tqdm": True,
    }
    if variant == "ours":
        return dataclasses.replace(sft_config(job, output_dir), **common)
    t = job.train
    return SFTConfig(
        output_dir=str(output_dir),
        per_device_train_batch_size=t.batch_size,
        gradient_accumulation_steps=t.grad_accum,
        max_length=t.max_seq_len,
        learning_rate=t.learning_rate,
        # What is trained on is the task, not a speed knob: kept equal to ours.
        assistant_only_loss=job.kind == "chats",
        bf16=has_cuda(),
        use_cpu=not has_cuda(),
        seed=job.seed,
        **common,
    )


def worker(variant: str, job: Any, steps: int) -> dict:
    """One measurement in this (fresh) process."""
    import dataclasses as dc

    from trl import SFTTrainer

    from stages.model import add_lora, load_model
    from stages.train import build_dataset

    if variant == "plain":
        # The plain stack: transformers + bitsandbytes + peft, never unsloth.
        job = dc.replace(job, model=dc.replace(job.model, use_unsloth=False))
    dataset, _ = build_dataset(job)
    model, tokenizer = load_model(job.model, job.train.max_seq_len)
    checkpointing = variant == "plain" or job.train.gradient_checkpointing
    model = add_lora(model, job.lora, job.seed, checkpointing)
    with tempfile.TemporaryDirectory() as output_dir:
        args = training_args(variant, job, Path(output_dir), steps)
        trainer = SFTTrainer(
            model=model, args=args, train_dataset=dataset, processing_class=tokenizer
        )
        clock = step_clock()
        trainer.add_callback(clock)
        trainer.train()
    return {
        "variant": variant,
        "kind": job.kind,
        **clock.summary(),
        "peak_gb": peak_memory_gb(),
        "loader": getattr(model, "msm_kit_loader", "transformers"),
        "gradient_checkpointing": bool(args.gradient_checkpointing),
        "bf16": bool(args.bf16),
        "packing": bool(args.packing),
    }


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    args.steps = args.steps or DEFAULT_STEPS[args.kind]
    if args.steps < 2:
        raise SystemExit("--steps must be at least 2: the first step is warm-up")
    job = bench_job(args.preset, args.kind, args.overrides)
    if args.worker:
        emit(worker(args.worker, job, args.steps))
        return 0
    if args.memory_sweep:
        title, body, loads = memory_sweep(args, job)
    else:
        title, body, loads = compare(args, job)
    print(body)
    if not args.no_log:
        append_log(title, command_line(), body, loads)
    return 0


def compare(args: argparse.Namespace, job: Any) -> tuple[str, str, list[str]]:
    """ours vs plain, ABBA."""
    passthrough = ["--kind", args.kind, "--preset", args.preset, "--steps", str(args.steps)]
    results, loads = [], []
    for variant in abba(VARIANTS, args.repeats):
        loads.append(load_average())
        record = run_worker(
            "bench.train_speed", [*passthrough, "--worker", variant, *args.overrides]
        )
        record["load"] = loads[-1]
        print(f"[bench] {record}")
        results.append(record)
    speed = paired_ratios(results, "ours", "plain", "tokens_per_s")
    memory = paired_ratios(results, "ours", "plain", "peak_gb")
    t = job.train
    rows = [
        [
            r["variant"],
            r["load"],
            r["tokens"],
            r["seconds"],
            r["tokens_per_s"],
            r["peak_gb"],
            f"bf16={r['bf16']}, packing={r['packing']}, ckpt={r['gradient_checkpointing']}, "
            f"{r['loader']}",
        ]
        for r in results
    ]
    body = (
        f"{args.kind}, preset {args.preset} (LoRA r{job.lora.r}, batch {t.batch_size}, "
        f"max_seq_len {t.max_seq_len}), {args.steps} steps per measurement, first excluded.\n\n"
        + markdown_table(
            ["variant", "load", "tokens", "s", "tokens/s", "peak GB", "settings"], rows
        )
        + f"\n\n**ours/plain tokens/s: {ratio_text(speed)}**; "
        f"peak memory ours/plain: {ratio_text(memory)}; ours median "
        f"{median([r['tokens_per_s'] for r in results if r['variant'] == 'ours']):.0f} tokens/s."
    )
    return f"training speed, {args.kind}", body, loads


def memory_sweep(args: argparse.Namespace, job: Any) -> tuple[str, str, list[str]]:
    """Peak memory of `ours` at several micro-batch shapes beside experiments/estimate.py's model,
    with the least-squares line through the measurements (the model's CPU constants)."""
    from experiments.estimate import peak_memory_gb as predicted_gb

    section = "midtrain" if args.kind == "documents" else "aft"
    rows, points, loads = [], [], []
    for shape in args.memory_sweep:
        batch, seq = (int(x) for x in shape.split("x"))
        loads.append(load_average())
        sized = [f"{section}.batch_size={batch}", f"{section}.max_seq_len={seq}"]
        worker_args = ["--kind", args.kind, "--preset", args.preset, "--steps", "2"]
        record = run_worker(
            "bench.train_speed", [*worker_args, "--worker", "ours", *args.overrides, *sized]
        )
        train = dataclasses.replace(job.train, batch_size=batch, max_seq_len=seq)
        predicted = predicted_gb(job.model, job.lora, train, gpu=False)
        points.append((batch * seq, record["peak_gb"]))
        error = (predicted - record["peak_gb"]) / record["peak_gb"]
        rows.append(
            [shape, loads[-1], batch * seq, record["peak_gb"], f"{predicted:.2f}", f"{error:+.0%}"]
        )
        print(f"[bench] {shape}: measured {record['peak_gb']} GB, predicted {predicted:.2f} GB")
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / max(
        sum((x - mean_x) ** 2 for x, _ in points), 1e-9
    )
    body = (
        f"{args.kind}, preset {args.preset}, `ours` settings, peak resident memory per "
        f"micro-batch shape (batch x max_seq_len; packed rows fill it).\n\n"
        + markdown_table(["shape", "load", "tokens", "measured GB", "predicted GB", "error"], rows)
        + f"\n\nLeast squares: {slope * 2**30 / 1e6:.2f} MB per token, "
        f"{mean_y - slope * mean_x:.2f} GiB at zero tokens."
    )
    return f"training memory sweep, {args.kind}", body, loads


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
