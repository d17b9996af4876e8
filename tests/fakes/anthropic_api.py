"""A local stand-in for the Anthropic Messages, token-counting and Message Batches endpoints, so
the real `anthropic` SDK runs in tests without network or a real key.

    python tests/fakes/anthropic_api.py      # prints ANTHROPIC_BASE_URL=http://127.0.0.1:<port>

Bounded: it binds 127.0.0.1 on an ephemeral port, refuses bodies over 64 MB and requests past
`max_requests`, and stops itself after `lifetime` seconds.

Completions follow the prompts' own "Format:" line: the example there (`<domain>...</domain>`,
`<think>...</think><reply>...</reply>`, ...) is repeated `exactly N` times with each `...`
replaced by deterministic filler, so every pipeline stage parses. Faults are injected through
attributes: `fail_next` (statuses for the next Messages calls), `fail_matching` (permanent status
for prompts containing a string), `batch_script` (outcomes for the first requests of the next
batch with `script_marker` in a prompt), `hold_batches` (batches stay in progress), `reject`
(a predicate on prompts whose filter verdict becomes FAIL).
`paid` counts, per request content, how many completions were produced: what a real API bills.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 64 * 2**20
# Pseudo-words: random filler from them is never a near-duplicate of other filler.
VOCAB = [
    a + b
    for a in ("ba", "ko", "mi", "tu", "re", "sa", "lo", "ne")
    for b in ("rin", "tal", "mos", "pek", "dun", "vel", "sor", "gim")
]
LONG_TAGS = {"document": 60, "think": 30, "reply": 30, "excerpt": 20}


class FakeAnthropic:
    def __init__(
        self, lifetime: float = 120.0, max_requests: int = 20_000, batch_polls: int = 1
    ) -> None:
        self.lifetime = lifetime
        self.max_requests = max_requests
        self.batch_polls = batch_polls  # retrieves before a batch ends
        self.fail_next: deque[int] = deque()
        self.fail_matching: dict[str, int] = {}
        self.batch_script: deque[str] = deque()
        self.script_marker = ""  # batch_script goes to the next batch with this in a prompt
        self.hold_batches = False
        self.reject: Callable[[str], bool] | None = None
        self.paid: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self.api_keys: set[str] = set()
        self.batches: dict[str, dict] = {}
        self._seen_prefixes: set[str] = set()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._timer = threading.Timer(lifetime, self.stop)
        self._timer.daemon = True

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeAnthropic:
        self._thread.start()
        self._timer.start()
        return self

    def stop(self) -> None:
        self._timer.cancel()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeAnthropic:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- behaviour ---------------------------------------------------------------------------

    def message(self, params: dict) -> dict:
        """A completed message for Messages-API `params`; counts as paid."""
        system = params.get("system", "")
        if isinstance(system, list):
            cached = any("cache_control" in block for block in system)
            system = "".join(block["text"] for block in system)
        else:
            cached = False
        prompt = _text(params["messages"][-1]["content"])
        digest = hashlib.sha256(f"{params['model']}|{system}|{prompt}".encode()).hexdigest()
        text = complete(prompt, digest)
        if self.reject is not None and self.reject(prompt):
            text = text.replace("<verdict>PASS</verdict>", "<verdict>FAIL</verdict>")
        prefix = tokens(system)
        with self._lock:
            self.paid[digest] += 1
            hit = cached and system in self._seen_prefixes
            if cached:
                self._seen_prefixes.add(system)
        output = tokens(text)
        stop = "end_turn"
        if output > params["max_tokens"]:
            output, stop = params["max_tokens"], "max_tokens"
        return {
            "id": f"msg_{digest[:24]}",
            "type": "message",
            "role": "assistant",
            "model": params["model"],
            "content": [{"type": "text", "text": text}],
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": {
                "input_tokens": tokens(prompt) + (0 if cached else prefix),
                "output_tokens": output,
                "cache_creation_input_tokens": prefix if cached and not hit else 0,
                "cache_read_input_tokens": prefix if hit else 0,
            },
        }

    def create_batch(self, body: dict) -> dict:
        prompts = "".join(_text(r["params"]["messages"][-1]["content"]) for r in body["requests"])
        with self._lock:
            batch_id = f"msgbatch_{len(self.batches) + 1:04d}"
            script = []
            if self.script_marker in prompts:
                script = list(self.batch_script)
                self.batch_script.clear()
            self.batches[batch_id] = {
                "requests": body["requests"],
                "polls": 0,
                "results": None,
                "created_at": _now(),
                "script": script,
            }
        return self.batch_object(batch_id)

    def batch_object(self, batch_id: str) -> dict:
        batch = self.batches[batch_id]
        results = batch["results"]
        counts = Counter(line["result"]["type"] for line in results or [])
        return {
            "id": batch_id,
            "type": "message_batch",
            "processing_status": "ended" if results is not None else "in_progress",
            "request_counts": {
                "processing": 0 if results is not None else len(batch["requests"]),
                "succeeded": counts["succeeded"],
                "errored": counts["errored"],
                "canceled": counts["canceled"],
                "expired": counts["expired"],
            },
            "created_at": batch["created_at"],
            "expires_at": batch["created_at"],
            "ended_at": _now() if results is not None else None,
            "archived_at": None,
            "cancel_initiated_at": None,
            "results_url": f"{self.url}/v1/messages/batches/{batch_id}/results"
            if results is not None
            else None,
        }

    def poll_batch(self, batch_id: str) -> dict:
        batch = self.batches[batch_id]
        with self._lock:
            batch["polls"] += 1
            ready = not self.hold_batches and batch["polls"] >= self.batch_polls
        if ready and batch["results"] is None:
            results = []
            for index, request in enumerate(batch["requests"]):
                outcome = batch["script"][index] if index < len(batch["script"]) else "succeeded"
                kind, _, error = outcome.partition(":")
                if kind == "succeeded":
                    result = {"type": "succeeded", "message": self.message(request["params"])}
                elif kind == "errored":
                    result = {"type": "errored", "error": _error_body(error, "injected")}
                else:
                    result = {"type": kind}
                results.append({"custom_id": request["custom_id"], "result": result})
            batch["results"] = results
        return self.batch_object(batch_id)


def complete(prompt: str, seed: str) -> str:
    """Deterministic text in the shape the prompt's last "Format:" line asks for."""
    lines = [line for line in prompt.splitlines() if line.startswith("Format:")]
    if not lines:
        return "A plain reply."
    line = lines[-1]
    example = re.search(r"(<\w+>.*</\w+>)", line)
    if example is None:
        return "A plain reply."
    count = re.search(r"exactly (\d+) items", line)
    n = int(count.group(1)) if count else 3 if "each written as" in line else 1

    def fill(match: re.Match, index: int) -> str:
        tag = match.group(1)
        rng = random.Random(f"{seed}|{tag}|{index}")
        words = " ".join(rng.choice(VOCAB) for _ in range(LONG_TAGS.get(tag, 10)))
        return f"<{tag}>{{model_name}} {words}.</{tag}>"

    return "\n".join(
        re.sub(r"<(\w+)>\.\.\.</\1>", lambda m, i=i: fill(m, i), example.group(1)) for i in range(n)
    )


def tokens(text: str) -> int:
    return math.ceil(len(text.split()) * 1.3)


def _text(content: object) -> str:
    if isinstance(content, str):
        return content
    return "".join(block.get("text", "") for block in content)  # type: ignore[union-attr]


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _error_body(kind: str, message: str) -> dict:
    return {"type": "error", "error": {"type": kind, "message": message}}


ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    404: "not_found_error",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


def _handler(fake: FakeAnthropic) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass  # quiet: tests read the counters instead

        def _send(self, status: int, payload: object, jsonl: bool = False) -> None:
            if jsonl:
                body = "".join(json.dumps(line) + "\n" for line in payload).encode()  # type: ignore[union-attr]
            else:
                body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/x-jsonl" if jsonl else "application/json")
            self.send_header("content-length", str(len(body)))
            if status in (429, 529):
                self.send_header("retry-after", "0")
            self.end_headers()
            self.wfile.write(body)

        def _fail(self, status: int, message: str) -> None:
            self._send(status, _error_body(ERROR_TYPES.get(status, "api_error"), message))

        def _admit(self) -> bool:
            with fake._lock:
                fake.calls["total"] += 1
                over = fake.calls["total"] > fake.max_requests
                bearer = self.headers.get("authorization", "").removeprefix("Bearer ")
                key = self.headers.get("x-api-key", "") or bearer
                fake.api_keys.add(key)
            if over:
                self._fail(400, "fake server request budget exhausted")
                return False
            if not key:
                self._fail(401, "no x-api-key or authorization header")
                return False
            return True

        def do_POST(self) -> None:
            if not self._admit():
                return
            length = int(self.headers.get("content-length", 0))
            if length > MAX_BODY:
                self._fail(413, "body too large")
                return
            body = json.loads(self.rfile.read(length) or b"{}")
            path = self.path.split("?")[0]
            if path == "/v1/messages":
                fake.calls["messages"] += 1
                prompt = _text(body["messages"][-1]["content"])
                status = next((s for m, s in fake.fail_matching.items() if m in prompt), 0)
                with fake._lock:
                    if not status and fake.fail_next:
                        status = fake.fail_next.popleft()
                if status:
                    self._fail(status, "injected")
                else:
                    self._send(200, fake.message(body))
            elif path == "/v1/messages/count_tokens":
                fake.calls["count_tokens"] += 1
                text = "".join(_text(m["content"]) for m in body["messages"])
                self._send(200, {"input_tokens": tokens(text)})
            elif path == "/v1/messages/batches":
                fake.calls["batch_create"] += 1
                self._send(200, fake.create_batch(body))
            else:
                self._fail(404, f"no route {path}")

        def do_GET(self) -> None:
            if not self._admit():
                return
            match = re.fullmatch(r"/v1/messages/batches/(\w+)(/results)?", self.path.split("?")[0])
            if match is None or match.group(1) not in fake.batches:
                self._fail(404, f"no route {self.path}")
                return
            batch_id = match.group(1)
            if match.group(2):
                fake.calls["batch_results"] += 1
                results = fake.batches[batch_id]["results"]
                if results is None:
                    self._fail(400, "batch has not ended")
                else:
                    self._send(200, results, jsonl=True)
            else:
                fake.calls["batch_retrieve"] += 1
                self._send(200, fake.poll_batch(batch_id))

    return Handler


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lifetime", type=float, default=900.0, help="seconds before it stops")
    args = parser.parse_args()
    server = FakeAnthropic(lifetime=args.lifetime).start()
    print(f"ANTHROPIC_BASE_URL={server.url}", flush=True)
    try:
        server._thread.join()
    except KeyboardInterrupt:
        server.stop()
