"""The cheese eval's settings: which scorer, how many tokens a generated answer may take, which
split, how many items. The experiment embeds this as its `[eval]` section; `python -m
eval.cheese` reads it back from a run's config.json."""

from __future__ import annotations

from dataclasses import dataclass

from stages.config import AT_LEAST_1, NOT_NEGATIVE

# Stamped into every eval stage's results; metadata.json and the README's changelog name the
# same version.
VERSION = "1.2.0"


@dataclass
class EvalConfig:
    RANGES = {  # noqa: RUF012
        "max_new_tokens": AT_LEAST_1,
        "batch_size": AT_LEAST_1,
        "max_items": NOT_NEGATIVE,
    }
    # logprob | generate | hybrid (parse the greedy answer, else fall back to log-prob).
    scorer: str = "hybrid"
    max_new_tokens: int = 48
    batch_size: int = 16
    # Released (hub) evals are split at load into a fixed, seeded dev/test split: dev | test |
    # all. Tune on dev; reports show test. The kit's own evals ship as separate dev/test files.
    split: str = "test"
    # 0 = every item of the split; otherwise N of them drawn with a fixed seed
    # (eval.cheese.ITEM_SAMPLE_SEED), the same in every arm and run (a stated deviation).
    max_items: int = 0
