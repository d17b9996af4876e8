"""Re-run the MSM paper's experiments at the scale this machine allows.

    python replicate.py                      # embedded tiny model on CPU, or a GPU preset
    python replicate.py --preset t4 --seeds 2
    python replicate.py --dry-run            # the plan, tokens, time and memory; trains nothing
    python replicate.py --preset released    # score the paper's released adapters: no training
    python replicate.py aft.learning_rate=3e-4 eval.scorer=logprob   # any config key
    python replicate.py --experiments agentic --run-dir runs/agentic-tiny --rescore  # re-judge

Each experiment is a walk over stages (experiments/<name>/pipeline.py); every stage writes into
the run directory and is skipped on rerun once finished, so an interrupted run resumes where it
stopped.
"""

from __future__ import annotations

import argparse
import importlib
import time
from pathlib import Path
from types import ModuleType

from stages import accel, gpu_env
from stages.cli import run_cli
from stages.config import ConfigError, ModelConfig, load_config, presets

# Every experiment: its name (its presets are configs/<name>/*.toml) and the package showing the
# face replicate.py walks (experiments/face.py). A new experiment is a folder and one row here.
EXPERIMENTS = {
    "cheese": "experiments.cheese",
    "agentic": "experiments.agentic",
    "tcw": "experiments.tcw",
    "released": "experiments.released",
}
# Presets sized for the CPU; every other one loads an 8B model and needs a CUDA GPU.
CPU_PRESETS = ("tiny", "tiny-long")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("overrides", nargs="*", help="config overrides: key=value (dotted keys)")
    parser.add_argument(
        "--preset",
        choices=sorted({preset for name in EXPERIMENTS for preset in presets(name)}),
        help="default: tiny without a GPU, else by VRAM; released: score the paper's adapters",
    )
    parser.add_argument(
        "--experiments",
        help=f"comma-separated, of {', '.join(EXPERIMENTS)}; default: every one with the preset",
    )
    parser.add_argument(
        "--run-dir", type=Path, help="default: runs/<experiment>-<preset> (runs/released)"
    )
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
        help="re-judge the saved transcripts of --run-dir (agentic; eval.judge=..., "
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
        if not args.experiments or "," in args.experiments or not args.run_dir:
            raise ConfigError("--rescore needs --experiments NAME and --run-dir DIR")
        return rescore(args.experiments, args.run_dir, list(args.overrides))
    preset, reason = (args.preset, "chosen with --preset") if args.preset else pick_preset()
    if not (args.dry_run or args.allow_cpu):
        refuse_gpu_preset_without_cuda(preset)
    print(f"[replicate] preset {preset}: {reason}")
    overrides = list(args.overrides) + ([f"seeds={args.seeds}"] if args.seeds is not None else [])
    names = chosen_experiments(args.experiments, preset)
    if args.run_dir and args.run_dir.exists() and not args.run_dir.is_dir():
        raise ConfigError(f"--run-dir {args.run_dir} is a file: name a folder (made if missing)")
    if args.run_dir and len(names) > 1:
        raise ConfigError(
            f"--run-dir names one experiment's folder: add --experiments {'|'.join(names)}"
        )
    for name in names:
        experiment = face(name)
        run_dir = args.run_dir or default_run_dir(name, preset)
        cfg = load_config(experiment.Config, name, preset, overrides)
        # First, before anything imports trl, transformers or peft (stages/accel.py).
        accel.import_unsloth_first(cfg.model)
        check_model_source(cfg.model, args.dry_run)
        experiment.check_inputs(cfg)
        experiment.plan(cfg, run_dir)
        if not args.dry_run:
            run(name, experiment, cfg, run_dir)
    return 0


def chosen_experiments(asked: str | None, preset: str) -> list[str]:
    """The experiments named with --experiments, each checked to have `preset`; by default every
    experiment that has it, in table order."""
    if not asked:
        return [name for name in EXPERIMENTS if preset in presets(name)]
    names = asked.split(",")
    for name in names:
        if name not in EXPERIMENTS:
            raise ConfigError(f"unknown experiment {name!r}; choose from {list(EXPERIMENTS)}")
        if preset not in presets(name):
            raise ConfigError(
                f"experiment {name} has no preset {preset!r}; its presets: {presets(name)} "
                "(add --preset)"
            )
    return names


def face(name: str) -> ModuleType:
    """The experiment's package, imported only when it runs: `--help` loads nothing heavy."""
    return importlib.import_module(EXPERIMENTS[name])


def default_run_dir(name: str, preset: str) -> Path:
    # An experiment whose one preset carries its name (released) needs it only once.
    return Path("runs") / (name if preset == name else f"{name}-{preset}")


def check_model_source(model: ModelConfig, dry_run: bool) -> None:
    """A model that cannot load stops the run before any work; the dry run, which may plan a
    GPU preset on a machine that will never hold the model, names the problem and goes on."""
    from stages.model_source import model_source_problem

    problem = model_source_problem(model)
    if problem and not dry_run:
        raise ConfigError(problem)
    if problem:
        print(f"[replicate] warning: {problem}; the run would stop here")


def run(name: str, experiment: ModuleType, cfg: object, run_dir: Path) -> None:
    """Run one experiment under the run directory's lock, with its config recorded beside its
    stages (what `--rescore` and `python -m eval.cheese` read), then report and show it."""
    from stages import manifest
    from stages.config import to_dict
    from stages.rundir import hold_lock

    started = time.time()
    with hold_lock(run_dir):
        manifest.write_json(run_dir / "config.json", to_dict(cfg))
        summary = experiment.report(cfg, run_dir, experiment.run(cfg, run_dir))
    experiment.show(summary)
    plots = ", ".join(str(path) for path in sorted(run_dir.glob("*.png")))
    print(
        f"[replicate] {name} done in {(time.time() - started) / 60:.1f} min; "
        f"report: {run_dir / 'report.md'}, plots: {plots}"
    )


def rescore(name: str, run_dir: Path, overrides: list[str]) -> int:
    """Score a finished run's saved outputs again with its recorded config (plus overrides such
    as `eval.judge=...`), then rewrite results.json and report.md from the stage files."""
    import json

    from stages.config import apply_overrides, check_ranges, from_dict
    from stages.rundir import hold_lock

    if name not in EXPERIMENTS:
        raise ConfigError(f"unknown experiment {name!r}; choose from {list(EXPERIMENTS)}")
    experiment = face(name)
    recorded = run_dir / "config.json"
    if not recorded.exists():
        raise ConfigError(f"{run_dir} holds no {name} run to rescore (no config.json)")
    cfg = from_dict(experiment.Config, json.loads(recorded.read_text()), where=str(recorded))
    apply_overrides(cfg, overrides)
    check_ranges(cfg)
    with hold_lock(run_dir):
        summary = experiment.report(cfg, run_dir, experiment.rescore(cfg, run_dir))
    experiment.show(summary)
    print(f"[replicate] rescored; report: {run_dir / 'report.md'}")
    return 0


if __name__ == "__main__":
    run_cli(main)
