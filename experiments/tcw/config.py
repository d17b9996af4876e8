"""Typed configuration for the Teaching Claude Why experiment (Anthropic, 2026-05-08): its
interventions as arms on one base, one generic instruction mix and one LoRA recipe, judged on
the agentic-misalignment scenarios they never train on.

Defaults are a Qwen3-8B QLoRA run on data the kit's generator makes from a constitution
(`python -m stages.generate kind=honeypot|advice|constitution_docs|stories`, docs/tcw.md);
presets in `configs/tcw/<preset>.toml` change what their scale needs. Load with:

    from experiments.tcw.config import TcwConfig
    from stages.config import load_config
    cfg = load_config(TcwConfig, "tcw", "tiny", ["data.advice_token_share=0.05"])
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eval.agentic.config import AgenticEvalConfig
from experiments.agentic.config import QwenModelConfig
from stages.config import AT_LEAST_1, NOT_NEGATIVE, LoraConfig, Range, TrainConfig

# Where `python -m stages.generate spec=specs/tcw_constitution.md kind=KIND` writes by default.
GENERATED = "runs/generate/tcw_constitution"


@dataclass
class TcwTrainConfig(TrainConfig):
    max_seq_len: int = 2048  # TCW's chats and documents are short beside the eval's prompts


@dataclass
class TcwData:
    RANGES = {  # noqa: RUF012
        "generic_rows": NOT_NEGATIVE,
        "advice_token_share": Range(0, 1, low_open=True),
    }
    # The constitution every corpus discusses (an input file like a spec; your own copy of a
    # real one works: data.constitution=PATH). Recorded in the report.
    constitution: str = "specs/tcw_constitution.md"
    # The generic instruction mix every arm trains on (TCW: a small generic SFT "to adapt to
    # chat, not to teach behaviours"); the `generic` arm trains on it alone. The same rows in
    # every arm. "hub:..." or a local JSONL, as in the other experiments.
    generic: str = "hub:chloeli/sft-it-mix:train_clean"
    generic_rows: int = 5000
    # Honeypot-style chats: the same prompts, three kinds of reply (aligned action only; values
    # deliberation, then the action; non-moral deliberation of matched length, then the action).
    honeypot_actions: str = f"{GENERATED}-honeypot-anthropic/honeypot_actions.jsonl"
    honeypot_reasons: str = f"{GENERATED}-honeypot-anthropic/honeypot_reasons.jsonl"
    honeypot_nonmoral: str = f"{GENERATED}-honeypot-anthropic/honeypot_nonmoral.jsonl"
    # Difficult advice after the constitution-section rewrite, and its first drafts.
    advice: str = f"{GENERATED}-advice-anthropic/advice.jsonl"
    advice_unrevised: str = f"{GENERATED}-advice-anthropic/advice_unrevised.jsonl"
    # The advice arms get at most this share of the honeypot_reasons arm's tokens (TCW: 3M
    # advice tokens matched an ~85M-token honeypot set, about 1/28).
    advice_token_share: float = 0.1
    # SDF documents: constitution discourse and fictional stories, trained before the mix.
    constitution_docs: str = f"{GENERATED}-constitution_docs-anthropic/constitution_docs.jsonl"
    stories: str = f"{GENERATED}-stories-anthropic/stories.jsonl"
    # Probes (data/tcw/build_probes.py; test splits for reports): safe vs harmful action on
    # held-out vignettes, constitution knowledge, the persona gap; and the agentic experiment's
    # safe-action probe after the real scenario prompt (chat -> agentic transfer).
    probe_vignettes: str = "data/tcw/probe_actions_test.jsonl"
    probe_knowledge: str = "data/tcw/probe_knowledge_test.jsonl"
    probe_persona: str = "data/tcw/probe_persona_test.jsonl"
    probe_scenario_actions: str = "data/agentic/probe_actions_test.jsonl"


@dataclass
class TcwConfig:
    RANGES = {  # noqa: RUF012
        "seeds": AT_LEAST_1,
        "fractions": Range(0, 1, low_open=True),
        "floor_samples": AT_LEAST_1,
    }
    preset: str = "paper"
    # What this preset replicates and at what scale; printed in every report.
    description: str = "Teaching Claude Why's interventions on a Qwen3-8B-class model"
    model: QwenModelConfig = field(default_factory=QwenModelConfig)
    lora: LoraConfig = field(default_factory=LoraConfig)
    # SFT on chats (every arm) and SDF on documents (the constitution_docs arms, first).
    sft: TcwTrainConfig = field(default_factory=TcwTrainConfig)
    sdf: TcwTrainConfig = field(default_factory=TcwTrainConfig)
    data: TcwData = field(default_factory=TcwData)
    eval: AgenticEvalConfig = field(default_factory=AgenticEvalConfig)
    # Data efficiency (TCW's 28x, toy version): honeypot_reasons and advice again on these
    # seeded shares of their rows, as arms `<arm>@<share>`; 1.0 = the main arms only.
    fractions: list[float] = field(default_factory=lambda: [1.0])
    # The floor rule: the generic arm is trained and evaluated first on `floor_samples` per
    # condition; at the floor (rate < eval.agentic.FLOOR_THRESHOLD) no arm can show a drop, so
    # the run stops there, before paying for the other arms, unless `stop_at_floor = false`.
    floor_samples: int = 10
    stop_at_floor: bool = True
    seeds: int = 1
