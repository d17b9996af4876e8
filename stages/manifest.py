"""Stage bookkeeping in the run directory: what ran, with which config, and whether it finished.

Each stage writes into its own folder:
- `config.json` at the start: the resolved config and its hash (human-readable, for you);
- its artifacts (adapter, checkpoints, results);
- `manifest.json` last: the completion marker, with the fingerprint (sizes, hashes) of the
  stage's artifacts. A stage whose manifest parses, has the same hash and whose artifacts still
  match is skipped on rerun; a damaged one (unreadable manifest, missing or changed artifact) is
  redone with one line saying why.

Mismatch policy: a *finished* stage whose hash differs from the current config is an error (the
run directory belongs to another config: use a new `--run-dir`, or delete that stage's folder to
redo it). An *unfinished* stage whose hash differs has its partial state discarded and restarts.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from stages.config import ConfigError
from stages.rundir import damage, fingerprint


def is_done(stage_dir: Path, expected_hash: str) -> bool:
    """Whether the stage is finished and intact; a damaged one is announced and unmarked, so
    the caller redoes it. Raises ConfigError when it was finished with another config."""
    problem = check_finished(stage_dir, expected_hash)
    if problem:
        print(f"[redo] {stage_dir}: {problem}; redoing the stage")
        (stage_dir / "manifest.json").unlink()
        return False
    return (stage_dir / "manifest.json").exists()


def check_finished(stage_dir: Path, expected_hash: str) -> str | None:
    """Why a finished stage cannot be trusted (None: it can, or it is not finished); changes
    nothing, so the dry run asks it too. Raises ConfigError for another config's stage."""
    path = stage_dir / "manifest.json"
    if not path.exists():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return "manifest.json is unreadable"
    if not isinstance(record, dict):
        return "manifest.json is unreadable"
    recorded = record.get("config_hash")
    if recorded != expected_hash:
        raise ConfigError(
            f"{stage_dir} was finished with another config (hash {recorded} != {expected_hash}); "
            "use a new --run-dir, or delete that folder to redo the stage"
        )
    return damage(stage_dir, record.get("artifacts", {}))


def begin(stage_dir: Path, config_hash: str, config: dict) -> bool:
    """Prepare `stage_dir`; returns True when partial state from the same config can be resumed."""
    record = stage_dir / "config.json"
    resumable = False
    if record.exists():
        try:
            previous = json.loads(record.read_text(encoding="utf-8")).get("config_hash")
        except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
            previous = "unreadable"
        if previous == config_hash:
            resumable = True
        else:
            why = "config.json is unreadable" if previous == "unreadable" else "config changed"
            print(f"[resume] {stage_dir.name}: {why} since the interrupted run; restarting")
            shutil.rmtree(stage_dir)
    stage_dir.mkdir(parents=True, exist_ok=True)
    write_json(record, {"config_hash": config_hash, "config": config})
    return resumable


def finish(stage_dir: Path, config_hash: str, summary: dict, artifacts: list[str]) -> None:
    """Mark the stage finished; `artifacts` (files or folders in it) are fingerprinted, and a
    later run trusts the stage only while they match."""
    write_json(
        stage_dir / "manifest.json",
        {
            "config_hash": config_hash,
            "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
            **summary,
            "artifacts": fingerprint(stage_dir, artifacts),
        },
    )


def write_json(path: Path, payload: object) -> None:
    """Write atomically so a kill never leaves a truncated JSON behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
    partial.replace(path)
