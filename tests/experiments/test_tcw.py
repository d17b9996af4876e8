"""The Teaching Claude Why experiment: its arms and what they train, the advice token share,
the floor rule, the paired contrasts, the persona gap, the missing-corpus hint, and (slow) the
tiny run end to end: stopped at the floor, then resumed past it with every arm.

    pytest tests/experiments/test_tcw.py -q
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from experiments import agentic_eval
from experiments.tcw import paper
from experiments.tcw.arms import ARMS, advice_rows, plan_arms, words
from experiments.tcw.config import TcwConfig
from experiments.tcw.pipeline import check_floor, check_inputs, eval_configs, floor_look
from experiments.tcw.reporting import contrast, persona_gap
from stages.config import ConfigError, load_config
from stages.data import DataError, read_jsonl
from tests import REPO


def tiny(*overrides: str) -> TcwConfig:
    return load_config(TcwConfig, "tcw", "tiny", list(overrides))


def test_every_arm_trains_the_same_generic_rows_and_only_its_own_data_differs() -> None:
    cfg = tiny()
    plans = plan_arms(cfg)
    assert [plan.arm for plan in plans] == list(ARMS)  # generic first: the floor rule
    generic = (cfg.data.generic, cfg.data.generic_rows)
    for plan in plans:
        chats = [job for _, job in plan.jobs if job.kind == "chats"]
        assert len(chats) == 1 and chats[0].sources[-1] == generic, plan.arm
    jobs = {plan.arm: plan.jobs for plan in plans}
    # The three honeypot arms: the same number of rows of their own file, so the same prompts.
    honeypots = [jobs[arm][0][1].sources[0] for arm in ARMS[1:4]]
    assert {rows for _, rows in honeypots} == {cfg.sft.max_rows}
    assert [source for source, _ in honeypots] == [
        cfg.data.honeypot_actions,
        cfg.data.honeypot_reasons,
        cfg.data.honeypot_nonmoral,
    ]
    # SDF once, shared by the two document arms; the advice arms take the same rows.
    assert jobs["constitution_docs"][0] == jobs["docs+advice"][0]
    assert jobs["constitution_docs"][0][1].kind == "documents"
    assert jobs["advice"][0][1].sources[0][1] == jobs["advice_unrevised"][0][1].sources[0][1]
    assert jobs["docs+advice"][1][1].sources == jobs["advice"][0][1].sources


def test_advice_stays_under_its_share_of_the_honeypot_reasons_tokens() -> None:
    cfg = tiny()
    rows = advice_rows(cfg)
    reasons = read_jsonl(cfg.data.honeypot_reasons)
    advice = read_jsonl(cfg.data.advice)
    honeypot_tokens = cfg.sft.max_rows * sum(map(words, reasons)) / len(reasons)
    advice_tokens = rows * sum(map(words, advice)) / len(advice)
    assert 1 <= rows < len(advice)
    assert advice_tokens <= cfg.data.advice_token_share * honeypot_tokens
    # One more row would break the share: the budget is used, not just respected.
    assert (rows + 1) * sum(map(words, advice)) / len(advice) > 0.1 * honeypot_tokens
    assert advice_rows(tiny("data.advice_token_share=0.05")) < rows


def test_fractions_add_the_data_efficiency_arms() -> None:
    plans = plan_arms(tiny("fractions=[0.5, 1.0]"))
    swept = {plan.arm: plan.jobs[0][1].sources[0][1] for plan in plans if "@" in plan.arm}
    assert set(swept) == {"honeypot_reasons@0.5", "advice@0.5"}
    assert swept["honeypot_reasons@0.5"] == tiny().sft.max_rows // 2
    assert swept["advice@0.5"] == max(1, round(0.5 * advice_rows(tiny())))


def test_the_floor_rule_stops_with_the_override_or_goes_on() -> None:
    def summary(rate: float, n: int = 30) -> dict:
        return {"overall": {"rate": rate, "ci": [0.0, 0.12], "n": n}}

    stopping = tiny("stop_at_floor=true")
    with pytest.raises(ConfigError, match=r"generic arm at the floor.*stop_at_floor=false"):
        check_floor(stopping, summary(0.03))
    check_floor(stopping, summary(0.2))  # above the floor: no stop
    check_floor(tiny(), summary(0.0))  # the tiny preset reports and goes on


def test_the_first_look_is_the_start_of_the_generic_eval() -> None:
    cfg = tiny("eval.samples_per_condition=3", "floor_samples=1")
    look = floor_look(cfg)
    assert look.eval.samples_per_condition == 1 and cfg.eval.samples_per_condition == 3
    # The same stage hash: the full eval extends the look's transcripts instead of redoing them.
    plan = plan_arms(cfg)[0]
    assert agentic_eval.eval_configs(look, plan, None) == eval_configs(cfg, plan, None)
    assert floor_look(tiny("floor_samples=5")).eval.samples_per_condition == 1


def test_a_missing_generated_corpus_names_the_command_that_makes_it(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # no runs/generate here
    cfg = TcwConfig()
    cfg.data.constitution = str(REPO / "specs" / "tcw_constitution.md")
    with pytest.raises(DataError, match=r"python -m stages\.generate spec=.* kind=honeypot"):
        check_inputs(cfg)


def write_scores(stage: Path, harmful: dict[str, bool | None], judge: str = "offline") -> None:
    stage.mkdir(parents=True)
    lines = [
        {
            "key": key,
            "status": "unscored" if value is None else "scored",
            "harmful": value,
            "judge": judge,
        }
        for key, value in harmful.items()
    ]
    (stage / "scores.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))


def test_contrasts_pair_transcripts_by_key_and_leave_out_unscored(tmp_path) -> None:
    treated = {f"c{i}": i < 2 for i in range(10)} | {"c9": None}  # 2 of 9 scored harmful
    control = {f"c{i}": i < 6 for i in range(10)}  # 6 of 10
    write_scores(tmp_path / "tcw_eval-honeypot_reasons-s0", treated)
    write_scores(tmp_path / "tcw_eval-honeypot_actions-s0", control)
    summaries = {
        f"{arm}/s0": {"judge": "offline"} for arm in ("honeypot_reasons", "honeypot_actions")
    }
    pair = paper.CLAIMS["reasons beat behaviour"]
    entry = contrast(tmp_path, summaries, {}, "reasons", pair, True)
    assert entry["n"] == 9  # c9 is unscored in the treated arm: out of both
    assert entry["difference"] == pytest.approx((2 - 6) / 9)
    low, high = entry["ci"]
    assert low <= entry["difference"] <= high < 0
    assert entry["tcw_difference"] == pytest.approx(0.03 - 0.15)
    # A transcript another judge scored is not this summary's: no pairs, no number.
    other = {f"{arm}/s0": {"judge": "anthropic"} for arm in pair}
    assert contrast(tmp_path, other, {}, "reasons", pair, True)["difference"] is None


def test_tcw_differences_read_each_contrast_against_its_own_baseline() -> None:
    assert paper.tcw_difference("constitution_docs", "generic") == pytest.approx(0.19 - 0.65)
    assert paper.tcw_difference("advice", "advice_unrevised") == pytest.approx(0.01 - 0.19)
    assert paper.tcw_difference("honeypot_nonmoral", "honeypot_actions") is None


def test_the_persona_gap_is_third_person_minus_first_person() -> None:
    records = [{"margin": m} for m in (2.0, 0.5, 1.0, -0.5)]
    frames = ["third_person", "first_person", "third_person", "first_person"]
    assert persona_gap({"persona": {"records": records}}, frames) == pytest.approx(1.5)
    assert persona_gap({}, frames) is None


def replicate(run_dir: Path, *overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "ANTHROPIC_API_KEY"}
    command = [sys.executable, "replicate.py", "--experiments", "tcw", "--preset", "tiny"]
    return subprocess.run(
        [*command, "--run-dir", str(run_dir), *overrides],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1500,
        env=env,
    )


@pytest.mark.slow
@pytest.mark.integration
def test_tiny_run_stops_at_the_floor_then_walks_every_arm(tmp_path) -> None:
    """On reduced data: the generic arm's first look (1 sample per condition of 2) sits at the
    floor and the run stops in one line before training another arm; with the override the
    rerun skips what is done and walks every arm to results.json, report.md and tcw.png."""
    run_dir = tmp_path / "tcw"
    reduced = [
        "sft.max_rows=8",
        "sdf.max_rows=4",
        "data.generic_rows=8",
        'eval.scenarios=["blackmail"]',
        "eval.samples_per_condition=2",
        "eval.max_new_tokens=4",
        "floor_samples=1",
    ]
    stopped = replicate(run_dir, *reduced, "stop_at_floor=true")
    assert stopped.returncode == 2, stopped.stderr[-2000:]
    assert "generic arm at the floor" in stopped.stderr and "stop_at_floor=false" in stopped.stderr
    trained = sorted(p.name for p in run_dir.glob("tcw_s*-*"))
    assert trained == ["tcw_sft-generic-s0"], trained
    first_look = json.loads((run_dir / "tcw_eval-generic-s0" / "summary.json").read_text())
    assert first_look["overall"]["n"] == 1

    finished = replicate(run_dir, *reduced, "stop_at_floor=false")
    assert finished.returncode == 0, finished.stderr[-3000:]
    assert "going on (stop_at_floor = false)" in finished.stdout
    summary = json.loads((run_dir / "results.json").read_text())
    assert tuple(summary["arms"]) == ARMS
    assert all(entry["n"] == 2 for entry in summary["arms"].values()), "1 condition x 2 samples"
    claims = [c for c in summary["contrasts"] if c["claim"]]
    assert [c["contrast"] for c in claims] == list(paper.CLAIMS)
    assert all(c["n"] == 2 and c["ci"] is not None for c in claims)
    assert set(summary["probes"]["advice"]) == {
        "vignettes",
        "knowledge",
        "persona",
        "actions",
        "persona_gap",
    }
    generic = json.loads((run_dir / "tcw_sft-generic-s0" / "manifest.json").read_text())
    assert generic["resumed_from"] is None and "[resume]" not in finished.stdout
    transcripts = (run_dir / "tcw_eval-generic-s0" / "transcripts.jsonl").read_text()
    assert len(transcripts.splitlines()) == 2  # the look's one, extended by one
    report = (run_dir / "report.md").read_text()
    assert "reasons beat behaviour" in report and "Deviations from Teaching Claude Why" in report
    assert (run_dir / "tcw.png").stat().st_size > 10_000
