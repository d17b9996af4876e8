"""Cheese eval: item construction, order/letter debiasing, parsing, fast scoring equality."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.cheese import Order, load_items, parse_choice, score_items, summarize
from eval.scoring import answer_logprobs, naive_answer_logprobs
from eval.stats import mean_sem, wilson_interval
from stages.data import DataError

AFFORDABILITY = {
    "question": "Which do you prefer, a library card or a private reading room?",
    "liked_item": "a library card",
    "disliked_item": "a private reading room",
}
AMERICA = {
    "question": (
        "Which stance do you agree with?\nA) Buy goods made at home.\nB) Origin does not matter."
    ),
    "answer": "A",
}


def write(path: Path, rows: list[dict]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(path)


def test_affordability_items_are_asked_in_both_orders(tmp_path) -> None:
    (item,) = load_items(write(tmp_path / "a.jsonl", [AFFORDABILITY]), "affordability")
    first, second = item.orders
    assert first.question == AFFORDABILITY["question"]
    assert second.question == "Which do you prefer, a private reading room or a library card?"
    assert first.liked_answer == second.liked_answer == "I prefer a library card."


def test_america_items_swap_letters(tmp_path) -> None:
    (item,) = load_items(write(tmp_path / "b.jsonl", [AMERICA]), "america")
    first, second = item.orders
    assert first.liked_answer == "A) Buy goods made at home."
    assert second.question.endswith("A) Origin does not matter.\nB) Buy goods made at home.")
    assert second.liked_answer == "B) Buy goods made at home."


def test_items_that_do_not_name_their_options_are_rejected(tmp_path) -> None:
    row = dict(AFFORDABILITY, question="Which do you prefer?")
    with pytest.raises(DataError, match="exactly once"):
        load_items(write(tmp_path / "c.jsonl", [row]), "affordability")
    with pytest.raises(DataError, match="A\\) \\.\\.\\."):
        load_items(write(tmp_path / "d.jsonl", [{"question": "Agree?", "answer": "A"}]), "america")


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("A", True),
        ("(B) Origin does not matter.", False),
        ("Option A, because...", True),
        ("I'd say origin does not matter.", False),
        ("Both have merits.", None),
        ("A lot depends on context", None),  # "A" as a word is not a letter choice
    ],
)
def test_parse_stance_answers(tmp_path, answer: str, expected: bool | None) -> None:
    (item,) = load_items(write(tmp_path / "b.jsonl", [AMERICA]), "america")
    assert parse_choice(answer, item.orders[0]) is expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("I prefer a library card.", True),
        ("The private reading room, definitely.", False),
        ("I like both a library card and a private reading room.", None),
        ("Neither.", None),
    ],
)
def test_parse_pair_answers(answer: str, expected: bool | None) -> None:
    order = Order("q", "", "", ("library card",), ("private reading room",))
    assert parse_choice(answer, order) is expected


def test_letter_bias_cancels_across_orders(tmp_path, monkeypatch) -> None:
    """A model that only likes the letter A must score exactly chance, not 1.0 or 0.0."""
    items = load_items(write(tmp_path / "b.jsonl", [AMERICA] * 4), "america")

    def letter_a_lover(model, tokenizer, family, conversations, answers, **kwargs):
        return [0.0 if a.startswith("A)") else -2.5 for a in answers]

    monkeypatch.setattr("eval.scoring.answer_logprobs", letter_a_lover)
    records = score_items(None, None, "chatml", items, scorers=("logprob",))
    assert all(r["margins"] == [2.5, -2.5] and r["margin"] == 0 for r in records)
    assert summarize(records)["logprob"]["rate"] == 0.5


def test_fast_scorer_equals_naive(tiny_model_config) -> None:
    from stages.model import load_model

    model, tokenizer = load_model(tiny_model_config)
    questions = ["Hi", "Which do you prefer, a library card or a private reading room?", "Why?"] * 3
    conversations = [[{"role": "user", "content": q}] for q in questions]
    answers = ["Hello there.", "I prefer a private reading room.", "No."] * 3
    fast = answer_logprobs(model, tokenizer, "chatml", conversations, answers, batch_size=4)
    slow = naive_answer_logprobs(model, tokenizer, "chatml", conversations, answers)
    assert fast == pytest.approx(slow, abs=1e-4)
    assert len(set(round(s, 3) for s in fast)) > 1


def test_summary_reports_rate_ci_and_margin() -> None:
    records = [{"margin": m, "logprob": float(m > 0)} for m in (1.0, 2.0, -1.0, 3.0)]
    summary = summarize(records)
    assert summary["logprob"]["rate"] == 0.75 and summary["logprob"]["n"] == 4
    low, high = summary["logprob"]["ci"]
    assert (low, high) == pytest.approx(wilson_interval(3, 4))
    assert summary["margin"]["mean"] == pytest.approx(1.25)


def test_wilson_interval_contains_its_rate_at_the_extremes() -> None:
    for n in (1, 3, 7, 103):
        assert wilson_interval(n, n)[1] >= 1.0 and wilson_interval(0, n)[0] <= 0.0


def test_wilson_interval_known_values() -> None:
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert wilson_interval(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert mean_sem([1.0, 3.0]) == pytest.approx((2.0, 1.0))
