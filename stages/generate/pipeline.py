"""The machinery every kind shares: requests carrying the spec prefix, list stages, per-stage
output files, the spend ledger and drop counts."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from stages.data import write_jsonl
from stages.generate.config import ITEM_WORDS, PAPER_SCALE, GenerateConfig
from stages.generate.prompts import parse_items, render, template
from stages.generate.session import Session
from stages.generate.store import Request, Result


@dataclass
class Projection:
    """One stage still to run: calls, and tokens per call excluding the spec prefix."""

    stage: str
    calls: int
    prompt_tokens: int
    output_tokens: int


class Pipeline:
    """Shared machinery of every kind: requests with the spec prefix, list stages, stage
    files, drop counts."""

    def __init__(self, cfg: GenerateConfig, session: Session, spec: str, out: Path) -> None:
        self.cfg = cfg
        self.session = session
        self.spec = spec
        self.out = out
        self.system = render("system", spec=spec)
        self.target = cfg.target_count or PAPER_SCALE[cfg.kind]
        self.stats: Counter[str] = Counter()
        # stage -> [calls, input tokens (spec prefix included), output tokens, dollars]
        self.ledger: dict[str, list] = {}
        self._written: set[str] = set()

    def max_tokens(self, words: int) -> int:
        tokens = math.ceil(words * 2.5) + 256
        cap = self.cfg.max_new_tokens_cap
        return min(tokens, cap) if cap > 0 else tokens

    def request(
        self, stage: str, out_words: int, system_override: str = "", **slots: object
    ) -> Request:
        """A request for `stage`'s template; `system_override` replaces the spec-carrying
        generator prompt where the writer must act as the assistant itself (sampled replies)."""
        return Request(
            stage=stage,
            model=self.session.backend.model,
            system=system_override or self.system,
            prompt=render(stage, **slots),
            max_tokens=self.max_tokens(out_words),
        )

    def complete(self, stage: str, requests: list[Request]) -> list[Result | None]:
        """Results in request order; None where the request failed (recorded and reported)."""
        results = self.session.complete(stage, requests)
        row = self.ledger.setdefault(stage, [0, 0, 0, 0.0])
        for result in results.values():
            usage = result.usage
            row[0] += 1
            row[1] += usage.input + usage.cache_write + usage.cache_read
            row[2] += usage.output
            row[3] += result.cost
        return [results.get(r.key) for r in requests]

    def list_stage(
        self, stage: str, tag: str, jobs: list[dict], fields: tuple[str, ...] = ()
    ) -> list[list]:
        """One list request per job (its slots, with `n` items asked); items per job."""
        words = ITEM_WORDS[tag]
        requests = [self.request(stage, job["n"] * words, **job) for job in jobs]
        items = []
        for job, result in zip(jobs, self.complete(stage, requests), strict=True):
            found, tagged = parse_items(result.text, tag, fields) if result else ([], True)
            if not tagged:
                self.stats["untagged list answers read line by line"] += 1
            items.append(found[: job["n"]])
        self.save(stage, [{**job, "items": found} for job, found in zip(jobs, items, strict=True)])
        return items

    def save(self, stage: str, rows: list[dict]) -> None:
        """Per-stage outputs in <out>/stages/: truncated on a stage's first write of the run,
        appended by later backfill rounds."""
        path = self.out / "stages" / f"{stage}.jsonl"
        if stage not in self._written:
            write_jsonl(path, rows)
            self._written.add(stage)
            return
        with path.open("a", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")

    def project(
        self, stage: str, calls: int, slot_words: dict[str, int], out_words: int
    ) -> Projection:
        """Tokens per call: the template counted by the backend's tokenizer, plus the expected
        words of each variable slot at the spec's measured tokens per word."""
        empty = dict.fromkeys(template(stage).get_identifiers(), "")
        prompt = self.session.backend.count_tokens(render(stage, **empty))
        per_word = self.tokens_per_word
        variable = sum(slot_words.values()) * per_word
        return Projection(
            stage=stage,
            calls=calls,
            prompt_tokens=round(prompt + variable),
            output_tokens=min(round(out_words * per_word), self.max_tokens(out_words)),
        )

    @cached_property
    def tokens_per_word(self) -> float:
        """Of the backend's tokenizer, measured on the spec (one free count_tokens call)."""
        return self.session.backend.count_tokens(self.spec) / max(len(self.spec.split()), 1)

    def drop(self, reason: str) -> None:
        self.stats[f"dropped: {reason}"] += 1


@dataclass(frozen=True)
class Steps:
    """One kind: plan (cheap stages) -> project (cost) -> finish (the paid stages, returning
    the summary's fields)."""

    plan: Callable[[Pipeline], dict]
    project: Callable[[Pipeline, dict], list[Projection]]
    finish: Callable[[Pipeline, dict], dict]
    unit: str
