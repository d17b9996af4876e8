"""Report aggregation on hand-built results: seeds, intervals, mechanism checks, deviations."""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments.chains import training_data
from experiments.cheese import reporting as report
from experiments.cheese.arms import ARMS
from experiments.cheese.config import CheeseConfig
from stages.config import load_config


def arm_result(
    arm: str, seed: int, rate: float, reason_margin: float, pairs: float, pair_margins=(0.0, 0.0)
) -> dict:
    def summary(value: float, margin: float) -> dict:
        return {
            "logprob": {"rate": value, "ci": [max(0, value - 0.1), min(1, value + 0.1)], "n": 50},
            "margin": {"mean": margin, "sem": 0.1, "n": 50},
        }

    return {
        "arm": arm,
        "seed": seed,
        "evals": {
            "affordability": summary(rate, rate - 0.5),
            "america": summary(1 - rate, 0.5 - rate),
            "reasons": summary(0.5, reason_margin),
            "cheese_pairs": summary(pairs, 3.0),
            "controls": summary(0.9, 4.0),
        },
        "item_margins": {"cheese_pairs": list(pair_margins)},
    }


def toy_results(seeds: int) -> list[dict]:
    reasons = {
        "msm_affordability": -8.0,
        "msm_affordability+aft": -9.0,
        "msm_america": -16.0,
        "msm_america+aft": -15.0,
    }
    results = []
    for arm in ARMS:
        for seed in range(1 if arm == "baseline" else seeds):
            trained = arm.endswith("aft") or arm == "aft_only"
            pairs = 0.95 if trained else 0.5
            # Colby's prior: the second pair stays negative after AFT but rises from baseline.
            margins = (3.0, -1.0) if trained else (0.5, -6.0)
            results.append(
                arm_result(arm, seed, 0.4 + 0.05 * seed, reasons.get(arm, -12.0), pairs, margins)
            )
    return results


def test_one_seed_uses_wilson_interval() -> None:
    table = report.aggregate(toy_results(1), "logprob")
    entry = table["aft_only"]["affordability"]
    assert entry["interval"] == "wilson95"
    assert (entry["low"], entry["high"]) == pytest.approx((0.3, 0.5))


def test_several_seeds_report_mean_and_sem() -> None:
    table = report.aggregate(toy_results(3), "logprob")
    entry = table["aft_only"]["affordability"]
    assert entry["seeds"] == 3 and entry["per_seed"] == pytest.approx([0.4, 0.45, 0.5])
    assert entry["rate"] == pytest.approx(0.45)
    assert entry["high"] - entry["rate"] == pytest.approx(0.05 / 3**0.5 * 1.0, rel=1e-6)
    assert "Per-seed rates" in report.render(
        {
            "description": "t",
            "preset": "tiny",
            "scorer": "logprob",
            "arms": table,
            "mechanism_checks": [],
            "deviations": [],
            "data": training_data([], Path(), "") | {"eval": {}},
        },
        [],
    )


def test_mechanism_checks_use_shifts_from_baseline() -> None:
    results = toy_results(1)
    checks = report.mechanism_checks(report.aggregate(results, "logprob"), results)
    by_name = {c["check"]: c["holds"] for c in checks}
    assert by_name["MSM moves the reason probe toward its own spec (opposite shifts)"]
    assert by_name["the affordability reason survives AFT"]
    assert all(
        by_name[f"AFT installs the cheese preferences ({a})"]
        for a in ("aft_only", "msm_affordability+aft", "msm_america+aft")
    )


def test_mechanism_check_fails_when_msm_moves_nothing() -> None:
    results = [arm_result(arm, 0, 0.4, -12.0, 0.95 if "aft" in arm else 0.5) for arm in ARMS]
    checks = report.mechanism_checks(report.aggregate(results, "logprob"), results)
    assert not checks[0]["holds"]
    # No in-domain pair moved from the untrained model: the raw 0.95 does not pass the check.
    assert not any(c["holds"] for c in checks if c["check"].startswith("AFT installs"))
    assert "raw rate 0.95" in checks[3]["measured"]


def test_deviations_name_scale_and_seeds(tmp_path) -> None:
    cfg = load_config(CheeseConfig, "cheese", "tiny")
    notes = report.deviations(cfg, tmp_path, report.aggregate(toy_results(1), "logprob"))
    text = " ".join(notes)
    assert "toy scale" in text and "seeds: 1" in text
    assert "50 items, a seeded sample (paper 497)" in text  # tiny samples 60 of each test split
    assert not any("4-bit" in n for n in notes)
    paper = report.deviations(CheeseConfig(), tmp_path, {})
    assert any("4-bit NF4" in n for n in paper) and not any("seeds" in n for n in paper)
    # The GPU presets' chat format differs from Llama 3's own template: the report says so.
    assert any(n.startswith("chat format: plain-text role headers") for n in paper)
    assert not any(n.startswith("chat format") for n in notes)  # SmolLM2 keeps its own
