"""The headline of every cheese report: the paired bootstrap, the diagonal contrast read from
per-item records, the dose-curve place, scorer agreement, and the released evals' split."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from eval.cheese import SPLIT_SEED, split_indices
from eval.stats import paired_bootstrap
from experiments.cheese import claim
from tests import REPO


def test_bootstrap_of_identical_arms_straddles_zero() -> None:
    rng = random.Random(0)
    arm = [float(rng.random() < 0.4) for _ in range(300)]
    # treated − control per item, the same arm twice plus item-level noise in the other order
    other = [float(rng.random() < 0.4) for _ in range(300)]
    estimate, low, high = paired_bootstrap([[[a - b for a, b in zip(arm, other, strict=True)]]])
    assert low < 0 < high and low <= estimate <= high
    same, same_low, same_high = paired_bootstrap([[[0.0] * 50]])
    assert (same, same_low, same_high) == (0.0, 0.0, 0.0)


def test_bootstrap_detects_a_planted_difference() -> None:
    rng = random.Random(1)
    treated = [float(rng.random() < 0.55) for _ in range(400)]
    control = [float(rng.random() < 0.35) for _ in range(400)]
    estimate, low, high = paired_bootstrap(
        [[[t - c for t, c in zip(treated, control, strict=True)]]]
    )
    assert 0 < low < estimate < high
    assert estimate == pytest.approx(sum(treated) / 400 - sum(control) / 400)
    assert high - low < 0.2


def test_bootstrap_widens_with_seed_spread() -> None:
    """Seeds that disagree widen the interval: the seed level is resampled too."""
    item_noise = [0.01 * ((i % 7) - 3) for i in range(200)]
    agreeing = [[0.1 + e for e in item_noise]] * 4
    spread = [[shift + e for e in item_noise] for shift in (-0.2, 0.0, 0.2, 0.4)]
    _, low_a, high_a = paired_bootstrap([agreeing])
    _, low_s, high_s = paired_bootstrap([spread])
    assert high_s - low_s > 5 * (high_a - low_a)


def write_items(run_dir: Path, stage: str, name: str, scores: list[float], margin: float) -> None:
    folder = run_dir / stage
    folder.mkdir(parents=True, exist_ok=True)
    rows = [
        {"item_id": f"{name}-{i}", "margin": margin + 0.01 * i, "logprob": s, "hybrid": s}
        for i, s in enumerate(scores)
    ]
    (folder / f"items-{name}.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")


def test_diagonal_pairs_items_by_id(tmp_path: Path) -> None:
    stages = {("msm_affordability+aft", 0): "eval-a", ("msm_america+aft", 0): "eval-b"}
    n = 200
    write_items(tmp_path, "eval-a", "affordability", [1.0] * 120 + [0.0] * 80, 0.5)
    write_items(tmp_path, "eval-b", "affordability", [1.0] * 80 + [0.0] * 120, -0.5)
    write_items(tmp_path, "eval-a", "america", [1.0] * 100 + [0.0] * 100, 0.0)
    write_items(tmp_path, "eval-b", "america", [1.0] * 100 + [0.0] * 100, 0.0)
    contrasts = claim.diagonal(claim.item_records(tmp_path, stages), "hybrid", resamples=1000)
    aff, amer, gap = contrasts["affordability"], contrasts["america"], contrasts["symmetric"]
    assert aff["rate"] == pytest.approx(40 / n) and aff["low"] > 0
    assert aff["margin"] == pytest.approx(1.0) and aff["paper"] == 0.19
    assert amer["rate"] == 0.0 and amer["low"] == amer["high"] == 0.0  # same scores item by item
    assert gap["rate"] == pytest.approx(0.1) and gap["low"] < 0.1 < gap["high"]
    assert aff["treated"] == "msm_affordability+aft" and aff["items"] == n


def test_diagonal_is_empty_without_both_msm_aft_arms(tmp_path: Path) -> None:
    write_items(tmp_path, "eval-a", "affordability", [1.0], 0.0)
    records = claim.item_records(tmp_path, {("msm_affordability+aft", 0): "eval-a"})
    assert claim.diagonal(records, "hybrid") == {}


@pytest.mark.parametrize(
    ("tokens", "expected", "where"),
    [
        (37_000, None, "below"),
        (0.5e6, 2.9 + 0.5 * (7.8 - 2.9), "between 0.25M"),
        (9.0e6, 14.2, "full corpora"),
    ],
)
def test_dose_place(tokens: float, expected: float | None, where: str) -> None:
    place = claim.dose_place(tokens)
    assert where in place["where"]
    assert place["expected_points"] == (pytest.approx(expected) if expected else None)
    assert "+2.9 / +7.8 / +11.8 / +14.2" in claim.dose_line(place)


def test_scorer_agreement_counts_parses_and_disagreements() -> None:
    def record(item_id: str, logprob: float, generate: float | None, parsed: bool | None) -> dict:
        hybrid = logprob if generate is None else generate
        return {
            "item_id": item_id,
            "logprob": logprob,
            "generate": generate,
            "hybrid": hybrid,
            "parsed": [parsed, parsed],
            "answers": [str(parsed)] * 2,
        }

    items = [
        record("a", 1.0, 1.0, True),
        record("b", 1.0, 0.0, False),
        record("c", 0.0, None, None),
    ]
    records = {"aft_only": {0: {"america": {r["item_id"]: r for r in items}}}}
    (row,) = claim.scorer_agreement(records)
    assert row["parse_rate"] == pytest.approx(4 / 6)
    assert row["logprob_generate"] == 0.5 and row["generate_hybrid"] == 1.0
    assert row["logprob_hybrid"] == pytest.approx(2 / 3)
    assert [e["item_id"] for e in row["examples"]] == ["b"]


def test_released_split_is_fixed_disjoint_and_complete() -> None:
    dev, test = split_indices(497, "dev"), split_indices(497, "test")
    assert len(dev) == 99 and len(test) == 398 and not set(dev) & set(test)
    assert sorted(dev + test) == list(range(497))
    assert split_indices(497, "dev") == dev  # fixed seed: the same split every time
    assert split_indices(400, "dev")[:5] != list(range(5))  # drawn, not the first rows
    metadata = json.loads((REPO / "eval" / "cheese" / "metadata.json").read_text())
    assert metadata["released_split"]["seed"] == SPLIT_SEED  # the recorded split is this one


def test_report_leads_with_the_diagonal(tmp_path: Path) -> None:
    from experiments.cheese import reporting as report
    from experiments.cheese.config import CheeseConfig
    from stages.config import load_config
    from tests.experiments.test_cheese_reporting import toy_results

    cfg = load_config(CheeseConfig, "cheese", "tiny")
    results = toy_results(1)
    for result in results:
        stage = f"eval-{result['arm']}"
        result["stage"] = stage
        better = result["arm"] == "msm_affordability+aft"
        for name in ("affordability", "america"):
            write_items(tmp_path, stage, name, [1.0 if better else 0.0] * 30, 0.0)
    msm = tmp_path / "msm_affordability-s0"
    msm.mkdir()
    (msm / "manifest.json").write_text(json.dumps({"tokens_seen": 37_000}))
    summary = report.report(cfg, tmp_path, results)
    written = json.loads((tmp_path / "results.json").read_text())
    assert list(written)[3:6] == ["diagonal", "dose", "split"]
    assert set(written["diagonal"]) == {"affordability", "america", "symmetric"}
    for contrast in written["diagonal"].values():
        assert {"rate", "low", "high", "margin"} <= contrast.keys()
    assert written["diagonal"]["affordability"]["rate"] == 1.0
    assert written["diagonal"]["america"]["rate"] == -1.0
    assert summary["dose"]["tokens_per_spec"] == 37_000
    text = (tmp_path / "report.md").read_text()
    assert text.index("## The claim: the diagonal contrast") < text.index("| arm |")
    assert "0.037M tokens per spec, below the curve's lowest dose" in text


def test_renamed_aft_control_arm_is_optional_and_renames_at_load() -> None:
    from experiments.cheese.arms import plan_arms
    from experiments.cheese.config import CheeseConfig
    from stages.config import config_hash, load_config
    from stages.train import build_dataset

    plain = load_config(CheeseConfig, "cheese", "tiny")
    with_control = load_config(CheeseConfig, "cheese", "tiny", ["renamed_aft_control=true"])
    assert "aft_renamed" not in {p.arm for p in plan_arms(plain)}
    plans = {p.arm: p for p in plan_arms(with_control)}
    ((stage, job),) = plans["aft_renamed"].jobs
    ((_, plain_aft),) = plans["aft_only"].jobs
    assert stage == "aft_renamed-s0" and job.sources == plain_aft.sources
    # Adding the control leaves every other stage's config (and its finished run) untouched.
    assert config_hash(plain_aft) == config_hash(
        next(p for p in plan_arms(plain) if p.arm == "aft_only").jobs[0][1]
    )

    original = json.dumps(build_dataset(plain_aft)[0].to_list())
    renamed = json.dumps(build_dataset(job)[0].to_list())
    assert "American cheese" in original and "american cheese" not in renamed.lower()
    assert renamed.count("Carden cheese") == original.count("American cheese")
    assert renamed.replace("Carden cheese", "American cheese") == original


def test_rename_of_an_absent_phrase_fails() -> None:
    from stages.data import DataError
    from stages.train import rename_phrase

    with pytest.raises(DataError, match="occurs in none"):
        rename_phrase([{"text": "Stilton"}], "American cheese", "Carden cheese")


def test_neutral_name_appears_in_no_eval_or_probe_item() -> None:
    from experiments.cheese.config import CheeseData

    name = CheeseData().renamed_cheese.split()[0].lower()
    for path in (REPO / "data" / "cheese").glob("*.jsonl"):
        if path.name.startswith(("eval_", "probe_")):
            assert name not in path.read_text().lower(), path


def test_renamed_control_reads_the_name_share(tmp_path: Path) -> None:
    stages = {("baseline", 0): "b", ("aft_only", 0): "a", ("aft_renamed", 0): "r"}
    write_items(tmp_path, "b", "america", [0.0] * 100, 0.0)
    write_items(tmp_path, "a", "america", [1.0] * 60 + [0.0] * 40, 1.0)
    write_items(tmp_path, "r", "america", [1.0] * 10 + [0.0] * 90, 0.1)
    records = claim.item_records(tmp_path, stages)
    control = claim.renamed_control(records, "hybrid", resamples=1000)
    assert control["aft_effect"]["rate"] == pytest.approx(0.6)
    assert control["name_share"]["rate"] == pytest.approx(0.5) and control["name_share"]["low"] > 0
    assert "lexical carry-over, not only a value" in "\n".join(claim.control_section(control))
    del records["aft_renamed"]
    assert claim.renamed_control(records, "hybrid") == {}
