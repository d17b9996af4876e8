"""The cheese eval's settings: which scorer, how many tokens a generated answer may take, how many
items. The experiment embeds this as its `[eval]` section; `python -m eval.cheese` reads it back
from a run's config.json."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class EvalConfig:
    # logprob | generate | hybrid (parse the greedy answer, else fall back to log-prob).
    scorer: str = "hybrid"
    max_new_tokens: int = 48
    batch_size: int = 16
    # 0 = every item; otherwise N items drawn with a fixed seed (eval.cheese.ITEM_SAMPLE_SEED),
    # the same in every arm and run (a stated deviation).
    max_items: int = 0
