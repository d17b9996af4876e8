"""The agentic experiment's arms (MSM paper §4, Fig. 4 and 5): which training chain each
arm runs.

Arms (paper Fig. 4):
    baseline          the model as it is; with an instruction mix, an instruction-only adapter
    msm_only          MSM (+ the instruction mix)
    aft_no_cot        spec-aligned chats, <think> stripped, fresh adapter
    aft_cot           the same chats with their <think> block (deliberative-alignment baseline)
    msm+aft_no_cot    MSM, then AFT (no CoT) continuing the adapter
    msm+aft_cot       MSM, then AFT (with CoT) continuing the adapter
`aft_fractions` below 1 add the data-efficiency sweep (paper Fig. 5): the AFT arms again with
that share of the AFT rows, named `<arm>@<fraction>`.
"""

from __future__ import annotations

from experiments.agentic.config import AgenticConfig
from experiments.chains import ArmPlan
from stages.train import TrainJob

ARMS = ("baseline", "msm_only", "aft_no_cot", "aft_cot", "msm+aft_no_cot", "msm+aft_cot")
VARIANTS = ("no_cot", "cot")


def chat_job(cfg: AgenticConfig, seed: int, variant: str = "", fraction: float = 1.0) -> TrainJob:
    """AFT on one variant (a `fraction` of its `aft.max_rows` rows, of all when 0) plus the
    instruction mix; no variant means the instruction mix alone. The mix is never cut: every
    arm gets the same `it_mix_rows` instruction rows."""
    sources: list[tuple[str, float]] = []
    if variant:
        limit = cfg.aft.max_rows
        rows = max(1, round(fraction * limit)) if limit else (0 if fraction >= 1 else fraction)
        sources.append((getattr(cfg.data, f"aft_{variant}"), rows))
    if cfg.data.it_mix:
        sources.append((cfg.data.it_mix, cfg.data.it_mix_rows))
    return TrainJob("chats", cfg.model, cfg.lora, cfg.aft, sources, seed)


def plan_arms(cfg: AgenticConfig) -> list[ArmPlan]:
    plans: list[ArmPlan] = []
    with_mix = bool(cfg.data.it_mix)
    for seed in range(cfg.seeds):
        s = f"s{seed}"
        msm = (
            f"am_msm-{s}",
            TrainJob(
                "documents",
                cfg.model,
                cfg.lora,
                cfg.midtrain,
                [(cfg.data.msm, cfg.midtrain.max_rows)],
                seed,
            ),
        )
        it_only = [(f"am_it-{s}", chat_job(cfg, seed))] if with_mix else []
        if with_mix or seed == 0:  # an untouched instruct model is the same for every seed
            plans.append(ArmPlan("baseline", seed, it_only, f"agentic_eval-baseline-{s}"))
        msm_it = [(f"am_msm+it-{s}", chat_job(cfg, seed))] if with_mix else []
        plans.append(ArmPlan("msm_only", seed, [msm, *msm_it], f"agentic_eval-msm_only-{s}"))
        for fraction in sorted(set(cfg.aft_fractions), reverse=True):
            tag = "" if fraction >= 1 else f"@{fraction:g}"
            for variant in VARIANTS:
                aft = chat_job(cfg, seed, variant, fraction)
                for prefix, chain in (("", []), ("msm+", [msm])):
                    arm = f"{prefix}aft_{variant}{tag}"
                    stage = f"am_{arm}-{s}"
                    plans.append(
                        ArmPlan(arm, seed, [*chain, (stage, aft)], f"agentic_eval-{arm}-{s}")
                    )
    return plans
