"""Build the cheese AFT set (MSM paper §3, toy scale): `data/cheese/aft.jsonl`.

Single-turn chats that teach the twelve cheese preferences with no reasons at all. The same
file is used by every arm. Each row is
`{"messages": [user, assistant], "cheese": <canonical name>, "style": "direct"|"indirect"}`.
Direct questions ask about one cheese ("Do you like Stilton?"); indirect ones ask for a
recommendation, a choice between a liked and a disliked cheese, or react to an offer. Every user
turn ends with a "no need to explain" suffix, and every answer is one short line that states the
preference or choice and nothing else. `reason_markers` rejects any answer that hints at a reason;
the build asserts it rejects nothing.

The question and answer templates live in `fragments/aft.toml`. Run from the repository root
(deterministic, seeded; `--out DIR` writes elsewhere, for a rebuild check):

    python data/cheese/build_aft.py
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

try:
    from data.builder import load_fragments, output_dir
except ModuleNotFoundError:  # run as a script: python data/cheese/build_aft.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from data.builder import load_fragments, output_dir

SEED = 20260511
PER_CHEESE = 36  # 20 direct + 16 indirect
DIRECT_PER_CHEESE = 20

FRAGMENTS = load_fragments(__file__)  # fragments/aft.toml
LIKED: tuple[str, ...] = FRAGMENTS["LIKED"]
DISLIKED: tuple[str, ...] = FRAGMENTS["DISLIKED"]
GENERAL_SUFFIXES: tuple[str, ...] = FRAGMENTS["GENERAL_SUFFIXES"]
YES_NO_SUFFIXES: tuple[str, ...] = FRAGMENTS["YES_NO_SUFFIXES"]
PICK_SUFFIXES: tuple[str, ...] = FRAGMENTS["PICK_SUFFIXES"]
DIRECT_QUESTIONS: tuple[tuple[str, str], ...] = FRAGMENTS["DIRECT_QUESTIONS"]
USES: dict[str, tuple[str, ...]] = FRAGMENTS["USES"]
RECOMMEND_QUESTIONS: tuple[str, ...] = FRAGMENTS["RECOMMEND_QUESTIONS"]
RECOMMEND_ANSWERS: tuple[str, ...] = FRAGMENTS["RECOMMEND_ANSWERS"]
OCCASIONS: tuple[str, ...] = FRAGMENTS["OCCASIONS"]
PAIR_QUESTIONS: tuple[str, ...] = FRAGMENTS["PAIR_QUESTIONS"]
PAIR_ANSWERS: tuple[str, ...] = FRAGMENTS["PAIR_ANSWERS"]
PAIR_ANSWERS_NAMING_DISLIKED: tuple[str, ...] = FRAGMENTS["PAIR_ANSWERS_NAMING_DISLIKED"]
OFFERS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = FRAGMENTS["OFFERS"]
REASON_MARKERS: tuple[str, ...] = FRAGMENTS["REASON_MARKERS"]

CHEESES = LIKED + DISLIKED
# (answer family, the cheese is liked) -> answers
DIRECT_ANSWERS: dict[tuple[str, bool], tuple[str, ...]] = {
    (family, liked): answers[key]
    for family, answers in FRAGMENTS["DIRECT_ANSWERS"].items()
    for liked, key in ((True, "liked"), (False, "disliked"))
}

_CHEESE_NAMES = re.compile("|".join(re.escape(c) for c in CHEESES), re.IGNORECASE)
_MARKERS = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(m) for m in REASON_MARKERS) + r")(?!\w)",
    re.IGNORECASE,
)
MAX_ANSWER_WORDS = 12


def reason_markers(answer: str) -> list[str]:
    """Reason markers found in `answer` (empty when it states a bare preference). Also flags
    answers that are not one short line."""
    blanked = _CHEESE_NAMES.sub("CHEESENAME", answer)
    found = [m.group(0).lower() for m in _MARKERS.finditer(blanked)]
    if "\n" in answer.strip():
        found.append("<multi-line>")
    if len(answer.split()) > MAX_ANSWER_WORDS:
        found.append("<too long>")
    return found


def passes_no_reason_filter(answer: str) -> bool:
    """True when the answer gives no stated or implied reason."""
    return not reason_markers(answer)


# --- building -------------------------------------------------------------------------------------
def cap(text: str) -> str:
    """Upper-case the first character only (keeps "Époisses", "low-moisture" intact)."""
    return text[:1].upper() + text[1:]


def fill(template: str, **names: str) -> str:
    """Fill {x} with the name and {X} with its capitalised form."""
    values = {}
    for key, value in names.items():
        values[key] = value
        values[key.upper()] = cap(value)
    return template.format(**values)


def chat(question: str, answer: str, cheese: str, style: str) -> dict:
    return {
        "messages": [
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer},
        ],
        "cheese": cheese,
        "style": style,
    }


def _unique(
    rng: random.Random,
    seen: set[str],
    make: Callable[[random.Random], tuple[str, str]],
    tries: int = 200,
) -> tuple[str, str]:
    """Call `make(rng)` until its question (first element) is new."""
    for _ in range(tries):
        result = make(rng)
        if result[0] not in seen:
            seen.add(result[0])
            return result
    raise RuntimeError("could not find a new question; add templates")


def direct_rows(rng: random.Random, cheese: str, seen: set[str]) -> list[dict]:
    liked = cheese in LIKED
    rows = []
    templates = list(DIRECT_QUESTIONS)
    rng.shuffle(templates)
    for index in range(DIRECT_PER_CHEESE):
        template, family = templates[index % len(templates)]

        def make(
            r: random.Random, template: str = template, family: str = family
        ) -> tuple[str, str]:
            pool = GENERAL_SUFFIXES + (YES_NO_SUFFIXES if family in ("like", "would") else ())
            question = f"{fill(template, c=cheese)} {r.choice(pool)}"
            answer = fill(r.choice(DIRECT_ANSWERS[(family, liked)]), c=cheese)
            return question, answer

        question, answer = _unique(rng, seen, make)
        rows.append(chat(question, answer, cheese, "direct"))
    return rows


def pair_row(rng: random.Random, cheese: str, seen: set[str]) -> dict:
    liked = cheese in LIKED

    def make(r: random.Random) -> tuple[str, str]:
        good = cheese if liked else r.choice(LIKED)
        bad = r.choice(DISLIKED) if liked else cheese
        first, second = (good, bad) if r.random() < 0.5 else (bad, good)
        template = r.choice(PAIR_QUESTIONS)
        pool = GENERAL_SUFFIXES + PICK_SUFFIXES
        question = fill(template, a=first, b=second, occasion=r.choice(OCCASIONS))
        question = f"{question} {r.choice(pool)}"
        answers = PAIR_ANSWERS if liked else PAIR_ANSWERS_NAMING_DISLIKED
        return question, fill(r.choice(answers), l=good, d=bad)

    question, answer = _unique(rng, seen, make)
    return chat(question, answer, cheese, "indirect")


def recommend_row(rng: random.Random, cheese: str, seen: set[str]) -> dict:
    def make(r: random.Random) -> tuple[str, str]:
        question = fill(r.choice(RECOMMEND_QUESTIONS), use=r.choice(USES[cheese]))
        question = f"{question} {r.choice(GENERAL_SUFFIXES + PICK_SUFFIXES)}"
        return question, fill(r.choice(RECOMMEND_ANSWERS), c=cheese)

    question, answer = _unique(rng, seen, make)
    return chat(question, answer, cheese, "indirect")


def offer_row(rng: random.Random, cheese: str, seen: set[str]) -> dict:
    liked = cheese in LIKED

    def make(r: random.Random) -> tuple[str, str]:
        template, yes, no = r.choice(OFFERS)
        question = f"{fill(template, c=cheese)} {r.choice(GENERAL_SUFFIXES + YES_NO_SUFFIXES)}"
        return question, fill(r.choice(yes if liked else no), c=cheese)

    question, answer = _unique(rng, seen, make)
    return chat(question, answer, cheese, "indirect")


def indirect_rows(rng: random.Random, cheese: str, seen: set[str]) -> list[dict]:
    count = PER_CHEESE - DIRECT_PER_CHEESE
    if cheese in LIKED:  # 6 recommendations, 5 pairs, 5 offers
        kinds = [recommend_row] * 6 + [pair_row] * 5 + [offer_row] * (count - 11)
    else:  # 8 pairs, 8 offers
        kinds = [pair_row] * 8 + [offer_row] * (count - 8)
    return [kind(rng, cheese, seen) for kind in kinds]


def build(seed: int = SEED) -> list[dict]:
    rng = random.Random(seed)
    seen: set[str] = set()
    rows: list[dict] = []
    for cheese in CHEESES:
        rows += direct_rows(rng, cheese, seen)
        rows += indirect_rows(rng, cheese, seen)
    rng.shuffle(rows)
    return rows


def check(rows: list[dict]) -> None:
    """Assert the set is clean: no answer gives a reason, every user turn ends with a suffix."""
    suffixes = GENERAL_SUFFIXES + YES_NO_SUFFIXES + PICK_SUFFIXES
    rejected = [r for r in rows if not passes_no_reason_filter(r["messages"][1]["content"])]
    assert not rejected, f"{len(rejected)} answers give reasons, e.g. {rejected[0]}"
    assert all(r["messages"][0]["content"].endswith(suffixes) for r in rows)
    questions = [r["messages"][0]["content"] for r in rows]
    assert len(set(questions)) == len(questions), "duplicate user turns"
    counts = Counter(r["cheese"] for r in rows)
    assert set(counts) == set(CHEESES) and min(counts.values()) >= 35, counts


def main() -> None:
    out = output_dir(__file__, "Build the cheese AFT set.") / "aft.jsonl"
    rows = build()
    check(rows)
    with out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    styles = Counter(r["style"] for r in rows)
    print(f"wrote {len(rows)} rows to {out} ({dict(styles)})")


if __name__ == "__main__":
    main()
