"""LLM backends for `stages.generate`: the Anthropic API and a local instruct model, behind one
request path that never loses paid work.

    python -m stages.generate --spec specs/cheese_america.md --kind msm --preview   # drives this

- `anthropic`: the Messages API with a bounded thread pool for small stages, the Message Batches
  API (50% cheaper) for stages of `batch_min_requests` or more. The spec travels in the system
  prompt marked with `cache_control`, so every call after the first reads it from the cache.
- `local`: any instruct model through `stages.model.load_model` (on CPU the embedded SmolLM2),
  batched generation, cost 0.

Invariants (the reason this module exists):
- every completed request is appended to `requests.jsonl` the moment it arrives, keyed by a hash
  of (stage, model, system prompt, prompt, max_tokens); a rerun sends only what is missing;
- a batch id is written to `batches.json` as soon as the API returns it, so a killed process
  resumes by polling that batch instead of paying for it twice;
- 429 (rate limit), 529 (overload), other 5xx and dropped connections are retried with backoff
  (honouring `retry-after`); a request that still fails goes to `failures.jsonl` and is counted
  in the run's summary, never silently dropped;
- the API key is read from ANTHROPIC_API_KEY and handed to the SDK only: never written, never
  printed.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sys
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from stages.config import EMBEDDED_MODEL, ConfigError, ModelConfig
from stages.data import DataError
from stages.manifest import write_json

PRICES_PATH = Path(__file__).resolve().parent / "prices.toml"
MISSING_KEY = (
    "ANTHROPIC_API_KEY is not set: export it to use the Anthropic API, or generate with a local "
    "model instead (--backend local; no API cost, quality depends on the model)"
)
# Requests per batch: far under the API's 100,000 / 256 MB limits even with a long spec in
# every request, and small enough that one batch's results download quickly.
BATCH_CHUNK = 5_000
# Waits longer than this between retries only delay the run; the API's own hints are shorter.
MAX_BACKOFF_SECONDS = 60.0
# Batch error types worth resubmitting (transient on the API side); others are permanent.
RETRYABLE_BATCH_ERRORS = {"api_error", "overloaded_error", "rate_limit_error", "timeout_error"}


class BudgetExceeded(ConfigError):
    """Spending reached --max-cost mid-run; everything paid for so far is on disk."""


class ApiUnreachable(ConfigError):
    """The API stayed unreachable through every retry; the run stops, resumable."""


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
        models={name: Price(**row) for name, row in table["models"].items()},
    )


def api_key() -> str:
    """The key from the environment, or a one-line error naming the local alternative."""
    key = os.environ.get("ANTHROPIC_API_KEY", "").strip()
    if not key:
        raise ConfigError(MISSING_KEY)
    return key


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


class Sink(Protocol):
    """Where a backend reports each outcome as it happens."""

    def done(self, result: Result) -> None: ...
    def failed(self, key: str, stage: str, error: str, via: str, cost: float = 0.0) -> None: ...
    def status(self, text: str) -> None: ...
    def check_budget(self) -> None: ...


class Backend(Protocol):
    name: str
    model: str

    def count_tokens(self, text: str) -> int: ...
    def uses_batches(self, calls: int) -> bool: ...
    def run(self, requests: list[Request], sink: Sink) -> None: ...


class AnthropicBackend:
    """Claude through the official SDK. SDK-level retries are off: `_retrying` does them, so each
    attempt is visible and the batch endpoints get the same policy."""

    name = "anthropic"

    def __init__(
        self,
        model: str,
        store: RequestStore,
        prices: PriceTable,
        concurrency: int,
        use_batches: bool,
        batch_min_requests: int,
        batch_poll_seconds: float,
        max_retries: int,
        retry_base_seconds: float,
    ) -> None:
        import anthropic

        self.anthropic = anthropic
        # ANTHROPIC_BASE_URL, when set, is honoured by the SDK (the tests' local server).
        self.client = anthropic.Anthropic(api_key=api_key(), max_retries=0, timeout=600.0)
        self.model = model
        self.store = store
        self.prices = prices
        self.price = prices.price(model)
        self.concurrency = concurrency
        self.use_batches = use_batches
        self.batch_min_requests = batch_min_requests
        self.batch_poll_seconds = batch_poll_seconds
        self.max_retries = max_retries
        self.retry_base_seconds = retry_base_seconds

    def uses_batches(self, calls: int) -> bool:
        return self.use_batches and calls >= self.batch_min_requests

    def count_tokens(self, text: str) -> int:
        """Exact input tokens of `text` as one user message (the endpoint is free)."""
        response = self._retrying(
            lambda: self.client.messages.count_tokens(
                model=self.model, messages=[{"role": "user", "content": text}]
            )
        )
        return int(response.input_tokens)

    def params(self, request: Request) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": request.model,
            "max_tokens": request.max_tokens,
            "system": [
                {"type": "text", "text": request.system, "cache_control": {"type": "ephemeral"}}
            ],
            "messages": [{"role": "user", "content": request.prompt}],
        }
        # No temperature: current models reject sampling parameters; the default (1.0) is
        # what diverse synthetic data wants anyway.
        if self.price.thinking:
            params["thinking"] = {"type": self.price.thinking}
        return params

    def run(self, requests: list[Request], sink: Sink) -> None:
        by_key = {r.key: r for r in requests}
        retry: list[Request] = []
        handled: set[str] = set()
        # Batches a killed run left behind: poll them rather than paying again.
        for batch in self.store.open_batches():
            if any(key in by_key for key in batch["keys"]):
                sink.status(f"resuming batch {batch['id']}")
                again = self._finish_batch(batch["id"], batch["stage"], batch["keys"], by_key, sink)
                retry.extend(again)
                handled.update(k for k in batch["keys"] if k in by_key)
        remaining = [r for k, r in by_key.items() if k not in handled] + retry
        remaining = [r for r in remaining if self.store.get(r.key) is None]
        if not remaining:
            return
        if self.uses_batches(len(remaining)):
            self._run_batches(remaining, sink)
        else:
            self._run_messages(remaining, sink)

    # -- Messages API ------------------------------------------------------------------------

    def _run_messages(self, requests: list[Request], sink: Sink) -> None:
        pool = ThreadPoolExecutor(max_workers=self.concurrency)
        try:
            futures = {pool.submit(self._one_message, r, sink): r for r in requests}
            for future in as_completed(futures):
                future.result()  # re-raises a fatal error (bad key, budget) in this thread
        finally:
            # Requests already in flight finish and are persisted; queued ones are dropped.
            pool.shutdown(wait=True, cancel_futures=True)

    def _one_message(self, request: Request, sink: Sink) -> None:
        sink.check_budget()
        try:
            message = self._retrying(lambda: self.client.messages.create(**self.params(request)))
        except self.anthropic.APIError as err:
            self._raise_if_fatal(err)
            sink.failed(request.key, request.stage, _describe(err), "messages")
            return
        self._deliver(request.key, request.stage, message, "messages", sink)

    def _deliver(self, key: str, stage: str, message: Any, via: str, sink: Sink) -> None:
        usage = Usage(
            input=message.usage.input_tokens,
            output=message.usage.output_tokens,
            cache_write=message.usage.cache_creation_input_tokens or 0,
            cache_read=message.usage.cache_read_input_tokens or 0,
        )
        # Current models may open with thinking blocks: pick text blocks by type.
        text = "".join(block.text for block in message.content if block.type == "text")
        result = Result(
            key=key,
            stage=stage,
            text=text,
            stop_reason=message.stop_reason or "",
            usage=usage,
            cost=self.prices.cost(self.model, usage, batch=via == "batch"),
            via=via,
        )
        if message.stop_reason == "refusal":
            # Billed but unusable: recorded as a failure so it is visible, and not cached, so a
            # rerun tries again.
            sink.failed(key, stage, "refused by the safety classifier", via, cost=result.cost)
            return
        sink.done(result)

    # -- Message Batches API -----------------------------------------------------------------

    def _run_batches(self, requests: list[Request], sink: Sink) -> None:
        by_key = {r.key: r for r in requests}
        pending = requests
        for round_number in range(self.max_retries + 1):
            batches: list[tuple[str, list[str]]] = []
            for start in range(0, len(pending), BATCH_CHUNK):
                sink.check_budget()
                chunk = pending[start : start + BATCH_CHUNK]
                try:
                    batch = self._retrying(
                        lambda chunk=chunk: self.client.messages.batches.create(
                            requests=[{"custom_id": r.key, "params": self.params(r)} for r in chunk]
                        )
                    )
                except self.anthropic.APIStatusError as err:
                    self._raise_if_fatal(err)
                    for request in chunk:  # a rejected batch: nothing was paid for
                        sink.failed(request.key, request.stage, _describe(err), "batch")
                    continue
                keys = [r.key for r in chunk]
                # Persist before anything else: from here on a kill costs nothing.
                self.store.add_batch(batch.id, chunk[0].stage, keys)
                batches.append((batch.id, keys))
            retry: list[Request] = []
            for batch_id, keys in batches:
                retry.extend(self._finish_batch(batch_id, pending[0].stage, keys, by_key, sink))
            if not retry:
                return
            if round_number < self.max_retries:
                sink.status(f"resubmitting {len(retry)} requests (transient batch errors)")
            pending = retry
        for request in pending:
            sink.failed(request.key, request.stage, "still failing after resubmissions", "batch")

    def _finish_batch(
        self, batch_id: str, stage: str, keys: list[str], by_key: dict[str, Request], sink: Sink
    ) -> list[Request]:
        """Poll one batch to its end and persist its results; returns requests to resubmit."""
        try:
            while True:
                batch = self._retrying(lambda: self.client.messages.batches.retrieve(batch_id))
                counts = batch.request_counts
                sink.status(
                    f"batch {batch_id}: {batch.processing_status}, {counts.succeeded} succeeded, "
                    f"{counts.errored} errored, {counts.processing} processing"
                )
                if batch.processing_status == "ended":
                    break
                time.sleep(self.batch_poll_seconds)
            lines = self._retrying(lambda: list(self.client.messages.batches.results(batch_id)))
        except self.anthropic.NotFoundError:
            # Results are kept 29 days; past that the batch is gone and its requests are redone.
            self.store.mark_collected(batch_id, note="not found (expired or deleted)")
            return [by_key[k] for k in keys if k in by_key and self.store.get(k) is None]
        except self.anthropic.APIError as err:
            raise ApiUnreachable(
                f"could not poll batch {batch_id} ({_describe(err)}); its id is saved in "
                f"{self.store.batches_path}: rerun the same command to resume polling it"
            ) from err
        retry: list[Request] = []
        for line in lines:
            key, outcome = line.custom_id, line.result
            request = by_key.get(key)
            if outcome.type == "succeeded":
                if self.store.get(key) is None:
                    self._deliver(key, stage, outcome.message, "batch", sink)
            elif request is None or self.store.get(key) is not None:
                continue  # not needed by this run: a later run that needs it redoes it
            elif outcome.type == "expired" or (
                outcome.type == "errored" and outcome.error.error.type in RETRYABLE_BATCH_ERRORS
            ):
                retry.append(request)
            elif outcome.type == "errored":
                error = outcome.error.error
                sink.failed(key, stage, f"{error.type}: {error.message}", "batch")
            else:
                sink.failed(key, stage, f"batch request {outcome.type}", "batch")
        self.store.mark_collected(batch_id)
        return retry

    # -- retries -----------------------------------------------------------------------------

    def _retrying(self, call: Callable[[], Any]) -> Any:
        for attempt in range(self.max_retries + 1):
            try:
                return call()
            except self.anthropic.APIError as err:
                if attempt == self.max_retries or not self._retryable(err):
                    raise
                time.sleep(self._backoff(err, attempt))
        raise AssertionError("unreachable: the loop returns or raises")

    def _retryable(self, err: Exception) -> bool:
        if isinstance(err, self.anthropic.APIConnectionError):  # includes timeouts
            return True
        status = getattr(err, "status_code", 0)
        return status in (408, 409, 429) or status >= 500  # 529 = overloaded

    def _backoff(self, err: Exception, attempt: int) -> float:
        response = getattr(err, "response", None)
        hint = response.headers.get("retry-after") if response is not None else None
        try:
            if hint is not None:
                return min(float(hint), MAX_BACKOFF_SECONDS)
        except ValueError:
            pass  # an HTTP date instead of seconds: fall back to exponential backoff
        # Full jitter so many threads hitting one rate limit do not retry in lockstep.
        return random.uniform(0.5, 1.0) * min(
            self.retry_base_seconds * 2**attempt, MAX_BACKOFF_SECONDS
        )

    def _raise_if_fatal(self, err: Exception) -> None:
        """Errors that would fail every request identically stop the run at once."""
        fatal = self.anthropic.AuthenticationError | self.anthropic.PermissionDeniedError
        if isinstance(err, fatal):
            raise ConfigError(
                f"the API rejected ANTHROPIC_API_KEY ({_describe(err)}); check the key, or use "
                "--backend local"
            ) from err
        if isinstance(err, self.anthropic.NotFoundError):
            raise ConfigError(
                f"the API does not know model {self.model!r} ({_describe(err)})"
            ) from err


def _describe(err: Exception) -> str:
    status = getattr(err, "status_code", None)
    kind = getattr(err, "type", None) or type(err).__name__
    message = getattr(err, "api_message", None) or str(err)
    return f"{status} {kind}: {message}" if status else f"{kind}: {message}"


class LocalBackend:
    """A local instruct model through the kit's loader; persisted after every generation batch,
    so a kill loses at most one batch of (free) work."""

    name = "local"

    def __init__(self, model: str, chat_template: str, batch_size: int, temperature: float) -> None:
        self.model = model
        self.chat_template = chat_template
        self.batch_size = batch_size
        self.temperature = temperature
        self._loaded: tuple[Any, Any] | None = None

    def uses_batches(self, calls: int) -> bool:
        return False

    def _load(self) -> tuple[Any, Any]:
        if self._loaded is None:
            from stages.model import has_cuda, load_model

            config = ModelConfig(
                name=self.model,
                display_name="{model_name}",
                chat_template=self.chat_template,
                is_base=False,
                # NF4 only where it saves GPU memory; on CPU it is slower and perturbs SmolLM2.
                load_in_4bit=has_cuda() and self.model != EMBEDDED_MODEL,
                use_unsloth=False,
            )
            self._loaded = load_model(config)
        return self._loaded

    def count_tokens(self, text: str) -> int:
        _, tokenizer = self._load()
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])

    def run(self, requests: list[Request], sink: Sink) -> None:
        from stages.model import generate

        model, tokenizer = self._load()
        # One max_new_tokens per generate call; sorting by it keeps each group contiguous.
        ordered = sorted(requests, key=lambda r: r.max_tokens)
        for start in range(0, len(ordered), self.batch_size):
            chunk = ordered[start : start + self.batch_size]
            for max_tokens in sorted({r.max_tokens for r in chunk}):
                group = [r for r in chunk if r.max_tokens == max_tokens]
                conversations = [
                    [{"role": "system", "content": r.system}, {"role": "user", "content": r.prompt}]
                    for r in group
                ]
                answers = generate(
                    model,
                    tokenizer,
                    self.chat_template,
                    conversations,
                    max_new_tokens=max_tokens,
                    temperature=self.temperature,
                    batch_size=len(group),
                    seed=int(group[0].key[:8], 16),
                )
                for request, conversation, answer in zip(
                    group, conversations, answers, strict=True
                ):
                    prompt_text = tokenizer.apply_chat_template(
                        conversation, tokenize=False, add_generation_prompt=True
                    )
                    output_tokens = self.count_tokens(answer)
                    usage = Usage(input=self.count_tokens(prompt_text), output=output_tokens)
                    sink.done(
                        Result(
                            key=request.key,
                            stage=request.stage,
                            text=answer,
                            # generate() returns text only; hitting the token limit is the one
                            # way an answer ends without the end-of-turn token.
                            stop_reason="max_tokens" if output_tokens >= max_tokens else "end_turn",
                            usage=usage,
                            cost=0.0,
                            via="local",
                        )
                    )


class Session:
    """One run's request path: cache lookup, backend call, persistence, progress and spend."""

    def __init__(self, backend: Backend, store: RequestStore, max_cost: float) -> None:
        from rich.console import Console
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
            # Piped output (logs, CI) gets room for the projection table instead of 80 columns.
            console=Console() if sys.stdout.isatty() else Console(width=120),
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
                f"this run has spent ${self.session.spent:.2f}, reaching --max-cost "
                f"${limit:.2f}; paid work is kept: rerun with a higher --max-cost to continue"
            )

    def finish(self) -> None:
        self._refresh(status="")
