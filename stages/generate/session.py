"""One run's request path: cache lookup, backend call, persistence, progress and spend."""

from __future__ import annotations

import threading
from typing import Any

from stages.config import ConfigError
from stages.console import table_console
from stages.generate.backends import Backend
from stages.generate.store import Request, RequestStore, Result, Usage


class BudgetExceeded(ConfigError):
    """Spending reached max_cost mid-run; everything paid for so far is on disk."""


class Session:
    """One run's request path: cache lookup, backend call, persistence, progress and spend."""

    def __init__(self, backend: Backend, store: RequestStore, max_cost: float) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.backend = backend
        self.store = store
        self.max_cost = max_cost
        self.spent = 0.0
        self.usage = Usage()
        self.failures: list[dict] = []
        self._lock = threading.Lock()
        self.progress = Progress(
            TextColumn("{task.description:<16}"),
            BarColumn(bar_width=24),
            MofNCompleteColumn(),
            TextColumn("{task.fields[tokens]}"),
            TextColumn("{task.fields[dollars]}"),
            TimeElapsedColumn(),
            TextColumn("{task.fields[status]}"),
            console=table_console(),  # the projection table is printed on it
        )

    def __enter__(self) -> Session:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def complete(self, stage: str, requests: list[Request]) -> dict[str, Result]:
        """Results for `requests` (cached or new) by key; failed requests are absent."""
        unique = {r.key: r for r in requests}
        cached = {k: r for k in unique if (r := self.store.get(k)) is not None}
        missing = [r for k, r in unique.items() if k not in cached]
        sink = _StageSink(self, stage, total=len(unique), done=len(cached))
        if missing:
            sink.check_budget()
            self.backend.run(missing, sink)
        sink.finish()
        return {k: r for k in unique if (r := self.store.get(k)) is not None}


class _StageSink:
    """Progress row and bookkeeping for one stage of one run."""

    def __init__(self, session: Session, stage: str, total: int, done: int) -> None:
        self.session = session
        self.stage = stage
        self.usage = Usage()
        self.dollars = 0.0
        self.task = session.progress.add_task(
            stage, total=total, completed=done, tokens="", dollars="", status=""
        )
        self._refresh()

    def _refresh(self, status: str | None = None) -> None:
        fields: dict[str, Any] = {
            "tokens": f"{self.usage.total / 1e3:,.1f}k tok",
            "dollars": f"${self.dollars:,.2f}",
        }
        if status is not None:
            fields["status"] = status
        self.session.progress.update(self.task, **fields)

    def done(self, result: Result) -> None:
        self.session.store.add(result)
        with self.session._lock:
            self.usage.add(result.usage)
            self.dollars += result.cost
            self.session.usage.add(result.usage)
            self.session.spent += result.cost
        self.session.progress.advance(self.task)
        self._refresh()

    def failed(self, key: str, stage: str, error: str, via: str, cost: float = 0.0) -> None:
        self.session.store.record_failure(key, stage, error, via)
        with self.session._lock:
            self.session.failures.append({"key": key, "stage": stage, "error": error})
            self.dollars += cost  # a refusal is billed although it yields nothing
            self.session.spent += cost
        self._refresh(status=f"[red]{len(self.session.failures)} failed")

    def status(self, text: str) -> None:
        self._refresh(status=text)

    def check_budget(self) -> None:
        limit = self.session.max_cost
        if limit > 0 and self.session.spent >= limit:
            raise BudgetExceeded(
                f"this run has spent ${self.session.spent:.2f}, reaching max_cost="
                f"{limit:g}; paid work is kept: rerun with a higher max_cost to continue"
            )

    def finish(self) -> None:
        self._refresh(status="")
