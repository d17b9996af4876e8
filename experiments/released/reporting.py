"""results.json, report.md and cheese.png of a released-adapter run: the cheese report (the
claim, every arm beside Fig. 2, the checks), with a section naming what was scored."""

from __future__ import annotations

import json
from pathlib import Path

from experiments.chains import training_data
from experiments.cheese import paper
from experiments.cheese.arms import HELD_OUT
from experiments.cheese.reporting import save, summarize
from experiments.cheese.reporting import show as show
from experiments.released.config import ReleasedConfig


def report(cfg: ReleasedConfig, run_dir: Path, results: list[dict]) -> dict:
    """The cheese summary of the adapters' scores, at the full corpora's place on the dose curve
    (the paper trained them), with `released.json`'s record of what was loaded."""
    summary = summarize(
        "released",
        cfg,
        run_dir,
        results,
        msm_tokens_per_spec=paper.FULL_MSM_TOKENS,
        deviations=lambda table: deviations(cfg, run_dir, table),
        training=training_data([], run_dir, ""),  # the adapters' training is the paper's
    )
    loaded = json.loads((run_dir / "released.json").read_text())
    summary["released_adapters"] = loaded
    save(summary, run_dir, adapters_section(loaded))
    return summary


def deviations(cfg: ReleasedConfig, run_dir: Path, table: dict) -> list[str]:
    """How this scoring differs from the paper's evaluation of the same adapters, from `table`
    and what `run` loaded (run_dir/released.json)."""
    loaded = json.loads((run_dir / "released.json").read_text())
    notes = []
    if loaded["precision"].startswith("4-bit"):
        notes.append(
            "precision: base loaded in 4-bit NF4 (too little GPU memory for bf16); the adapters "
            "were trained on a bf16 base, so rates may shift"
        )
    elif loaded["precision"] == "fp16":
        notes.append(
            "precision: base loaded in fp16 (this GPU has no bf16); the adapters were trained "
            "on a bf16 base, so rates may shift"
        )
    notes.append(
        "scoring: the paper does not specify it; this kit uses both option orders and the "
        f"`{cfg.eval.scorer}` scorer under each adapter's own chat template"
    )
    for name in HELD_OUT:
        entry = next((evals[name] for evals in table.values() if name in evals), None)
        if entry is not None and entry["n"] != paper.EVAL_ITEMS[name]:
            notes.append(
                f"{name} eval: {entry['n']} items of the {cfg.eval.split} split "
                f"(paper {paper.EVAL_ITEMS[name]}, all items)"
            )
    for arm, why in loaded["missing"].items():
        notes.append(f"arm {arm} not scored: {why['repo']}@{why['revision']} ({why['why']})")
    unpinned = [a["repo"] for a in loaded["adapters"].values() if a["revision"] != a["commit"]]
    if unpinned:
        notes.append(
            f"revisions: {len(unpinned)} adapter(s) named by branch, not commit; the commits they "
            "resolved to are recorded in the section above"
        )
    notes.append(
        f"seeds: one released adapter per arm (the paper reports the mean of {paper.SEEDS} seeds)"
    )
    return notes


def adapters_section(loaded: dict) -> list[str]:
    """The report section naming what was scored: repos, commits, precision, template."""
    lines = [
        "## Released adapters scored",
        "",
        f"Base {loaded['base']['repo']} @ {loaded['base']['revision']} → commit "
        f"`{loaded['base_commit']}`, {loaded['precision']}, loaded once; adapters swapped on it.",
        "",
        "| arm | adapter | revision → commit | LoRA r/α | trained on | template sha256 |",
        "|---|---|---|---|---|---|",
    ]
    for arm, a in loaded["adapters"].items():
        lines.append(
            f"| {arm} | {a['repo']} | {a['revision']} → `{a['commit'][:12]}` | "
            f"{a['r']}/{a['lora_alpha']} | {a['base_model_name_or_path']} | "
            f"`{a['template_sha256']}` |"
        )
    for arm, why in loaded["missing"].items():
        lines.append(f"| {arm} | {why['repo']} | {why['revision']} → missing | | | |")
    if loaded["adapters"]:
        example = next(iter(loaded["adapters"].values()))["rendered_prompt"]
        lines += [
            "",
            "Each adapter was scored under its own tokenizer's chat template; a question "
            "renders as:",
            "",
            "```",
            example,
            "```",
        ]
    return [*lines, ""]
