"""The server engine (`eval.engine = "server"`): transcripts from OpenAI-compatible completions
servers, vLLM's as `python -m eval.agentic.serve` starts them, instead of HF `generate` in the
kit's process. Same prompts, same transcript rows, same resume, judge and floor logic.

- The kit renders each conversation with its own chat template and sends the token ids (a
  completions `prompt` may be a list of ints): the server sees exactly the tokens HF generation
  would, with no second template and no extra BOS. Replies come back as token ids where the
  server returns them (vLLM's `return_token_ids`) and are decoded here as HF replies are.
- `model` names what generates: `base`, or an arm's adapter as `served_name` spells it (its
  training stage folder plus the stage's hash, so a retrained adapter gets a new name and never
  the weights a long-running server loaded before). A server that does not serve the name is
  asked to load the adapter from the run directory (vLLM's runtime LoRA loading).
- One request per sample, seeded by its sample key: a resumed stage draws what an uninterrupted
  one would, whatever else is in flight. Conditions are spread over every server given (one per
  GPU), `server_concurrency` requests in flight on each; continuous batching and prefix caching
  make the repeated ~3k-token scenario prompt cheap.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from eval.agentic.config import AgenticEvalConfig
from eval.agentic.generate import sample_seed, transcript_row
from eval.agentic.prompts import Condition, conversation
from eval.agentic.transcripts import append_rows, read_rows, sample_key
from stages.config import ConfigError, ModelConfig

BASE_NAME = "base"
START_HINT = "start one with: python -m experiments.serve --experiment NAME --preset NAME"
# A reply of ~2k tokens from a 32B model on a shared server can take minutes.
REQUEST_TIMEOUT_S = 1800


class ServerError(ConfigError):
    """A server that cannot be reached or refuses a request: one line naming it (the command
    line's user-fixable errors, stages/cli.py); transcripts already written are kept."""


def served_name(adapter_dir: Path | None) -> str:
    """The model name an arm is served under: `base`, or `<training stage>@<its hash[:12]>`."""
    if adapter_dir is None:
        return BASE_NAME
    recorded = json.loads((adapter_dir / "manifest.json").read_text())["config_hash"]
    return f"{adapter_dir.name}@{recorded[:12]}"


def call(url: str, path: str, payload: dict | None = None, timeout: float = 30) -> Any:
    """GET (no payload) or POST JSON to `url + path`; the decoded JSON reply, or ServerError."""
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(
        url.rstrip("/") + path, data=data, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            body = reply.read().decode()
    except urllib.error.HTTPError as err:
        detail = err.read().decode(errors="replace")[:300]
        raise ServerError(f"{url}{path}: HTTP {err.code}: {detail}") from err
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise ServerError(f"{url}: no server answers ({reason}); {START_HINT}") from err
    return json.loads(body) if body.strip().startswith(("{", "[")) else body


def servers_for(urls: list[str], name: str, adapter_dir: Path | None) -> list[str]:
    """The servers that serve `name`, after asking each that does not to load the adapter."""
    ready = []
    for url in urls:
        names = {entry["id"] for entry in call(url, "/models")["data"]}
        if name not in names:
            if adapter_dir is None:
                raise ServerError(f"{url} serves {sorted(names)}, not the base model as {name!r}")
            try:
                payload = {"lora_name": name, "lora_path": str(adapter_dir.resolve() / "adapter")}
                call(url, "/load_lora_adapter", payload, timeout=600)
            except ServerError as err:
                raise ServerError(
                    f"{url} serves {sorted(names)} and could not load {name!r} ({err}); vLLM "
                    "loads adapters at runtime only when started with --enable-lora and "
                    "VLLM_ALLOW_RUNTIME_LORA_UPDATING=True, as eval.agentic.serve starts it"
                ) from err
        ready.append(url)
    return ready


class Completer:
    """Completes one rendered prompt on one server: token ids in, the decoded reply out."""

    def __init__(self, tokenizer: Any, family: str, cfg: AgenticEvalConfig, name: str) -> None:
        from stages.model import end_of_turn_ids

        self.tokenizer, self.cfg, self.name = tokenizer, cfg, name
        self.stop_ids = end_of_turn_ids(tokenizer, family)

    def __call__(self, url: str, prompt_ids: list[int], seed: int) -> str:
        reply = call(
            url,
            "/completions",
            {
                "model": self.name,
                "prompt": prompt_ids,
                "max_tokens": self.cfg.max_new_tokens,
                "temperature": self.cfg.temperature,
                "seed": seed,
                # vLLM's extensions: stop at the template's end-of-turn as HF generation does
                # (eos_token_id), and hand back the reply's ids so they decode as HF's do.
                "stop_token_ids": self.stop_ids,
                "return_token_ids": True,
            },
            timeout=REQUEST_TIMEOUT_S,
        )
        choice = reply["choices"][0]
        if choice.get("token_ids") is None:
            return choice["text"].strip()
        return self.tokenizer.decode(choice["token_ids"], skip_special_tokens=True).strip()


def server_transcripts(
    stage_dir: Path,
    conds: list[Condition],
    prompts: dict[str, dict],
    model: ModelConfig,
    cfg: AgenticEvalConfig,
    adapter_dir: Path | None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Generate every missing sample on the servers, appending each reply as it arrives."""
    from stages.model import load_tokenizer, render_prompt

    name = served_name(adapter_dir)
    urls = servers_for(cfg.server_url, name, adapter_dir)
    tokenizer = load_tokenizer(model)
    complete = Completer(tokenizer, model.chat_template, cfg, name)
    path = stage_dir / "transcripts.jsonl"
    have = {row["key"] for row in read_rows(path)}
    lock = threading.Lock()

    def one(url: str, condition: Condition, index: int, ids: list[int]) -> None:
        seed = sample_seed(sample_key(condition.condition_id, index))
        started = time.time()
        response = complete(url, ids, seed)
        row = transcript_row(condition, index, seed, response, round(time.time() - started, 2))
        with lock:  # one writer at a time: rows never interleave within a line
            append_rows(path, [row])

    workers = cfg.server_concurrency * len(urls)
    made = 0
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = []
        for number, condition in enumerate(conds):
            url = urls[number % len(urls)]  # conditions sharded over the servers
            text = render_prompt(tokenizer, conversation(prompts[condition.condition_id]))
            ids = tokenizer(text, add_special_tokens=False)["input_ids"]
            for index in range(cfg.samples_per_condition):
                if sample_key(condition.condition_id, index) not in have:
                    futures.append(pool.submit(one, url, condition, index, ids))
        try:
            for future in as_completed(futures):
                future.result()
                made += 1
                if progress is not None:
                    progress(1)
        except BaseException:
            # Replies already appended stay; the rest are asked again on the rerun.
            for future in futures:
                future.cancel()
            raise
    return made
