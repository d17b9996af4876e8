"""Shared pieces of the benchmarks: machine facts, subprocess workers, ratios, the results log.

Every speed claim is a ratio against the plain alternative measured in the same run: the two
variants alternate in ABBA order (A B B A ...) so a load spike from the other jobs on these
shared CPUs hits both, and the reported figure is the median of the per-pair ratios. Each
measurement runs in its own subprocess, so peak memory (RSS on CPU, allocated VRAM on CUDA) is
that variant's alone and a library one variant imports (unsloth patches transformers globally)
never leaks into the other. Results are appended to docs/benchmarks.md with date, machine,
versions, load and the exact command.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from stages.accel import library_versions
from stages.config import REPO_ROOT

BENCH_DOC = REPO_ROOT / "docs" / "benchmarks.md"
LOG_HEADING = "## Results log (appended by `bench/`)"
# A worker prints exactly one line starting with this marker: its JSON result.
RESULT_MARKER = "BENCH_RESULT "


def abba(variants: tuple[str, str], repeats: int) -> list[str]:
    """Run order for `repeats` measurements of each variant: A B B A A B ..."""
    first, second = variants
    order: list[str] = []
    for repeat in range(repeats):
        order += [first, second] if repeat % 2 == 0 else [second, first]
    return order


def paired_ratios(results: list[dict], ours: str, plain: str, key: str) -> list[float]:
    """ours/plain ratio of `key` for each consecutive (ours, plain) pair in run order."""
    ours_values = [r[key] for r in results if r["variant"] == ours]
    plain_values = [r[key] for r in results if r["variant"] == plain]
    return [o / p for o, p in zip(ours_values, plain_values, strict=True) if p > 0]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def ratio_text(ratios: list[float]) -> str:
    """'2.31× (pairs: 2.20, 2.43)': the median ratio and every pair's, so spread is visible."""
    pairs = ", ".join(f"{r:.2f}" for r in ratios)
    return f"{median(ratios):.2f}× (pairs: {pairs})"


def run_worker(module: str, args: list[str], timeout: float = 900) -> dict:
    """Run `python -m module --worker ...` in a fresh process and return its JSON result."""
    started = time.time()
    result = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "TOKENIZERS_PARALLELISM": "false", "HF_HUB_OFFLINE": "1"},
    )
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith(RESULT_MARKER)]
    if result.returncode != 0 or not lines:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-25:])
        raise RuntimeError(f"worker {module} {' '.join(args)} failed:\n{tail}")
    record = json.loads(lines[-1][len(RESULT_MARKER) :])
    record["process_seconds"] = round(time.time() - started, 1)
    return record


def emit(record: dict) -> None:
    """A worker's last word: its result as one marked JSON line on stdout."""
    print(RESULT_MARKER + json.dumps(record), flush=True)


def step_clock() -> Any:
    """A trainer callback timing optimizer steps; `summary()` gives tokens/s from the end of the
    first step (allocation and autocast warm-up excluded) to the end of the last."""
    from transformers import TrainerCallback

    class StepClock(TrainerCallback):
        def __init__(self) -> None:
            self.marks: list[tuple[float, int]] = []

        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            self.marks.append((time.perf_counter(), int(state.num_input_tokens_seen)))

        def summary(self) -> dict:
            (t0, n0), (t1, n1) = self.marks[0], self.marks[-1]
            return {
                "steps_timed": len(self.marks) - 1,
                "tokens": n1 - n0,
                "seconds": round(t1 - t0, 2),
                "tokens_per_s": round((n1 - n0) / (t1 - t0), 1),
            }

    return StepClock()


def peak_memory_gb() -> float:
    """This process's peak: allocated VRAM on CUDA, else resident memory (VmHWM)."""
    import torch

    if torch.cuda.is_available():
        return round(torch.cuda.max_memory_allocated() / 2**30, 3)
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 2**20, 3)
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 3)


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}/{five:.2f}/{fifteen:.2f}"


def machine() -> str:
    """One line: device, cores, memory and the versions that decide the numbers."""
    import torch

    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        device = f"{props.name} ({props.total_memory / 2**30:.0f} GiB), CUDA {torch.version.cuda}"
    else:
        device = f"CPU {_cpu_model()}, {os.cpu_count()} cores, {torch.get_num_threads()} threads"
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = ", ".join(f"{name} {version}" for name, version in library_versions().items())
    omp = os.environ.get("OMP_WAIT_POLICY", "default")
    return (
        f"{device}, {memory_gb:.0f} GiB RAM, OMP_WAIT_POLICY={omp}, "
        f"Python {platform.python_version()}; {versions}"
    )


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def markdown_table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def append_log(title: str, command: str, body: str, loads: list[str]) -> None:
    """Append one dated entry under the results-log heading of docs/benchmarks.md."""
    stamp = time.strftime("%Y-%m-%d %H:%M %Z")
    entry = (
        f"\n### {stamp}: {title}\n\n"
        f"- command: `{command}`\n"
        f"- machine: {machine()}\n"
        f"- load average (1/5/15 min) before each measurement: {', '.join(loads)}\n\n"
        f"{body}\n"
    )
    text = BENCH_DOC.read_text() if BENCH_DOC.exists() else f"# Benchmarks\n\n{LOG_HEADING}\n"
    if LOG_HEADING not in text:
        text = text.rstrip() + f"\n\n{LOG_HEADING}\n"
    BENCH_DOC.write_text(text.rstrip() + "\n" + entry)
    print(f"[bench] appended to {BENCH_DOC.relative_to(REPO_ROOT)}")


def command_line() -> str:
    module = Path(sys.argv[0]).resolve().relative_to(REPO_ROOT).with_suffix("")
    return " ".join(["python -m", ".".join(module.parts), *sys.argv[1:]])
