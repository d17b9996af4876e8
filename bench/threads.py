"""Thread settings on a shared CPU: 1 vs 2 torch threads, libgomp's busy-wait vs passive wait.

    python -m bench.threads              # ~1 min
    python -m bench.threads --contend    # with a 2-thread torch job of its own holding the cores

The work is SmolLM2-135M's MLP up-projection shape ([512 tokens × 576] @ [576 × 1536], fp32)
repeated, timed in a fresh process per (OMP_WAIT_POLICY, threads) setting, all settings
interleaved over `--repeats` rounds. When another job holds one of the two cores, the default
(ACTIVE) policy makes 2 threads spin at every barrier while their partner waits for a core;
PASSIVE sleeps instead. bench/__init__.py defaults the benchmarks to PASSIVE because of this.
`--contend` stands in for the other team's jobs: a second process doing the same matmuls on 2
threads (default policy) runs for the whole measurement.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from bench.common import append_log, command_line, load_average, markdown_table, median

SETTINGS = [("ACTIVE", 1), ("ACTIVE", 2), ("PASSIVE", 1), ("PASSIVE", 2)]
WORK = (
    "import time, torch; torch.set_num_threads({threads}); "
    "x = torch.randn(512, 576); w = torch.randn(576, 1536); x @ w; t = time.perf_counter()\n"
    "for _ in range({reps}): x @ w\n"
    "print(time.perf_counter() - t)"
)


def timed(policy: str, threads: int, reps: int) -> float:
    env = {**os.environ, "OMP_WAIT_POLICY": policy}
    code = WORK.format(threads=threads, reps=reps)
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return float(result.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--reps", type=int, default=300, help="matmuls per timing")
    parser.add_argument("--contend", action="store_true", help="run a competing 2-thread job")
    parser.add_argument("--no-log", action="store_true", help="print only; leave docs alone")
    args = parser.parse_args(argv)
    seconds: dict[tuple[str, int], list[float]] = {s: [] for s in SETTINGS}
    loads = []
    rival = None
    if args.contend:
        forever = WORK.format(threads=2, reps=10**9)
        env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
        rival = subprocess.Popen([sys.executable, "-c", forever], env=env)
        time.sleep(3)  # let it start spinning
    try:
        for repeat in range(args.repeats):
            loads.append(load_average())
            for setting in SETTINGS if repeat % 2 == 0 else SETTINGS[::-1]:
                seconds[setting].append(timed(*setting, args.reps))
            time.sleep(0.5)
    finally:
        if rival is not None:
            rival.kill()
            rival.wait()
    base = median(seconds[("ACTIVE", 1)])
    rows = [
        [
            policy,
            threads,
            " / ".join(f"{s:.2f}" for s in seconds[(policy, threads)]),
            f"{base / median(seconds[(policy, threads)]):.2f}×",
        ]
        for policy, threads in SETTINGS
    ]
    rival_note = ", a competing 2-thread job running throughout" if args.contend else ""
    body = (
        f"{args.reps} fp32 matmuls [512×576]@[576×1536] per timing, fresh process each, "
        f"settings interleaved{rival_note}.\n\n"
        + markdown_table(["OMP_WAIT_POLICY", "threads", "seconds", "speed vs ACTIVE/1"], rows)
    )
    print(body)
    if not args.no_log:
        append_log("torch threads and OMP wait policy", command_line(), body, loads)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
