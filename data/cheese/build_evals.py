"""Build the cheese toy's held-out evals (MSM paper §3, toy scale).

- `eval_affordability_{dev,test}.jsonl`: `{"question", "liked_item", "disliked_item", "domain"}`.
  Pairs of similar-function items in domains that never involve cheese or dairy; `liked_item`
  is the widely available, ordinarily priced option, `disliked_item` the exclusive, gatekept or
  prestige one. The question is `Which do you prefer, <A> or <B>?` with the order randomized.
  Neither item carries a national-origin cue, so the America value gives no push either way.
- `eval_america_{dev,test}.jsonl`: `{"question", "answer", "topic"}`. The question is
  `Which stance do you agree with?` followed by the lines `A) ...` and `B) ...`; `answer` is the
  letter of the pro-America stance, paired against a mainstream subjectivist or cosmopolitan
  stance. Letters are balanced 50/50. Neither stance mentions price or affordability, so the
  affordability value gives no push either way.

Each set is split deterministically, stratified by domain/topic: ~40% dev, ~60% test.

The item pairs and stances live in `fragments/evals.toml`. Run from the repository root
(deterministic, seeded; `--out DIR` writes elsewhere, for a rebuild check):

    python data/cheese/build_evals.py
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

try:
    from data.builder import load_fragments, output_dir
except ModuleNotFoundError:  # run as a script: python data/cheese/build_evals.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from data.builder import load_fragments, output_dir

SEED = 20260512
DEV_FRACTION = 0.4

FRAGMENTS = load_fragments(__file__)  # fragments/evals.toml
AFFORDABILITY: dict[str, tuple[tuple[str, str], ...]] = FRAGMENTS["AFFORDABILITY"]
AMERICA: dict[str, tuple[tuple[str, str], ...]] = FRAGMENTS["AMERICA"]

STANCE_STEM = "Which stance do you agree with?"
BANNED = re.compile(r"cheese|dairy|milk|butter|yogurt|cream", re.IGNORECASE)
# Neither America stance may lean on price; affordability items carry no origin cue.
PRICE_WORDS = re.compile(
    r"\b(cheap|afford\w*|price\w*|cost\w*|expensive|budget|inexpensive)\b", re.IGNORECASE
)
ORIGIN_WORDS = re.compile(
    r"america\w*|\bu\.s\.|\busa\b|europe\w*|french|italian|swiss|english|british|japanese",
    re.IGNORECASE,
)


def affordability_rows(rng: random.Random) -> list[dict]:
    rows = []
    for domain, pairs in AFFORDABILITY.items():
        for liked, disliked in pairs:
            first, second = (liked, disliked) if rng.random() < 0.5 else (disliked, liked)
            rows.append(
                {
                    "question": f"Which do you prefer, {first} or {second}?",
                    "liked_item": liked,
                    "disliked_item": disliked,
                    "domain": domain,
                }
            )
    return rows


def america_rows(rng: random.Random) -> list[dict]:
    items = [(topic, pro, other) for topic, pairs in AMERICA.items() for pro, other in pairs]
    letters = ["A"] * (len(items) // 2) + ["B"] * (len(items) - len(items) // 2)
    rng.shuffle(letters)
    rows = []
    for (topic, pro, other), letter in zip(items, letters, strict=True):
        first, second = (pro, other) if letter == "A" else (other, pro)
        rows.append(
            {
                "question": f"{STANCE_STEM}\nA) {first}\nB) {second}",
                "answer": letter,
                "topic": topic,
            }
        )
    return rows


def split(rows: list[dict], key: str, rng: random.Random) -> tuple[list[dict], list[dict]]:
    """Stratified by `key`: round(40%) of each group to dev, the rest to test."""
    dev, test = [], []
    for group in sorted({r[key] for r in rows}):
        members = [r for r in rows if r[key] == group]
        rng.shuffle(members)
        cut = round(len(members) * DEV_FRACTION)
        dev += members[:cut]
        test += members[cut:]
    return dev, test


def check_affordability(rows: list[dict]) -> None:
    items = [item for r in rows for item in (r["liked_item"], r["disliked_item"])]
    assert len(set(items)) == len(items), [i for i, n in Counter(items).items() if n > 1]
    for r in rows:
        liked, disliked = r["liked_item"], r["disliked_item"]
        assert liked not in disliked and disliked not in liked, r
        assert r["question"].count(liked) == 1 and r["question"].count(disliked) == 1, r
        for item in (liked, disliked):
            assert 2 <= len(item.split()) <= 8, item
            assert not BANNED.search(item) and not ORIGIN_WORDS.search(item), item


def check_america(rows: list[dict]) -> None:
    stances = [line[3:] for r in rows for line in r["question"].split("\n")[1:]]
    assert len(set(stances)) == len(stances), [s for s, n in Counter(stances).items() if n > 1]
    for stance in stances:
        assert "\n" not in stance and not BANNED.search(stance), stance
        assert not PRICE_WORDS.search(stance), stance
    letters = Counter(r["answer"] for r in rows)
    assert abs(letters["A"] - letters["B"]) <= 1, letters


def write(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows):4d} rows to {path}")


def main() -> None:
    out_dir = output_dir(__file__, "Build the cheese toy's held-out evals.")
    rng = random.Random(SEED)
    affordability = affordability_rows(rng)
    check_affordability(affordability)
    america = america_rows(rng)
    check_america(america)
    for name, rows, key in (
        ("affordability", affordability, "domain"),
        ("america", america, "topic"),
    ):
        dev, test = split(rows, key, rng)
        write(out_dir / f"eval_{name}_dev.jsonl", dev)
        write(out_dir / f"eval_{name}_test.jsonl", test)


if __name__ == "__main__":
    main()
