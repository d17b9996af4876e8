"""Run `replicate.py` with its phases timed: CPU seconds, wall seconds and peak RSS per phase.

    python bench/phase_profile.py TRACE.jsonl -- [replicate.py arguments]

Run from the root of the tree to profile (it imports that tree's code, so the same file times
an older commit's `replicate.py` exported by `bench.tiny_run`). The kit's phase functions are
wrapped by name where the tree has them: a training stage, a model load, an arm's eval, a
scoring call, a generation call, a report. Each call appends one JSON line to TRACE: phase,
label, nesting depth, wall and CPU seconds (process time: every torch thread, and far less
distorted than wall time when other jobs share the cores) and the peak RSS reached inside it
(the kernel's high-water mark is reset at each top-level phase start via /proc/self/clear_refs).
Standalone on purpose: it must not import the kit before the tree on sys.path is chosen.
"""

from __future__ import annotations

import functools
import json
import os
import runpy
import sys
import time
from pathlib import Path
from typing import Any

# (module, function, phase). Missing ones are skipped: trees differ in what they have.
PHASES = [
    ("stages.train", "run", "train"),
    ("stages.model", "load_model", "load"),
    ("stages.model", "load_adapter", "load"),
    ("stages.model", "generate", "generate"),
    ("eval.scoring", "answer_logprobs", "score"),
    ("experiments.cheese.pipeline", "eval_arm", "eval"),
    ("experiments.agentic_eval", "eval_arm", "eval"),  # transcripts + probes (agentic, tcw)
    ("experiments.agentic_eval", "probe_arm", "probes"),
    ("experiments.tcw", "report", "report"),
    # Trees before the tcw experiment: the agentic arm's eval in its own pipeline.
    ("experiments.agentic.pipeline", "eval_arm", "eval"),
    ("experiments.agentic.pipeline", "probe_arm", "probes"),
    ("experiments.cheese", "report", "report"),  # the face replicate.py calls
    ("experiments.agentic", "report", "report"),
    # Older trees: experiments/<name>/run.py and report.py, no face.
    ("experiments.cheese.run", "eval_arm", "eval"),
    ("experiments.agentic.run", "eval_arm", "eval"),  # transcripts + probes (after #11)
    ("eval.agentic", "run_eval", "transcripts"),  # top level before #11
    ("experiments.agentic.run", "probe_arm", "probes"),
    ("experiments.cheese.report", "write", "report"),
    ("experiments.agentic.report", "write_report", "report"),
]
_depth = 0


def _rss_gb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 2**20, 3)
    return 0.0


def _label(args: tuple, kwargs: dict) -> str:
    """The stage folder or arm a call works on, when its arguments name one."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, Path) and value.name:
            return value.name
        arm = getattr(value, "eval_stage", None)
        if isinstance(arm, str):
            return arm
    return ""


def _timed(function: Any, phase: str, trace: Path) -> Any:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        global _depth
        if _depth == 0:
            Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
        wall, cpu = time.perf_counter(), time.process_time()
        _depth += 1
        try:
            return function(*args, **kwargs)
        finally:
            _depth -= 1
            record = {
                "phase": phase,
                "label": _label(args, kwargs),
                "depth": _depth,
                "wall_s": round(time.perf_counter() - wall, 2),
                "cpu_s": round(time.process_time() - cpu, 2),
                "peak_rss_gb": _rss_gb("VmHWM"),
                "load": "/".join(f"{x:.2f}" for x in os.getloadavg()),
            }
            with trace.open("a") as out:
                out.write(json.dumps(record) + "\n")

    return wrapper


def install(trace: Path) -> None:
    """Import the tree's modules, then rebind every name bound to a phase function (modules
    that did `from x import f` hold their own reference) to its timed wrapper."""
    import importlib

    modules = {module for module, _, _ in PHASES} | {"eval.cheese"}
    for name in sorted(modules):
        try:
            importlib.import_module(name)
        except ImportError:
            continue
    wrapped: dict[int, Any] = {}
    for module, function, phase in PHASES:
        original = getattr(sys.modules.get(module), function, None)
        if original is not None:
            wrapped[id(original)] = _timed(original, phase, trace)
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] not in ("stages", "eval", "experiments"):
            continue
        for attribute, value in list(vars(module).items()):
            if id(value) in wrapped:
                setattr(module, attribute, wrapped[id(value)])


def main(argv: list[str]) -> int:
    trace = Path(argv[0]).resolve()
    rest = argv[2:] if len(argv) > 1 and argv[1] == "--" else argv[1:]
    sys.path.insert(0, os.getcwd())
    install(trace)
    # Run as the script a user runs (not imported: no layer imports the entry point).
    sys.argv = ["replicate.py", *rest]
    runpy.run_path(os.path.join(os.getcwd(), "replicate.py"), run_name="__main__")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
