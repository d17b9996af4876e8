"""Load training and eval rows from a released hub dataset or a local JSONL, checking the schema.

A source is either `hub:<owner/name>` (loaded with `datasets.load_dataset`, split `train`) or a
path to a JSONL file (relative paths resolve against the repo root). Every row is checked for the
fields its role needs, and `{model_name}` is replaced by the preset's display name.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from stages.config import REPO_ROOT

HUB_PREFIX = "hub:"

# The fields each role needs, as named by the MSM paper's released datasets.
SCHEMAS: dict[str, tuple[str, ...]] = {
    "documents": ("text",),
    "chats": ("messages",),
    "pairs": ("question", "liked_item", "disliked_item"),
    "stances": ("question", "answer"),
}


class DataError(ValueError):
    """A data problem the user can fix; the message is one actionable line."""


def load_rows(
    source: str, role: str, display_name: str = "", max_rows: float = 0, seed: int = 0
) -> list[dict]:
    """Rows of `source` checked against `SCHEMAS[role]`; a seeded subset when `max_rows` > 0:
    that many rows, or that fraction of them when below 1 (the data-efficiency sweep)."""
    rows = _load_hub(source[len(HUB_PREFIX) :]) if is_hub(source) else read_jsonl(source)
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


def is_hub(source: str) -> bool:
    return source.startswith(HUB_PREFIX)


def resolve_path(source: str) -> Path:
    path = Path(source)
    return path if path.is_absolute() else REPO_ROOT / path


def read_jsonl(source: str | Path) -> list[dict]:
    path = resolve_path(str(source))
    if not path.exists():
        raise DataError(f"{source}: file not found")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
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


def _load_hub(name: str) -> list[dict]:
    import datasets

    try:
        dataset = datasets.load_dataset(name, split="train")
    except Exception as err:
        raise DataError(
            f"could not load hub dataset {name!r} ({type(err).__name__}: {err}); check the name "
            "and your network, or point the preset at a local JSONL in the same schema"
        ) from err
    return [dict(row) for row in dataset]


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
        if not any(m["role"] == "assistant" for m in messages):
            raise DataError(f"{where}: 'messages' has no assistant turn to train on")
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
