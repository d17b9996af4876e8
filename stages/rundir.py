"""Guards on the run directory's files: one process at a time (`hold_lock`), and fingerprints
that tell a finished stage's or a checkpoint's files from damaged ones (`fingerprint`,
`damage`), so a truncated or deleted file is redone, never loaded.

A fingerprint is each file's size, plus its sha256 when the file is at most HASH_LIMIT bytes:
adapters, results and logs are hashed; multi-gigabyte files are checked by size alone, which
catches the usual damage (a truncated or missing file) without reading gigabytes on every rerun.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from stages.config import ConfigError

HASH_LIMIT = 512 * 2**20
LOCK_NAME = ".lock"
# Stays empty; only its flock matters (see _one_at_a_time). Removing it could let two
# processes flock two different files of the same name.
TURN_NAME = ".lock-turn"
# The record a checkpoint gets once the trainer has written all of it (stages/callbacks.py).
SEAL_NAME = "msm_kit_seal.json"


def fingerprint(root: Path, names: list[str]) -> dict[str, dict]:
    """relative path -> {size, sha256?} of every file under the given names (files or folders)
    of `root`, sorted."""
    found: dict[str, dict] = {}
    for name in names:
        top = root / name
        files = sorted(p for p in top.rglob("*") if p.is_file()) if top.is_dir() else [top]
        for path in files:
            if not path.is_file():
                continue
            size = path.stat().st_size
            entry: dict = {"size": size}
            if size <= HASH_LIMIT:
                entry["sha256"] = sha256_of(path)
            found[path.relative_to(root).as_posix()] = entry
    return found


def damage(root: Path, recorded: dict[str, dict]) -> str | None:
    """What differs between the files under `root` and their recorded fingerprint (None: none).
    Hashes are compared only when the sizes agree."""
    for name, entry in recorded.items():
        path = root / name
        if not path.is_file():
            return f"{name} is missing"
        size = path.stat().st_size
        if size != entry["size"]:
            return f"{name} has {size:,} bytes, {entry['size']:,} when it was written"
        if "sha256" in entry and sha256_of(path) != entry["sha256"]:
            return f"{name} changed since it was written"
    return None


def sha256_of(path: Path) -> str:
    """The file's sha256, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---- checkpoints -------------------------------------------------------------------------


def seal(checkpoint: Path) -> None:
    """Record a complete checkpoint's fingerprint inside it (written last, atomically)."""
    names = [p.name for p in checkpoint.iterdir() if p.name != SEAL_NAME]
    partial = checkpoint / (SEAL_NAME + ".partial")
    partial.write_text(json.dumps(fingerprint(checkpoint, names), indent=1))
    partial.replace(checkpoint / SEAL_NAME)


def intact_checkpoint(checkpoints: Path, stage: str) -> Path | None:
    """The newest checkpoint whose files match its seal; damaged or unsealed (cut off mid-save)
    ones are deleted, with one line saying which checkpoint the stage falls back to."""
    if not checkpoints.is_dir():
        return None
    found = [p for p in checkpoints.glob("checkpoint-*") if p.name.split("-")[-1].isdigit()]
    found.sort(key=lambda p: int(p.name.split("-")[-1]), reverse=True)
    for index, checkpoint in enumerate(found):
        problem = _checkpoint_damage(checkpoint)
        if problem is None:
            return checkpoint
        older = next((p.name for p in found[index + 1 :]), None)
        then = f"falling back to {older}" if older else "restarting the stage from step 0"
        print(f"[resume] {stage}: {checkpoint.name} is unusable ({problem}); {then}")
        _remove_tree(checkpoint)
    return None


def _checkpoint_damage(checkpoint: Path) -> str | None:
    record = checkpoint / SEAL_NAME
    if not record.is_file():
        return "it was cut off while being saved"
    try:
        recorded = json.loads(record.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError):
        return f"{SEAL_NAME} is unreadable"
    return damage(checkpoint, recorded)


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


# ---- the lock ----------------------------------------------------------------------------


@contextmanager
def hold_lock(run_dir: Path) -> Iterator[None]:
    """Hold `run_dir` for this process: a second process gets a one-line ConfigError naming the
    holder; a lock left by a process that no longer runs (killed) is taken over with a line.

    Reading the lock and writing ours happen in one turn (`_one_at_a_time`), so of processes
    that start together, or find the same dead holder together, exactly one writes its record
    and every later one reads it. The record is written beside the lock and renamed onto it,
    so a lock file is never seen half written."""
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / LOCK_NAME
    mine = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": _start_time(os.getpid()),
        "since": time.strftime("%Y-%m-%d %H:%M:%S"),
        "command": " ".join(sys.argv)[:300],
    }
    with _one_at_a_time(run_dir):
        if path.exists():
            holder = _read_lock(path)
            if _is_running(holder):
                raise ConfigError(_in_use(run_dir, path, holder))
            print(
                f"[lock] {run_dir}: taking over the lock of process {holder.get('pid')}, "
                "which is no longer running"
            )
        partial = path.with_name(f"{LOCK_NAME}.{os.getpid()}.partial")
        partial.write_text(json.dumps(mine))
        partial.replace(path)
    try:
        yield
    finally:
        try:
            with _one_at_a_time(run_dir):
                if _read_lock(path) == mine:  # pid, host and start time: ours, not a namesake's
                    path.unlink(missing_ok=True)
        except OSError:
            # The run directory turned read-only or vanished: the error that stopped the run
            # is the one to report. The lock stays, and the next run on this host takes it
            # over, since this process will no longer be running.
            pass


def held_by(run_dir: Path, pid: int) -> bool:
    """Whether process `pid` on this host holds `run_dir`'s lock and still runs: the check the
    ranks of a data-parallel stage make before trusting the parent that started them to hold
    it for them (stages/distributed.py)."""
    holder = _read_lock(run_dir / LOCK_NAME)
    return (
        holder.get("pid") == pid
        and holder.get("host") == socket.gethostname()
        and _is_running(holder)
    )


def _in_use(run_dir: Path, path: Path, holder: dict) -> str:
    host = holder.get("host")
    # Another machine's process cannot be checked from here; after a disconnected Colab
    # runtime (a new host on the same Drive folder) only the user knows it is gone.
    gone = (
        f"; if {host} is gone (e.g. a disconnected Colab runtime), delete {path}"
        if host != socket.gethostname()
        else ""
    )
    return (
        f"{run_dir} is in use by process {holder.get('pid')} on {host} since "
        f"{holder.get('since')} ({holder.get('command')}); wait for it to end, or stop it and "
        f"rerun{gone}"
    )


@contextmanager
def _one_at_a_time(run_dir: Path) -> Iterator[None]:
    """An exclusive flock on `TURN_NAME` in the run directory, held while a process decides
    about the lock: the kernel grants it to one process at a time and drops it when that process
    exits or is killed, so a stuck turn cannot outlive its process. A regular file opened for
    writing, because NFS emulates flock with byte-range locks, which need one. flock does not
    reach across machines (a Drive folder shared by two Colab runtimes): there the lock
    record's host is what keeps them apart."""
    descriptor = os.open(run_dir / TURN_NAME, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the flock


def _read_lock(path: Path) -> dict:
    try:
        holder = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}  # unreadable (a kill while writing it): nobody holds it
    return holder if isinstance(holder, dict) else {}


def _is_running(holder: dict) -> bool:
    """Whether the lock's holder still runs: same host, the PID alive, and (where /proc tells)
    the same process start time, so a recycled PID does not keep a dead run's lock."""
    pid = holder.get("pid")
    if not isinstance(pid, int) or holder.get("host") != socket.gethostname():
        return isinstance(pid, int)  # another host's lock: assume it is alive
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    fields = _proc_stat(pid)
    if fields is None:
        return True  # no /proc: the PID is alive, trust it
    return fields[0] != "Z" and holder.get("started") in (None, int(fields[19]))


def _start_time(pid: int) -> int | None:
    fields = _proc_stat(pid)
    return int(fields[19]) if fields else None


def _proc_stat(pid: int) -> list[str] | None:
    """/proc/<pid>/stat from its third field (state; [19] is the start time in clock ticks
    since boot, field 22 of proc(5)), or None without /proc."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
