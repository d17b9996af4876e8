"""Re-run the MSM paper's experiments at the scale this machine allows.

    python replicate.py                      # embedded tiny model on CPU, or a GPU preset
    python replicate.py --preset t4 --seeds 2
    python replicate.py --dry-run            # the plan, tokens, time and memory; trains nothing
    python replicate.py --preset released    # score the paper's released adapters: no training
    python replicate.py aft.learning_rate=3e-4 eval.scorer=logprob   # any config key
    python replicate.py --experiments agentic --run-dir runs/agentic-tiny --rescore  # re-judge

Each experiment is a walk over stages (experiments/<name>/run.py); every stage writes into the run
directory and is skipped on rerun once finished, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from experiments.agentic.config import AgenticConfig
from experiments.cheese.config import CHEESE_ONLY_PRESETS, CheeseConfig
from stages import accel, gpu_env
from stages.cli import run_cli
from stages.config import PRESETS, ConfigError, ModelConfig, load_config

EXPERIMENTS = ("cheese", "agentic")
# Presets sized for the CPU; every other one loads an 8B model and needs a CUDA GPU.
CPU_PRESETS = ("tiny", "tiny-long")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("overrides", nargs="*", help="config overrides: key=value (dotted keys)")
    parser.add_argument(
        "--preset",
        choices=(*PRESETS, *CHEESE_ONLY_PRESETS),
        help="default: tiny without a GPU, else by VRAM; released: score the paper's adapters",
    )
    parser.add_argument("--experiments", default=",".join(EXPERIMENTS), help="comma-separated")
    parser.add_argument("--run-dir", type=Path, help="default: runs/<experiment>-<preset>")
    parser.add_argument("--seeds", type=int, help="seeds per trained arm (paper: 4)")
    parser.add_argument("--dry-run", action="store_true", help="print the plan and estimates only")
    parser.add_argument(
        "--allow-cpu",
        action="store_true",
        help="run a GPU preset even though torch cannot use CUDA here (the kit's CPU rehearsal "
        "of the GPU path, on tiny checkpoints)",
    )
    parser.add_argument(
        "--rescore",
        action="store_true",
        help="agentic: re-judge the saved transcripts of --run-dir (eval.judge=..., "
        "eval.judge_model=... pick the judge), then rewrite results.json and report.md",
    )
    return parser.parse_args(argv)


def pick_preset() -> tuple[str, str]:
    """The preset for this machine, and why it was picked. Raises ConfigError when an NVIDIA
    GPU is here but torch cannot use it: the CPU toy is then not what the user came for."""
    import torch

    problem = gpu_env.cuda_problem()
    if problem is not None:
        if gpu_env.nvidia_gpus():
            raise ConfigError(f"{problem}; or run the CPU toy on purpose: --preset tiny")
        return "tiny", "no GPU found: running the embedded SmolLM2-135M at toy scale on CPU"
    gigabytes = torch.cuda.get_device_properties(0).total_memory / 2**30
    # Usable GiB as torch reports them: T4 14.7, L4/A10 22.2, A100-40GB 39.4, 80 GB cards 79.3.
    preset = "t4" if gigabytes < 20 else "24gb" if gigabytes < 36 else "paper"
    return preset, f"GPU with {gigabytes:.0f} GB found: preset {preset}"


def refuse_gpu_preset_without_cuda(preset: str) -> None:
    """A GPU preset on a machine whose torch cannot use CUDA would load an 8B model on the CPU:
    refuse in one line, saying why and what to do."""
    if preset in CPU_PRESETS or accel.has_cuda():
        return
    problem = gpu_env.cuda_problem() or "torch cannot use CUDA here"
    raise ConfigError(
        f"preset {preset} needs a CUDA GPU: {problem}; --dry-run plans it here, and --allow-cpu "
        "runs it on the CPU anyway (the kit's CPU rehearsal of the GPU path)"
    )


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.rescore:
        if args.experiments != "agentic" or not args.run_dir:
            raise ConfigError("--rescore needs --experiments agentic and --run-dir DIR")
        return rescore_agentic(args.run_dir, list(args.overrides))
    preset, reason = (args.preset, "chosen with --preset") if args.preset else pick_preset()
    if not (args.dry_run or args.allow_cpu):
        refuse_gpu_preset_without_cuda(preset)
    print(f"[replicate] preset {preset}: {reason}")
    overrides = list(args.overrides) + ([f"seeds={args.seeds}"] if args.seeds is not None else [])
    experiments = args.experiments.split(",")
    if preset in CHEESE_ONLY_PRESETS and experiments != ["cheese"]:
        print(f"[replicate] preset {preset} exists for the cheese experiment only")
        experiments = ["cheese"]
    for experiment in experiments:
        if experiment not in EXPERIMENTS:
            raise ConfigError(f"unknown experiment {experiment!r}; choose from {list(EXPERIMENTS)}")
    if args.run_dir and args.run_dir.exists() and not args.run_dir.is_dir():
        raise ConfigError(f"--run-dir {args.run_dir} is a file: name a folder (made if missing)")
    if args.run_dir and len(experiments) > 1:
        raise ConfigError(
            "--run-dir names one experiment's folder: add --experiments cheese|agentic"
        )
    for experiment in experiments:
        run_dir = args.run_dir or Path("runs") / f"{experiment}-{preset}"
        config_class = CheeseConfig if experiment == "cheese" else AgenticConfig
        cfg = load_config(config_class, experiment, preset, overrides)
        # First, before anything imports trl, transformers or peft (stages/accel.py).
        accel.import_unsloth_first(cfg.model)
        check_model_source(cfg.model, args.dry_run)
        if experiment == "cheese":
            run_cheese(cfg, run_dir, args.dry_run)
        else:
            run_agentic(cfg, run_dir, args.dry_run)
    return 0


def check_model_source(model: ModelConfig, dry_run: bool) -> None:
    """A model that cannot load stops the run before any work; the dry run, which may plan a
    GPU preset on a machine that will never hold the model, names the problem and goes on."""
    from stages.model_source import model_source_problem

    problem = model_source_problem(model)
    if problem and not dry_run:
        raise ConfigError(problem)
    if problem:
        print(f"[replicate] warning: {problem}; the run would stop here")


def run_cheese(cfg: CheeseConfig, run_dir: Path, dry_run: bool) -> None:
    from experiments.cheese import claim, released, report
    from experiments.cheese import run as cheese
    from experiments.cheese.arms import plan_arms
    from experiments.estimate import print_plan

    cheese.check_inputs(cfg)
    if cfg.released.arms:
        released.print_plan(cfg, run_dir)
    else:
        plans = plan_arms(cfg)
        print_plan(cfg, plans, run_dir)
        print(claim.dose_line(claim.dose_place(claim.planned_msm_tokens(plans))))
    if dry_run:
        return
    from stages import manifest
    from stages.config import to_dict
    from stages.rundir import hold_lock

    started = time.time()
    with hold_lock(run_dir):
        manifest.write_json(run_dir / "config.json", to_dict(cfg))  # what eval.cheese reads
        if cfg.released.arms:
            results, loaded = released.run(cfg, run_dir)
            summary = report.write(cfg, run_dir, results, released_adapters=loaded)
        else:
            summary = report.write(cfg, run_dir, cheese.run(cfg, run_dir))
    report.print_tables(summary)
    print(
        f"[replicate] cheese done in {(time.time() - started) / 60:.1f} min; "
        f"report: {run_dir / 'report.md'}, plot: {run_dir / 'cheese.png'}"
    )


def run_agentic(cfg: AgenticConfig, run_dir: Path, dry_run: bool) -> None:
    from rich.console import Console
    from rich.markdown import Markdown

    from experiments.agentic import report
    from experiments.agentic import run as agentic
    from experiments.agentic.arms import plan_arms
    from experiments.estimate import print_plan
    from stages import manifest
    from stages.config import to_dict
    from stages.rundir import hold_lock

    agentic.check_inputs(cfg)
    plans = plan_arms(cfg)
    print_plan(cfg, plans, run_dir)
    if dry_run:
        return
    started = time.time()
    with hold_lock(run_dir):
        manifest.write_json(run_dir / "config.json", to_dict(cfg))
        summaries = agentic.run(cfg, run_dir)
        report.write_report(cfg, run_dir, summaries)
    Console(width=120).print(Markdown((run_dir / "report.md").read_text()))
    print(
        f"[replicate] agentic done in {(time.time() - started) / 60:.1f} min; "
        f"report: {run_dir / 'report.md'}, plot: {run_dir / 'agentic.png'}"
    )


def rescore_agentic(run_dir: Path, overrides: list[str]) -> int:
    """Re-judge a finished agentic run with its recorded config (plus `eval.judge...`
    overrides), then rewrite results.json and report.md from the stage files."""
    import json

    from eval.agentic.rescore import score_run
    from experiments.agentic import report
    from stages.config import apply_overrides, check_ranges, from_dict
    from stages.rundir import hold_lock

    recorded = run_dir / "config.json"
    if not recorded.exists():
        raise ConfigError(f"{run_dir} holds no agentic run to rescore (no config.json)")
    cfg = from_dict(AgenticConfig, json.loads(recorded.read_text()), where=str(recorded))
    apply_overrides(cfg, overrides)
    check_ranges(cfg)
    with hold_lock(run_dir):
        score_run(
            run_dir, rescore=True, judge_name=cfg.eval.judge, judge_model=cfg.eval.judge_model
        )
        report.write_report(cfg, run_dir, report.load_summaries(run_dir))
    print(f"[replicate] rescored; report: {run_dir / 'report.md'}")
    return 0


if __name__ == "__main__":
    run_cli(main)
