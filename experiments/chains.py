"""An arm is a chain of LoRA training stages, each continuing the adapter of the one before it
(MSM, then AFT on the same adapter), followed by one eval stage. Both experiments plan their
arms with these pieces; a stage shared by several arms (one MSM adapter under two AFT arms) is
trained once, because `train.run` skips a finished stage."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from stages import manifest, train
from stages.config import config_hash
from stages.data import parse_hub
from stages.train import TrainJob


@dataclass
class ArmPlan:
    arm: str
    seed: int
    jobs: list[tuple[str, TrainJob]]  # (stage folder name, job), in training order
    eval_stage: str


def chained_jobs(plan: ArmPlan) -> list[tuple[str, TrainJob]]:
    """The arm's jobs, each after the first continuing the adapter of the one before it."""
    chained = []
    upstream: tuple[str, TrainJob] | None = None
    for stage, job in plan.jobs:
        if upstream is not None:
            job = replace(job, init_adapter=upstream[0], init_hash=config_hash(upstream[1]))
        chained.append((stage, job))
        upstream = (stage, job)
    return chained


def train_arm(plan: ArmPlan, run_dir: Path) -> Path | None:
    """Run the arm's training chain; returns the last stage folder (None: no training)."""
    adapter_dir: Path | None = None
    for stage, job in chained_jobs(plan):
        adapter_dir = train.run(job, run_dir / stage)
    return adapter_dir


def training_stages(plans: list[ArmPlan]) -> dict[str, TrainJob]:
    """Every distinct training stage of a plan, as the run will hash it, in first-use order
    (for the dry run)."""
    stages: dict[str, TrainJob] = {}
    for plan in plans:
        for stage, job in chained_jobs(plan):
            stages.setdefault(stage, job)
    return stages


def training_data(plans: list[ArmPlan], run_dir: Path, instruction_mix: str) -> dict:
    """What each arm trained on, read from its stages' manifests (first seed of each arm):
    rows per source over its whole chain, the instruction rows of every arm that trains chats
    (these must be equal, or the arms are not comparable), and the commit each hub source
    resolved to (several, joined by ", ", when a branch moved between stages)."""
    rows: dict[str, dict[str, int]] = {}
    commits: dict[str, set[str]] = {}
    chat_arms = set()
    for plan in plans:
        if plan.arm in rows:
            continue
        counts = rows[plan.arm] = {}
        for stage, job in plan.jobs:
            chat_arms.update([plan.arm] if job.kind == "chats" else [])
            record = run_dir / stage / "manifest.json"
            taken = (
                json.loads(record.read_text()).get("rows_per_source", []) if record.exists() else []
            )
            for entry in taken:
                counts[entry["source"]] = counts.get(entry["source"], 0) + entry["rows"]
                if entry["revision"]:
                    commits.setdefault(entry["source"], set()).add(entry["revision"])
    instruction = {arm: rows[arm].get(instruction_mix, 0) for arm in rows if arm in chat_arms}
    return {
        "rows_per_arm": rows,
        "instruction_mix": instruction_mix,
        "instruction_rows": instruction if instruction_mix else {},
        "instruction_rows_equal": len(set(instruction.values())) <= 1 or not instruction_mix,
        "commits": {source: ", ".join(sorted(found)) for source, found in commits.items()},
    }


def data_markdown(data: dict, eval_commits: dict[str, str]) -> list[str]:
    """The report's "Data" section: every hub source with its revision, splits and resolved
    commit, and each arm's training rows per source."""
    lines = [
        "## Data",
        "",
        "Hub sources, each at the commit its revision resolved to (pin one with "
        "`hub:OWNER/NAME@COMMIT:SPLITS` to rerun on exactly this data):",
        "",
    ]
    commits = {**data["commits"], **eval_commits}
    for source, commit in sorted((s, c) for s, c in commits.items() if c):  # local files: ""
        hub = parse_hub(source)
        mixed = ", " in commit  # a branch moved between stages of this run
        lines.append(
            f"- `{source}`: split {', '.join(hub.splits)}; revision `{hub.revision}` = `{commit}`"
            + (
                " (MIXED: stages read different commits; pin one and use a new --run-dir)"
                if mixed
                else ""
            )
        )
    lines += ["", "Training rows per arm (first seed):", ""]
    for arm, counts in data["rows_per_arm"].items():
        parts = [f"{source} {rows:,}" for source, rows in counts.items()]
        lines.append(f"- {arm}: {' + '.join(parts) if parts else 'no training'}")
    if data["instruction_rows"]:
        counts = sorted(set(data["instruction_rows"].values()))
        verdict = (
            f"the same {counts[0]:,} rows in every arm that trains chats"
            if data["instruction_rows_equal"]
            else f"UNEQUAL across arms ({data['instruction_rows']}): arms are not comparable"
        )
        lines += ["", f"Instruction mix `{data['instruction_mix']}`: {verdict}."]
    return lines


def adapter_record(adapter_dir: Path | None) -> dict[str, str]:
    """What an eval stage's hash records of the adapter it evaluates: its folder and the config
    hash of the training stage that wrote it, so a retrained adapter is evaluated again."""
    if adapter_dir is None:
        return {"adapter": "", "adapter_hash": ""}
    recorded = json.loads((adapter_dir / "manifest.json").read_text())["config_hash"]
    return {"adapter": adapter_dir.name, "adapter_hash": recorded}


def open_eval_stage(stage_dir: Path, stage_config: dict) -> tuple[str, dict | None]:
    """(stage hash, saved results.json of a finished stage, or None after marking it begun).
    A finished stage whose config or inputs changed is redone: evals are cheap beside training."""
    stage_hash = config_hash(stage_config)
    if manifest.is_done(stage_dir, stage_hash, stage_config, redo_changed=True):
        return stage_hash, json.loads((stage_dir / "results.json").read_text())
    manifest.begin(stage_dir, stage_hash, stage_config)
    return stage_hash, None
