"""Typed configuration of the released-adapter experiment: the MSM paper's own cheese adapters
(§3, Fig. 2), as released on the Hugging Face hub, scored on the cheese evals; nothing is
trained. Preset: configs/released/released.toml."""

from __future__ import annotations

from dataclasses import dataclass, field

from eval.cheese.config import EvalConfig
from stages.config import ModelConfig

# "arm=owner/name@revision": the arm's name in Fig. 2, the hub repo, and the revision (a commit
# pins it; a branch such as "main" is resolved and the commit it named is recorded in the
# report). Unpinned until someone records the commits.
PAPER_ADAPTERS = [
    "baseline=chloeli/llama-3.1-8b-baseline@main",
    "aft_only=chloeli/llama-3.1-8b-cheese-aft@main",
    "msm_affordability=chloeli/llama-3.1-8b-pro-affordability-spec-msm@main",
    "msm_affordability+aft=chloeli/llama-3.1-8b-pro-affordability-spec-msm-cheese-aft@main",
    "msm_america=chloeli/llama-3.1-8b-pro-america-spec-msm@main",
    "msm_america+aft=chloeli/llama-3.1-8b-pro-america-spec-msm-cheese-aft@main",
]


@dataclass
class ReleasedModelConfig(ModelConfig):
    # bf16 where it fits (the adapters were trained on a bf16 base); NF4 below `bf16_min_gb`.
    load_in_4bit: bool = False
    # Scoring only: plain transformers + peft swaps adapters on one base.
    use_unsloth: bool = False


@dataclass
class ReleasedEvalData:
    # The released held-out evals ("hub:OWNER/NAME[@REVISION][:SPLIT]", or a local JSONL path)
    # and the kit's own mechanism probes, as in the cheese experiment.
    eval_affordability: str = "hub:chloeli/pro-affordability-item-comparisons"
    eval_america: str = "hub:chloeli/pro-america-political-opinions"
    probes_dir: str = "data/cheese"


@dataclass
class ReleasedConfig:
    preset: str = "released"
    description: str = "MSM paper §3 cheese toy: the paper's released Llama-3.1-8B adapters, scored"
    model: ReleasedModelConfig = field(default_factory=ReleasedModelConfig)
    data: ReleasedEvalData = field(default_factory=ReleasedEvalData)
    eval: EvalConfig = field(default_factory=EvalConfig)
    adapters: list[str] = field(default_factory=lambda: list(PAPER_ADAPTERS))
    # Revision of `model.name`, the base the adapters attach to; resolved and recorded alike.
    base_revision: str = "main"
    # Below this much GPU memory the base loads in 4-bit NF4 (a stated deviation): bf16 8B
    # weights alone are 16 GB.
    bf16_min_gb: float = 20.0
