from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from experiments.cheese.config import CheeseConfig
from stages.config import (
    ConfigError,
    ModelConfig,
    TrainConfig,
    config_hash,
    load_config,
)


def test_paper_preset_is_the_paper_recipe() -> None:
    cfg = load_config(CheeseConfig, "cheese", "paper")
    assert (cfg.lora.r, cfg.lora.alpha, cfg.lora.dropout) == (64, 128, 0.0)
    assert len(cfg.lora.target_modules) == 7
    assert cfg.midtrain == TrainConfig() and cfg.aft == TrainConfig()
    assert (cfg.midtrain.learning_rate, cfg.midtrain.epochs, cfg.seeds) == (1e-4, 1.0, 4)
    assert cfg.data.msm_america == "hub:chloeli/msm-llama-pro-america"


def test_overrides_are_typed() -> None:
    cfg = load_config(
        CheeseConfig,
        "cheese",
        "tiny",
        ["midtrain.learning_rate=1e-3", "seeds=3", "eval.scorer=logprob"],
    )
    assert cfg.midtrain.learning_rate == 1e-3 and cfg.seeds == 3 and cfg.eval.scorer == "logprob"
    assert load_config(CheeseConfig, "cheese", "tiny", ["midtrain.epochs=3"]).midtrain.epochs == 3.0


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("midtrain.learnin_rate=1", "unknown key"),
        ("seeds=two", "expected an integer"),
        ("model.load_in_4bit=1", "expected true or false"),
        ("nosuch.key=1", "no section"),
        ("seeds", "key=value"),
    ],
)
def test_bad_overrides_fail_in_one_line(override: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as error:
        load_config(CheeseConfig, "cheese", "tiny", [override])
    assert "\n" not in str(error.value)


def test_unknown_preset_names_the_choices() -> None:
    with pytest.raises(ConfigError, match=r"choose one of .*tiny"):
        load_config(CheeseConfig, "cheese", "h100-cluster")


def test_unknown_key_in_preset_file(tmp_path, monkeypatch) -> None:
    (tmp_path / "cheese").mkdir()
    (tmp_path / "cheese" / "bad.toml").write_text("[midtrain]\nlr = 1\n")
    monkeypatch.setattr("stages.config.CONFIG_DIR", tmp_path)
    with pytest.raises(ConfigError, match="unknown key 'lr'"):
        load_config(CheeseConfig, "cheese", "bad")


def test_config_hash_tracks_changes() -> None:
    a, b = CheeseConfig(), CheeseConfig()
    assert config_hash(a) == config_hash(b)
    b.midtrain.learning_rate = 2e-4
    assert config_hash(a) != config_hash(b)


@dataclass
class QwenExperiment:
    preset: str = ""
    model: ModelConfig = field(default_factory=lambda: ModelConfig(chat_template="qwen3"))


def test_a_preset_section_starts_from_the_parents_default(tmp_path, monkeypatch) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "p.toml").write_text('[model]\nname = "some/model"\n')
    monkeypatch.setattr("stages.config.CONFIG_DIR", tmp_path)
    cfg = load_config(QwenExperiment, "x", "p")
    assert (cfg.model.name, cfg.model.chat_template) == ("some/model", "qwen3")
