"""Does the dry run tell the truth? Predicted vs measured wall time and peak memory per stage.

    python -m bench.stage_time                          # tiny preset, MSM + AFT stage, 48 rows each
    python -m bench.stage_time --max-rows 0             # the stages at full size (~10 min on CPU)
    python -m bench.stage_time --full                   # the whole preset through replicate.py
    python -m bench.stage_time --preset t4 --full       # on a lent GPU

Per stage: `experiments.estimate.estimate_job` predicts seconds and peak memory, then the same job
runs through `stages.train.run` in a fresh process (so its peak memory is its own) and the
measured stage time (model load to saved adapter) and peak resident memory / allocated VRAM are
set beside the prediction. `--full` runs `replicate.py` into a temporary run directory and sets
the plan's training total beside the stages' measured times and the whole run's wall time
(which adds evaluation, not predicted by the plan).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import (
    append_log,
    command_line,
    emit,
    load_average,
    markdown_table,
    peak_memory_gb,
    run_worker,
)
from stages.config import REPO_ROOT


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--preset", default="tiny")
    parser.add_argument(
        "--stages",
        nargs="+",
        default=["msm_affordability-s0", "aft-s0"],
        help="stage names from the plan (replicate.py --dry-run lists them)",
    )
    parser.add_argument(
        "--max-rows", type=int, default=48, help="rows per source of each stage; 0 = all"
    )
    parser.add_argument("--full", action="store_true", help="run the whole preset instead")
    parser.add_argument("--no-log", action="store_true", help="print only; leave docs alone")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("overrides", nargs="*", help="preset overrides (key=value)")
    return parser.parse_args(argv)


def planned_jobs(preset: str, overrides: list[str]) -> dict[str, Any]:
    from experiments.chains import training_stages
    from experiments.cheese.arms import plan_arms
    from experiments.cheese.config import CheeseConfig
    from stages.config import load_config

    return training_stages(plan_arms(load_config(CheeseConfig, "cheese", preset, overrides)))


def stage_job(preset: str, stage: str, max_rows: int, overrides: list[str]) -> Any:
    jobs = planned_jobs(preset, overrides)
    if stage not in jobs:
        raise SystemExit(f"unknown stage {stage!r}; the plan has {sorted(jobs)}")
    job = jobs[stage]
    if max_rows:
        job = dataclasses.replace(job, sources=[(source, max_rows) for source, _ in job.sources])
    return job


def worker(job: Any, stage: str) -> dict:
    """Run one stage in this fresh process; its time and this process's peak memory."""
    from stages import train

    with tempfile.TemporaryDirectory() as run_dir:
        started = time.perf_counter()
        stage_dir = train.run(job, Path(run_dir) / stage)
        seconds = time.perf_counter() - started
        record = json.loads((stage_dir / "manifest.json").read_text())
    return {
        "stage": stage,
        "seconds": round(seconds, 1),
        "train_seconds": record.get("train_seconds"),
        "tokens_seen": record.get("tokens_seen"),
        "peak_gb": peak_memory_gb(),
    }


def compare_stages(args: argparse.Namespace) -> tuple[str, list[str]]:
    import torch

    from experiments.estimate import estimate_job

    gpu = torch.cuda.is_available()
    rows, loads = [], []
    for stage in args.stages:
        job = stage_job(args.preset, stage, args.max_rows, args.overrides)
        predicted = estimate_job(stage, job, gpu)
        loads.append(load_average())
        measured = run_worker(
            "bench.stage_time",
            [
                *("--preset", args.preset, "--max-rows", str(args.max_rows)),
                *("--worker", stage, *args.overrides),
            ],
            timeout=7200,
        )
        print(f"[bench] {stage}: predicted {predicted}, measured {measured}")
        rows.append(
            [
                stage,
                loads[-1],
                f"{predicted.tokens * job.train.epochs:,.0f}",
                f"{predicted.seconds:.0f}",
                f"{measured['seconds']:.0f}",
                _error(predicted.seconds, measured["seconds"]),
                f"{predicted.peak_gb:.2f}",
                f"{measured['peak_gb']:.2f}",
                _error(predicted.peak_gb, measured["peak_gb"]),
            ]
        )
    header = ["stage", "load", "tokens", "pred s", "meas s", "time err", "pred GB", "meas GB"]
    body = (
        f"Preset {args.preset}, max_rows {args.max_rows or 'all'} per stage"
        f"{', overrides ' + ' '.join(args.overrides) if args.overrides else ''}; "
        "error = (predicted - measured) / measured.\n\n"
        + markdown_table([*header, "mem err"], rows)
    )
    return body, loads


def compare_full_run(args: argparse.Namespace) -> tuple[str, list[str]]:
    import torch

    from experiments.estimate import estimate_job

    gpu = torch.cuda.is_available()
    jobs = planned_jobs(args.preset, args.overrides)
    predicted = sum(estimate_job(stage, job, gpu).seconds for stage, job in jobs.items())
    loads = [load_average()]
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = Path(tmp) / "run"
        started = time.time()
        subprocess.run(
            [
                sys.executable,
                "replicate.py",
                *("--preset", args.preset, "--experiments", "cheese", "--run-dir", str(run_dir)),
                *args.overrides,
            ],
            cwd=REPO_ROOT,
            check=True,
        )
        wall = time.time() - started
        stage_seconds = {
            stage: json.loads((run_dir / stage / "manifest.json").read_text()) for stage in jobs
        }
    trained = sum(_stage_seconds(record) for record in stage_seconds.values())
    body = (
        f"Whole preset {args.preset} through replicate.py"
        f"{' with ' + ' '.join(args.overrides) if args.overrides else ''}: {len(jobs)} training "
        f"stages predicted {predicted / 60:.1f} min, measured {trained / 60:.1f} min in the "
        f"trainers ({_error(predicted, trained)}; model loading, ~1.5 s a stage, is outside "
        f"the trainer); whole run incl. evaluation {wall / 60:.1f} min."
    )
    return body, loads


def _stage_seconds(record: dict) -> float:
    return float(record.get("train_seconds") or 0.0)


def _error(predicted: float, measured: float) -> str:
    return f"{(predicted - measured) / measured:+.0%}" if measured else "n/a"


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.worker:
        job = stage_job(args.preset, args.worker, args.max_rows, args.overrides)
        emit(worker(job, args.worker))
        return 0
    body, loads = compare_full_run(args) if args.full else compare_stages(args)
    print(body)
    if not args.no_log:
        append_log("dry-run prediction vs measurement", command_line(), body, loads)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
