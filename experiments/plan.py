"""The dry run: every stage a run will execute, with tokens, predicted time and peak memory
(experiments/estimate.py), and what is already finished, damaged or changed in the run directory;
a GPU plan over the card's budget is refused with the override that fits."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from experiments.chains import ArmPlan, training_stages
from experiments.estimate import StageEstimate, estimate_job, peak_memory_gb, predict_transcripts
from stages.config import EMBEDDED_MODEL, ConfigError, config_hash, hash_view
from stages.manifest import check_finished, read_json
from stages.train import TrainJob

# An experiment's eval stages of one arm: (cfg, plan, adapter folder) -> stage -> hashed config.
EvalConfigs = Callable[[Any, ArmPlan, Path | None], dict[str, dict]]
# A plan may use this share of the card: the rest is fragmentation, the eval stages' generation
# cache and what the estimate misses.
CARD_BUDGET = 0.85
# Usable memory torch reports for each GPU preset's target card (T4, L4/A10, A100/H100 80 GB):
# a dry run planned on a machine without that card checks against it.
PRESET_CARD_GIB = {"t4": 14.7, "24gb": 22.2, "paper": 79.3}
TRAIN_SECTION = {"documents": "midtrain", "chats": "aft"}


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
    record = read_json(stage_dir / "manifest.json")
    return record.get("config_hash") if isinstance(record, dict) else None


def eval_statuses(
    cfg: Any, plans: list[ArmPlan], run_dir: Path, trained: dict[str, str], configs: EvalConfigs
) -> list[tuple[str, str, str]]:
    """(eval stage, status, line) for every eval stage of the plan. One whose adapter is
    trained first (`trained`: training stage -> status) waits for it, and is redone after it
    when that stage's config or inputs changed."""
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


def transcript_seconds(cfg: Any, stage: str, gpu: bool) -> float | None:
    """Predicted seconds of an agentic eval stage's transcripts (`<prefix>_eval-<arm>`), by the
    configured engine; None for other eval stages, or where nothing is measured."""
    engine_cfg = getattr(cfg, "eval", None)
    if "_eval-" not in stage or not hasattr(engine_cfg, "engine"):
        return None
    return predict_transcripts(engine_cfg, gpu)


def print_plan(cfg: Any, plans: list[ArmPlan], run_dir: Path, eval_configs: EvalConfigs) -> None:
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
    evals = eval_statuses(cfg, plans, run_dir, trained, eval_configs)
    evaluating = 0.0
    for stage, status, note in evals:
        seconds = transcript_seconds(cfg, stage, gpu) if status != "done" else None
        evaluating += seconds or 0.0
        table.add_row(stage, "", "", _minutes(seconds) if seconds else "", "", status)
        notes += [note] if note else []
    console = table_console()
    console.print(table)
    device = "GPU (predicted throughput)" if gpu else "CPU (measured throughput)"
    console.print(
        f"{len(stages)} training stages, {len(evals)} eval stages; training ≈ {_minutes(total)} "
        f"remaining on {device}, "
        + (
            f"agentic transcripts ≈ {_minutes(evaluating)} (eval.engine={cfg.eval.engine}, "
            "measured throughput), plus the rest of evaluation."
            if evaluating
            else "plus evaluation."
        )
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
