"""Finish, judge and report the agentic-misalignment evals of a run directory.

    python -m eval.agentic --run-dir runs/agentic-tiny                  # all arms
    python -m eval.agentic --run-dir runs/agentic-tiny --arm baseline   # one arm

Missing transcripts are generated first (this loads the model under test and its adapter), then
unjudged or `unscored` transcripts are judged with the recorded judge settings. Each arm's
summary is rewritten in its stage folder (`summary.json`); the report is printed. To judge every
saved transcript again (after setting ANTHROPIC_API_KEY on a run scored offline, or with another
judge), use `python replicate.py --experiments agentic --run-dir DIR --rescore`, which also
rewrites the run's results.json and report.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from stages.cli import run_cli
from stages.config import ConfigError
from stages.rundir import hold_lock


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--run-dir", type=Path, required=True)
    parser.add_argument("--arm", help="only this arm (default: every arm in the run)")
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
        summaries = score_run(args.run_dir, args.arm or "")
    print(format_report(summaries))
    return 0


if __name__ == "__main__":
    run_cli(main)
