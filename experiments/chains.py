"""An arm is a chain of LoRA training stages, each continuing the adapter of the one before it
(MSM, then AFT on the same adapter), followed by one eval stage. Both experiments plan their
arms with these pieces; a stage shared by several arms (one MSM adapter under two AFT arms) is
trained once, because `train.run` skips a finished stage."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from stages import train
from stages.config import config_hash
from stages.train import TrainJob


@dataclass
class ArmPlan:
    arm: str
    seed: int
    jobs: list[tuple[str, TrainJob]]  # (stage folder name, job), in training order
    eval_stage: str


def train_arm(plan: ArmPlan, run_dir: Path) -> Path | None:
    """Run the arm's training chain; returns the last stage folder (None: no training)."""
    adapter_dir: Path | None = None
    upstream_hash = ""
    for stage, job in plan.jobs:
        if adapter_dir is not None:
            job = replace(job, init_adapter=adapter_dir.name, init_hash=upstream_hash)
        adapter_dir = train.run(job, run_dir / stage)
        upstream_hash = config_hash(job)
    return adapter_dir


def training_stages(plans: list[ArmPlan]) -> dict[str, TrainJob]:
    """Every distinct training stage of a plan, in first-use order (for the dry run)."""
    stages: dict[str, TrainJob] = {}
    for plan in plans:
        for stage, job in plan.jobs:
            stages.setdefault(stage, job)
    return stages
