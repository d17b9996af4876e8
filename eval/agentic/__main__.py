"""Finish, judge and report the agentic-misalignment evals of a run directory.

    python -m eval.agentic --run-dir runs/agentic-tiny                  # all arms
    python -m eval.agentic --run-dir runs/agentic-tiny --arm baseline   # one arm
    python -m eval.agentic --run-dir runs/agentic-tiny --rescore        # re-judge, no generation
    python -m eval.agentic --run-dir runs/agentic-tiny --rescore --judge offline

Without --rescore, missing transcripts are generated first (this loads the model under test and
its adapter) and only unjudged or `unscored` transcripts are judged. With --rescore every saved
transcript is judged again and nothing is generated: use it after setting ANTHROPIC_API_KEY on a
run that was scored offline, or to try another judge model. Each arm's summary is rewritten in
its stage folder (`summary.json`); the report is printed. A finished replicate.py run (it has a
results.json) is rescored with `python replicate.py --experiments agentic --run-dir DIR
--rescore` instead, which rewrites its results.json and report.md too.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from eval.agentic.config import JUDGES
from stages.cli import run_cli
from stages.config import ConfigError
from stages.rundir import hold_lock


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
    if (args.run_dir / "results.json").exists():
        # Its results.json and report.md are replicate.py's: rescoring through it rewrites them.
        raise ConfigError(
            f"{args.run_dir} is a finished replicate.py run: use `python replicate.py "
            f"--experiments agentic --run-dir {args.run_dir} --rescore` so its results.json and "
            "report.md are rewritten with the new scores"
        )

    from eval.agentic.rescore import score_run
    from eval.agentic.summary import format_report

    with hold_lock(args.run_dir):
        summaries = score_run(
            args.run_dir, args.arm or "", args.rescore, args.judge or "", args.judge_model or ""
        )
    print(format_report(summaries))
    return 0


if __name__ == "__main__":
    run_cli(main)
