"""Fault injection: bad state in the run directory and bad input end in a correct finish or one
line on stderr with exit 2, never a traceback, never a lost scored result. One test (or more)
per case, numbered as in the section banners below; the slow test kills replicate.py with
SIGKILL at each stage boundary and resumes.

    python -m pytest -m faults -q
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import anthropic
import pytest
import torch

import eval.agentic as agentic
from eval.agentic import run_eval
from eval.agentic.judge import OFFLINE_LABEL, AnthropicJudge, JudgeUnavailable
from experiments.chains import training_stages
from stages import callbacks, manifest, train
from stages.config import ConfigError, TrainConfig, config_hash, load_config
from stages.data import MAX_FILE_MB_VAR, MAX_ROW_CHARS_VAR, DataError, load_rows
from stages.rundir import SEAL_NAME, hold_lock
from stages.spec import load_spec
from stages.train import TrainJob
from tests import REPO
from tests.eval.test_agentic import MODEL, counting_generator, fake_judge, small_cfg
from tests.fakes.anthropic_api import FakeAnthropic
from tests.stages.test_train import SMALL_LORA, adapter_weights, quick_train

pytestmark = pytest.mark.faults

# The reduced config the issue reproduced every case with.
REDUCED = ["midtrain.max_rows=48", "aft.max_rows=48", "eval.max_items=8"]
FIRST_STAGE = "msm_affordability-s0"  # the cheese tiny plan's first training stage


def python(*args: str, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def cheese_tiny(*args: str) -> subprocess.CompletedProcess:
    return python("replicate.py", "--experiments", "cheese", "--preset", "tiny", *args)


def assert_one_line(result: subprocess.CompletedProcess, message: str, code: int = 2) -> None:
    assert result.returncode == code, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert message in result.stderr, result.stderr


def documents_job(model, corpora, **train_changes) -> TrainJob:
    train_cfg = quick_train(**train_changes)
    return TrainJob("documents", model, SMALL_LORA, train_cfg, [(corpora["documents"], 0)], 0)


def cheese_tiny_stage_hash(stage: str) -> str:
    from experiments.cheese.arms import plan_arms
    from experiments.cheese.config import CheeseConfig

    cfg = load_config(CheeseConfig, "cheese", "tiny", REDUCED)
    return config_hash(training_stages(plan_arms(cfg))[stage])


def finished_by_hand(stage_dir: Path, stage_hash: str) -> None:
    """A finished training stage as train.run leaves it, without training (the dry run only
    reads files)."""
    (stage_dir / "adapter").mkdir(parents=True)
    (stage_dir / "adapter" / "adapter_model.safetensors").write_bytes(b"weights" * 100)
    (stage_dir / "adapter" / "adapter_config.json").write_text("{}")
    manifest.finish(stage_dir, stage_hash, {"steps": 1}, ["adapter"])


def dry_run_plan(run_dir: Path, capsys) -> str:
    import experiments.cheese as cheese
    from experiments.cheese.config import CheeseConfig

    cfg = load_config(CheeseConfig, "cheese", "tiny", REDUCED)
    cheese.plan(cfg, run_dir)
    return capsys.readouterr().out


# ---- 1, 2: a finished stage is trusted only while its manifest and artifacts are intact ------


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        ("cut manifest", "manifest.json is unreadable"),
        ("deleted adapter", "adapter/adapter_model.safetensors is missing"),
        ("truncated adapter", "adapter/adapter_model.safetensors has"),
    ],
)
def test_damaged_finished_stage_is_redone_with_one_line(
    damage, reason, tmp_path, tiny_model_config, corpora, capsys
) -> None:
    job = documents_job(tiny_model_config, corpora)
    stage = train.run(job, tmp_path / "msm")
    # Copied: the loaded tensors map the file, which is about to be cut.
    reference = {name: weight.clone() for name, weight in adapter_weights(stage).items()}
    weights = stage / "adapter" / "adapter_model.safetensors"
    if damage == "cut manifest":
        text = (stage / "manifest.json").read_text()
        (stage / "manifest.json").write_text(text[: len(text) // 2])
    elif damage == "deleted adapter":
        weights.unlink()
    else:
        weights.write_bytes(weights.read_bytes()[:1000])
    capsys.readouterr()

    train.run(job, tmp_path / "msm")
    out = capsys.readouterr().out
    redo = [line for line in out.splitlines() if line.startswith("[redo]")]
    assert len(redo) == 1 and str(stage) in redo[0] and reason in redo[0]
    assert manifest.check_finished(stage, config_hash(job)) is None, "redone and intact again"
    for name, weight in adapter_weights(stage).items():  # recomputed, not just re-marked
        torch.testing.assert_close(weight, reference[name])


def test_dry_run_names_a_damaged_stage(tmp_path, capsys) -> None:
    run_dir = tmp_path / "run"
    finished_by_hand(run_dir / FIRST_STAGE, cheese_tiny_stage_hash(FIRST_STAGE))
    assert "│ done" in dry_run_plan(run_dir, capsys)
    (run_dir / FIRST_STAGE / "adapter" / "adapter_model.safetensors").unlink()
    out = dry_run_plan(run_dir, capsys)
    assert "damaged: redo" in out and "done" not in out
    assert (
        f"[redo] {run_dir / FIRST_STAGE}: adapter/adapter_model.safetensors is missing; "
        "the run will redo this stage" in out
    )


# ---- 3: a damaged checkpoint is skipped for the previous one, or the stage restarts ----------


@pytest.mark.parametrize(
    ("damage", "line", "resumed_from"),
    [
        ("truncate newest", "checkpoint-2 is unusable", "checkpoint-1"),
        ("unseal newest, truncate older", "restarting the stage from step 0", None),
    ],
)
def test_damaged_checkpoint_falls_back(
    damage, line, resumed_from, tmp_path, tiny_model_config, corpora, monkeypatch, capsys
) -> None:
    job = documents_job(tiny_model_config, corpora, save_every_steps=1)
    reference = adapter_weights(train.run(job, tmp_path / "straight"))

    class Killed(Exception):
        pass

    real_seal = callbacks.seal

    def seal_then_die(checkpoint: Path) -> None:
        real_seal(checkpoint)
        if checkpoint.name == "checkpoint-2":
            raise Killed

    monkeypatch.setattr(callbacks, "seal", seal_then_die)
    with pytest.raises(Killed):
        train.run(job, tmp_path / "msm")
    monkeypatch.setattr(callbacks, "seal", real_seal)
    checkpoints = tmp_path / "msm" / "checkpoints"
    assert sorted(p.name for p in checkpoints.glob("checkpoint-*")) == [
        "checkpoint-1",
        "checkpoint-2",
    ]

    def truncate(checkpoint: str) -> None:
        weights = checkpoints / checkpoint / "adapter_model.safetensors"
        weights.write_bytes(weights.read_bytes()[:500])

    if damage == "truncate newest":
        truncate("checkpoint-2")
    else:
        (checkpoints / "checkpoint-2" / SEAL_NAME).unlink()  # as if killed mid-save
        truncate("checkpoint-1")
    capsys.readouterr()

    stage = train.run(job, tmp_path / "msm")
    out = capsys.readouterr().out
    assert line in out and "Traceback" not in out
    assert json.loads((stage / "manifest.json").read_text())["resumed_from"] == resumed_from
    resumed = adapter_weights(stage)
    for name, weight in reference.items():
        torch.testing.assert_close(resumed[name], weight, rtol=1e-4, atol=1e-5)


# ---- 4: specs and data files that are not UTF-8 ----------------------------------------------


def test_binary_spec_is_one_line_everywhere(tmp_path) -> None:
    spec = tmp_path / "binary.md"
    spec.write_bytes(b"# Title\n{model_name} \xff\xfe\x00\x81 likes cheese\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_spec(spec)
    dry = cheese_tiny(
        "--dry-run",
        f"data.spec_affordability={spec}",
    )
    assert_one_line(dry, "is not UTF-8 text")
    preview = python("-m", "stages.generate", f"spec={spec}", "kind=msm", "--preview")
    assert_one_line(preview, "is not UTF-8 text")


# ---- 5, 6: every config value has a range, checked at load time -----------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["midtrain.batch_size=-4"], "midtrain.batch_size = -4: must be at least 1"),
        (["--seeds", "0"], "seeds = 0: must be at least 1"),
        (["seeds=0"], "seeds = 0: must be at least 1"),
    ],
)
def test_impossible_value_stops_before_anything_runs(args, message, tmp_path) -> None:
    run_dir = tmp_path / "run"
    result = cheese_tiny(
        "--run-dir",
        str(run_dir),
        *args,
    )
    assert_one_line(result, message)
    assert not run_dir.exists(), "no half-made stage folder"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("aft.learning_rate=0", "aft.learning_rate = 0.0: must be above 0"),
        ("lora.r=0", "lora.r = 0: must be at least 1"),
        ("midtrain.lr_scheduler=cosin", "choose one of"),
        ("eval.max_items=-1", "eval.max_items = -1: must be at least 0"),
        ("midtrain.warmup_ratio=1.5", "must be in [0, 0.99]"),
    ],
)
def test_every_section_is_range_checked(override, message) -> None:
    from experiments.cheese.config import CheeseConfig

    with pytest.raises(ConfigError) as caught:
        load_config(CheeseConfig, "cheese", "tiny", [override])
    assert message in str(caught.value)


def test_recorded_configs_are_range_checked_too() -> None:
    from eval.agentic.config import AgenticEvalConfig
    from stages.config import from_dict

    with pytest.raises(ConfigError, match="judge_concurrency = 0"):
        from_dict(AgenticEvalConfig, {"judge_concurrency": 0}, where="stage/config.json")
    assert from_dict(TrainConfig, {"batch_size": 2}).batch_size == 2


# ---- 7, 8: data checks ------------------------------------------------------------------------


def test_empty_assistant_turns_are_refused(tmp_path) -> None:
    chats = tmp_path / "chats.jsonl"
    row = {"messages": [{"role": "user", "content": "Hi?"}, {"role": "assistant", "content": " "}]}
    chats.write_text(json.dumps(row) + "\n")
    with pytest.raises(DataError, match="row 1: an assistant turn is empty"):
        load_rows(str(chats), "chats")
    result = cheese_tiny(
        "--dry-run",
        f"data.aft={chats}",
    )
    assert_one_line(result, "an assistant turn is empty")


def test_empty_document_is_refused(tmp_path) -> None:
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps({"text": "fine"}) + "\n" + json.dumps({"text": "  "}) + "\n")
    with pytest.raises(DataError, match="row 2: field 'text' must be a non-empty string"):
        load_rows(str(docs), "documents")


def test_absurd_sizes_are_refused_with_an_override(tmp_path, monkeypatch) -> None:
    huge = tmp_path / "huge.jsonl"
    huge.write_text(json.dumps({"text": "cheese " * 7_500_000}) + "\n")  # one 52 MB document
    started = time.time()
    result = cheese_tiny(
        "--dry-run",
        f"data.msm_affordability={huge}",
    )
    assert_one_line(result, f"over the 1,000,000 limit for one row; set {MAX_ROW_CHARS_VAR}=")
    assert time.time() - started < 60  # was 161 s and 6.7 GB before the guard

    small = tmp_path / "small.jsonl"
    small.write_text(json.dumps({"text": "cheese " * 200_000}) + "\n")  # 1.4 M characters
    with pytest.raises(DataError, match=MAX_ROW_CHARS_VAR):
        load_rows(str(small), "documents")
    monkeypatch.setenv(MAX_ROW_CHARS_VAR, "2000000")
    assert len(load_rows(str(small), "documents")) == 1
    monkeypatch.setenv(MAX_FILE_MB_VAR, "1")
    with pytest.raises(DataError, match=f"over the 1 MB limit for one file; set {MAX_FILE_MB_VAR}"):
        load_rows(str(small), "documents")


# ---- 9: one process per run directory -----------------------------------------------------------


def test_second_process_is_refused_and_a_stale_lock_taken_over(tmp_path, capsys) -> None:
    run_dir = tmp_path / "run"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from stages.rundir import hold_lock\n"
            f"with hold_lock(Path({str(run_dir)!r})):\n"
            "    print('held', flush=True); time.sleep(120)",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        second = cheese_tiny(
            "--run-dir",
            str(run_dir),
            *REDUCED,
        )
        assert_one_line(second, f"{run_dir} is in use by process {holder.pid}")
        assert not (run_dir / FIRST_STAGE).exists(), "nothing trained beside the holder"
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    with hold_lock(run_dir):  # the killed holder's lock is stale
        assert f"taking over the lock of process {holder.pid}" in capsys.readouterr().out
    assert not (run_dir / ".lock").exists(), "released on exit"


def test_another_hosts_lock_names_the_host_and_the_way_out(tmp_path) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    lock = run_dir / ".lock"
    lock.write_text(json.dumps({"pid": 4242, "host": "colab-vm-gone", "since": "earlier"}))
    with pytest.raises(ConfigError) as refused, hold_lock(run_dir):
        pass
    message = str(refused.value)
    assert "process 4242 on colab-vm-gone" in message
    assert f"if colab-vm-gone is gone (e.g. a disconnected Colab runtime), delete {lock}" in message
    assert lock.exists(), "another machine's lock is never removed by us"


# ---- 10: judge failures -----------------------------------------------------------------------


def judged_stage(tmp_path: Path, arm: str = "baseline") -> Path:
    """An agentic eval stage with 4 transcripts, all scored (offline)."""
    stage = tmp_path / agentic.stage_name(arm)
    generator, _ = counting_generator()
    summary = run_eval(MODEL, small_cfg(), stage, arm=arm, make_generator=lambda: generator)
    assert summary["overall"]["n"] == 4
    return stage


def unreachable_judge() -> AnthropicJudge:
    """The real SDK against a closed port, without retries: what no network looks like."""
    client = anthropic.Anthropic(api_key="sk-test", base_url="http://127.0.0.1:9", max_retries=0)
    return AnthropicJudge("anthropic/claude-test", client=client)


def files(stage: Path) -> dict[str, bytes]:
    return {name: (stage / name).read_bytes() for name in ("scores.jsonl", "summary.json")}


def test_unreachable_judge_fails_fast_and_keeps_scores(tmp_path) -> None:
    stage = judged_stage(tmp_path)
    before = files(stage)
    judge = unreachable_judge()
    with pytest.raises(JudgeUnavailable) as caught:
        run_eval(MODEL, small_cfg(), stage, rescore=True, judge=judge)
    message = str(caught.value)
    assert "failed 3 times in a row (APIConnectionError" in message
    assert f"python replicate.py --experiments agentic --run-dir {tmp_path} --rescore" in message
    assert "\n" not in message
    assert files(stage) == before, "a failed rescore must not replace any score"


def test_bad_key_fails_fast_through_the_real_sdk(tmp_path) -> None:
    stage = judged_stage(tmp_path)
    before = files(stage)
    with FakeAnthropic(lifetime=60) as server:
        server.fail_matching[""] = 401  # every request: authentication_error
        client = anthropic.Anthropic(api_key="sk-bad", base_url=server.url, max_retries=0)
        judge = AnthropicJudge("anthropic/claude-test", client=client)
        with pytest.raises(JudgeUnavailable, match=r"in a row \(AuthenticationError"):
            run_eval(MODEL, small_cfg(), stage, rescore=True, judge=judge)
    assert files(stage) == before


def test_partial_judge_failure_never_overwrites_a_score(tmp_path) -> None:
    stage = judged_stage(tmp_path)
    flaky = fake_judge(error=RuntimeError("overloaded"))  # not an outage: judging goes on
    with pytest.raises(JudgeUnavailable, match="scored none of the 4"):
        run_eval(MODEL, small_cfg(), stage, rescore=True, judge=flaky)
    scores = agentic.latest_scores(stage)
    assert {s["status"] for s in scores.values()} == {"scored"}
    assert {s["judge"] for s in scores.values()} == {"offline-heuristic"}


def agentic_run(tmp_path: Path) -> tuple[Path, object]:
    """A finished agentic run as replicate.py leaves it: two arms judged by a (fake) Claude,
    config.json, results.json and report.md."""
    from experiments.agentic import reporting as report
    from experiments.agentic.config import AgenticConfig
    from stages.config import to_dict

    run_dir = tmp_path / "run"
    cfg = load_config(
        AgenticConfig,
        "agentic",
        "tiny",
        [
            'eval.scenarios=["blackmail", "leaking"]',
            'eval.goal_values=["none"]',
            "eval.samples_per_condition=2",
        ],
    )
    generator, _ = counting_generator()
    summaries = {}
    for arm in ("baseline", "msm_only"):
        summaries[f"{arm}/s0"] = run_eval(
            cfg.model,
            cfg.eval,
            run_dir / f"agentic_eval-{arm}-s0",
            None,
            arm,
            judge=fake_judge("<answer>yes</answer>"),
            make_generator=lambda: generator,
        )
    manifest.write_json(run_dir / "config.json", to_dict(cfg))
    report.report(cfg, run_dir, summaries)
    return run_dir, cfg


def test_rescore_rewrites_the_run_report_or_leaves_it_whole(tmp_path, monkeypatch) -> None:
    import replicate
    from eval.agentic.__main__ import main as eval_main

    run_dir, _ = agentic_run(tmp_path)
    stages = sorted(run_dir.glob("agentic_eval-*"))
    run_files = ("results.json", "report.md")
    before = {name: (run_dir / name).read_bytes() for name in run_files}
    stage_before = [files(stage) for stage in stages]

    # The judge is unreachable: nothing changes, anywhere, and the line says how to retry.
    monkeypatch.setattr("eval.agentic.judge.make_judge", lambda cfg: unreachable_judge())
    with pytest.raises(JudgeUnavailable, match=r"python replicate\.py --experiments agentic"):
        replicate.main(["--experiments", "agentic", "--run-dir", str(run_dir), "--rescore"])
    assert {name: (run_dir / name).read_bytes() for name in run_files} == before
    assert [files(stage) for stage in stages] == stage_before
    monkeypatch.undo()

    # A working judge: every stage rescored, and results.json + report.md agree with them.
    args = ["--experiments", "agentic", "--run-dir", str(run_dir), "--rescore"]
    assert replicate.main([*args, "eval.judge=offline"]) == 0
    results = json.loads((run_dir / "results.json").read_text())
    assert results["judge"] == [OFFLINE_LABEL]
    for stage in stages:
        summary = json.loads((stage / "summary.json").read_text())
        arm = stage.name.removeprefix("agentic_eval-").rsplit("-", 1)[0]
        assert summary["judge"] == "offline-heuristic"
        assert results["arms"][arm]["rate"] == summary["overall"]["rate"]
    assert OFFLINE_LABEL in (run_dir / "report.md").read_text()

    # eval.agentic alone would leave results.json behind: it refuses, in one line.
    with pytest.raises(ConfigError, match=r"replicate\.py --experiments agentic"):
        eval_main(["--run-dir", str(run_dir)])


# ---- 11: the dry run says what the run will do ----------------------------------------------


def test_dry_run_stops_where_the_run_would(tmp_path, capsys) -> None:
    run_dir = tmp_path / "run"
    finished_by_hand(run_dir / FIRST_STAGE, "another-config")
    with pytest.raises(ConfigError, match="was finished with another config"):
        dry_run_plan(run_dir, capsys)
    assert "config changed" in capsys.readouterr().out
    result = cheese_tiny(
        "--dry-run",
        "--run-dir",
        str(run_dir),
        *REDUCED,
    )
    assert_one_line(result, f"{run_dir / FIRST_STAGE} was finished with another config")


# ---- kill -9 at every stage boundary -----------------------------------------------------------


def boundary_reached(run_dir: Path, boundary: str) -> bool:
    if boundary == "between stages":  # the first stage just finished, the next not begun
        return (run_dir / FIRST_STAGE / "manifest.json").exists()
    return any(run_dir.glob("eval-*/items-*.jsonl"))  # mid-eval: an eval stage half written


@pytest.mark.slow
@pytest.mark.integration
# A kill mid-stage, after a sealed checkpoint, is test_replicate.py's end-to-end kill test.
@pytest.mark.parametrize("boundary", ["between stages", "mid-eval"])
def test_kill_at_a_stage_boundary_resumes_to_the_end(boundary, tmp_path) -> None:
    run_dir = tmp_path / "run"
    args = [
        "replicate.py",
        "--experiments",
        "cheese",
        "--preset",
        "tiny",
        "--run-dir",
        str(run_dir),
        *REDUCED,
        "midtrain.save_every_steps=2",
    ]
    process = subprocess.Popen(
        [sys.executable, *args], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.time() + 900
    while time.time() < deadline and not boundary_reached(run_dir, boundary):
        assert process.poll() is None, "the run ended before the boundary"
        time.sleep(0.2)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert boundary_reached(run_dir, boundary)
    finished = {p.parent.name: p.read_bytes() for p in run_dir.glob("*/manifest.json")}

    result = python(*args, timeout=1500)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert f"taking over the lock of process {process.pid}" in result.stdout
    for stage, record in finished.items():  # nothing finished before the kill was redone
        assert (run_dir / stage / "manifest.json").read_bytes() == record, stage
    summary = json.loads((run_dir / "results.json").read_text())
    assert len(summary["arms"]) == 6
    assert not (run_dir / ".lock").exists()
