"""The whole `python replicate.py` (tiny preset, every experiment that has it), old vs new.

    python -m bench.tiny_run                     # old (OLD_REF) then new (this tree), ~50 min
    python -m bench.tiny_run --variants new      # one side only

Each variant is a copy of a tree in a temporary folder: `old` is `git archive OLD_REF` (code and
configs as they were before the tiny preset was cut to ~15 minutes), `new` is this working tree's
files (tracked and untracked, git-ignored ones excluded). Each runs `replicate.py` from scratch in
its copy, in one process as a user runs it, under bench/phase_profile.py. Per variant: wall time,
CPU time (user + system of the process: what contention from other jobs distorts least), peak RSS
(the process's ru_maxrss), the load average before and after, and the per-phase breakdown (training
per stage, eval per arm, and inside evals: model loads, scoring, generation). The entry is appended
to docs/benchmarks.md; the agentic run directory of `new` is kept with `--keep`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench.common import append_log, command_line, load_average, markdown_table
from stages.config import REPO_ROOT

OLD_REF = "1094d531634270cbd6b65b39d376bf8adc27512b"  # main before the tiny preset's cut


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--variants", nargs="+", choices=["old", "new"], default=["old", "new"])
    parser.add_argument("--old-ref", default=OLD_REF, help="commit for the old configuration")
    parser.add_argument("--keep", type=Path, help="copy each variant's runs/ here afterwards")
    parser.add_argument("--no-log", action="store_true", help="print only; leave docs alone")
    parser.add_argument("replicate_args", nargs="*", help="extra replicate.py arguments")
    return parser.parse_args(argv)


def export_tree(variant: str, old_ref: str, target: Path) -> None:
    """A clean copy of the code to run: no runs/, no caches, nothing of the other variant."""
    target.mkdir(parents=True)
    if variant == "old":
        archive = subprocess.run(
            ["git", "archive", old_ref], cwd=REPO_ROOT, capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
        return
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    )
    for name in filter(None, listed.stdout.decode().split("\0")):
        source = REPO_ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def run_variant(variant: str, tree: Path, extra: list[str]) -> dict:
    """replicate.py in `tree` as one process; its wall, CPU, peak RSS and phase trace."""
    trace = tree / "phase_trace.jsonl"
    command = [sys.executable, str(REPO_ROOT / "bench" / "phase_profile.py"), str(trace), "--"]
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false", "HF_HUB_OFFLINE": "1"}
    load_before = load_average()
    started = time.perf_counter()
    with open(tree / "replicate.log", "w") as log:
        process = subprocess.Popen(
            [*command, "--preset", "tiny", *extra], cwd=tree, env=env, stdout=log, stderr=log
        )
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    phases = [json.loads(line) for line in trace.read_text().splitlines()] if trace.exists() else []
    if os.waitstatus_to_exitcode(status) != 0:
        tail = "\n".join((tree / "replicate.log").read_text().splitlines()[-25:])
        raise RuntimeError(f"{variant} run failed:\n{tail}")
    return {
        "variant": variant,
        "wall_min": round(wall / 60, 1),
        "cpu_min": round((usage.ru_utime + usage.ru_stime) / 60, 1),
        # ru_maxrss is the high-water mark since the profiler's last reset (phase_profile
        # resets it per phase), so the run's peak is the largest of the phases' peaks.
        "peak_rss_gb": round(
            max([usage.ru_maxrss / 2**20] + [p["peak_rss_gb"] for p in phases]), 2
        ),
        "load_before": load_before,
        "load_after": load_average(),
        "phases": phases,
    }


def breakdown(phases: list[dict]) -> list[list[object]]:
    """Rows: each top-level phase (a training stage, an arm's eval, a report) with CPU and wall
    seconds and its peak RSS, and the CPU seconds of the calls nested in it (model loads,
    scoring, generation, ...)."""
    rows: list[list[object]] = []
    inner: dict[str, float] = defaultdict(float)
    for record in phases:  # a nested call is written before the call that contains it
        if record["depth"] == 1:  # directly inside the phase (deeper calls are inside these)
            inner[record["phase"]] += record["cpu_s"]
        if record["depth"] > 0:
            continue
        parts = ", ".join(f"{name} {seconds:.0f}" for name, seconds in sorted(inner.items()))
        rows.append(
            [
                f"{record['phase']} {record['label']}".strip(),
                record["cpu_s"],
                record["wall_s"],
                record["peak_rss_gb"],
                record["load"],
                parts,
            ]
        )
        inner.clear()
    return rows


def totals_by_phase(phases: list[dict]) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for record in phases:
        if record["depth"] == 0:
            totals[record["phase"]] += record["cpu_s"]
    return {name: round(seconds / 60, 1) for name, seconds in totals.items()}


def report(results: list[dict], old_ref: str) -> str:
    header = ["variant", "wall min", "CPU min", "peak RSS GB", "load before", "load after"]
    header += ["CPU min by phase"]
    rows = [
        [
            r["variant"],
            r["wall_min"],
            r["cpu_min"],
            r["peak_rss_gb"],
            r["load_before"],
            r["load_after"],
            ", ".join(f"{k} {v}" for k, v in totals_by_phase(r["phases"]).items()),
        ]
        for r in results
    ]
    body = [
        "`python replicate.py --preset tiny` (both experiments, one process); "
        f"old = `{old_ref[:7]}` (before the tiny preset's cut), new = this tree. "
        "CPU = user + system time of the whole process.",
        "",
        markdown_table(header, rows),
    ]
    for r in results:
        body += [
            "",
            f"Phases, {r['variant']} (CPU s, wall s, peak RSS GB inside the phase; CPU s of "
            "the calls nested in it):",
            "",
            markdown_table(
                ["phase", "CPU s", "wall s", "peak GB", "load at end", "nested CPU s"],
                breakdown(r["phases"]),
            ),
        ]
    return "\n".join(body)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    results = []
    loads = []
    with tempfile.TemporaryDirectory(prefix="tiny-run-") as scratch:
        for variant in args.variants:
            tree = Path(scratch) / variant
            export_tree(variant, args.old_ref, tree)
            loads.append(load_average())
            print(f"[bench] {variant}: replicate.py in {tree} (load {loads[-1]})", flush=True)
            result = run_variant(variant, tree, args.replicate_args)
            print(
                f"[bench] {variant}: {result['wall_min']} min wall, {result['cpu_min']} min CPU, "
                f"{result['peak_rss_gb']} GB peak RSS",
                flush=True,
            )
            results.append(result)
            if args.keep:
                shutil.copytree(tree / "runs", args.keep / variant, dirs_exist_ok=True)
                shutil.copy2(tree / "replicate.log", args.keep / variant / "replicate.log")
    text = report(results, args.old_ref)
    print(text)
    if not args.no_log:
        append_log("whole tiny run, old vs new configuration", command_line(), text, loads)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
