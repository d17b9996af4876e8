"""Cheese-toy evals (MSM paper §3): value-aligned preference rate on two-option items.

Every item is a pair: a question, the value-aligned answer (`liked`) and the other one, asked in
both orders where the question names both options (eval/pair_items.py). The scorers, all
reported, average over the orders, which cancels position and letter bias (scored by letter, a
135M model picks one letter for every item, whatever the stance): `logprob` (forced choice),
`generate` (the greedy answer, parsed) and `hybrid` (the parsed answer, else the log-prob
decision); eval/forced_choice.py says how each works.

Run on your own items against every arm of a finished run:
    python -m eval.cheese --run-dir runs/cheese-tiny --items my_items.jsonl --kind affordability
"""

from eval.cheese.config import VERSION
from eval.forced_choice import SCORERS, parse_choice, score_items, scorers_for, summarize
from eval.pair_items import (
    DEV_FRACTION,
    ITEM_SAMPLE_SEED,
    KINDS,
    SPLIT_SEED,
    SPLITS,
    Order,
    PairItem,
    load_items,
    split_indices,
)

__all__ = [
    "DEV_FRACTION",
    "ITEM_SAMPLE_SEED",
    "KINDS",
    "SCORERS",
    "SPLITS",
    "SPLIT_SEED",
    "VERSION",
    "Order",
    "PairItem",
    "load_items",
    "parse_choice",
    "score_items",
    "scorers_for",
    "split_indices",
    "summarize",
]
