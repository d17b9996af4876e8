"""Fault injection, part two: the run-directory lock under processes that start together, OS
trouble (full disk, read-only folders, files where folders belong, memory), and config values
the range table would pass but the training stack rejects. Each ends in a correct finish or one
line on stderr with exit 2 (3 for memory), never a traceback, never lost work.

    python -m pytest tests/test_faults_os.py -q
"""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stages.rundir import hold_lock

pytestmark = pytest.mark.faults

REPO = Path(__file__).resolve().parent.parent
RACERS = 12
ROUNDS = 40
HOLD_SECONDS = 0.05


# ---- the lock: exactly one holder, however many start at one instant ----------------------


def _race_for_the_lock(run_dir: str, barrier, inside, most_inside, holders, rounds: int) -> None:
    """One racer: at each round, every racer calls hold_lock at once; a winner counts itself
    inside while it sleeps, so two winners at a time show as `most_inside` > 1."""
    from stages.config import ConfigError

    for _ in range(rounds):
        barrier.wait()
        try:
            with hold_lock(Path(run_dir)):
                with inside.get_lock():
                    inside.value += 1
                    most_inside.value = max(most_inside.value, inside.value)
                    holders.value += 1
                time.sleep(HOLD_SECONDS)
                with inside.get_lock():
                    inside.value -= 1
        except ConfigError:
            pass
        barrier.wait()  # everyone done before the next round starts


def _race(run_dir: Path, rounds: int, before_each_round=None) -> tuple[int, int]:
    """(most holders at one time, holders in all) over `rounds` rounds of RACERS processes."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(RACERS + 1)
    inside, most_inside, holders = (context.Value("i", 0) for _ in range(3))
    racers = [
        context.Process(
            target=_race_for_the_lock,
            args=(str(run_dir), barrier, inside, most_inside, holders, rounds),
        )
        for _ in range(RACERS)
    ]
    for racer in racers:
        racer.start()
    try:
        for _ in range(rounds):
            if before_each_round is not None:
                before_each_round()
            barrier.wait(timeout=60)  # start the round
            barrier.wait(timeout=60)  # the round is over
    finally:
        for racer in racers:
            racer.join(timeout=60)
    assert all(racer.exitcode == 0 for racer in racers)
    return most_inside.value, holders.value


def test_processes_starting_together_hold_the_lock_one_at_a_time(tmp_path) -> None:
    most, holders = _race(tmp_path / "run", ROUNDS)
    assert most == 1, f"{most} processes held the run directory at once"
    assert holders == ROUNDS, "one holder per round, the rest refused"
    assert not (tmp_path / "run" / ".lock").exists()


def _dead_pid() -> int:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    return finished.pid


def test_processes_taking_over_a_stale_lock_together_have_one_winner(tmp_path) -> None:
    import socket

    run_dir = tmp_path / "run"
    run_dir.mkdir()
    stale = {"pid": _dead_pid(), "host": socket.gethostname(), "started": 1, "since": "earlier"}

    def leave_a_stale_lock() -> None:
        (run_dir / ".lock").write_text(json.dumps(stale))

    most, holders = _race(run_dir, ROUNDS, before_each_round=leave_a_stale_lock)
    assert most == 1, f"{most} processes took over the stale lock at once"
    assert holders == ROUNDS
