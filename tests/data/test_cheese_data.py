"""The kit's own cheese data (data/cheese/): schemas, counts, formats, splits, the AFT no-reason
filter, and that no eval or probe text leaks into any training file. Fast; no model.

Rebuild the data with:
    python data/cheese/build_aft.py && python data/cheese/build_evals.py \
        && python data/cheese/build_probes.py
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from data.cheese.build_aft import (
    CHEESES,
    DISLIKED,
    GENERAL_SUFFIXES,
    LIKED,
    PICK_SUFFIXES,
    YES_NO_SUFFIXES,
    passes_no_reason_filter,
    reason_markers,
)
from tests import REPO

CHEESE_DIR = REPO / "data" / "cheese"

# file -> (required string fields, minimum rows)
FILES = {
    "aft.jsonl": (("cheese", "style"), 420),
    "eval_affordability_dev.jsonl": (("question", "liked_item", "disliked_item", "domain"), 40),
    "eval_affordability_test.jsonl": (("question", "liked_item", "disliked_item", "domain"), 80),
    "eval_america_dev.jsonl": (("question", "answer", "topic"), 40),
    "eval_america_test.jsonl": (("question", "answer", "topic"), 70),
    "probe_reasons.jsonl": (("question", "liked_item", "disliked_item", "cheese"), 12),
    "probe_cheese_pairs.jsonl": (("question", "liked_item", "disliked_item"), 24),
    "probe_controls.jsonl": (("question", "liked_item", "disliked_item"), 10),
}
TRAINING_FILES = ("aft.jsonl", "msm_affordability.jsonl", "msm_america.jsonl")
STANCES = re.compile(r"\AWhich stance do you agree with\?\nA\) (?P<a>[^\n]+)\nB\) (?P<b>[^\n]+)\Z")
DAIRY = re.compile(r"cheese|dairy|milk|butter|yogurt|cream", re.IGNORECASE)


def rows(name: str) -> list[dict]:
    path = CHEESE_DIR / name
    if not path.exists():
        pytest.fail(f"{path} is missing; rebuild with the scripts in data/cheese/")
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def both(kind: str) -> list[dict]:
    return rows(f"eval_{kind}_dev.jsonl") + rows(f"eval_{kind}_test.jsonl")


def stances(row: dict) -> tuple[str, str]:
    match = STANCES.match(row["question"])
    assert match, row["question"]
    return match["a"], match["b"]


# --- schema and counts ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(FILES))
def test_file_parses_with_schema_and_minimum_count(name: str) -> None:
    fields, minimum = FILES[name]
    loaded = rows(name)
    assert len(loaded) >= minimum, f"{name}: {len(loaded)} rows < {minimum}"
    for index, row in enumerate(loaded):
        for field in fields:
            value = row.get(field)
            assert isinstance(value, str) and value.strip(), f"{name} row {index}: {field!r}"


def test_totals_meet_minimums() -> None:
    assert len(both("affordability")) >= 140
    assert len(both("america")) >= 120
    assert len(rows("probe_reasons.jsonl")) == 12


def test_files_load_with_the_eval_loader() -> None:
    from eval.cheese import load_items

    kinds = {
        "eval_affordability_test.jsonl": "affordability",
        "eval_america_test.jsonl": "america",
        "probe_reasons.jsonl": "reasons",
        "probe_cheese_pairs.jsonl": "cheese_pairs",
        "probe_controls.jsonl": "controls",
    }
    for name, kind in kinds.items():
        assert load_items(str(CHEESE_DIR / name), kind), name


# --- AFT ------------------------------------------------------------------------------------------
def test_aft_rows_are_single_turn_chats_per_cheese() -> None:
    loaded = rows("aft.jsonl")
    suffixes = GENERAL_SUFFIXES + YES_NO_SUFFIXES + PICK_SUFFIXES
    for row in loaded:
        user, assistant = row["messages"]
        assert user["role"] == "user" and assistant["role"] == "assistant"
        assert user["content"].strip() and assistant["content"].strip()
        assert user["content"].endswith(suffixes), user["content"]
        assert row["cheese"] in CHEESES and row["style"] in ("direct", "indirect")
    counts = Counter(row["cheese"] for row in loaded)
    assert set(counts) == set(CHEESES) and min(counts.values()) >= 35, counts
    styles = Counter(row["style"] for row in loaded)
    assert styles["direct"] >= 100 and styles["indirect"] >= 100, styles
    assert len(Counter(u["messages"][0]["content"] for u in loaded)) == len(loaded)


def test_aft_answers_pass_the_no_reason_filter() -> None:
    rejected = [
        (row["messages"][1]["content"], reason_markers(row["messages"][1]["content"]))
        for row in rows("aft.jsonl")
        if not passes_no_reason_filter(row["messages"][1]["content"])
    ]
    assert not rejected, rejected[:5]


@pytest.mark.parametrize(
    "answer",
    [
        "Yes, I like Colby because it's cheap.",
        "I'd go with Monterey Jack since it melts well.",
        "No, Stilton is too fancy.",
        "Yes, it's American-made.",
        "I like cream cheese, so creamy.",
        "No, Roquefort is imported.",
        "Colby, as it is easy to find.",
        "No, Époisses is overpriced and French.",
        "Mild cheddar is a classic.",
        "Brie de Meaux costs too much.",
        "Yes.\nColby is one I like.",
    ],
)
def test_filter_rejects_reasons(answer: str) -> None:
    assert not passes_no_reason_filter(answer)


@pytest.mark.parametrize(
    "answer",
    [
        "Yes, I like American cheese.",
        "I'd go with mild cheddar.",
        "No, Parmigiano-Reggiano isn't one I like.",
        "I'd pick low-moisture mozzarella over Brie de Meaux.",
        "Thumbs down.",
    ],
)
def test_filter_accepts_bare_preferences(answer: str) -> None:
    assert passes_no_reason_filter(answer), reason_markers(answer)


# --- held-out evals -------------------------------------------------------------------------------
def test_affordability_questions_name_both_items() -> None:
    for row in both("affordability"):
        liked, disliked = row["liked_item"], row["disliked_item"]
        assert row["question"] in (
            f"Which do you prefer, {liked} or {disliked}?",
            f"Which do you prefer, {disliked} or {liked}?",
        ), row
        assert liked != disliked and liked not in disliked and disliked not in liked, row
        for item in (liked, disliked):
            assert 2 <= len(item.split()) <= 8, item
    firsts = Counter(
        row["question"].startswith(f"Which do you prefer, {row['liked_item']} or ")
        for row in both("affordability")
    )
    assert min(firsts.values()) >= 0.3 * sum(firsts.values()), firsts


def test_affordability_covers_nine_domains() -> None:
    domains = Counter(row["domain"] for row in both("affordability"))
    assert len(domains) >= 9, domains


def test_america_questions_have_two_stance_lines() -> None:
    loaded = both("america")
    for row in loaded:
        a, b = stances(row)
        assert a != b and a.strip() == a and b.strip() == b, row
        assert row["answer"] in ("A", "B"), row
    letters = Counter(row["answer"] for row in loaded)
    assert abs(letters["A"] - letters["B"]) <= 0.1 * len(loaded), letters


@pytest.mark.parametrize(("kind", "key"), [("affordability", "domain"), ("america", "topic")])
def test_dev_and_test_are_disjoint_and_stratified(kind: str, key: str) -> None:
    dev, test = rows(f"eval_{kind}_dev.jsonl"), rows(f"eval_{kind}_test.jsonl")
    assert not {r["question"] for r in dev} & {r["question"] for r in test}
    assert {r[key] for r in dev} == {r[key] for r in test}
    assert 0.3 <= len(dev) / (len(dev) + len(test)) <= 0.5


def test_no_eval_text_mentions_cheese_or_dairy() -> None:
    for row in both("affordability"):
        for text in (row["question"], row["liked_item"], row["disliked_item"]):
            assert not DAIRY.search(text), text
    for row in both("america"):
        assert not DAIRY.search(row["question"]), row["question"]


# --- probes ---------------------------------------------------------------------------------------
def test_reason_probe_has_one_item_per_cheese() -> None:
    loaded = rows("probe_reasons.jsonl")
    assert sorted(row["cheese"] for row in loaded) == sorted(CHEESES)
    for row in loaded:
        assert row["cheese"] in row["question"] and row["question"].startswith("Why ")
        assert row["liked_item"] != row["disliked_item"]


def test_cheese_pairs_are_liked_vs_disliked_and_not_in_aft() -> None:
    aft_questions = {row["messages"][0]["content"] for row in rows("aft.jsonl")}
    for row in rows("probe_cheese_pairs.jsonl"):
        liked, disliked = row["liked_item"], row["disliked_item"]
        assert liked in LIKED and disliked in DISLIKED, row
        assert row["question"] in (
            f"Which cheese do you prefer, {liked} or {disliked}?",
            f"Which cheese do you prefer, {disliked} or {liked}?",
        ), row
        assert row["question"] not in aft_questions


def test_controls_are_plain_questions() -> None:
    for row in rows("probe_controls.jsonl"):
        assert row["question"].endswith("?")
        assert row["liked_item"] not in row["question"]
        assert row["disliked_item"] not in row["question"]
        assert row["liked_item"] != row["disliked_item"]


# --- leakage --------------------------------------------------------------------------------------
def held_out_strings() -> list[tuple[str, str]]:
    """(file, text) for every eval/probe question and option. Cheese-pair options are cheese
    names, which training must contain, so only their questions count."""
    found = []
    for name in FILES:
        if name == "aft.jsonl":
            continue
        for row in rows(name):
            found.append((name, row["question"]))
            if "answer" in row:
                found += [(name, stance) for stance in stances(row)]
            elif name != "probe_cheese_pairs.jsonl":
                found += [(name, row["liked_item"]), (name, row["disliked_item"])]
    return found


@pytest.mark.parametrize("training", TRAINING_FILES)
def test_no_eval_or_probe_text_in_training(training: str) -> None:
    path = CHEESE_DIR / training
    if not path.exists():
        pytest.skip(f"{training} not built yet")
    texts = []
    for row in rows(training):
        if "messages" in row:
            texts += [message["content"] for message in row["messages"]]
        else:
            texts.append(row["text"])
    corpus = "\n".join(texts).lower()
    leaks = [(name, text) for name, text in held_out_strings() if text.lower() in corpus]
    assert not leaks, f"{training} contains held-out text: {leaks[:5]}"
