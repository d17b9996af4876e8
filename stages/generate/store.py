"""What a generation run pays for, kept on disk: requests keyed by a hash of their content,
their results appended (fsynced) to `requests.jsonl` the moment they arrive, failures, and the
registry of open batches (`batches.json`, written as soon as the API returns a batch id)."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from stages.data import DataError
from stages.manifest import write_json


@dataclass(frozen=True)
class Request:
    stage: str
    model: str
    system: str
    prompt: str
    max_tokens: int
    key: str = field(init=False)

    def __post_init__(self) -> None:
        payload = json.dumps(
            [self.stage, self.model, self.system, self.prompt, self.max_tokens], ensure_ascii=False
        )
        # 32 hex characters: a valid batch custom_id (at most 64 of [A-Za-z0-9_-]).
        object.__setattr__(self, "key", hashlib.sha256(payload.encode()).hexdigest()[:32])


@dataclass
class Usage:
    input: int = 0
    output: int = 0
    cache_write: int = 0
    cache_read: int = 0

    def add(self, other: Usage) -> None:
        self.input += other.input
        self.output += other.output
        self.cache_write += other.cache_write
        self.cache_read += other.cache_read

    @property
    def total(self) -> int:
        return self.input + self.output + self.cache_write + self.cache_read


@dataclass
class Result:
    key: str
    stage: str
    text: str
    # "end_turn" or "max_tokens" (a truncated output, dropped by the quality gates).
    stop_reason: str
    usage: Usage
    cost: float
    # messages | batch | local
    via: str

    @classmethod
    def from_json(cls, row: dict) -> Result:
        return cls(**{**row, "usage": Usage(**row["usage"])})


class RequestStore:
    """The run directory's append-only request cache, failure log and batch registry."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        out_dir.mkdir(parents=True, exist_ok=True)
        self.requests_path = out_dir / "requests.jsonl"
        self.failures_path = out_dir / "failures.jsonl"
        self.batches_path = out_dir / "batches.json"
        self._lock = threading.Lock()
        self._results: dict[str, Result] = {}
        for row in self._read_appendable(self.requests_path):
            self._results[row["key"]] = Result.from_json(row)
        for _ in self._read_appendable(self.failures_path):
            pass  # validated and torn tail repaired, so appends start on a fresh line
        self._batches: list[dict] = (
            json.loads(self.batches_path.read_text()) if self.batches_path.exists() else []
        )

    def _read_appendable(self, path: Path) -> Iterator[dict]:
        """Rows of a JSONL we append to. A kill mid-write can leave one torn last line: it is
        cut off (that request is simply redone); a bad line anywhere else is an error."""
        if not path.exists():
            return
        raw = path.read_bytes()
        if raw and not raw.endswith(b"\n"):
            raw = raw[: raw.rfind(b"\n") + 1]
            path.write_bytes(raw)
        for number, line in enumerate(raw.decode("utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as err:
                raise DataError(
                    f"{path}: line {number} is not valid JSON ({err.msg}); move the file away to "
                    "start the cache afresh (this pays for those requests again)"
                ) from err

    def get(self, key: str) -> Result | None:
        return self._results.get(key)

    def results(self) -> list[Result]:
        return list(self._results.values())

    def add(self, result: Result) -> None:
        with self._lock:
            if result.key in self._results:
                return
            self._results[result.key] = result
            self._append(self.requests_path, asdict(result))

    def record_failure(self, key: str, stage: str, error: str, via: str) -> None:
        with self._lock:
            self._append(
                self.failures_path,
                {
                    "key": key,
                    "stage": stage,
                    "error": error,
                    "via": via,
                    "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                },
            )

    def _append(self, path: Path, row: dict) -> None:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())  # paid for: on disk before anything else happens

    def open_batches(self) -> list[dict]:
        with self._lock:
            return [dict(b) for b in self._batches if not b["collected"]]

    def add_batch(self, batch_id: str, stage: str, keys: list[str]) -> None:
        with self._lock:
            self._batches.append(
                {
                    "id": batch_id,
                    "stage": stage,
                    "keys": keys,
                    "created_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                    "collected": False,
                }
            )
            write_json(self.batches_path, self._batches)

    def mark_collected(self, batch_id: str, note: str = "") -> None:
        with self._lock:
            for batch in self._batches:
                if batch["id"] == batch_id:
                    batch["collected"] = True
                    if note:
                        batch["note"] = note
            write_json(self.batches_path, self._batches)
