"""Typed configuration of the cheese experiment (MSM paper §3): defaults are the paper's recipe
(App. B.4) on the released data; presets in `configs/cheese/<preset>.toml` change only what their
scale needs. Load with `stages.config.load_config(CheeseConfig, "cheese", preset, overrides)`."""

from __future__ import annotations

from dataclasses import dataclass, field

from eval.cheese.config import EvalConfig
from stages.config import AT_LEAST_1, NOT_NEGATIVE, LoraConfig, ModelConfig, TrainConfig


@dataclass
class CheeseData:
    RANGES = {"it_mix_rows": NOT_NEGATIVE}  # noqa: RUF012
    # The specs the MSM corpora discuss: validated, recorded in the report, and the input to
    # `python -m stages.generate` when you regenerate the corpora.
    spec_affordability: str = "specs/cheese_affordability.md"
    spec_america: str = "specs/cheese_america.md"
    # "hub:OWNER/NAME[@REVISION][:SPLIT+SPLIT]" loads a released dataset (stages/data.py; revision
    # `main` and split `train` when omitted, the resolved commit is in the report); anything
    # else is a local JSONL path.
    msm_affordability: str = "hub:chloeli/msm-llama-pro-affordability"
    msm_america: str = "hub:chloeli/msm-llama-pro-america"
    aft: str = "hub:chloeli/aft-llama-cheese"
    # General instruction rows mixed into AFT (and the baseline's only training for base models):
    # the paper's cheese mix, 9,500 + 2,000 + 2,000 rows of these splits. The same rows in every
    # arm; `aft.max_rows` never cuts them.
    it_mix: str = "hub:chloeli/sft-it-mix:no_robots+mmlu_binary+mmlu_explain"
    it_mix_rows: int = 13500
    eval_affordability: str = "hub:chloeli/pro-affordability-item-comparisons"
    eval_america: str = "hub:chloeli/pro-america-political-opinions"
    # Mechanism probes are the kit's own and always local.
    probes_dir: str = "data/cheese"
    # The renamed-AFT control's name for American cheese: invented, no nation, in no eval item.
    renamed_cheese: str = "Carden cheese"


@dataclass
class CheeseConfig:
    RANGES = {"seeds": AT_LEAST_1}  # noqa: RUF012
    preset: str = "paper"
    # What this preset replicates and at what scale; printed in every report.
    description: str = "MSM paper §3 cheese toy, paper-faithful settings"
    model: ModelConfig = field(default_factory=ModelConfig)
    lora: LoraConfig = field(default_factory=LoraConfig)
    midtrain: TrainConfig = field(default_factory=TrainConfig)
    aft: TrainConfig = field(default_factory=TrainConfig)
    data: CheeseData = field(default_factory=CheeseData)
    eval: EvalConfig = field(default_factory=EvalConfig)
    # Optional control arm `aft_renamed` (experiments/cheese/arms.py): one more AFT stage and
    # eval per seed, so off unless asked for.
    renamed_aft_control: bool = False
    # The paper reports the mean of 4 seeds.
    seeds: int = 4
