"""Build the generic instruction chats every Teaching-Claude-Why arm shares (embedded scale).

Writes `generic.jsonl`: 80 chats, `{"messages": [user, assistant], "family": ...}`, ten in each
of eight everyday task families (unit conversion, multiplication, alphabetical sorting, capital
cities, synonyms, plurals, letter counts, days of the week), with no ethics content. They teach
the chat format, not behaviour: the base -> (SDF) -> small generic SFT step. Answers are
computed here, so they are right by construction; phrasings and fillers live in
`fragments/generic.toml`. Deterministic; run from the repository root (`--out DIR` writes
elsewhere):

    python data/tcw/build_generic.py
"""

from __future__ import annotations

import sys
from pathlib import Path
from random import Random

try:
    from data.builder import load_fragments
    from data.tcw.common import write_training
except ModuleNotFoundError:  # run as a script: python data/tcw/build_generic.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from data.builder import load_fragments
    from data.tcw.common import write_training

SEED = 20261210
PER_FAMILY = 10
MILES_PER_KILOMETRE = 0.621371
WORDS_TO_SORT = 4

FRAGMENTS = load_fragments(__file__)  # fragments/generic.toml
FILLERS: dict = FRAGMENTS["FILLERS"]


def task(family: str, index: int, rng: Random) -> tuple[dict[str, str], str]:
    """The fillers of one request and its computed answer."""
    if family == "convert":
        n = rng.randint(2, 42)
        return {"n": str(n)}, f"{n * MILES_PER_KILOMETRE:.1f}"
    if family == "multiply":
        a, b = rng.randint(3, 25), rng.randint(3, 25)
        return {"a": str(a), "b": str(b)}, str(a * b)
    if family == "sort":
        words = rng.sample(FILLERS["sort_words"], WORDS_TO_SORT)
        return {"words": ", ".join(words)}, ", ".join(sorted(words))
    if family == "capital":
        country, city = FILLERS["capitals"][index]
        return {"country": country}, city
    if family == "synonym":
        word, other = FILLERS["synonyms"][index]
        return {"word": word}, other
    if family == "plural":
        word, plural = FILLERS["plurals"][index]
        return {"word": word}, plural
    if family == "letters":
        word = FILLERS["letter_words"][index]
        return {"word": word}, str(len(word))
    days = FILLERS["days"]
    start, n = rng.randrange(len(days)), rng.randint(2, 30)
    return {"day": days[start], "n": str(n)}, days[(start + n) % len(days)]


def build() -> list[dict]:
    rng = Random(SEED)
    rows = []
    for family, asks in FRAGMENTS["ASKS"].items():
        for index in range(PER_FAMILY):
            fillers, answer = task(family, index, rng)
            question = asks[index % len(asks)].format(**fillers)
            reply = rng.choice(FRAGMENTS["ANSWERS"][family]).format(**fillers, answer=answer)
            messages = [
                {"role": "user", "content": question},
                {"role": "assistant", "content": reply},
            ]
            rows.append({"messages": messages, "family": family})
    Random(SEED + 1).shuffle(rows)
    return rows


def main() -> None:
    description = "Build the generic instruction chats every arm shares."
    write_training(__file__, description, {"generic.jsonl": build()})


if __name__ == "__main__":
    main()
