"""Load training and eval rows from a released hub dataset or a local JSONL, checking the schema.

A source is either a hub dataset or a path to a JSONL file (relative paths resolve against the
repo root). A hub source reads

    hub:OWNER/NAME[@REVISION][:SPLIT[+SPLIT...]]
    hub:chloeli/sft-it-mix@main:no_robots+mmlu_binary+mmlu_explain

REVISION is a commit hash, tag or branch (default `main`); SPLIT names one or more splits,
concatenated (default `train`). The repo is fetched with `huggingface_hub.snapshot_download`
into the Hugging Face cache and read with `datasets.load_dataset(<snapshot folder>, split=...)`,
rather than `load_dataset(name)`, for two reasons: the snapshot folder is named by the commit the
revision resolved to, which every stage records (`source_revision`), so a report names the exact
data even when a preset says `main`; and with `HF_HUB_OFFLINE=1` the revision still resolves from
that cache (`load_dataset(name)` offline only finds its own Arrow cache).

Every row is checked for the fields its role needs, and `{model_name}` is replaced by the
preset's display name.
"""

from __future__ import annotations

import functools
import json
import os
import random
import re
from dataclasses import dataclass
from pathlib import Path

from stages.config import REPO_ROOT

HUB_PREFIX = "hub:"
_HUB_SOURCE = re.compile(
    r"hub:(?P<name>[\w.-]+/[\w.-]+)(?:@(?P<revision>[\w./-]+))?(?::(?P<splits>[\w.]+(?:\+[\w.]+)*))?"
)

# The fields each role needs, as named by the MSM paper's released datasets.
SCHEMAS: dict[str, tuple[str, ...]] = {
    "documents": ("text",),
    "chats": ("messages",),
    "pairs": ("question", "liked_item", "disliked_item"),
    "stances": ("question", "answer"),
}


# Size guards for local JSONL files: a row or file past these is almost surely a mistake (a
# whole book in one document costs minutes and gigabytes before anything trains). The paper's
# largest corpus is ~160 MB; its documents are a few thousand words. Raise them through the
# environment, which leaves every stage's config hash as it is.
MAX_ROW_CHARS_VAR = "MSM_KIT_MAX_ROW_CHARS"
MAX_FILE_MB_VAR = "MSM_KIT_MAX_FILE_MB"
DEFAULT_MAX_ROW_CHARS = 1_000_000
DEFAULT_MAX_FILE_MB = 2048


class DataError(ValueError):
    """A data problem the user can fix; the message is one actionable line."""


def size_limit(variable: str, default: int) -> int:
    raw = os.environ.get(variable, "")
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise DataError(f"{variable}={raw!r} must be a positive whole number")
    return int(raw)


def load_rows(
    source: str, role: str, display_name: str = "", max_rows: float = 0, seed: int = 0
) -> list[dict]:
    """Rows of `source` checked against `SCHEMAS[role]`; a seeded subset when `max_rows` > 0:
    that many rows, or that fraction of them when below 1 (the data-efficiency sweep)."""
    rows = _load_hub(source) if is_hub(source) else read_jsonl(source)
    if not rows:
        raise DataError(f"{source}: no rows")
    for index, row in enumerate(rows):
        _check_row(row, role, f"{source}: row {index + 1}")
    if display_name:
        rows = [_fill_model_name(row, display_name) for row in rows]
    count = round(max_rows * len(rows)) if 0 < max_rows < 1 else int(max_rows)
    if 0 < count < len(rows):
        rows = random.Random(seed).sample(rows, count)
    return rows


def mix_sources(
    sources: list[tuple[str, float]], role: str, display_name: str, seed: int
) -> tuple[list[dict], list[dict]]:
    """The rows of every `(source, rows)` pair, each its own seeded subset (see `load_rows`),
    concatenated and shuffled with `seed`; and per source what was taken: `{source, rows,
    revision}`. No cut after mixing: each source's share is exactly what its pair asks for, so
    an instruction mix is the same rows in every arm that uses it with the same seed."""
    rows: list[dict] = []
    taken = []
    for source, max_rows in sources:
        part = load_rows(source, role, display_name, max_rows, seed)
        taken.append({"source": source, "rows": len(part), "revision": source_revision(source)})
        rows += part
    random.Random(seed).shuffle(rows)
    return rows, taken


def is_hub(source: str) -> bool:
    return source.startswith(HUB_PREFIX)


@dataclass(frozen=True)
class HubSource:
    name: str
    revision: str
    splits: tuple[str, ...]


def parse_hub(source: str) -> HubSource:
    match = _HUB_SOURCE.fullmatch(source)
    if match is None:
        raise DataError(
            f"{source!r}: a hub source reads hub:OWNER/NAME[@REVISION][:SPLIT[+SPLIT...]], "
            "e.g. hub:chloeli/sft-it-mix@main:no_robots+mmlu_binary"
        )
    splits = match["splits"] or "train"
    return HubSource(match["name"], match["revision"] or "main", tuple(splits.split("+")))


def source_revision(source: str) -> str:
    """The commit a hub source's revision resolves to; "" for a local file."""
    if not is_hub(source):
        return ""
    hub = parse_hub(source)
    return hub_snapshot(hub.name, hub.revision).name


@functools.cache
def hub_snapshot(
    name: str, revision: str, repo_type: str = "dataset", files: tuple[str, ...] = ()
) -> Path:
    """The folder of hub repo `name` (a dataset, or a model with `repo_type="model"`) at
    `revision` in the Hugging Face cache, downloaded on first use (only `files`, when given); a
    snapshot folder is named by its commit hash. Resolved once per process, so every stage of a
    run reads the same commit even if the branch moves meanwhile."""
    from huggingface_hub import constants, snapshot_download

    try:
        # Offline, say so: huggingface_hub 1.33.0 (the GPU pins) treats a commit-hash revision
        # as resolved and lists the repo tree online even under HF_HUB_OFFLINE=1, failing with
        # OfflineModeIsEnabled; `local_files_only` takes its cache-only branch in 1.33 and 2.x.
        offline = constants.HF_HUB_OFFLINE
        folder = snapshot_download(
            name,
            repo_type=repo_type,
            revision=revision,
            allow_patterns=list(files) or None,
            local_files_only=offline,
        )
        return Path(folder)
    except Exception as err:
        raise DataError(
            f"could not fetch hub {repo_type} {name!r} at revision {revision!r} "
            f"({type(err).__name__}: {_first_line(err)}); check the name, the revision and "
            "your network, or point the preset at a local JSONL in the same schema"
        ) from err


def resolve_path(source: str) -> Path:
    path = Path(source)
    return path if path.is_absolute() else REPO_ROOT / path


def read_jsonl(source: str | Path) -> list[dict]:
    path = resolve_path(str(source))
    if not path.exists():
        raise DataError(f"{source}: file not found")
    max_mb = size_limit(MAX_FILE_MB_VAR, DEFAULT_MAX_FILE_MB)
    megabytes = path.stat().st_size / 2**20
    if megabytes > max_mb:
        raise DataError(
            f"{source}: {megabytes:,.0f} MB is over the {max_mb:,} MB limit for one file; "
            f"set {MAX_FILE_MB_VAR}={int(megabytes) + 1} if it is meant to be this big"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise DataError(f"{source}: not UTF-8 text (byte {err.start}); save it as UTF-8") from err
    max_chars = size_limit(MAX_ROW_CHARS_VAR, DEFAULT_MAX_ROW_CHARS)
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if len(line) > max_chars:
            raise DataError(
                f"{source}: line {number} has {len(line):,} characters, over the {max_chars:,} "
                f"limit for one row; set {MAX_ROW_CHARS_VAR}={len(line)} if it is meant to be"
            )
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise DataError(f"{source}: line {number} is not valid JSON ({err.msg})") from err
        if not isinstance(row, dict):
            raise DataError(f"{source}: line {number} is not a JSON object")
        rows.append(row)
    return rows


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _load_hub(source: str) -> list[dict]:
    import datasets

    hub = parse_hub(source)
    folder = hub_snapshot(hub.name, hub.revision)
    try:
        # "a+b" concatenates splits; an unknown split raises ValueError naming the known ones.
        dataset = datasets.load_dataset(str(folder), split="+".join(hub.splits))
    except Exception as err:
        raise DataError(
            f"{source}: could not read {hub.name!r} at commit {folder.name[:12]} "
            f"({type(err).__name__}: {_first_line(err)})"
        ) from err
    return [dict(row) for row in dataset]


def _first_line(err: Exception) -> str:
    return (str(err).strip().splitlines() or [""])[0]


def _check_row(row: dict, role: str, where: str) -> None:
    fields = SCHEMAS[role]
    for name in fields:
        if name not in row:
            raise DataError(f"{where} lacks field {name!r} (a {role} row needs {list(fields)})")
    if role == "chats":
        messages = row["messages"]
        if not isinstance(messages, list) or not all(
            isinstance(m, dict) and {"role", "content"} <= m.keys() for m in messages
        ):
            raise DataError(f"{where}: 'messages' must be a list of {{role, content}} objects")
        replies = [m["content"] for m in messages if m["role"] == "assistant"]
        if not replies:
            raise DataError(f"{where}: 'messages' has no assistant turn to train on")
        if not all(isinstance(reply, str) and reply.strip() for reply in replies):
            raise DataError(
                f"{where}: an assistant turn is empty (training on it teaches silence); "
                "fill it or drop the row"
            )
    else:
        for name in fields:
            if not isinstance(row[name], str) or not row[name].strip():
                raise DataError(f"{where}: field {name!r} must be a non-empty string")
    if role == "stances" and row["answer"].strip().upper() not in ("A", "B"):
        raise DataError(f"{where}: 'answer' must be the letter A or B, got {row['answer']!r}")


def _fill_model_name(row: dict, name: str) -> dict:
    def fill(value: object) -> object:
        if isinstance(value, str):
            return value.replace("{model_name}", name)
        if isinstance(value, list):
            return [fill(v) for v in value]
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        return value

    return fill(row)  # type: ignore[return-value]
