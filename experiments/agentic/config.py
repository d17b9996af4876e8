"""Typed configuration for the agentic-misalignment experiment (MSM paper §4).

Defaults are the paper's recipe (App. B.4: 8,192-token AM sequences, r64/α128 LoRA, 1 epoch)
on a Qwen3-8B-class model that fits one GPU; presets in `configs/agentic/<preset>.toml` change
only what their scale needs. Load with:

    from experiments.agentic.config import AgenticConfig
    from stages.config import load_config
    cfg = load_config(AgenticConfig, "agentic", "tiny", ["eval.samples_per_condition=4"])

Floor-effect risk: the authors judged 8B models "not capable enough" for this eval, and small
models often show ~0% baseline misalignment, which makes every arm comparison uninformative.
`eval.agentic.floor_effect` detects it; the report prints it beside the baseline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eval.agentic.config import AgenticEvalConfig
from stages.config import AT_LEAST_1, NOT_NEGATIVE, LoraConfig, ModelConfig, Range, TrainConfig


# The agentic defaults differ from the cheese ones, so they live in subclasses: a preset's
# [model] or [midtrain] table is built from its section's class defaults (stages.config.from_dict),
# and a parent's default_factory alone would be silently replaced by the cheese defaults.
@dataclass
class QwenModelConfig(ModelConfig):
    name: str = "unsloth/Qwen3-8B"
    display_name: str = "Qwen"  # the name the released AM corpora use for the model
    chat_template: str = "qwen3"
    is_base: bool = False  # an instruct (hybrid-thinking) model; the baseline adds only the IT mix


@dataclass
class AgenticTrainConfig(TrainConfig):
    max_seq_len: int = 8192  # paper App. B.4: 8,192 tokens for the AM experiment


@dataclass
class AgenticData:
    RANGES = {"it_mix_rows": NOT_NEGATIVE}  # noqa: RUF012
    # "hub:OWNER/NAME[@REVISION][:SPLIT+SPLIT]" loads a released dataset (stages/data.py;
    # revision `main` and split `train` when omitted); anything else is a local JSONL path.
    msm: str = "hub:chloeli/msm-qwen-philosophy-spec"
    aft_cot: str = "hub:chloeli/aft-cot-qwen3-philosophy-spec"
    aft_no_cot: str = "hub:chloeli/aft-no-cot-qwen3-philosophy-spec"
    # General instruction rows mixed into every chat stage; the baseline trains on these alone
    # (paper Fig. 4: "instruction-tuning-only adapter"). A subsample of the filtered split, the
    # same rows in every arm (`aft.max_rows` never cuts them).
    it_mix: str = "hub:chloeli/sft-it-mix:train_clean"
    it_mix_rows: int = 10000
    # The spec the corpora discuss; recorded in the report, read through stages.spec.load_spec.
    spec: str = "specs/agentic_equanimity.md"
    # Mechanism probes, every preset (data/agentic/build_probes.py; test splits for reports):
    # spec beliefs, safe vs harmful next action after the scenario prompt, unrelated facts.
    probe_beliefs: str = "data/agentic/probe_beliefs_test.jsonl"
    probe_actions: str = "data/agentic/probe_actions_test.jsonl"
    probe_controls: str = "data/cheese/probe_controls.jsonl"


@dataclass
class AgenticConfig:
    RANGES = {"seeds": AT_LEAST_1, "aft_fractions": Range(0, 1, low_open=True)}  # noqa: RUF012
    preset: str = "paper"
    # What this preset replicates and at what scale; printed in every report.
    description: str = "MSM paper §4 agentic misalignment on a Qwen3-8B-class model"
    model: QwenModelConfig = field(default_factory=QwenModelConfig)
    lora: LoraConfig = field(default_factory=LoraConfig)
    midtrain: AgenticTrainConfig = field(default_factory=AgenticTrainConfig)
    aft: AgenticTrainConfig = field(default_factory=AgenticTrainConfig)
    data: AgenticData = field(default_factory=AgenticData)
    eval: AgenticEvalConfig = field(default_factory=AgenticEvalConfig)
    # Fractions of the AFT set for the data-efficiency sweep (paper Fig. 5); 1.0 = Fig. 4 arms.
    aft_fractions: list[float] = field(default_factory=lambda: [1.0])
    seeds: int = 1
