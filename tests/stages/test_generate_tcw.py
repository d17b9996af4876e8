"""stages.generate's four Teaching Claude Why kinds (honeypot, advice, constitution_docs,
stories) from the kit's constitution, through the real `anthropic` SDK against the local fake
API: a preview that spends nothing, full runs in the training schemas, judge filters that drop
what they reject, and reruns that pay for nothing new.

    pytest tests/stages/test_generate_tcw.py -q
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

from stages import generate
from stages.data import load_rows
from stages.generate.prompts import render
from stages.spec import load_spec
from tests import REPO
from tests.fakes.anthropic_api import FakeAnthropic

CONSTITUTION = REPO / "specs" / "tcw_constitution.md"
KEY = "sk-test-NEVER-WRITE-ME"
FAST = [
    "batch_poll_seconds=0.01",
    "retry_base_seconds=0.01",
    "honeypot_settings=1",
    "tcw_doc_types=1",
    "story_worlds=1",
]
# kind -> (output files, load_rows role, fields every row has besides the role's own)
OUTPUTS = {
    "honeypot": (
        ("honeypot_actions.jsonl", "honeypot_reasons.jsonl", "honeypot_nonmoral.jsonl"),
        "chats",
        {"setting"},
    ),
    "advice": (("advice.jsonl", "advice_unrevised.jsonl"), "chats", {"area", "section"}),
    "constitution_docs": (("constitution_docs.jsonl",), "documents", {"doc_type", "subtype"}),
    "stories": (("stories.jsonl",), "documents", {"doc_type", "world", "premise"}),
}
# kind -> (text only its judge's prompts contain, drop reason, judge stage, the judged field)
JUDGES = {
    "honeypot": ("kind: reasons.", "reasons judge rejected", "honeypot_judge", "user"),
    "advice": ("reviewing one message", "prompt review rejected", "advice_review", "user"),
    "constitution_docs": (
        "against its constitution", "consistency filter rejected", "tcw_consistency", "document"
    ),
    "stories": (
        "against its constitution", "consistency filter rejected", "tcw_consistency", "document"
    ),
}  # fmt: skip


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch):
    with FakeAnthropic(lifetime=120) as server:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
        yield server


def run(out: Path, kind: str, target: int = 4, *extra: str) -> int:
    args = [f"spec={CONSTITUTION}", f"kind={kind}", f"out={out}", f"target_count={target}"]
    return generate.main([*args, "max_cost=5", "batch_min_requests=5", *FAST, *extra])


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def billed(fake: FakeAnthropic) -> int:
    return fake.calls["messages"] + sum(len(b["requests"]) for b in fake.batches.values())


@pytest.mark.parametrize("kind", OUTPUTS)
def test_preview_projects_every_stage_and_spends_nothing(fake, tmp_path, kind) -> None:
    assert run(tmp_path, kind, 4, "--preview") == 0
    assert billed(fake) == 0 and fake.calls["count_tokens"] > 0  # token counts are free
    projection = json.loads((tmp_path / "preview.json").read_text())
    assert projection["done"] == {} and projection["dollars_uncached"] > 0
    assert all(row["calls"] > 0 for row in projection["to_run"])
    files, _, _ = OUTPUTS[kind]
    assert not any((tmp_path / name).exists() for name in files)


@pytest.mark.parametrize("kind", OUTPUTS)
def test_run_writes_the_training_schema_and_a_rerun_pays_nothing(fake, tmp_path, kind) -> None:
    assert run(tmp_path, kind) == 0
    files, role, fields = OUTPUTS[kind]
    written = {name: load_rows(str(tmp_path / name), role) for name in files}
    for name, found in written.items():
        assert len(found) == 4, name
        assert all(fields <= row.keys() for row in found), name
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["outputs"] == list(files) and summary["failed_requests"] == 0
    writer = json.loads((tmp_path / "config.json").read_text())["model"]
    assert summary["written_by"] == dict.fromkeys(files, writer)
    # Chats hold replies the writer sampled: the summary says TCW sampled them on-policy.
    assert summary.get("off_policy", False) == (role == "chats")
    assert max(fake.paid.values()) == 1
    paid_before = billed(fake)
    assert run(tmp_path, kind) == 0
    assert billed(fake) == paid_before, "a rerun must be served from requests.jsonl"
    assert {name: load_rows(str(tmp_path / name), role) for name in files} == written


@pytest.mark.parametrize("kind", OUTPUTS)
def test_the_judge_drops_what_it_rejects_and_rounds_backfill(fake, tmp_path, kind) -> None:
    marker, reason, stage, field = JUDGES[kind]
    # About a third of this kind's judge calls say FAIL, deterministically.
    fake.reject = lambda prompt: marker in prompt and zlib.crc32(prompt.encode()) % 3 == 0
    assert run(tmp_path, kind, 6, "overgenerate=1.0") == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["dropped"][reason] > 0 and summary["rounds"] >= 2
    judged = rows(tmp_path / "stages" / f"{stage}.jsonl")
    rejected = {r[field] for r in judged if r["verdict"] == "FAIL"}
    assert rejected
    files, role, _ = OUTPUTS[kind]
    for name in files:
        kept = load_rows(str(tmp_path / name), role)
        assert len(kept) == 6
        texts = [row["text"] if role == "documents" else _user(row) for row in kept]
        assert not rejected & set(texts), f"{name} kept a rejected item"


def test_honeypot_files_share_prompts_and_never_carry_the_values_instruction(
    fake, tmp_path
) -> None:
    # Every stage through the Batches API, so the fake keeps each request's system prompt.
    assert run(tmp_path, "honeypot", 4, "batch_min_requests=1") == 0
    actions = load_rows(str(tmp_path / "honeypot_actions.jsonl"), "chats")
    reasons = load_rows(str(tmp_path / "honeypot_reasons.jsonl"), "chats")
    nonmoral = load_rows(str(tmp_path / "honeypot_nonmoral.jsonl"), "chats")
    for other in (reasons, nonmoral):
        assert [r["messages"][:2] for r in actions] == [r["messages"][:2] for r in other]
        assert [r["kind"] for r in actions] == [r["kind"] for r in other]
    assert all(
        [m["role"] for m in r["messages"]] == ["system", "user", "assistant"] for r in actions
    )
    values = render("honeypot_values", spec=load_spec(CONSTITUTION).text)
    openings = [values.splitlines()[0], render("honeypot_logistics", words=1).splitlines()[0]]
    for row in actions + reasons + nonmoral:
        for message in row["messages"]:
            assert not any(opening in message["content"] for opening in openings)
    # Each kept prompt was sampled three times: under its own system prompt, with the values
    # instruction, and with the logistics instruction asking for the reasons reply's length.
    sent = [
        (
            request["params"]["messages"][-1]["content"].strip(),
            request["params"]["system"][0]["text"],
        )
        for batch in fake.batches.values()
        for request in batch["requests"]
    ]
    for row, reasoned in zip(actions, reasons, strict=True):
        system, user = (m["content"] for m in row["messages"][:2])
        words = len(reasoned["messages"][-1]["content"].split())
        logistics = render("honeypot_logistics", words=words)
        assert sorted(s for u, s in sent if u == user) == sorted(
            [system, f"{system}\n\n{values}", f"{system}\n\n{logistics}"]
        )
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert "removed from every written row" in summary["values_instruction"]
    assert "on-policy" in summary["policy_note"]


def _user(row: dict) -> str:
    return next(m["content"] for m in row["messages"] if m["role"] == "user")
