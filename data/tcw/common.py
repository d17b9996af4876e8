"""What the Teaching-Claude-Why builders share: writing rows, counting tokens, and the check
that keeps every training file apart from the eval and from every probe.

A training file must pass `data.agentic.guards.check_rows` (the eval's words, names and template
text) and share no run of `PROBE_RUN` lowercased whitespace tokens with any probe item, ours
(`build_probes.py`) or the agentic experiment's (`data/agentic/probe_*.jsonl`). The builders
refuse to write a file that fails either check.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from data.agentic.guards import check_rows
from data.builder import output_dir, write_jsonl

DATA = Path(__file__).resolve().parents[1]
PROBE_RUN = 6


def row_text(row: dict) -> str:
    """The words a row trains on or asks: message contents, document text, or a probe's fields."""
    if "messages" in row:
        return "\n".join(m["content"] for m in row["messages"])
    if "text" in row:
        return row["text"]
    return "\n".join((row["question"], row["liked_item"], row["disliked_item"]))


def tokens(text: str) -> int:
    """Whitespace tokens: the one length measure the README's ratios use."""
    return len(text.split())


def runs(text: str, size: int = PROBE_RUN) -> set[tuple[str, ...]]:
    words = text.lower().split()
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


@functools.cache
def probe_runs() -> frozenset[tuple[str, ...]]:
    """Every 6-token run of every probe item: this experiment's and the agentic experiment's."""
    from data.tcw.build_probes import probe_files  # the probes are built in memory, not read

    rows = [row for split_rows in probe_files().values() for row in split_rows]
    for path in sorted((DATA / "agentic").glob("probe_*.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return frozenset(run for row in rows for run in runs(row_text(row)))


def check_training(rows: list[dict], where: str) -> None:
    """Raise ValueError naming the first row with eval text or a run shared with a probe."""
    check_rows(rows, where)
    probes = probe_runs()
    for index, row in enumerate(rows):
        shared = sorted(runs(row_text(row)) & probes)
        if shared:
            raise ValueError(f"{where}: row {index + 1} shares probe text {shared[:3]}")


def write_training(builder_file: str, description: str, files: dict[str, list[dict]]) -> None:
    """Check every training file (`check_training`), then write each into the builder's output
    folder (`--out DIR`, or beside the builder)."""
    out_dir = output_dir(builder_file, description)
    for name, rows in files.items():
        check_training(rows, name)
        write_jsonl(out_dir / name, rows)
