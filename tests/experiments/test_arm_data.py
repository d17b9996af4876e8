"""Training data per arm: `max_rows` sizes each stage's own data and never
cuts the instruction mix, so every arm trains on the same instruction rows; what each arm got is
recorded per source and checked in the report."""

from __future__ import annotations

import json

import pytest

from experiments.chains import data_markdown, training_data, training_stages
from stages.config import load_config
from stages.train import build_dataset
from tests.fakes.hub import publish_released

pytestmark = pytest.mark.gpu_path


def instruction_rows(dataset) -> int:
    """Rows of the fake sft-it-mix in a built dataset (their prompts start with '[split]')."""
    return sum(messages[0]["content"].startswith("[") for messages in dataset["messages"])


@pytest.mark.parametrize(("experiment", "preset"), [("cheese", "t4"), ("agentic", "t4")])
def test_every_chat_stage_gets_the_same_instruction_rows(fake_hub, experiment, preset) -> None:
    from experiments.agentic.arms import plan_arms as agentic_arms
    from experiments.agentic.config import AgenticConfig
    from experiments.cheese.arms import plan_arms as cheese_arms
    from experiments.cheese.config import CheeseConfig

    publish_released(fake_hub, count=30)
    cls, plan_arms = (
        (CheeseConfig, cheese_arms)
        if experiment == "cheese"
        else (
            AgenticConfig,
            agentic_arms,
        )
    )
    # The t4 shape in small: AFT capped below AFT + mix, which used to cut the mix.
    cfg = load_config(cls, experiment, preset, ["aft.max_rows=12", "data.it_mix_rows=10"])
    chat_stages = {
        name: job for name, job in training_stages(plan_arms(cfg)).items() if job.kind == "chats"
    }
    counts = {}
    for name, job in chat_stages.items():
        dataset, taken = build_dataset(job)
        counts[name] = instruction_rows(dataset)
        aft = [entry["rows"] for entry in taken if entry["source"] != cfg.data.it_mix]
        assert aft in ([], [12]), (name, taken)  # AFT rows as capped; none for IT-only stages
    assert set(counts.values()) == {10}, counts


def test_a_fraction_of_the_aft_set_is_a_fraction_of_its_cap() -> None:
    from experiments.agentic.arms import chat_job
    from experiments.agentic.config import AgenticConfig

    cfg = load_config(AgenticConfig, "agentic", "t4")  # aft.max_rows = 2000
    assert chat_job(cfg, 0, "cot", 0.25).sources == [
        (cfg.data.aft_cot, 500),
        (cfg.data.it_mix, cfg.data.it_mix_rows),
    ]
    cfg.aft.max_rows = 0
    assert chat_job(cfg, 0, "cot", 0.25).sources[0] == (cfg.data.aft_cot, 0.25)


def test_the_report_flags_unequal_rows_and_mixed_commits(tmp_path) -> None:
    from experiments.cheese.arms import plan_arms
    from experiments.cheese.config import CheeseConfig

    cfg = load_config(CheeseConfig, "cheese", "t4")
    mix = cfg.data.it_mix
    for stage, job in training_stages(plan_arms(cfg)).items():
        rows = 7 if stage == "it-s0" else 5  # the baseline's stage saw more instruction rows
        commit = "beef" if stage == "msm_america+aft-s0" else "c0ffee"  # main moved meanwhile
        taken = [
            {"source": source, "rows": rows if source == mix else 9, "revision": commit}
            for source, _ in job.sources
        ]
        (tmp_path / stage).mkdir()
        (tmp_path / stage / "manifest.json").write_text(json.dumps({"rows_per_source": taken}))
    data = training_data(plan_arms(cfg), tmp_path, mix)
    assert data["instruction_rows"]["baseline"] == 7
    assert data["instruction_rows"]["msm_america+aft"] == 5
    assert not data["instruction_rows_equal"]
    text = "\n".join(data_markdown(data, {}))
    assert "UNEQUAL across arms" in text
    splits = "split no_robots, mmlu_binary, mmlu_explain"
    assert f"`{mix}`: {splits}; revision `main` = `beef, c0ffee` (MIXED: stages read" in text
    assert data["commits"]["hub:chloeli/aft-llama-cheese"] == "beef, c0ffee"
