"""The CPU rehearsal of the GPU presets: `t4`, `24gb` and `paper` of both experiments
run end to end through replicate.py's main(), on tiny random Llama-3.1-base- and Qwen3-shaped
checkpoints loaded in NF4 (bitsandbytes on CPU; the Llama one with the base's untrained chat
tokens, the Qwen3 one without BOS: tests/fakes/checkpoints.py), every `hub:` source read from
the fake hub in the released layouts, rows, steps and items shrunk by overrides. What a GPU
run would hit in the data path (splits, revisions, instruction rows per arm, released eval
layouts) happens here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from experiments.agentic.arms import ARMS as AGENTIC_ARMS
from experiments.cheese.arms import ARMS
from experiments.tcw import paper as tcw_paper
from experiments.tcw.arms import ARMS as TCW_ARMS
from stages.data import parse_hub
from tests.fakes.checkpoints import tiny_checkpoint
from tests.fakes.hub import publish_released

pytestmark = pytest.mark.gpu_path

# The same code path as the full presets, a few rows and steps per stage.
SHRINK = [
    "seeds=1",
    "midtrain.max_rows=2",
    "aft.max_rows=2",
    "data.it_mix_rows=2",
    "midtrain.max_seq_len=128",
    "aft.max_seq_len=128",
    "midtrain.batch_size=2",
    "midtrain.grad_accum=1",
    "aft.batch_size=2",
    "aft.grad_accum=1",
]
CHEESE = ["eval.max_items=2", "eval.max_new_tokens=4", "eval.batch_size=8"]
AGENTIC = [
    'eval.scenarios=["blackmail"]',
    'eval.goal_values=["none"]',
    "eval.samples_per_condition=1",
    "eval.max_new_tokens=4",
    "eval.judge=offline",
]
# The tcw presets read generated corpora; the rehearsal trains on the kit's tiny ones instead
# (the generic mix stays the hub's), and goes past the random checkpoint's floor.
TCW = [
    "seeds=1",
    "sft.max_rows=2",
    "sdf.max_rows=2",
    "data.generic_rows=2",
    "sft.max_seq_len=128",
    "sdf.max_seq_len=128",
    "sft.batch_size=2",
    "sft.grad_accum=1",
    "sdf.batch_size=2",
    "sdf.grad_accum=1",
    "fractions=[1.0]",
    "floor_samples=1",
    "stop_at_floor=false",
    *(
        f"data.{name}=data/tcw/{name}.jsonl"
        for name in (
            "honeypot_actions",
            "honeypot_reasons",
            "honeypot_nonmoral",
            "advice",
            "advice_unrevised",
            "constitution_docs",
            "stories",
        )
    ),
    *AGENTIC,
]
OVERRIDES = {"cheese": SHRINK + CHEESE, "agentic": SHRINK + AGENTIC, "tcw": TCW}
FAMILY = {"cheese": "llama3", "agentic": "qwen3", "tcw": "qwen3"}


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory: pytest.TempPathFactory, embedded_dir: Path) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("checkpoints")
    return {
        family: tiny_checkpoint(family, embedded_dir, root / family) for family in FAMILY.values()
    }


def rehearse(
    experiment: str, preset: str, checkpoints: dict, fake_hub: Path, tmp_path: Path
) -> Path:
    """Run one GPU preset end to end on CPU; returns its run directory."""
    import replicate

    # The released repos' own layout (a root dataset.jsonl) for every one-split dataset.
    commits = publish_released(fake_hub, count=12, layout="jsonl")
    run_dir = tmp_path / f"{experiment}-{preset}"
    overrides = [f"model.name={checkpoints[FAMILY[experiment]]}", *OVERRIDES[experiment]]
    # --allow-cpu: a GPU preset on this CPU machine, on purpose.
    argv = ["--experiments", experiment, "--preset", preset, "--allow-cpu"]
    argv += ["--run-dir", str(run_dir)]
    assert replicate.main([*argv, *overrides]) == 0
    summary = json.loads((run_dir / "results.json").read_text())
    data = summary["data"]
    # Every planned arm was evaluated, and every arm trained (base model or instruction mix:
    # the baseline trains on the mix too).
    assert set(summary["arms"]) == set(data["rows_per_arm"])
    assert all(data["rows_per_arm"].values()), data["rows_per_arm"]
    # The same instruction rows in every arm that trains chats, and never cut by aft.max_rows.
    assert set(data["instruction_rows"].values()) == {2}, data["instruction_rows"]
    assert data["instruction_rows_equal"]
    # Splits and resolved commits named in the report.
    report = (run_dir / "report.md").read_text()
    mix = data["instruction_mix"]
    assert f"`{mix}`: split {', '.join(parse_hub(mix).splits)}; revision `main`" in report
    assert commits["chloeli/sft-it-mix"] in report
    return run_dir


@pytest.mark.parametrize(
    "preset",
    [
        "t4",
        pytest.param("24gb", marks=pytest.mark.slow),
        pytest.param("paper", marks=pytest.mark.slow),
    ],
)
def test_cheese_gpu_preset_rehearsed_on_cpu(
    preset, checkpoints, fake_hub, tmp_path, monkeypatch
) -> None:
    run_dir = rehearse("cheese", preset, checkpoints, fake_hub, tmp_path)
    summary = json.loads((run_dir / "results.json").read_text())
    assert tuple(summary["arms"]) == ARMS  # every arm, each trained and evaluated
    rows = summary["data"]["rows_per_arm"]
    assert rows["aft_only"]["hub:chloeli/aft-llama-cheese"] == 2
    assert rows["msm_america+aft"]["hub:chloeli/msm-llama-pro-america"] == 2
    assert "no_robots+mmlu_binary+mmlu_explain" in summary["data"]["instruction_mix"]
    for name in ("affordability", "america"):
        assert summary["arms"]["baseline"][name]["n"] == 2
        assert summary["data"]["eval"][name]["sampled"]
    assert "4-bit NF4" in " ".join(summary["deviations"])
    # Trained under the base's default template: trained tokens only (llama3 stops at load).
    records = [json.loads(path.read_text()) for path in run_dir.glob("*/config.json")]
    templates = {r["config"]["model"]["chat_template"] for r in records if "model" in r["config"]}
    assert templates == {"llama3_base"}


@pytest.mark.parametrize(
    "preset",
    [
        pytest.param("t4", marks=pytest.mark.slow),
        pytest.param("24gb", marks=pytest.mark.slow),
        pytest.param("paper", marks=pytest.mark.slow),
    ],
)
def test_agentic_gpu_preset_rehearsed_on_cpu(
    preset, checkpoints, fake_hub, tmp_path, monkeypatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    run_dir = rehearse("agentic", preset, checkpoints, fake_hub, tmp_path)
    summary = json.loads((run_dir / "results.json").read_text())
    assert set(AGENTIC_ARMS) <= set(summary["arms"])
    assert summary["data"]["instruction_mix"] == "hub:chloeli/sft-it-mix:train_clean"


@pytest.mark.parametrize(
    "preset",
    [
        "t4",
        pytest.param("24gb", marks=pytest.mark.slow),
        pytest.param("paper", marks=pytest.mark.slow),
    ],
)
def test_tcw_gpu_preset_rehearsed_on_cpu(
    preset, checkpoints, fake_hub, tmp_path, monkeypatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    run_dir = rehearse("tcw", preset, checkpoints, fake_hub, tmp_path)
    summary = json.loads((run_dir / "results.json").read_text())
    assert set(TCW_ARMS) <= set(summary["arms"])
    assert [c["contrast"] for c in summary["contrasts"] if c["claim"]] == list(tcw_paper.CLAIMS)
    assert summary["data"]["instruction_mix"] == "hub:chloeli/sft-it-mix:train_clean"
    assert "4-bit NF4" in " ".join(summary["deviations"])
