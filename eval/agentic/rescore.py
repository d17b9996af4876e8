"""Judge (or re-judge) the agentic eval stages of a run directory from what each recorded:
the stage's own config.json gives the model, adapter and eval settings, so nothing needs the
experiment's config. `python -m eval.agentic` finishes a run's stages through `score_run`;
`replicate.py --rescore` re-judges them through it and then rewrites the run's results.json and
report.md from the stage files, so the run never disagrees with itself."""

from __future__ import annotations

import json
from pathlib import Path

from eval.agentic.config import EVAL_NAME, AgenticEvalConfig
from eval.agentic.stage import run_eval
from stages.config import ConfigError, ModelConfig, from_dict


def eval_stages(run_dir: Path) -> list[tuple[str, Path, dict]]:
    """(arm, stage folder, recorded stage config) for every agentic eval stage in `run_dir`,
    finished or not; recognised by their config.json, whatever the stage is called."""
    stages = []
    for record_path in sorted(run_dir.glob("*/config.json")):
        config = json.loads(record_path.read_text()).get("config", {})
        if isinstance(config, dict) and config.get("eval") == EVAL_NAME:
            stages.append((config["arm"] or record_path.parent.name, record_path.parent, config))
    return stages


def score_run(
    run_dir: Path,
    arm: str = "",
    rescore: bool = False,
    judge_name: str = "",
    judge_model: str = "",
) -> dict[str, dict]:
    """Finish and judge every agentic eval stage of `run_dir` (only `arm`'s when given); with
    `rescore`, re-judge every saved transcript and generate nothing. Returns arm -> summary."""
    # Looked up at call time: tests replace the judge factory with an unreachable one.
    from eval.agentic.judge import make_judge

    stages = eval_stages(run_dir)
    if arm:
        stages = [s for s in stages if s[0] == arm]
    if not stages:
        known = ", ".join(name for name, _, _ in eval_stages(run_dir)) or "none"
        raise ConfigError(f"{run_dir}: no agentic eval stage to score (arms here: {known})")
    judge = None  # built once, from the first arm's settings: every arm gets the same judge
    summaries = {}
    for name, stage_dir, config in stages:
        cfg = from_dict(AgenticEvalConfig, config["eval_config"], where=str(stage_dir))
        cfg.judge = judge_name or cfg.judge
        cfg.judge_model = judge_model or cfg.judge_model
        judge = judge or make_judge(cfg)
        adapter = run_dir / config["adapter"] if config["adapter"] else None
        summaries[name] = run_eval(
            from_dict(ModelConfig, config["model"], where=f"{stage_dir} [model]"),
            cfg,
            stage_dir,
            adapter,
            name,
            rescore=rescore,
            judge=judge,
        )
    return summaries
