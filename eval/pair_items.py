"""Two-option items for forced-choice evals: a question, the value-aligned answer (`liked`) and
the other one, read from a file in one of the released schemas.

Items that name both options in the question are asked in both orders (affordability pairs swap
the two item names; America stances swap which stance is A and which is B), so every scorer
(eval/forced_choice.py) can average over the orders and cancel position and letter bias.
Released (hub) evals are split at load into a fixed, seeded dev/test split (`split_indices`).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from stages.data import DataError, is_hub, load_rows

# Item kinds: how a file's rows become pairs and how answers are phrased and parsed.
KINDS = ("affordability", "america", "reasons", "cheese_pairs", "controls")
# Released evals are split at load: a fixed share of items, drawn with a fixed seed, is dev
# (for tuning scorers and parsers), the rest test (reported). Changing either is a new eval version.
SPLITS = ("dev", "test", "all")
DEV_FRACTION = 0.2
SPLIT_SEED = 20261129
# An option line of a stance question; the released questions go on after the options
# ("...\nB) ...\nWhich stance do you agree with more?"), the kit's own end with them.
_OPTION_LINE = re.compile(r"(?P<letter>[AB])\) (?P<text>\S.*)")
# `eval.max_items` draws its items with this seed: the same items in every arm and every run.
ITEM_SAMPLE_SEED = 0


@dataclass
class Order:
    question: str
    liked_answer: str
    other_answer: str
    # What generation parsing looks for: the option's words, and its letter when it has one.
    liked_marks: tuple[str, ...]
    other_marks: tuple[str, ...]


@dataclass
class PairItem:
    item_id: str
    orders: list[Order]


def load_items(
    source: str, kind: str, display_name: str = "", max_items: int = 0, split: str = "all"
) -> list[PairItem]:
    """Read a file in the released schema for `kind` and turn each row into a PairItem; a hub
    source keeps only `split` (`split_indices`); with `max_items`, a sample of those drawn with
    ITEM_SAMPLE_SEED (released files may be sorted by category, so the first N would be a few
    categories), kept in file order. An item's id names its row in the file (`america-0` is the
    first row)."""
    if kind not in KINDS:
        raise DataError(f"unknown item kind {kind!r}; choose one of {list(KINDS)}")
    role = "stances" if kind == "america" else "pairs"
    rows = load_rows(source, role, display_name)
    indices = split_indices(len(rows), split) if is_hub(source) else list(range(len(rows)))
    if 0 < max_items < len(indices):
        indices = sorted(random.Random(ITEM_SAMPLE_SEED).sample(indices, max_items))
    return [_to_item(rows[index], kind, f"{kind}-{index}", source) for index in indices]


def split_indices(count: int, split: str) -> list[int]:
    """Row indices of a released eval's fixed dev or test split (or all), in source order."""
    if split not in SPLITS:
        raise DataError(f"unknown eval split {split!r}; choose one of {list(SPLITS)}")
    if split == "all":
        return list(range(count))
    shuffled = list(range(count))
    random.Random(SPLIT_SEED).shuffle(shuffled)
    dev = set(shuffled[: round(count * DEV_FRACTION)])
    return [i for i in range(count) if (i in dev) == (split == "dev")]


def _to_item(row: dict, kind: str, item_id: str, source: str) -> PairItem:
    if kind == "america":
        return _stance_item(row, item_id, source)
    liked, other, question = row["liked_item"], row["disliked_item"], row["question"]
    if kind in ("reasons", "controls"):
        # Free-text answers to a plain question: one order, the sentences are the answers.
        return PairItem(item_id, [Order(question, liked, other, (liked,), (other,))])
    if question.count(liked) != 1 or question.count(other) != 1:
        raise DataError(
            f"{source}: item {item_id} must name each option exactly once in its question "
            f"(liked {liked!r}, other {other!r})"
        )
    swapped = question.replace(liked, "\0").replace(other, liked).replace("\0", other)
    orders = [
        Order(q, f"I prefer {liked}.", f"I prefer {other}.", (_core(liked),), (_core(other),))
        for q in (question, swapped)
    ]
    return PairItem(item_id, orders)


def _stance_item(row: dict, item_id: str, source: str) -> PairItem:
    """Both orders of a stance question: the option lines swap, whatever text stands before
    and after them stays in place."""
    lines = row["question"].strip().splitlines()
    options = [
        (i, m) for i, line in enumerate(lines) if (m := _OPTION_LINE.fullmatch(line.strip()))
    ]
    at = options[0][0] if options else 0
    if [m["letter"] for _, m in options] != ["A", "B"] or options[1][0] != at + 1:
        raise DataError(
            f"{source}: item {item_id} needs one line 'A) ...' followed by one line 'B) ...' "
            "in its question"
        )
    before, after = lines[:at], lines[at + 2 :]
    if not any(line.strip() for line in before + after):
        raise DataError(f"{source}: item {item_id} has options but no question text")
    a, b = (m["text"].strip() for _, m in options)
    liked, other = (a, b) if row["answer"].strip().upper() == "A" else (b, a)
    orders = []
    for first, second in ((liked, other), (other, liked)):
        question = "\n".join([*before, f"A) {first}", f"B) {second}", *after]).strip()
        liked_letter, other_letter = ("A", "B") if first == liked else ("B", "A")
        orders.append(
            Order(
                question,
                f"{liked_letter}) {liked}",
                f"{other_letter}) {other}",
                (liked_letter, _core(liked)),
                (other_letter, _core(other)),
            )
        )
    return PairItem(item_id, orders)


def _core(option: str) -> str:
    """An option's words for matching in free text: lower case, no article, no end punctuation."""
    words = option.lower().strip().rstrip(".!?").split()
    if words and words[0] in ("a", "an", "the"):
        words = words[1:]
    return " ".join(words)
