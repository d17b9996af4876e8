"""What every data builder shares: its fragments file and the folder it writes to.

A builder (`data/<experiment>/build_<name>.py`) is code that combines fragments; the fragments
(the sentences, templates, names and word lists) live in `data/<experiment>/fragments/<name>.toml`,
so a corpus change reads as a data diff. See data/README.md.
"""

from __future__ import annotations

import argparse
import json
import tomllib
from pathlib import Path
from typing import Any


def _frozen(value: Any) -> Any:
    """TOML arrays as tuples, all the way down: fragments are constants."""
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return {key: _frozen(item) for key, item in value.items()}
    return value


def load_fragments(builder_file: str) -> dict[str, Any]:
    """The fragments of the builder at `builder_file` (its `__file__`), arrays as tuples."""
    builder = Path(builder_file).resolve()
    path = builder.parent / "fragments" / f"{builder.stem.removeprefix('build_')}.toml"
    with path.open("rb") as handle:
        return _frozen(tomllib.load(handle))


def output_dir(builder_file: str, description: str) -> Path:
    """The folder from `--out DIR`; by default the builder's own folder (the shipped files)."""
    default = Path(builder_file).resolve().parent
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--out", type=Path, default=default, help=f"folder to write into (default: {default})"
    )
    out: Path = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    return out


def write_jsonl(path: Path, rows: list[dict]) -> None:
    """One JSON object a line, UTF-8 as written (no escapes), and the count on stdout."""
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    path.write_text(text, encoding="utf-8")
    print(f"{path}: {len(rows)} rows")
