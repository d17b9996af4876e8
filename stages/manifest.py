"""Stage bookkeeping in the run directory: what ran, with which config, and whether it finished.

Each stage writes into its own folder:
- `config.json` at the start: the resolved config and its hash (human-readable, for you);
- its artifacts (adapter, checkpoints, results);
- `manifest.json` last: the completion marker, with the fingerprint (sizes, hashes) of the
  stage's artifacts. A stage whose manifest parses, has the same hash and whose artifacts still
  match is skipped on rerun; a damaged one (unreadable manifest, a manifest recording no
  artifacts, a missing, empty or changed artifact) is redone with one line saying why.

Mismatch policy, for a *finished* stage whose hash differs from the current config (what changed
is read from its config.json):
- only its inputs changed (a local file edited under the same path, `stages/inputs.py`; the
  stage it continues, or the adapter it evaluates, changed): it is redone, the file named;
- an eval stage's settings changed: it is redone (evals are cheap beside training);
- a training stage's settings changed: an error (the run directory belongs to another config:
  use a new `--run-dir`, or delete that stage's folder to redo it).
A redo discards the stage's folder first, so nothing a damaged or outdated stage wrote is
trusted. An *unfinished* stage whose hash differs has its partial state discarded and restarts.
Settings that cannot change a result (`stages.config.NOT_HASHED`) are outside the hash.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from stages.config import ConfigError
from stages.inputs import changed_inputs
from stages.rundir import damage, fingerprint


def is_done(
    stage_dir: Path, expected_hash: str, current: object = None, redo_changed: bool = False
) -> bool:
    """Whether the stage is finished and intact; a damaged or outdated one is announced and
    discarded, so the caller redoes it. `current`: the config the hash covers (its
    `hash_view`), to tell changed inputs from changed settings; `redo_changed`: redo when
    settings changed too (eval stages). Raises ConfigError when it was finished with another
    config."""
    problem = check_finished(stage_dir, expected_hash, current, redo_changed)
    if problem:
        print(f"[redo] {stage_dir}: {problem}; redoing the stage")
        shutil.rmtree(stage_dir)
        return False
    return (stage_dir / "manifest.json").exists()


def check_finished(
    stage_dir: Path, expected_hash: str, current: object = None, redo_changed: bool = False
) -> str | None:
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
    artifacts = record.get("artifacts")
    if not isinstance(artifacts, dict) or not artifacts:
        return "manifest.json records no artifacts to check"
    recorded = record.get("config_hash")
    if recorded != expected_hash:
        changed = changed_keys(stage_dir, recorded, current)
        redo = _redo_reason(changed, redo_changed)
        if redo:
            return redo
        what = f" ({', '.join(changed)} changed)" if changed else ""
        if changed == ["inputs"]:
            what = (
                " by an earlier version of the kit, which did not record its input files' contents"
            )
        raise ConfigError(
            f"{stage_dir} was finished with another config{what} (hash {recorded} != "
            f"{expected_hash}); use a new --run-dir, or delete that folder to redo the stage"
        )
    empty = [name for name, entry in artifacts.items() if entry.get("size") == 0]
    if empty:
        return f"{empty[0]} is empty"
    return damage(stage_dir, artifacts)


# Keys of a stage config that name what the stage was built from rather than how: a change
# there redoes the stage (the upstream stage it continues, the adapter it evaluates).
UPSTREAM_KEYS = {
    "init_hash": "the stage it continues changed",
    "adapter_hash": "the adapter it evaluates was retrained",
}


def _redo_reason(changed: list[str] | None, redo_changed: bool) -> str | None:
    """Why a finished stage whose hash moved is redone, from the keys that changed (None: it
    is not: the caller refuses it)."""
    if changed is None:
        return "its config changed" if redo_changed else None
    if changed == ["inputs"]:  # recorded by a kit that did not fingerprint input files
        return "its input files were not fingerprinted when it ran" if redo_changed else None
    files = [key.removeprefix("inputs.") for key in changed if key.startswith("inputs.")]
    upstream = [UPSTREAM_KEYS[key] for key in changed if key in UPSTREAM_KEYS]
    settings = [
        key for key in changed if not key.startswith("inputs.") and key not in UPSTREAM_KEYS
    ]
    if settings and not redo_changed:
        return None
    reasons = []
    if files:
        reasons.append(f"{', '.join(files)} changed since it ran")
    reasons += upstream
    if settings:
        reasons.append(f"{', '.join(settings)} changed")
    if not reasons:  # the hash moved, no recorded value did: say nothing it cannot show
        return "its config changed" if redo_changed else None
    return "; ".join(reasons)


def changed_keys(stage_dir: Path, recorded_hash: object, current: object) -> list[str] | None:
    """Dotted keys of `current` (a hash view) whose value differs from the config the stage
    recorded in its config.json; an input file as `inputs.<path>`. None when that record is
    missing, unreadable or not the finished stage's own. Keys the current config no longer
    has are left out: settings outside the hash (NOT_HASHED) are not in the view."""
    record = read_json(stage_dir / "config.json")
    if not isinstance(current, dict) or not isinstance(record, dict):
        return None
    if record.get("config_hash") != recorded_hash or not isinstance(record.get("config"), dict):
        return None
    return _differences(record["config"], current, "")


def _differences(recorded: dict, current: dict, prefix: str) -> list[str]:
    found = []
    for key, value in current.items():
        dotted = f"{prefix}{key}"
        if key not in recorded:
            found.append(dotted)
        elif dotted == "inputs" and isinstance(value, dict) and isinstance(recorded[key], dict):
            found += [f"inputs.{name}" for name in changed_inputs(recorded[key], value)]
        elif isinstance(value, dict) and isinstance(recorded[key], dict):
            found += _differences(recorded[key], value, f"{dotted}.")
        elif json.dumps(value, default=str) != json.dumps(recorded[key], default=str):
            found.append(dotted)
    return found


def read_json(path: Path) -> object:
    """The parsed file, or None when it is missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError):
        return None


def reopen(stage_dir: Path) -> None:
    """Mark a finished stage unfinished before it gains rows (more samples, new scores): its
    fingerprint is about to stop matching, and a kill mid-way must resume the stage, not find
    it damaged and discard the rows it already had."""
    (stage_dir / "manifest.json").unlink(missing_ok=True)


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
