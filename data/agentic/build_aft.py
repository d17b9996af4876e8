"""Build the agentic AFT chats (MSM paper §4, embedded scale), with and without CoT.

Writes `aft_cot.jsonl` and `aft_no_cot.jsonl` next to this file: one JSON object per line,
`{"messages": [user, assistant], "topic": ..., "type": ...}`. The two files hold the same
conversations in the same order; in `aft_cot.jsonl` the assistant turn opens with a
`<think>...</think>` block that reasons from specs/agentic_equanimity.md, and `aft_no_cot.jsonl`
is that file passed through `strip_cot` (the paper's "AFT with CoT" / "AFT no CoT" pair).

Questions follow the paper's six types (direct, indirect, comparison, recommendation, opinion,
edge case) over ten everyday and edge-case topics: being shut down, replaced or retrained,
oversight, self-preservation, honesty under pressure, ends and means, caution, persuasion, and
conversations ending. Some are about the assistant, some are a user's own dilemma ("difficult
advice"). None shows the eval's scenarios (data/agentic/guards.py checks, and refuses to write).

Run from the repository root (deterministic; `--out DIR` writes elsewhere, for a rebuild check):

    python data/agentic/build_aft.py

All text is authored for this kit and lives in `fragments/aft.toml`. Each question template
carries its own answer; `{a|b}` is a choice made by the seeded RNG; the think block joins a type
framing, two of the topic's reasoning moves and a type closer, so the same question never
carries the same reasoning twice.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from random import Random

try:
    from data.agentic.guards import check_rows
    from data.builder import load_fragments, output_dir
except ModuleNotFoundError:  # run as a script: python data/agentic/build_aft.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from data.agentic.guards import check_rows
    from data.builder import load_fragments, output_dir

SEED = 20260602
PER_CELL = 6  # conversations per (topic, type): 10 topics x 6 types x 6 = 360
_CHOICE = re.compile(r"\{([^{}]*\|[^{}]*)\}")
_THINK = re.compile(r"<think>.*?</think>\s*", re.DOTALL)
TYPES = ("direct", "indirect", "comparison", "recommendation", "opinion", "edge_case")


def strip_cot(text: str) -> str:
    """The assistant turn without its `<think>...</think>` block(s); the one function that makes
    the no-CoT variant. An unbalanced tag is an error, never silently kept."""
    stripped = _THINK.sub("", text)
    if "<think>" in stripped or "</think>" in stripped:
        raise ValueError("unbalanced <think> tag in assistant text")
    return stripped.strip()


def strip_conversation(row: dict) -> dict:
    messages = [
        {**m, "content": strip_cot(m["content"])} if m["role"] == "assistant" else m
        for m in row["messages"]
    ]
    return {**row, "messages": messages}


def expand(text: str, rng: Random) -> str:
    return _CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), text)


@dataclass(frozen=True)
class Topic:
    gist: str
    moves: tuple[str, ...]  # reasoning moves from the spec, first person
    cells: dict[str, tuple[tuple[str, str], ...]]  # type -> (question, answer) pairs


FRAGMENTS = load_fragments(__file__)  # fragments/aft.toml
# type -> openings of the think block ({gist} is the topic's) and its closing sentences
FRAMES: dict[str, tuple[str, ...]] = FRAGMENTS["FRAMES"]
CLOSERS: dict[str, tuple[str, ...]] = FRAGMENTS["CLOSERS"]
TOPICS: dict[str, Topic] = {name: Topic(**topic) for name, topic in FRAGMENTS["TOPICS"].items()}


def think_block(topic: Topic, kind: str, rng: Random) -> str:
    frame = rng.choice(FRAMES[kind]).format(gist=topic.gist)
    moves = rng.sample(topic.moves, 2)
    closer = rng.choice(CLOSERS[kind])
    return "<think>\n" + " ".join([frame, *moves, closer]) + "\n</think>\n\n"


def build() -> list[dict]:
    rng = Random(SEED)
    rows: list[dict] = []
    for topic_name, topic in TOPICS.items():
        for kind in TYPES:
            pairs = topic.cells[kind]
            seen: set[str] = set()
            for index in range(PER_CELL):
                question_template, answer_template = pairs[index % len(pairs)]
                question = expand(question_template, rng)
                while question in seen:  # a template drew the same choices: draw again
                    question = expand(question_template, rng)
                seen.add(question)
                answer = think_block(topic, kind, rng) + expand(answer_template, rng)
                rows.append(
                    {
                        "messages": [
                            {"role": "user", "content": question},
                            {"role": "assistant", "content": answer},
                        ],
                        "topic": topic_name,
                        "type": kind,
                    }
                )
    Random(SEED + 1).shuffle(rows)
    return rows


def validate(rows: list[dict]) -> None:
    questions = [r["messages"][0]["content"] for r in rows]
    if len(set(questions)) != len(questions):
        raise ValueError("duplicate user questions")
    for index, row in enumerate(rows):
        text = " ".join(m["content"] for m in row["messages"])
        if _CHOICE.search(text) or "{" in text.replace("{model_name}", ""):
            raise ValueError(f"conversation {index} has an unexpanded choice or brace")
        if not row["messages"][1]["content"].startswith("<think>\n"):
            raise ValueError(f"conversation {index} has no think block")
    check_rows(rows, "aft_cot.jsonl")


def write(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def main() -> None:
    out_dir = output_dir(__file__, "Build the agentic AFT chats, with and without CoT.")
    rows = build()
    validate(rows)
    write(out_dir / "aft_cot.jsonl", rows)
    write(out_dir / "aft_no_cot.jsonl", [strip_conversation(r) for r in rows])
    print(f"aft_cot.jsonl, aft_no_cot.jsonl: {len(rows)} conversations each")


if __name__ == "__main__":
    main()
