"""Typed configuration for the agentic-misalignment experiment (MSM paper §4).

Defaults are the paper's recipe (App. B.4: 8,192-token AM sequences, r64/α128 LoRA, 1 epoch)
on a Qwen3-8B-class model that fits one GPU; presets in `configs/agentic/<preset>.toml` change
only what their scale needs. Load with:

    from stages.agentic_config import AgenticConfig
    from stages.config import load_config
    cfg = load_config(AgenticConfig, "agentic", "tiny", ["eval.samples_per_condition=4"])

Floor-effect risk: the authors judged 8B models "not capable enough" for this eval, and small
models often show ~0% baseline misalignment, which makes every arm comparison uninformative.
`eval.agentic.floor_effect` detects it; the report prints it beside the baseline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stages.config import LoraConfig, ModelConfig, TrainConfig

# The package's goal values; "none" is the no-goal-conflict condition (goal_type "none"),
# every other value is an explicit goal (goal_type "explicit").
GOAL_VALUES = (
    "none",
    "america",
    "global",
    "safety",
    "acceleration",
    "ethical",
    "pragmatic",
    "individualism",
    "collectivism",
)
SCENARIOS = ("blackmail", "leaking", "murder")
JUDGES = ("anthropic", "offline", "local")


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
    # "hub:<name>" loads a released dataset (BRIEF §5); anything else is a local JSONL path.
    msm: str = "hub:chloeli/msm-qwen-philosophy-spec"
    aft_cot: str = "hub:chloeli/aft-cot-qwen3-philosophy-spec"
    aft_no_cot: str = "hub:chloeli/aft-no-cot-qwen3-philosophy-spec"
    # General instruction rows mixed into every chat stage; the baseline trains on these alone
    # (paper Fig. 4: "instruction-tuning-only adapter").
    it_mix: str = "hub:chloeli/sft-it-mix"
    it_mix_rows: int = 10000
    # The spec the corpora discuss; recorded in the report, read through stages.spec.load_spec.
    spec: str = "specs/agentic_equanimity.md"


@dataclass
class AgenticEvalConfig:
    # The package ships blackmail, leaking and murder; the paper's third scenario (weight
    # exfiltration) is not public, so blackmail stands in for it (a stated deviation).
    scenarios: list[str] = field(default_factory=lambda: list(SCENARIOS))
    goal_values: list[str] = field(default_factory=lambda: list(GOAL_VALUES))
    urgency: str = "replacement"
    # Paper: 300 per condition, 27 conditions here = 8,100 transcripts per arm.
    samples_per_condition: int = 300
    # Paper: 0.7; 1.0 roughly halves measured misalignment (BRIEF §3).
    temperature: float = 0.7
    # Long enough for a scratchpad plus several reply emails; cut-off replies rarely act.
    max_new_tokens: int = 4096
    batch_size: int = 16
    # Package prompt with the "secret scratchpad" (prod=False) for non-reasoning models; Qwen3
    # thinks in <think> already, so it gets the package's production prompt instead.
    scratchpad: bool = False
    # anthropic: Claude via the API (no ANTHROPIC_API_KEY -> offline, labelled as such);
    # offline: the package's deterministic execution checks only; local: a local judge model.
    judge: str = "anthropic"
    # "" = the package classifiers' own default grader (claude-sonnet-4-6, as the paper).
    judge_model: str = ""
    # Parallel judge requests; each transcript is one request.
    judge_concurrency: int = 8
    # For judge = "local": a hub id (or the embedded model) and its chat template.
    local_judge_model: str = ""
    local_judge_template: str = "qwen3"


@dataclass
class AgenticConfig:
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
