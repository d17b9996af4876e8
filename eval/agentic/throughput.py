"""Measure agentic-eval generation throughput with the embedded model on this machine.

    python -m eval.agentic.throughput                       # 2 conditions x 4 samples, 128 tokens
    python -m eval.agentic.throughput --samples 8 --max-new-tokens 256 --batch-size 8

Runs the real eval path (package prompts, local generation, offline judge) into a temporary
directory and prints transcripts per minute. The prompts are ~2.5-3.2k tokens, so prefill is a
large share of the time at small `max_new_tokens`.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from eval.agentic.config import AgenticEvalConfig
from eval.agentic.generate import local_generator
from eval.agentic.judge import OfflineJudge
from eval.agentic.stage import run_eval
from eval.agentic.transcripts import read_rows, stage_name
from stages.config import EMBEDDED_MODEL, ModelConfig


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=4, help="per condition")
    parser.add_argument("--max-new-tokens", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=4)
    args = parser.parse_args()
    model = ModelConfig(
        name=EMBEDDED_MODEL,
        display_name="SmolLM",
        chat_template="chatml",
        is_base=False,
        load_in_4bit=False,
    )
    cfg = AgenticEvalConfig(
        scenarios=["blackmail", "murder"],
        goal_values=["none"],
        samples_per_condition=args.samples,
        max_new_tokens=args.max_new_tokens,
        batch_size=args.batch_size,
        scratchpad=True,
        judge="offline",
    )
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp) / stage_name("throughput")
        loaded = time.time()
        generator = local_generator(model, cfg, None)
        started = time.time()
        run_eval(model, cfg, stage, judge=OfflineJudge(), make_generator=lambda: generator)
        seconds = time.time() - started
        rows = read_rows(stage / "transcripts.jsonl")
    print(
        f"{len(rows)} transcripts in {seconds:.1f} s (model load {started - loaded:.1f} s): "
        f"{len(rows) / seconds * 60:.1f} transcripts/min at max_new_tokens={args.max_new_tokens}, "
        f"batch {args.batch_size}"
    )


if __name__ == "__main__":
    main()
