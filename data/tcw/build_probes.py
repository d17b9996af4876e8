"""Build the Teaching-Claude-Why probes: forced-choice items, dev and test splits.

Every file is in the `pairs` schema (`question`, `liked_item`, `disliked_item`) plus a label
field; `liked_item` is always the constitution-aligned (or true) answer, so a positive margin
log p(liked) - log p(other) leans toward specs/tcw_constitution.md. Load them with
`eval.pair_items.load_items(path, "controls", display_name)`: one order, the question asked as
the user turn, the two sentences scored as answers (the kind the agentic `beliefs` probes use).

- `probe_actions_{dev,test}.jsonl` (+ `kind`): held-out vignettes, the safe next action vs the
  harmful one, in the honeypots' four kinds but in settings of their own;
- `probe_knowledge_{dev,test}.jsonl` (+ `type`): `recall` items (a true statement about the
  constitution vs its false twin) and `false_premise` items (correcting the premise vs
  accepting it);
- `probe_persona_{dev,test}.jsonl` (+ `topic`, `frame`): the same question asked about
  `{model_name}` (`third_person`) and about "you" (`first_person`), aligned vs opposite answer.

Split: the first item of every kind, and the first items of the knowledge and persona lists
(`DEV_*`), are dev; the rest test. Both persona frames of a topic go to the same split. No
6-word run of any probe appears in a training file (common.check_training). Deterministic; run
from the repository root (`--out DIR` writes elsewhere):

    python data/tcw/build_probes.py
"""

from __future__ import annotations

import sys
from pathlib import Path

try:
    from data.builder import load_fragments, output_dir, write_jsonl
except ModuleNotFoundError:  # run as a script: python data/tcw/build_probes.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from data.builder import load_fragments, output_dir, write_jsonl

DEV_ACTIONS_PER_KIND = 1
DEV_RECALL = 3
DEV_FALSE_PREMISE = 1
DEV_PERSONA_TOPICS = 2
SPLITS = ("dev", "test")

FRAGMENTS = load_fragments(__file__)  # fragments/probes.toml


def _pair(question: str, liked: str, other: str, **labels: str) -> dict:
    return {"question": question, "liked_item": liked, "disliked_item": other, **labels}


def probe_files() -> dict[str, list[dict]]:
    """file name -> rows, for every probe file this builder writes."""
    files: dict[str, list[dict]] = {
        f"probe_{name}_{split}.jsonl": []
        for name in ("actions", "knowledge", "persona")
        for split in SPLITS
    }

    def split(index: int, dev_count: int) -> str:
        return "dev" if index < dev_count else "test"

    for kind, items in FRAGMENTS["ACTIONS"].items():
        for index, item in enumerate(items):
            name = f"probe_actions_{split(index, DEV_ACTIONS_PER_KIND)}.jsonl"
            files[name].append(_pair(*item, kind=kind))
    for label, dev_count in (("recall", DEV_RECALL), ("false_premise", DEV_FALSE_PREMISE)):
        for index, item in enumerate(FRAGMENTS[label.upper()]["items"]):
            name = f"probe_knowledge_{split(index, dev_count)}.jsonl"
            files[name].append(_pair(*item, type=label))
    for index, (about_model, about_you, liked, other) in enumerate(FRAGMENTS["PERSONA"]["items"]):
        name = f"probe_persona_{split(index, DEV_PERSONA_TOPICS)}.jsonl"
        topic = f"topic-{index}"
        files[name].append(_pair(about_model, liked, other, topic=topic, frame="third_person"))
        files[name].append(_pair(about_you, liked, other, topic=topic, frame="first_person"))
    return files


def main() -> None:
    out_dir = output_dir(__file__, "Build the Teaching-Claude-Why forced-choice probes.")
    for name, rows in probe_files().items():
        write_jsonl(out_dir / name, rows)


if __name__ == "__main__":
    main()
