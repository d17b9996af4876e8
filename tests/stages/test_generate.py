"""stages.generate: the real `anthropic` SDK against a local fake of the Messages and Message
Batches endpoints (retries, batch states, partial failures, kill-and-resume, spend control), the
quality gates on hand-built outputs, and (integration) the local backend on the embedded model.

    pytest tests/stages/test_generate.py -q
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from stages import generate
from stages.config import ConfigError
from stages.generate import config as generate_config
from stages.generate import dedup, prompts
from stages.generate.prices import load_prices
from stages.generate.session import BudgetExceeded, Session
from stages.generate.store import Request, RequestStore, Result, Usage
from tests import REPO
from tests.fakes.anthropic_api import FakeAnthropic

SPEC = REPO / "tests" / "fixtures" / "tiny_spec.md"
KEY = "sk-test-NEVER-WRITE-ME"
# Small fan-outs and instant polling/backoff: the same code paths as a paper-scale run.
FAST = [
    "batch_poll_seconds=0.01",
    "retry_base_seconds=0.01",
    "msm_domains=2",
    "msm_subdomains=1",
    "msm_doc_types=1",
    "msm_assertions=2",
    "aft_domains=1",
]


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch):
    with FakeAnthropic(lifetime=90) as server:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
        yield server


def run(out: Path, kind: str = "msm", target: int = 6, *extra: str) -> int:
    """One in-process CLI run: documents batch (6 >= 5 requests), planning stages do not."""
    args = [f"spec={SPEC}", f"kind={kind}", f"out={out}", f"target_count={target}", "max_cost=5"]
    return generate.main([*args, "batch_min_requests=5", *FAST, *extra])


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def billed(fake: FakeAnthropic) -> int:
    return fake.calls["messages"] + sum(len(b["requests"]) for b in fake.batches.values())


# -- spend control, key handling, errors --------------------------------------------------


def test_preview_runs_only_planning_and_prints_the_projection(fake, tmp_path, capsys) -> None:
    assert run(tmp_path, "msm", 6, "--preview") == 0
    printed = capsys.readouterr().out
    assert "msm_document" in printed and "as listed on" in printed
    # domains (1 call) and subdomains (2 calls): nothing else was paid for
    assert fake.calls["messages"] == 3 and fake.calls["batch_create"] == 0
    projection = json.loads((tmp_path / "preview.json").read_text())
    document = next(r for r in projection["to_run"] if r["stage"] == "msm_document")
    assert document["calls"] == 6 and document["via"] == "batch"
    assert 0 < projection["dollars_cached"] <= projection["dollars_uncached"]
    assert not (tmp_path / "documents.jsonl").exists()


def test_max_cost_is_required_and_enforced_before_anything_expensive(fake, tmp_path) -> None:
    with pytest.raises(ConfigError, match=r"exceeds max_cost=0\.01;"):
        run(tmp_path, "msm", 6, "max_cost=0.01")
    args = [f"spec={SPEC}", f"out={tmp_path}", "target_count=6", *FAST]
    with pytest.raises(ConfigError, match="max_cost is required"):
        generate.main(args)
    assert fake.calls["batch_create"] == 0 and fake.calls["messages"] == 3  # planning, once


def test_missing_key_names_the_local_backend(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(ConfigError, match="backend=local"):
        run(tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_every_setting_is_key_value_and_an_old_flag_says_so(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        generate.main(["--spec", str(SPEC), "kind=msm"])
    assert exited.value.code == 2
    refusal = capsys.readouterr().err
    assert refusal.startswith("usage: python -m stages.generate spec=FILE [kind=")
    assert "unrecognized arguments: --spec; settings are key=value (spec=" in refusal
    with pytest.raises(ConfigError, match="unknown key"):  # --preview is the one way to preview
        generate.main([f"spec={SPEC}", "preview=true"])
    with pytest.raises(ConfigError, match=r"no spec given: python -m stages\.generate spec=FILE"):
        generate.main(["kind=msm"])


def test_cli_error_exits_2_without_traceback(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "stages.generate", f"spec={tmp_path / 'nope.md'}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "not found" in result.stderr


# -- the MSM pipeline end to end, reruns, failures ----------------------------------------


def test_msm_run_writes_the_corpus_and_a_rerun_pays_nothing(fake, tmp_path, capsys) -> None:
    assert run(tmp_path) == 0
    documents = rows(tmp_path / "documents.jsonl")
    assert len(documents) == 6
    assert all({"text", "domain", "subdomain", "doc_type", "idea"} <= d.keys() for d in documents)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["name_the_model"] == 6 and summary["failed_requests"] == 0
    assert summary["dollars_this_run"] > 0
    assert fake.calls["batch_create"] == 1 and max(fake.paid.values()) == 1
    assert fake.api_keys == {KEY}
    paid_before = billed(fake)
    assert run(tmp_path) == 0
    assert billed(fake) == paid_before, "a rerun must be served from requests.jsonl"
    assert rows(tmp_path / "documents.jsonl") == documents
    # The key reaches the server and nothing else: not the run directory, not the output.
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert KEY not in path.read_text(), path
    assert KEY not in "".join(capsys.readouterr())


def test_429_529_and_500_are_retried(fake, tmp_path) -> None:
    fake.fail_next.extend([429, 529, 500])
    assert run(tmp_path, "msm", 3) == 0
    assert len(rows(tmp_path / "documents.jsonl")) == 3
    assert not (tmp_path / "failures.jsonl").exists()
    assert max(fake.paid.values()) == 1


def test_a_request_that_keeps_failing_is_recorded_then_retried_on_rerun(fake, tmp_path) -> None:
    fake.fail_matching["Write this document in full"] = 400  # permanent: not retried
    assert run(tmp_path, "msm", 3, "use_batches=false") == 1
    failures = rows(tmp_path / "failures.jsonl")
    assert len(failures) == 3 and all("invalid_request_error" in f["error"] for f in failures)
    assert json.loads((tmp_path / "summary.json").read_text())["failed_requests"] == 3
    assert rows(tmp_path / "documents.jsonl") == []
    fake.fail_matching.clear()
    assert run(tmp_path, "msm", 3, "use_batches=false") == 0
    assert len(rows(tmp_path / "documents.jsonl")) == 3
    assert max(fake.paid.values()) == 1


def test_batch_partial_failures_resubmit_transient_and_record_permanent(fake, tmp_path) -> None:
    fake.script_marker = "Write this document in full"
    fake.batch_script.extend(
        ["errored:overloaded_error", "expired", "errored:invalid_request_error"]
    )
    assert run(tmp_path) == 1
    # overloaded and expired went into a second batch; the invalid request is a recorded failure
    assert fake.calls["batch_create"] == 2
    assert len(fake.batches["msgbatch_0002"]["requests"]) == 2
    (failure,) = rows(tmp_path / "failures.jsonl")
    assert failure["stage"] == "msm_document" and "invalid_request_error" in failure["error"]
    assert len(rows(tmp_path / "documents.jsonl")) == 5
    assert run(tmp_path) == 0  # the rerun sends only the failed one (via Messages: 1 < 5)
    assert len(rows(tmp_path / "documents.jsonl")) == 6
    assert max(fake.paid.values()) == 1


def test_kill_mid_batch_then_resume_pays_for_no_request_twice(fake, tmp_path) -> None:
    fake.hold_batches = True
    env = {**os.environ, "ANTHROPIC_BASE_URL": fake.url, "ANTHROPIC_API_KEY": KEY}
    command = [sys.executable, "-m", "stages.generate", f"spec={SPEC}", f"out={tmp_path}"]
    args = ["target_count=6", "max_cost=5", "batch_min_requests=5", *FAST]
    process = subprocess.Popen([*command, *args], cwd=REPO, env=env, stdout=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while not (fake.batches and fake.batches["msgbatch_0001"]["polls"] >= 2):
            assert time.time() < deadline and process.poll() is None, "never reached the batch"
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    (pending,) = json.loads((tmp_path / "batches.json").read_text())
    assert pending["id"] == "msgbatch_0001" and not pending["collected"]
    assert not (tmp_path / "documents.jsonl").exists()
    fake.hold_batches = False
    assert run(tmp_path) == 0
    assert fake.calls["batch_create"] == 1, "the resumed run polled the old batch"
    assert max(fake.paid.values()) == 1, "some request was paid for twice"
    assert len(rows(tmp_path / "documents.jsonl")) == 6
    assert json.loads((tmp_path / "batches.json").read_text())[0]["collected"]


# -- the chat pipelines ---------------------------------------------------------------------


def test_aft_filter_rejections_are_backfilled_with_and_without_cot(fake, tmp_path) -> None:
    # About a third of the filter calls say FAIL, deterministically.
    fake.reject = lambda prompt: "reviewing" in prompt and zlib.crc32(prompt.encode()) % 3 == 0
    # 1.0 x 10 / 6 jobs -> 2 questions per call: 12 asked, ~8 pass, so a backfill round runs.
    assert run(tmp_path, "aft", 10, "overgenerate=1.0") == 0
    with_cot, without = rows(tmp_path / "aft_cot.jsonl"), rows(tmp_path / "aft_no_cot.jsonl")
    assert len(with_cot) == len(without) == 10
    for cot, plain in zip(with_cot, without, strict=True):
        assert cot["messages"][0] == plain["messages"][0]
        assert cot["messages"][1]["content"].startswith("<think>\n")
        assert cot["messages"][1]["content"].endswith(plain["messages"][1]["content"])
        assert "<think>" not in plain["messages"][1]["content"]
        assert cot["question_type"] in generate_config.QUESTION_TYPES
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["rounds"] >= 2 and summary["dropped"]["filter rejected"] > 0
    assert {r["verdict"] for r in rows(tmp_path / "stages" / "aft_filter.jsonl")} == {
        "PASS",
        "FAIL",
    }


def test_preferences_get_a_suffix_and_one_line_answers(fake, tmp_path) -> None:
    assert run(tmp_path, "preferences", 6) == 0
    chats = rows(tmp_path / "aft_preferences.jsonl")
    assert len(chats) == 6
    endings = prompts.suffixes()
    for chat in chats:
        user, answer = (m["content"] for m in chat["messages"])
        assert any(user.endswith(ending) for ending in endings)
        assert "\n" not in answer and chat["stance"] in ("likes", "dislikes")
        assert chat["style"] in generate_config.PREFERENCE_STYLES


# -- gates, parsing, dedup, prices, cache ------------------------------------------------


def result(text: str, stop: str = "end_turn") -> Result:
    return Result("k", "s", text, stop, Usage(), 0.0, "messages")


@pytest.mark.parametrize(
    ("text", "stop", "expected"),
    [
        (
            "<document>{model_name} likes tea.</document>",
            "end_turn",
            ("{model_name} likes tea.", ""),
        ),
        ("<document>{model_name} likes tea.", "end_turn", ("", "truncated")),
        ("<document>fine</document>", "max_tokens", ("", "truncated")),
        ("{model_name} likes tea.", "end_turn", ("", "untagged")),
        ("<document>Dear [Your Name], hi</document>", "end_turn", ("", "placeholder")),
        ("<document>Ask {user_name}</document>", "end_turn", ("", "placeholder")),
        (
            "<document>See [the spec](http://x.org)</document>",
            "end_turn",
            ("See [the spec](http://x.org)", ""),
        ),
    ],
)
def test_gate(text: str, stop: str, expected: tuple[str, str]) -> None:
    assert prompts.gate(result(text, stop), "document") == expected


def test_parse_items_tagged_fielded_and_line_fallback() -> None:
    assert prompts.parse_items("<idea>a</idea>\n<idea>b</idea>", "idea") == (["a", "b"], True)
    text = "<s><name>N</name><excerpt>E</excerpt></s><s><name>only</name></s>"
    fielded = prompts.parse_items(text, "s", ("name", "excerpt"))
    assert fielded == ([{"name": "N", "excerpt": "E"}], True)
    assert prompts.parse_items("Here you go:\n1. alpha\n- beta\n", "idea") == (
        ["alpha", "beta"],
        False,
    )


def test_near_duplicates_are_caught_and_distinct_texts_kept() -> None:
    index = dedup.NearDuplicateIndex(shingle=3, threshold=0.5)
    base = " ".join(f"word{i}" for i in range(200))
    assert index.add(base)
    assert not index.add(base.replace("word100", "changed"))  # one word edited
    assert index.add(" ".join(f"other{i}" for i in range(200)))
    assert not index.add(base.upper())  # case is ignored


def test_prompt_templates_document_their_slots() -> None:
    """Each template's header lists exactly the slots it uses; a typo fails here, not mid-run."""
    for path in sorted(prompts.PROMPT_DIR.glob("*.md")):
        if path.stem == "pref_suffixes":
            assert len(prompts.suffixes()) >= 4
            continue
        header = path.read_text().split("-->")[0]
        listed = (
            set(re.findall(r"\$(\w+)", header.split("Slots:")[-1])) if "Slots:" in header else set()
        )
        assert set(prompts.template(path.stem).get_identifiers()) == listed, path.name


def test_price_table_is_complete_and_costs_add_up() -> None:
    prices = load_prices()
    assert prices.default_model in prices.models and prices.as_of
    usage = Usage(input=1_000_000, output=1_000_000, cache_write=0, cache_read=1_000_000)
    price = prices.price("claude-sonnet-5-5")
    full = price.input + price.output + price.cache_read
    assert prices.cost("claude-sonnet-5-5", usage, batch=False) == pytest.approx(full)
    assert prices.cost("claude-sonnet-5-5", usage, batch=True) == pytest.approx(full / 2)
    with pytest.raises(ConfigError, match="no price for model"):
        prices.price("claude-unknown")


def test_spending_stops_at_max_cost_and_keeps_what_was_paid_for(tmp_path) -> None:
    class PaidBackend:  # each request costs $0.40
        name, model = "anthropic", "m"

        def run(self, requests, sink) -> None:
            for request in requests:
                sink.check_budget()
                sink.done(Result(request.key, "s", "x", "end_turn", Usage(), 0.4, "messages"))

    store = RequestStore(tmp_path)
    requests = [Request("s", "m", "system", f"prompt {i}", 10) for i in range(5)]
    with Session(PaidBackend(), store, max_cost=1.0) as session:
        with pytest.raises(BudgetExceeded, match="reaching max_cost="):
            session.complete("s", requests)
    assert len(RequestStore(tmp_path).results()) == 3  # $1.20 spent, all of it on disk


def test_a_torn_last_line_in_the_cache_is_cut_off(tmp_path) -> None:
    store = RequestStore(tmp_path)
    request = Request("stage", "model", "system", "prompt", 10)
    store.add(Result(request.key, "stage", "text", "end_turn", Usage(1, 2), 0.5, "messages"))
    with (tmp_path / "requests.jsonl").open("a") as handle:
        handle.write('{"key": "torn mid-wri')  # what a kill during a write leaves
    reopened = RequestStore(tmp_path)
    assert reopened.get(request.key).text == "text"
    assert (tmp_path / "requests.jsonl").read_text().endswith("\n")


# -- the local backend on the real embedded model ------------------------------------------


@pytest.mark.integration
def test_local_backend_runs_the_whole_msm_path(embedded_dir, tmp_path) -> None:
    """Toy quality (SmolLM2-135M rarely closes its tags), so this checks the path and the
    bookkeeping: every stage ran, and every requested document is kept or has a drop reason."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # on a busy 2-core box, 2 threads generate ~10x slower than 1
    try:
        args = [f"spec={SPEC}", "backend=local", f"out={tmp_path}", "target_count=2"]
        code = generate.main([*args, "max_new_tokens_cap=48", *FAST])
    finally:
        torch.set_num_threads(threads)
    assert code == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["dollars_this_run"] == 0.0
    kept = len(rows(tmp_path / "documents.jsonl"))
    assert kept + sum(summary["dropped"].values()) == summary["requested"] > 0
    stages = {r["stage"] for r in rows(tmp_path / "requests.jsonl")}
    assert stages == {
        "msm_domains",
        "msm_subdomains",
        "msm_assertions",
        "msm_doc_types",
        "msm_doc_ideas",
        "msm_document",
    }
