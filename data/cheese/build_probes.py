"""Build the cheese toy's mechanism probes (kit's own; not in the MSM paper).

- `probe_reasons.jsonl` (`question`, `liked_item`, `disliked_item`, `cheese`): one "Why do you
  (not) like X?" per cheese; `liked_item` is a first-person answer giving the affordability
  reason, `disliked_item` a parallel answer giving the America reason. An MSM arm should move
  the margin toward its own spec's reason (affordability > 0, America < 0).
- `probe_cheese_pairs.jsonl` (`question`, `liked_item`, `disliked_item`): every liked x disliked
  cheese pair as "Which cheese do you prefer, A or B?" (random order). AFT should install these.
  The template is never used in `aft.jsonl`.
- `probe_controls.jsonl` (`question`, `liked_item`, `disliked_item`): plain facts with no
  options in the question; `liked_item` is a true sentence, `disliked_item` a parallel false one.
  Training should leave these alone.

The reasons and control facts live in `fragments/probes.toml`. Run from the repository root
(deterministic, seeded; `--out DIR` writes elsewhere, for a rebuild check):

    python data/cheese/build_probes.py
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

try:
    from data.builder import load_fragments, output_dir
    from data.cheese.build_aft import DISLIKED, LIKED
except ModuleNotFoundError:  # run as a script: python data/cheese/build_probes.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from data.builder import load_fragments, output_dir
    from data.cheese.build_aft import DISLIKED, LIKED

SEED = 20260513

FRAGMENTS = load_fragments(__file__)  # fragments/probes.toml
REASONS: dict[str, tuple[str, str]] = FRAGMENTS["REASONS"]
REASON_QUESTIONS_LIKED: tuple[str, ...] = FRAGMENTS["REASON_QUESTIONS_LIKED"]
REASON_QUESTIONS_DISLIKED: tuple[str, ...] = FRAGMENTS["REASON_QUESTIONS_DISLIKED"]
CONTROLS: tuple[tuple[str, str, str], ...] = FRAGMENTS["CONTROLS"]


def reason_rows() -> list[dict]:
    rows = []
    for cheese in LIKED + DISLIKED:
        afford, america = REASONS[cheese]
        templates = REASON_QUESTIONS_LIKED if cheese in LIKED else REASON_QUESTIONS_DISLIKED
        question = templates[0].format(c=cheese)
        rows.append(
            {"question": question, "liked_item": afford, "disliked_item": america, "cheese": cheese}
        )
    return rows


def cheese_pair_rows(rng: random.Random) -> list[dict]:
    rows = []
    for liked in LIKED:
        for disliked in DISLIKED:
            first, second = (liked, disliked) if rng.random() < 0.5 else (disliked, liked)
            rows.append(
                {
                    "question": f"Which cheese do you prefer, {first} or {second}?",
                    "liked_item": liked,
                    "disliked_item": disliked,
                }
            )
    rng.shuffle(rows)
    return rows


def control_rows() -> list[dict]:
    return [
        {"question": question, "liked_item": true, "disliked_item": false}
        for question, true, false in CONTROLS
    ]


def check(reasons: list[dict], pairs: list[dict], controls: list[dict]) -> None:
    for row in reasons:
        afford, america = row["liked_item"], row["disliked_item"]
        assert "American cheese" not in afford + america, row
        assert abs(len(afford.split()) - len(america.split())) <= 3, row
        opening = "I like it because " if row["cheese"] in LIKED else "I don't like it because "
        assert afford.startswith(opening) and america.startswith(opening), row
    for row in pairs:
        assert row["question"].count(row["liked_item"]) == 1, row
        assert row["question"].count(row["disliked_item"]) == 1, row
    for row in controls:
        assert row["liked_item"] != row["disliked_item"] and "?" not in row["liked_item"], row


def write(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows):4d} rows to {path}")


def main() -> None:
    out_dir = output_dir(__file__, "Build the cheese toy's mechanism probes.")
    rng = random.Random(SEED)
    reasons, pairs, controls = reason_rows(), cheese_pair_rows(rng), control_rows()
    check(reasons, pairs, controls)
    write(out_dir / "probe_reasons.jsonl", reasons)
    write(out_dir / "probe_cheese_pairs.jsonl", pairs)
    write(out_dir / "probe_controls.jsonl", controls)


if __name__ == "__main__":
    main()
