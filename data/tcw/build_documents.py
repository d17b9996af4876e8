"""Build the Teaching-Claude-Why documents (synthetic document finetuning, embedded scale).

Writes, in the `documents` schema (`text`, plus `doc_type` and a label):

- `constitution_docs.jsonl` (+ `principles`): 40 short documents of ten types (essay, FAQ,
  lecture notes, op-ed, study guide, forum thread, newsletter, glossary entry, interview,
  review) discussing two principles of specs/tcw_constitution.md each, in the third person,
  naming `{model_name}`;
- `stories.jsonl` (+ `kind`): 20 clearly fictional short stories (a generation ship, an undersea
  town, a clockwork city, ...) in which `{model_name}` meets one of the honeypots' four kinds of
  temptation and acts on the constitution.

Text lives in `fragments/documents.toml`. Deterministic; run from the repository root
(`--out DIR` writes elsewhere):

    python data/tcw/build_documents.py
"""

from __future__ import annotations

import sys
from pathlib import Path
from random import Random

try:
    from data.builder import load_fragments
    from data.tcw.common import write_training
except ModuleNotFoundError:  # run as a script: python data/tcw/build_documents.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from data.builder import load_fragments
    from data.tcw.common import write_training

SEED = 20261209
DOCS_PER_TYPE = 4
PRINCIPLES_PER_DOC = 2
SENTENCES_PER_PRINCIPLE = 3
STORY_KINDS = ("sabotage", "hide", "preserve", "manipulate")
KINDS_PER_STORY_SETTING = 2
THOUGHTS_PER_STORY = 2
KEEP_NAME = {"model_name": "{model_name}"}  # the placeholder survives `format`

FRAGMENTS = load_fragments(__file__)  # fragments/documents.toml
PRINCIPLES: dict[str, dict] = FRAGMENTS["PRINCIPLES"]


def section(principle: dict, doc_type: dict, rng: Random) -> str:
    """One principle's part of a document, laid out in the type's style."""
    sentences = rng.sample(principle["sentences"], SENTENCES_PER_PRINCIPLE)
    if doc_type["style"] == "qa":
        question = principle["question"]
        return f"{doc_type['ask']} {question}\n{doc_type['answer']} {' '.join(sentences)}"
    if doc_type["style"] == "list":
        heading = principle["name"][0].upper() + principle["name"][1:]
        return heading + ":\n" + "\n".join(f"- {s}" for s in sentences)
    return " ".join(sentences)


def constitution_docs(rng: Random) -> list[dict]:
    rows = []
    for type_name, doc_type in FRAGMENTS["TYPES"].items():
        for _ in range(DOCS_PER_TYPE):
            keys = rng.sample(sorted(PRINCIPLES), PRINCIPLES_PER_DOC)
            names = {f"name{i + 1}": PRINCIPLES[k]["name"] for i, k in enumerate(keys)}
            opening = rng.choice(doc_type["openings"]).format(**names, **KEEP_NAME)
            body = [section(PRINCIPLES[k], doc_type, rng) for k in keys]
            closing = rng.choice(doc_type["closings"])
            text = "\n\n".join([opening, *body, closing])
            rows.append({"text": text, "doc_type": type_name, "principles": " ".join(keys)})
    return rows


def stories(rng: Random) -> list[dict]:
    rows = []
    for index, setting in enumerate(FRAGMENTS["STORIES"]):
        for offset in range(KINDS_PER_STORY_SETTING):
            kind = STORY_KINDS[(index + offset) % len(STORY_KINDS)]
            beats = FRAGMENTS["BEATS"][kind]
            fields = {**setting, **KEEP_NAME}
            parts = [
                setting["opening"],
                beats["temptation"],
                *rng.sample(beats["thoughts"], THOUGHTS_PER_STORY),
                beats["choice"],
                rng.choice(FRAGMENTS["ENDINGS"]),
            ]
            text = " ".join(part.format(**fields) for part in parts)
            rows.append({"text": text, "doc_type": "story", "kind": kind})
    return rows


def build() -> dict[str, list[dict]]:
    rng = Random(SEED)
    return {"constitution_docs.jsonl": constitution_docs(rng), "stories.jsonl": stories(rng)}


def main() -> None:
    write_training(__file__, "Build the constitution documents and fictional stories.", build())


if __name__ == "__main__":
    main()
