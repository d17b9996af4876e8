"""LLM backends for `stages.generate`: the Anthropic API and a local instruct model, behind one
request path that never loses paid work.

    python -m stages.generate spec=specs/cheese_america.md kind=msm --preview   # drives this

- `anthropic`: the Messages API with a bounded thread pool for small stages, the Message Batches
  API (50% cheaper) for stages of `batch_min_requests` or more. The spec travels in the system
  prompt marked with `cache_control`, so every call after the first reads it from the cache.
- `local`: any instruct model through `stages.model.load_model` (on CPU the embedded SmolLM2),
  batched generation, cost 0.

Invariants (with `store.RequestStore`, which persists what these report):
- every completed request reaches the store the moment it arrives; a rerun sends only what is
  missing (`session.Session` looks the store up first);
- a batch id goes to the store as soon as the API returns it, so a killed process resumes by
  polling that batch instead of paying for it twice;
- 429 (rate limit), 529 (overload), other 5xx and dropped connections are retried with backoff
  (honouring `retry-after`); a request that still fails goes to `failures.jsonl` and is counted
  in the run's summary, never silently dropped;
- the API key is read from ANTHROPIC_API_KEY and handed to the SDK only: never written, never
  printed.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any, Protocol

from stages.config import EMBEDDED_MODEL, ConfigError, ModelConfig
from stages.generate.prices import PriceTable
from stages.generate.store import Request, RequestStore, Result, Usage

MISSING_KEY = (
    "ANTHROPIC_API_KEY is not set: export it to use the Anthropic API, or generate with a local "
    "model instead (backend=local; no API cost, quality depends on the model)"
)
# Requests per batch: far under the API's 100,000 / 256 MB limits even with a long spec in
# every request, and small enough that one batch's results download quickly.
BATCH_CHUNK = 5_000
# Waits longer than this between retries only delay the run; the API's own hints are shorter.
MAX_BACKOFF_SECONDS = 60.0
# Batch error types worth resubmitting (transient on the API side); others are permanent.
RETRYABLE_BATCH_ERRORS = {"api_error", "overloaded_error", "rate_limit_error", "timeout_error"}


class ApiUnreachable(ConfigError):
    """The API stayed unreachable through every retry; the run stops, resumable."""


def api_key() -> str:
    """The key from the environment, or a one-line error naming the local alternative."""
    key = os.environ.get("ANTHROPIC_API_KEY", "").strip()
    if not key:
        raise ConfigError(MISSING_KEY)
    return key


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
                "backend=local"
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
