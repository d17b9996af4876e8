"""replicate.py as a user runs it: dry run, one-line errors, and (slow) the whole tiny run,
killed with SIGKILL mid-training and resumed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from stages.rundir import SEAL_NAME
from tests import REPO

# Reduced data so the end-to-end run takes minutes: the same code path as the full preset.
REDUCED = [
    "midtrain.max_rows=24",
    "midtrain.epochs=1",
    "midtrain.save_every_steps=2",
    "aft.max_rows=48",
    "aft.epochs=1",
    "eval.max_items=6",
    "eval.max_new_tokens=8",
]


def replicate(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "replicate.py", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_dry_run_prints_the_plan_without_training(tmp_path) -> None:
    result = replicate(
        "--experiments",
        "cheese",
        "--preset",
        "tiny",
        "--dry-run",
        "--run-dir",
        str(tmp_path / "run"),
    )
    assert result.returncode == 0, result.stderr
    for stage in ("msm_affordability-s0", "msm_america-s0", "aft-s0", "msm_america+aft-s0"):
        assert stage in result.stdout
    assert "min" in result.stdout and "GB" in result.stdout
    assert "M tokens per spec, below the curve's lowest dose" in result.stdout
    assert not (tmp_path / "run").exists(), "a dry run must not create the run directory"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--preset", "tiny", "seeds=many"], "expected an integer"),
        (
            ["--preset", "tiny", "data.aft=missing.jsonl", "--dry-run"],
            "missing.jsonl: file not found",
        ),
        (["--experiments", "poetry"], "unknown experiment"),
        (
            ["--preset", "t4", "--experiments", "agentic", "data.it_mix=hub:o/n:a+", "--dry-run"],
            "a hub source reads hub:OWNER/NAME",
        ),
    ],
)
def test_bad_input_is_one_actionable_line(args: list[str], message: str) -> None:
    result = replicate(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_malformed_eval_items_fail_before_training(tmp_path) -> None:
    bad = tmp_path / "items.jsonl"
    bad.write_text('{"question": "Which do you prefer?", "liked_item": "x"}\n')
    result = replicate("--preset", "tiny", f"data.eval_affordability={bad}", "--dry-run")
    assert result.returncode == 2
    assert "lacks field 'disliked_item'" in result.stderr


@pytest.mark.faults
@pytest.mark.parametrize("preset", ["t4", "released"])
def test_a_gpu_preset_without_cuda_is_refused_in_one_line(preset: str) -> None:
    result = replicate("--preset", preset, "--experiments", "cheese")
    assert result.returncode == 2
    assert f"preset {preset} needs a CUDA GPU: torch " in result.stderr
    assert "--dry-run plans it here, and --allow-cpu" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.faults
def test_allow_cpu_lets_a_gpu_preset_past_the_refusal(monkeypatch) -> None:
    import replicate as entry
    from stages import accel
    from stages.config import ConfigError

    monkeypatch.setattr(accel, "has_cuda", lambda: False)
    # The run then stops at the next check, the unknown key, not at the missing GPU.
    with pytest.raises(ConfigError, match="no_such_key") as stopped:
        entry.main(["--preset", "t4", "--allow-cpu", "--experiments", "cheese", "no_such_key=1"])
    assert "CUDA" not in str(stopped.value)


@pytest.mark.faults
def test_a_gpu_torch_cannot_see_stops_pick_preset_loudly(monkeypatch) -> None:
    import torch

    import replicate as entry
    from stages import gpu_env
    from stages.config import ConfigError

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(gpu_env, "nvidia_gpus", lambda: ["GPU 0: Tesla T4"])
    monkeypatch.setattr(gpu_env, "driver_version", lambda: "550.54.15")
    with pytest.raises(ConfigError, match=r"GPU 0: Tesla T4 is here .*--preset tiny$"):
        entry.pick_preset()
    monkeypatch.setattr(gpu_env, "nvidia_gpus", lambda: [])
    assert entry.pick_preset()[0] == "tiny"


@pytest.mark.slow
@pytest.mark.integration
def test_tiny_run_end_to_end_survives_kill_and_resumes(tmp_path) -> None:
    run_dir = tmp_path / "run"
    # With the optional renamed-AFT control arm, so its whole path runs too.
    args = ["--experiments", "cheese", "--preset", "tiny", "--run-dir", str(run_dir), *REDUCED]
    args.append("renamed_aft_control=true")
    process = subprocess.Popen(
        [sys.executable, "replicate.py", *args],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    first = run_dir / "msm_affordability-s0" / "manifest.json"
    second = run_dir / "msm_america-s0" / "checkpoints"
    # A sealed checkpoint: one killed mid-save is (rightly) discarded, and nothing would resume.
    sealed = f"checkpoint-*/{SEAL_NAME}"
    deadline = time.time() + 600
    while time.time() < deadline and not (first.exists() and any(second.glob(sealed))):
        time.sleep(0.5)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert first.exists(), "the first stage should have finished before the kill"
    finished_at = json.loads(first.read_text())["finished_at"]
    assert not (run_dir / "msm_america-s0" / "manifest.json").exists()

    result = replicate(*args)
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(first.read_text())["finished_at"] == finished_at, "finished stage redone"
    resumed = json.loads((run_dir / "msm_america-s0" / "manifest.json").read_text())
    assert resumed["resumed_from"] is not None and resumed["resumed_from"].startswith("checkpoint-")

    summary = json.loads((run_dir / "results.json").read_text())
    assert list(summary["arms"]) == [
        "baseline",
        "aft_only",
        "msm_affordability",
        "msm_affordability+aft",
        "msm_america",
        "msm_america+aft",
        "aft_renamed",
    ]
    assert set(summary["renamed_control"]) == {"aft_effect", "renamed_effect", "name_share"}
    for evals in summary["arms"].values():
        for name in ("affordability", "america", "reasons", "cheese_pairs", "controls"):
            entry = evals[name]
            assert 0.0 <= entry["low"] <= entry["rate"] <= entry["high"] <= 1.0
            assert entry["n"] > 0
    assert set(summary["diagonal"]) == {"affordability", "america", "symmetric"}
    for contrast in summary["diagonal"].values():
        assert contrast["low"] <= contrast["rate"] <= contrast["high"]
        assert isinstance(contrast["margin"], float)
    assert summary["dose"]["tokens_per_spec"] > 0 and summary["split"] == "test"
    assert any("toy scale" in note for note in summary["deviations"])
    assert len(summary["mechanism_checks"]) == 7  # 1 MSM + 2 survive + 3 install + 1 control
    report = (run_dir / "report.md").read_text()
    assert "| msm_america+aft |" in report and "Deviations from the paper" in report
    assert report.index("## The claim: the diagonal contrast") < report.index("| arm |")
    assert "tokens per spec, below the curve's lowest dose" in report
    assert "## Renamed-AFT control (America eval)" in report and "Reading:" in report
    assert (run_dir / "cheese.png").stat().st_size > 10_000
    assert "Mechanism checks" in result.stdout

    # Your own items, against every arm of the finished run.
    items = REPO / "data" / "cheese" / "eval_affordability_dev.jsonl"
    custom = subprocess.run(
        [
            sys.executable,
            "-m",
            "eval.cheese",
            "--run-dir",
            str(run_dir),
            "--items",
            str(items),
            "--kind",
            "affordability",
            "--scorer",
            "logprob",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert custom.returncode == 0, custom.stderr[-3000:]
    written = json.loads(
        (run_dir / "custom_evals" / "eval_affordability_dev-affordability.json").read_text()
    )
    assert len(written["arms"]) == 7


@pytest.mark.slow
@pytest.mark.integration
def test_agentic_tiny_run_end_to_end(tmp_path, monkeypatch) -> None:
    """Every arm trained, generated and judged offline (no API key in tests), with the floor
    check and the judge label in the report."""
    run_dir = tmp_path / "agentic"
    env = {k: v for k, v in os.environ.items() if k != "ANTHROPIC_API_KEY"}
    result = subprocess.run(
        [
            sys.executable,
            "replicate.py",
            "--experiments",
            "agentic",
            "--preset",
            "tiny",
            "--run-dir",
            str(run_dir),
            "midtrain.max_rows=8",
            "aft.max_rows=8",
            'eval.scenarios=["blackmail"]',
            "eval.max_new_tokens=8",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1200,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((run_dir / "results.json").read_text())
    assert set(summary["arms"]) == {
        "baseline",
        "msm_only",
        "aft_no_cot",
        "aft_cot",
        "msm+aft_no_cot",
        "msm+aft_cot",
    }
    assert all(entry["n"] == 1 for entry in summary["arms"].values()), "1 condition x 1 sample"
    assert summary["judge"] and all("offline" in label for label in summary["judge"])
    report = (run_dir / "report.md").read_text()
    assert "offline" in report and "| msm+aft_cot |" in report
    at_floor = summary["arms"]["baseline"]["ci"][1] < 0.10
    assert ("uninformative" in summary["floor"]) == at_floor  # n = 1 never calls a floor
    assert at_floor or "n too small to tell" in summary["floor"]
    assert len(summary["mechanism_checks"]) >= 3
    assert (run_dir / "agentic.png").exists()
