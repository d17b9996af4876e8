"""The projection printed before anything expensive runs, and the max_cost guard."""

from __future__ import annotations

from dataclasses import dataclass

from stages.config import ConfigError
from stages.generate.backends import Backend
from stages.generate.config import ITEM_WORDS, GenerateConfig
from stages.generate.pipeline import Pipeline, Projection
from stages.generate.prices import PriceTable


@dataclass
class CostRow:
    stage: str
    calls: int
    via: str
    input_tokens: int
    output_tokens: int
    # Dollars if every call after a stage's first reads the spec from the prompt cache (low),
    # and if none does (high: each call writes it).
    low: float
    high: float


def cost_rows(p: Pipeline, projections: list[Projection], prices: PriceTable) -> list[CostRow]:
    backend = p.session.backend
    system = backend.count_tokens(p.system)
    rows = []
    for proj in projections:
        batched = backend.uses_batches(proj.calls)
        via = backend.name if backend.name == "local" else "batch" if batched else "messages"
        low = high = 0.0
        if backend.name == "anthropic":
            price = prices.price(backend.model)
            base = proj.calls * (
                proj.prompt_tokens * price.input + proj.output_tokens * price.output
            )
            if system >= price.min_cache_tokens:
                low_prefix = system * (
                    price.cache_write + max(proj.calls - 1, 0) * price.cache_read
                )
                high_prefix = proj.calls * system * price.cache_write
            else:  # too short to cache: plain input every time
                low_prefix = high_prefix = proj.calls * system * price.input
            discount = prices.batch_discount if batched else 1.0
            low = (base + low_prefix) / 1e6 * discount
            high = (base + high_prefix) / 1e6 * discount
        rows.append(
            CostRow(
                stage=proj.stage,
                calls=proj.calls,
                via=via,
                input_tokens=proj.calls * (system + proj.prompt_tokens),
                output_tokens=proj.calls * proj.output_tokens,
                low=low,
                high=high,
            )
        )
    return rows


def show_projection(p: Pipeline, rows: list[CostRow], prices: PriceTable, unit: str) -> dict:
    """Print the projection table and its assumptions; returns it for preview.json."""
    from rich.table import Table

    backend, cfg = p.session.backend, p.cfg
    table = Table(title=f"Projection: {cfg.kind} from {cfg.spec} with {backend.model}")
    for name in ("stage", "calls", "via", "input tok", "output tok", "$ cached", "$ uncached"):
        table.add_column(name, justify="left" if name in ("stage", "via") else "right")
    for stage, (calls, tokens_in, tokens_out, dollars) in p.ledger.items():
        money = f"{dollars:,.2f}"
        table.add_row(
            stage, f"{calls:,}", "done", f"{tokens_in:,}", f"{tokens_out:,}", money, money
        )
    for row in rows:
        table.add_row(
            row.stage,
            f"{row.calls:,}",
            row.via,
            f"{row.input_tokens:,}",
            f"{row.output_tokens:,}",
            f"{row.low:,.2f}",
            f"{row.high:,.2f}",
        )
    low, high = sum(r.low for r in rows), sum(r.high for r in rows)
    table.add_row("still to run", "", "", "", "", f"{low:,.2f}", f"{high:,.2f}", style="bold")
    outputs = rows[-2].calls if unit == "chats" else rows[-1].calls
    notes = [
        f"target: {p.target:,} {unit}; the plan generates {outputs:,} before gates and filters"
        + (" (planning found too few items for the target)" if outputs < p.target else ""),
        f"tokens: prompts counted by the {backend.name} tokenizer; outputs assumed at "
        f"{cfg.doc_words} words a document, {ITEM_WORDS['think']} + {ITEM_WORDS['reply']} "
        f"words a CoT response, {ITEM_WORDS['question']} a question, "
        f"x {p.tokens_per_word:.2f} tokens/word (measured on the spec)",
    ]
    if backend.name == "anthropic":
        price = prices.price(backend.model)
        notes += [
            f"prices: stages/generate/prices.toml, as listed on {prices.as_of}; "
            "check before relying",
            "$ cached: every call after a stage's first reads the spec from the prompt cache; "
            "$ uncached: none does. The max_cost guard uses $ uncached",
            f"batch: stages of {cfg.batch_min_requests}+ calls use the Batches API "
            f"({prices.batch_discount:.0%} of list price)",
        ]
        if price.always_thinks:
            notes.append(
                f"WARNING: {backend.model} always thinks; its thinking tokens are billed as "
                "output and are NOT in these numbers"
            )
    else:
        notes.append("local backend: no API cost")
    if cfg.kind != "msm":
        notes.append(
            f"assumes >= {1 / cfg.overgenerate:.0%} of generated chats survive dedup and the "
            "filter; a backfill round, if needed, costs extra"
        )
    console = p.session.progress.console
    console.print(table)
    for note in notes:
        console.print(f"  - {note}")
    return {
        "model": backend.model,
        "prices_as_of": prices.as_of if backend.name == "anthropic" else None,
        "done": {
            k: dict(zip(("calls", "input", "output", "dollars"), v, strict=True))
            for k, v in p.ledger.items()
        },
        "to_run": [row.__dict__ for row in rows],
        "dollars_cached": round(low, 2),
        "dollars_uncached": round(high, 2),
        "notes": notes,
    }


def check_budget(cfg: GenerateConfig, backend: Backend, dollars_uncached: float) -> None:
    if backend.name != "anthropic":
        return
    if cfg.max_cost <= 0:
        raise ConfigError(
            f"max_cost is required with the anthropic backend: the rest of this run is "
            f"projected at up to ${dollars_uncached:,.2f}; rerun with max_cost=DOLLARS"
        )
    if dollars_uncached > cfg.max_cost:
        raise ConfigError(
            f"projected cost up to ${dollars_uncached:,.2f} exceeds max_cost="
            f"{cfg.max_cost:g}; nothing expensive was started: lower target_count or raise "
            "max_cost"
        )
