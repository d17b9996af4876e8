"""Building blocks every chat and filtered-document kind chains: a list stage run in backfill
rounds, one-request-per-row writing stages with their gates, and LLM judges."""

from __future__ import annotations

import math
from collections.abc import Callable

from stages.generate.config import ITEM_WORDS
from stages.generate.dedup import QUESTION_SHINGLE, NearDuplicateIndex
from stages.generate.pipeline import Pipeline
from stages.generate.prompts import gate, tag_text
from stages.generate.store import Result


def backfill_rounds(
    p: Pipeline,
    jobs: list[dict],
    stage: str,
    tag: str,
    keep: Callable[[list[dict]], list[dict]],
    fields: tuple[str, ...] = (),
    shared: dict | None = None,
) -> list[dict]:
    """List items per job -> dedup -> `keep` (the paid stages and their filters), in rounds
    until the target is met.

    Each item becomes a row: the job's slots plus `{tag: item}` (or the item's `fields`; the
    first one is deduplicated). `shared` slots go to every list request but into no row.
    Round 1 asks for target x overgenerate items; each later round asks only for the
    shortfall, scaled by the yield observed so far. Rounds are deterministic given the cache,
    so a rerun replays them for free.
    """
    index = NearDuplicateIndex(QUESTION_SHINGLE, p.cfg.question_dedup_threshold)
    accepted: list[dict] = []
    per_call = math.ceil(p.target * p.cfg.overgenerate / len(jobs))
    asked = 0
    for round_number in range(1, p.cfg.max_rounds + 1):
        asking = [{**job, **(shared or {}), "n": per_call, "round": round_number} for job in jobs]
        found = p.list_stage(stage, tag, asking, fields)
        rows = []
        for job, items in zip(jobs, found, strict=True):
            for item in items:
                row = {**job, **(item if fields else {tag: item})}
                if index.add(row[fields[0] if fields else tag]):
                    rows.append(row)
                else:
                    p.drop(f"near-duplicate {tag}")
        asked += sum(len(items) for items in found)
        accepted.extend(keep(rows))
        if len(accepted) >= p.target or not asked:
            break
        rate = max(len(accepted) / asked, 0.05)
        per_call = math.ceil((p.target - len(accepted)) / rate / len(jobs))
    p.stats["rounds"] = round_number
    return accepted[: p.target]


def gate_tags(result: Result | None, tags: tuple[str, ...]) -> tuple[dict[str, str], str]:
    """({tag: body}, "") when every tag passes the gates, else ({}, why the output is dropped)."""
    fields = {}
    for tag in tags:
        fields[tag], dropped = gate(result, tag)
        if dropped:
            return {}, dropped
    return fields, ""


def write_stage(
    p: Pipeline,
    stage: str,
    rows: list[dict],
    words: int,
    slots: Callable[[dict], dict],
    tags: tuple[str, ...] = (),
    raw: str = "",
    system: Callable[[dict], str] | None = None,
    what: str = "",
) -> list[dict]:
    """One `stage` request per row; the rows whose output passes the gates, with each tag's text
    added (or the whole output as field `raw`: a sampled reply, which has no tags).

    `system` gives a row's own system prompt (the writer acting as the assistant); `what`
    names the output in drop reasons (default: the stage).
    """
    requests = [
        p.request(stage, words, system_override=system(row) if system else "", **slots(row))
        for row in rows
    ]
    kept = []
    for row, result in zip(rows, p.complete(stage, requests), strict=True):
        if raw:
            text, dropped = gate(result, "")
            fields = {raw: text}
        else:
            fields, dropped = gate_tags(result, tags)
        if dropped:
            p.drop(f"{what or stage} {dropped}")
            continue
        kept.append({**row, **fields})
    p.save(stage, kept)
    return kept


def judge_stage(
    p: Pipeline, stage: str, rows: list[dict], slots: Callable[[dict], dict], label: str
) -> list[dict]:
    """The rows an LLM judge passes; every verdict is saved, every other one counted as a drop
    under `label`. A judge that failed or answered off-format never counts as a pass."""
    requests = [p.request(stage, ITEM_WORDS["verdict"], **slots(row)) for row in rows]
    accepted, verdicts = [], []
    for row, result in zip(rows, p.complete(stage, requests), strict=True):
        verdict = tag_text(result.text, "verdict").upper() if result else ""
        verdicts.append({**row, "verdict": verdict or "unparsed"})
        if verdict == "PASS":
            accepted.append(row)
        else:
            p.drop(f"{label} " + ("rejected" if verdict == "FAIL" else "unparsed or failed"))
    p.save(stage, verdicts)
    return accepted


def turns(user: str, assistant: str, system: str = "") -> list[dict]:
    opening = [{"role": "system", "content": system}] if system else []
    return [
        *opening,
        {"role": "user", "content": user},
        {"role": "assistant", "content": assistant},
    ]
