"""Stage bookkeeping in the run directory: what ran, with which config, and whether it finished.

Each stage writes into its own folder:
- `config.json` at the start: the resolved config and its hash (human-readable, for you);
- its artifacts (adapter, checkpoints, results);
- `manifest.json` last: the completion marker. A stage whose manifest is present with the same
  hash is skipped on rerun.

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


def is_done(stage_dir: Path, expected_hash: str) -> bool:
    manifest = stage_dir / "manifest.json"
    if not manifest.exists():
        return False
    recorded = json.loads(manifest.read_text()).get("config_hash")
    if recorded != expected_hash:
        raise ConfigError(
            f"{stage_dir} was finished with another config (hash {recorded} != {expected_hash}); "
            "use a new --run-dir, or delete that folder to redo the stage"
        )
    return True


def begin(stage_dir: Path, config_hash: str, config: dict) -> bool:
    """Prepare `stage_dir`; returns True when partial state from the same config can be resumed."""
    record = stage_dir / "config.json"
    resumable = False
    if record.exists():
        previous = json.loads(record.read_text()).get("config_hash")
        if previous == config_hash:
            resumable = True
        else:
            print(
                f"[resume] {stage_dir.name}: config changed since the interrupted run; restarting"
            )
            shutil.rmtree(stage_dir)
    stage_dir.mkdir(parents=True, exist_ok=True)
    write_json(record, {"config_hash": config_hash, "config": config})
    return resumable


def finish(stage_dir: Path, config_hash: str, summary: dict) -> None:
    write_json(
        stage_dir / "manifest.json",
        {"config_hash": config_hash, "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S"), **summary},
    )


def write_json(path: Path, payload: object) -> None:
    """Write atomically so a kill never leaves a truncated JSON behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
    partial.replace(path)
