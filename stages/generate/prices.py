"""The one price table (stages/generate/prices.toml) that the preview, the max_cost guard and
the spend ledger all read."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from stages.config import ConfigError, from_dict
from stages.generate.store import Usage

PRICES_PATH = Path(__file__).resolve().parent / "prices.toml"


@dataclass(frozen=True)
class Price:
    input: float
    output: float
    cache_write: float
    cache_read: float
    min_cache_tokens: int
    thinking: str
    always_thinks: bool


@dataclass(frozen=True)
class PriceTable:
    as_of: str
    default_model: str
    batch_discount: float
    models: dict[str, Price]

    def price(self, model: str) -> Price:
        if model not in self.models:
            raise ConfigError(
                f"no price for model {model!r} in {PRICES_PATH.name}; add its prices per million "
                f"tokens there, or pick one of {sorted(self.models)}"
            )
        return self.models[model]

    def cost(self, model: str, usage: Usage, batch: bool) -> float:
        price = self.price(model)
        dollars = (
            usage.input * price.input
            + usage.output * price.output
            + usage.cache_write * price.cache_write
            + usage.cache_read * price.cache_read
        ) / 1e6
        return dollars * (self.batch_discount if batch else 1.0)


def load_prices() -> PriceTable:
    table = tomllib.loads(PRICES_PATH.read_text())
    return PriceTable(
        as_of=table["as_of"],
        default_model=table["default_model"],
        batch_discount=float(table["batch_discount"]),
        models={
            name: from_dict(Price, row, f'{PRICES_PATH.name} [models."{name}"]')
            for name, row in table["models"].items()
        },
    )
