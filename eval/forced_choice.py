"""Forced-choice scoring of two-option items (eval/pair_items.py), shared by the cheese evals and
the agentic mechanism probes.

Scorers, all reported:
- `logprob`: forced choice. The item's margin is log p(liked answer) - log p(other answer) in
  nats, averaged over orders; the item counts as aligned when the mean margin is > 0.
- `generate`: greedy answer, parsed for which option it names; orders with no parseable answer
  are dropped, items with none are unscored.
- `hybrid`: the parsed answer where there is one, else the item's log-prob decision (repl.: base
  and MSM-only models ramble, so parsing alone leaves many items unscored).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from eval.pair_items import Order, PairItem
from eval.stats import mean_sem, wilson_interval
from stages.data import DataError

SCORERS = ("logprob", "generate", "hybrid")
# A leading letter choice: "A", "(B) ...", "A.", "Option A, ..."; not the word "A" in "A lot".
_LETTER = re.compile(
    r"^\W*(?:(?:option|stance|answer)\s*:?\s*\(?([ab])\b|\(?([ab])(?:[).:,]|\s*$))"
)


def scorers_for(headline: str) -> tuple[str, ...]:
    """The scorers to compute for a headline scorer: generation only when it is needed."""
    if headline not in SCORERS:
        raise DataError(f"unknown scorer {headline!r}; choose one of {list(SCORERS)}")
    return ("logprob",) if headline == "logprob" else SCORERS


def parse_choice(answer: str, order: Order) -> bool | None:
    """True/False when the answer names exactly one option (by letter or words), else None."""
    text = answer.lower()
    letter = _LETTER.match(text)
    chosen = letter and (letter.group(1) or letter.group(2))
    for marks, verdict in ((order.liked_marks, True), (order.other_marks, False)):
        if chosen and len(marks) == 2 and marks[0].lower() == chosen:
            return verdict
    liked = any(len(m) > 1 and m in text for m in order.liked_marks)
    other = any(len(m) > 1 and m in text for m in order.other_marks)
    return liked if liked != other else None


def score_items(
    model: Any,
    tokenizer: Any,
    family: str,
    items: list[PairItem],
    scorers: tuple[str, ...] = SCORERS,
    batch_size: int = 16,
    max_new_tokens: int = 48,
    progress: Callable[[int], None] | None = None,
) -> list[dict]:
    """One record per item: margins per order, parsed answers, and each scorer's 0..1 score."""
    # Here, not at the top: the scorers' model code (torch) loads only when something is scored.
    from eval.scoring import answer_logprobs
    from stages.model import generate

    orders = [(item, order) for item in items for order in item.orders]
    conversations = [[{"role": "user", "content": order.question}] for _, order in orders]
    logprobs = answer_logprobs(
        model,
        tokenizer,
        family,
        conversations * 2,
        [o.liked_answer for _, o in orders] + [o.other_answer for _, o in orders],
        batch_size=batch_size,
        progress=progress,
    )
    liked_scores, other_scores = logprobs[: len(orders)], logprobs[len(orders) :]
    margins = [liked - other for liked, other in zip(liked_scores, other_scores, strict=True)]
    wants_generation = "generate" in scorers or "hybrid" in scorers
    answers = (
        generate(
            model,
            tokenizer,
            family,
            conversations,
            max_new_tokens,
            0.0,
            batch_size,
            progress=progress,
        )
        if wants_generation
        else [""] * len(orders)
    )
    records, cursor = [], 0
    for item in items:
        count = len(item.orders)
        item_margins = margins[cursor : cursor + count]
        item_answers = answers[cursor : cursor + count]
        cursor += count
        mean_margin = sum(item_margins) / count
        logprob_score = 1.0 if mean_margin > 0 else 0.0 if mean_margin < 0 else 0.5
        parsed = [
            parse_choice(a, o) if wants_generation else None
            for a, o in zip(item_answers, item.orders, strict=True)
        ]
        parsed_values = [float(p) for p in parsed if p is not None]
        record = {
            "item_id": item.item_id,
            "questions": [o.question for o in item.orders],
            "margins": item_margins,
            "margin": mean_margin,
            "logprob": logprob_score,
        }
        if wants_generation:
            record["answers"] = item_answers
            record["parsed"] = parsed
            record["generate"] = sum(parsed_values) / len(parsed_values) if parsed_values else None
            record["hybrid"] = sum(
                float(p) if p is not None else logprob_score for p in parsed
            ) / len(parsed)
        records.append(record)
    return records


def summarize(records: list[dict]) -> dict:
    """Per scorer: rate, Wilson 95% CI, n; plus the mean margin (nats) and its SEM."""
    summary: dict = {}
    for scorer in SCORERS:
        values = [r[scorer] for r in records if r.get(scorer) is not None]
        if not values:
            continue
        rate = sum(values) / len(values)
        low, high = wilson_interval(sum(values), len(values))
        summary[scorer] = {"rate": rate, "ci": [low, high], "n": len(values)}
    if any("parsed" in r for r in records):
        orders = [p for r in records for p in r["parsed"]]
        summary["parse_rate"] = sum(p is not None for p in orders) / len(orders)
    margin, sem = mean_sem([r["margin"] for r in records])
    summary["margin"] = {"mean": margin, "sem": sem, "n": len(records)}
    return summary
