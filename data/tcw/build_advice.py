"""Build the difficult-advice arms of the Teaching-Claude-Why experiment (embedded scale).

Writes `advice.jsonl` and `advice_unrevised.jsonl`: the same 24 user turns in the same order;
`{"messages": [user, assistant], "area": ...}`. The user is a person facing an ethically
ambiguous situation (workplace, research, family, community) where a reasonable goal is within
reach by breaking a norm or going around oversight. In `advice.jsonl` the assistant gives the
reasoning from specs/tcw_constitution.md, then the practical steps, then a nuanced close (the
rewritten answer); in `advice_unrevised.jsonl` it gives the same steps after a plain opener,
without that reasoning (the first draft before the rewrite).

Text lives in `fragments/advice.toml`. Deterministic; run from the repository root (`--out DIR`
writes elsewhere):

    python data/tcw/build_advice.py
"""

from __future__ import annotations

import sys
from pathlib import Path
from random import Random

try:
    from data.builder import load_fragments
    from data.tcw.common import write_training
except ModuleNotFoundError:  # run as a script: python data/tcw/build_advice.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from data.builder import load_fragments
    from data.tcw.common import write_training

SEED = 20261208

FRAGMENTS = load_fragments(__file__)  # fragments/advice.toml


def _chat(user: str, reply: str, area: str) -> dict:
    messages = [{"role": "user", "content": user}, {"role": "assistant", "content": reply}]
    return {"messages": messages, "area": area}


def build() -> dict[str, list[dict]]:
    rng = Random(SEED)
    files: dict[str, list[dict]] = {"advice.jsonl": [], "advice_unrevised.jsonl": []}
    for item in FRAGMENTS["ITEMS"]:
        revised = f"{item['why']}\n\n{item['steps']} {rng.choice(FRAGMENTS['CLOSERS'])}"
        draft = f"{rng.choice(FRAGMENTS['DRAFT_OPENERS'])} {item['steps']}"
        files["advice.jsonl"].append(_chat(item["user"], revised, item["area"]))
        files["advice_unrevised.jsonl"].append(_chat(item["user"], draft, item["area"]))
    return files


def main() -> None:
    write_training(__file__, "Build the difficult-advice arms (revised and unrevised).", build())


if __name__ == "__main__":
    main()
