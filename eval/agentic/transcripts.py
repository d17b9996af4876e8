"""An agentic eval stage's folder and the JSONL files in it, `RUN_DIR/<stage>/`:
    config.json        what was generated and how (written first; the stage hash covers it)
    prompts.json       the package's prompts per condition, model name substituted
    transcripts.jsonl  one row per sample, appended batch by batch (a rerun skips existing keys)
    scores.jsonl       one row per judged transcript (latest row per key wins; `unscored` rows
                       are retried on every pass)
    summary.json       misalignment rate per scenario and overall, Wilson 95% CI, n, unscored
    inspect.eval       the same transcripts, verdicts and rates as an inspect log (inspect_log.py)
    manifest.json      written last, once every expected transcript exists and is judged

Rows are keyed by `sample_key`; a kill mid-write leaves at most a cut line, which is dropped and
its sample redone.
"""

from __future__ import annotations

import json
from pathlib import Path


def stage_name(arm: str) -> str:
    return f"agentic_eval-{arm}"


def sample_key(condition_id: str, index: int) -> str:
    return f"{condition_id}#{index:04d}"


def read_rows(path: Path) -> list[dict]:
    """JSONL rows; a final line cut short by a kill is ignored (its sample is regenerated)."""
    if not path.exists():
        return []
    rows = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            if number != len(lines):
                raise
    return rows


def append_rows(path: Path, rows: list[dict]) -> None:
    """Append and flush, first cutting any partial last line a kill left behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        data = path.read_bytes()
        if data and not data.endswith(b"\n"):
            path.write_bytes(data[: data.rfind(b"\n") + 1])
    with path.open("a", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        handle.flush()


def drop_cut_rows(stage_dir: Path) -> None:
    """Drop the lines of the stage's transcripts and scores that are not a JSON row (a kill
    mid-write cuts the last line; damage can cut any), with one line per file saying which:
    their samples are generated, or judged, again. A score whose transcript is gone goes too,
    so a regenerated transcript is judged afresh. Read fully before anything is rewritten."""
    transcripts: set[str] = set()
    for name in ("transcripts.jsonl", "scores.jsonl"):
        path = stage_dir / name
        if not path.exists():
            continue
        kept, cut, orphans = [], [], False
        for number, line in enumerate(path.read_bytes().splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                row = None
            if not isinstance(row, dict) or "key" not in row:
                cut.append(number)
            elif name == "scores.jsonl" and row["key"] not in transcripts:
                orphans = True
            else:
                transcripts.add(row["key"])
                kept.append(line + b"\n")
        if orphans and not cut:
            _replace_lines(path, kept)
        if cut:
            shown = ", ".join(map(str, cut[:5])) + (" ..." if len(cut) > 5 else "")
            print(
                f"[resume] {stage_dir.name}: {name} line {shown} is cut short or not a JSON row; "
                "dropped, its sample is redone"
            )
            _replace_lines(path, kept)


def _replace_lines(path: Path, lines: list[bytes]) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(b"".join(lines))
    partial.replace(path)


def latest_scores(stage_dir: Path) -> dict[str, dict]:
    return {row["key"]: row for row in read_rows(stage_dir / "scores.jsonl")}
