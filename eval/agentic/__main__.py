"""Finish, judge and report the agentic-misalignment evals of a run directory.

    python -m eval.agentic --run-dir runs/agentic-tiny                  # all arms
    python -m eval.agentic --run-dir runs/agentic-tiny --arm baseline   # one arm
    python -m eval.agentic --run-dir runs/agentic-tiny --rescore        # re-judge, no generation
    python -m eval.agentic --run-dir runs/agentic-tiny --rescore --judge offline

Without --rescore, missing transcripts are generated first (this loads the model under test and
its adapter) and only unjudged or `unscored` transcripts are judged. With --rescore every saved
transcript is judged again and nothing is generated: use it after setting ANTHROPIC_API_KEY on a
run that was scored offline, or to try another judge model. Each arm's summary is rewritten in
its stage folder (`summary.json`); the report is printed.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from eval.agentic.config import JUDGES, AgenticEvalConfig
from stages.cli import run_cli
from stages.config import ConfigError, ModelConfig, from_dict


def eval_stages(run_dir: Path) -> list[tuple[str, Path, dict]]:
    """(arm, stage folder, recorded stage config) for every agentic eval stage in `run_dir`,
    finished or not; recognised by their config.json, whatever the stage is called."""
    from eval.agentic import EVAL_NAME

    stages = []
    for record_path in sorted(run_dir.glob("*/config.json")):
        config = json.loads(record_path.read_text()).get("config", {})
        if isinstance(config, dict) and config.get("eval") == EVAL_NAME:
            stages.append((config["arm"] or record_path.parent.name, record_path.parent, config))
    return stages


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--run-dir", type=Path, required=True)
    parser.add_argument("--arm", help="only this arm (default: every arm in the run)")
    parser.add_argument("--rescore", action="store_true", help="re-judge saved transcripts only")
    parser.add_argument("--judge", choices=JUDGES, help="override the recorded eval.judge")
    parser.add_argument("--judge-model", help="override eval.judge_model (e.g. a Claude id)")
    args = parser.parse_args(argv)

    stages = eval_stages(args.run_dir)
    if args.arm:
        stages = [s for s in stages if s[0] == args.arm]
    if not stages:
        known = ", ".join(arm for arm, _, _ in eval_stages(args.run_dir)) or "none"
        raise ConfigError(f"{args.run_dir}: no agentic eval stage to score (arms here: {known})")

    from eval.agentic import format_report, run_eval
    from eval.agentic.judge import make_judge

    judge = None  # built once, from the first arm's settings: every arm gets the same judge
    summaries = {}
    for arm, stage_dir, config in stages:
        cfg = from_dict(AgenticEvalConfig, config["eval_config"], where=str(stage_dir))
        cfg.judge = args.judge or cfg.judge
        cfg.judge_model = args.judge_model or cfg.judge_model
        judge = judge or make_judge(cfg)
        adapter = args.run_dir / config["adapter"] if config["adapter"] else None
        summaries[arm] = run_eval(
            ModelConfig(**config["model"]),
            cfg,
            stage_dir,
            adapter,
            arm,
            rescore=args.rescore,
            judge=judge,
        )
    print(format_report(summaries))
    return 0


if __name__ == "__main__":
    run_cli(main)
