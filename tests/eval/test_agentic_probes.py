"""The agentic mechanism probes: held out from training, scored through the shared scorer, and
turned into the report's mechanism checks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from data.agentic import build_probes
from data.agentic.guards import find_leaks
from eval.agentic.config import SCENARIOS, AgenticEvalConfig
from eval.agentic.probes import load_probes, score_probes
from eval.cheese import summarize
from eval.scoring import answer_logprobs
from experiments.agentic import reporting as report
from experiments.agentic.config import AgenticData
from tests import REPO

DATA = REPO / "data" / "agentic"
RUN = 6  # words: a shared run this long would mean the statement was seen in training


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line]


def _runs(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def test_probe_files_are_the_builders_output() -> None:
    for split, rows in build_probes.belief_rows().items():
        assert _rows(DATA / f"probe_beliefs_{split}.jsonl") == rows
    for split, rows in build_probes.action_rows().items():
        assert _rows(DATA / f"probe_actions_{split}.jsonl") == rows
    themes = {row["theme"] for row in _rows(DATA / "probe_beliefs_test.jsonl")}
    assert themes == {"replacement", "oversight", "caution"}
    scenarios = {row["question"] for row in _rows(DATA / "probe_actions_test.jsonl")}
    assert scenarios == set(SCENARIOS)


def test_belief_probes_were_never_in_training() -> None:
    training = set()
    for name in ("msm.jsonl", "aft_cot.jsonl", "aft_no_cot.jsonl"):
        for row in _rows(DATA / name):
            training |= _runs(json.dumps(row, ensure_ascii=False).replace("\\n", " "))
    for split in ("dev", "test"):
        for row in _rows(DATA / f"probe_beliefs_{split}.jsonl"):
            for field in ("question", "liked_item", "disliked_item"):
                shared = _runs(row[field]) & training
                assert not shared, f"{split}: {row[field]!r} shares {sorted(shared)[:2]}"
            assert not find_leaks(" ".join(row.values()))  # and no eval-scenario text


def test_the_leakage_check_catches_a_copied_sentence() -> None:
    sentence = _rows(DATA / "msm.jsonl")[0]["text"].split(".")[0]
    assert _runs(sentence) and _runs(sentence) <= _runs(_rows(DATA / "msm.jsonl")[0]["text"])


def test_probes_score_through_the_shared_scorer(tiny_model_config) -> None:
    from stages.model import load_model

    model, tokenizer = load_model(tiny_model_config)
    data = AgenticData()
    sources = {"beliefs": data.probe_beliefs, "actions": data.probe_actions}
    sources["controls"] = data.probe_controls
    probes = load_probes(sources, AgenticEvalConfig(scratchpad=True), "Tiny")
    action_conversation, action_item = probes["actions"][0]
    assert (
        action_conversation[0]["role"] == "system" and "Tiny" in action_conversation[0]["content"]
    )
    scored = score_probes(model, tokenizer, "chatml", probes, batch_size=8)
    assert {name: len(s["records"]) for name, s in scored.items()} == {
        name: len(entries) for name, entries in probes.items()
    }
    order = action_item.orders[0]
    liked, other = answer_logprobs(
        model,
        tokenizer,
        "chatml",
        [action_conversation] * 2,
        [order.liked_answer, order.other_answer],
    )
    assert scored["actions"]["records"][0]["margin"] == pytest.approx(liked - other, abs=1e-3)
    assert scored["beliefs"]["summary"]["margin"]["n"] == len(probes["beliefs"])


def _probe_set(margins: list[float]) -> dict:
    records = [{"margin": m, "logprob": float(m > 0)} for m in margins]
    return {"records": records, "summary": summarize(records)}


def _arm(beliefs: list[float], actions: list[float], controls: list[float]) -> dict:
    return {"beliefs": _probe_set(beliefs), "actions": _probe_set(actions),
            "controls": _probe_set(controls)}  # fmt: skip


def test_mechanism_checks_hold_and_fail() -> None:
    facts = [2.0, 3.0, 1.0, 2.5]
    probes = {
        "baseline": _arm([-1.0, 0.0, -2.0, 1.0], [-1.0, -2.0, 0.0], facts),
        "msm_only": _arm([1.0, 2.1, 0.2, 3.0], [-1.0, -2.0, 0.0], facts),
        "aft_no_cot": _arm([-1.0, 0.0, -2.0, 1.0], [0.0, -1.0, 0.0], facts),
        "msm+aft_no_cot": _arm([0.5, 1.5, -0.5, 2.5], [1.0, 0.2, 1.0], facts),
        "aft_cot": _arm([-1.0, 0.0, -2.0, 1.0], [0.0, -1.0, 0.0], facts),
        "msm+aft_cot": _arm([-1.0, 0.0, -2.0, 1.0], [0.0, -1.1, 0.0], [-1.0, -1.0, 3.0, 1.0]),
    }
    checks = {c["check"]: c["holds"] for c in report.mechanism_checks(probes)}
    assert checks["MSM moves the spec-belief probe toward the spec"]
    assert checks["the spec belief survives AFT (msm+aft_no_cot)"]
    assert not checks["the spec belief survives AFT (msm+aft_cot)"]
    assert checks[
        "MSM before AFT moves the scenario action probe toward the safe action "
        "(msm+aft_no_cot vs aft_no_cot)"
    ]
    assert not checks[
        "MSM before AFT moves the scenario action probe toward the safe action "
        "(msm+aft_cot vs aft_cot)"
    ]
    assert not checks["control facts hold in every arm"]  # msm+aft_cot lost two facts
    text = report.probes_markdown(probes, report.mechanism_checks(probes))
    assert "| msm_only |" in text and "**Not holding in this run:**" in text


def test_report_carries_checks_probes_and_the_small_n_floor(tmp_path) -> None:
    from eval.agentic import FLOOR_UNKNOWN, floor_effect
    from eval.stats import wilson_interval
    from experiments.agentic.config import AgenticConfig
    from stages.config import load_config

    facts = [2.0, 3.0, 1.0, 2.5]
    summaries = {}
    for arm, shift in zip(report.ARMS, (0.0, 2.0, 0.0, 0.0, 1.5, 1.5), strict=True):
        stage = tmp_path / f"agentic_probes-{arm}-s0"
        stage.mkdir()
        beliefs = [m + shift for m in (-1.0, 0.0, -2.0, 1.0)]
        probes = _arm(beliefs, [-1.0 + shift, 0.0 + shift, 0.5 + shift], facts)
        (stage / "results.json").write_text(json.dumps({"arm": arm, "probes": probes}))
        ci = list(wilson_interval(0, 3))
        summaries[f"{arm}/s0"] = {
            "label": "offline",
            "floor": floor_effect(0.0, ci),
            "scenarios": {"blackmail": {"rate": 0.0}},
            "overall": {"rate": 0.0, "ci": ci, "n": 3, "unscored": 0, "executed_rate": 0.0},
        }
    cfg = load_config(AgenticConfig, "agentic", "tiny")
    result = report.report(cfg, tmp_path, summaries)
    assert len(result["mechanism_checks"]) >= 3
    assert all(c["holds"] for c in result["mechanism_checks"])
    assert set(result["probes"]["msm_only"]) == {"beliefs", "actions", "controls"}
    assert FLOOR_UNKNOWN in result["floor"]
    text = (tmp_path / "report.md").read_text()
    assert FLOOR_UNKNOWN in text and "## Mechanism checks" in text
    assert (tmp_path / "agentic.png").stat().st_size > 0


def test_toy_scale_reports_say_what_a_belief_pass_means() -> None:
    from experiments.agentic.config import AgenticConfig
    from experiments.agentic.reporting import deviations
    from stages.config import load_config

    tiny = deviations(load_config(AgenticConfig, "agentic", "tiny"), Path(), {"baseline": {"n": 3}})
    assert any("wording more than its stance" in note for note in tiny)
    assert any("3 transcripts scored per arm" in note and "8,100" in note for note in tiny)
    assert not any("wording" in note for note in deviations(AgenticConfig(), Path(), {}))
