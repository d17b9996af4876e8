"""The cheese experiment's arms (MSM paper §3, Fig. 2): which training chain each arm runs.

Arms (paper Fig. 2):
    baseline                 instruct model as it is; for a base model, instruction data only
    aft_only                 cheese AFT (+ instruction mix) on a fresh adapter
    msm_affordability        MSM on the affordability spec (+ instruction data for a base model)
    msm_affordability+aft    ... then cheese AFT, continuing the MSM adapter
    msm_america              MSM on the America spec
    msm_america+aft          ... then cheese AFT, continuing the MSM adapter

Optional control (`renamed_aft_control = true`; not in the paper):
    aft_renamed              cheese AFT on a fresh adapter, "American cheese" renamed to a
                             neutral name in every row: does AFT move the America eval through
                             a value, or through the word "American"?
"""

from __future__ import annotations

from dataclasses import replace

from experiments.chains import ArmPlan
from experiments.cheese.config import CheeseConfig
from stages.train import TrainJob

SPECS = ("affordability", "america")
ARMS = (
    "baseline",
    "aft_only",
    "msm_affordability",
    "msm_affordability+aft",
    "msm_america",
    "msm_america+aft",
)
CONTROL_ARMS = ("aft_renamed",)
# The cheese whose name the renamed-AFT control replaces (case-insensitive, whole words).
RENAMED_CHEESE = "American cheese"
# Held-out evals (reported).
HELD_OUT = ("affordability", "america")


def midtrain_job(cfg: CheeseConfig, spec: str, seed: int) -> TrainJob:
    source = getattr(cfg.data, f"msm_{spec}")
    rows = cfg.midtrain.max_rows
    return TrainJob("documents", cfg.model, cfg.lora, cfg.midtrain, [(source, rows)], seed)


def chat_job(cfg: CheeseConfig, seed: int, with_cheese: bool) -> TrainJob:
    """Cheese AFT (with the instruction mix when set), or instruction data alone. `aft.max_rows`
    sizes the cheese chats only: every arm gets the same `it_mix_rows` instruction rows."""
    sources = [(cfg.data.aft, cfg.aft.max_rows)] if with_cheese else []
    if cfg.data.it_mix:
        sources.append((cfg.data.it_mix, cfg.data.it_mix_rows))
    return TrainJob("chats", cfg.model, cfg.lora, cfg.aft, sources, seed)


def plan_arms(cfg: CheeseConfig) -> list[ArmPlan]:
    """Every (arm, seed) with the stages it needs; shared stages (an MSM adapter) appear once
    by name and are trained once, since `train.run` skips a finished stage."""
    plans: list[ArmPlan] = []
    needs_it = cfg.model.is_base  # a base model cannot answer without instruction data
    for seed in range(cfg.seeds):
        msm = {spec: (f"msm_{spec}-s{seed}", midtrain_job(cfg, spec, seed)) for spec in SPECS}
        it_only = chat_job(cfg, seed, with_cheese=False)
        aft = chat_job(cfg, seed, with_cheese=True)
        if needs_it:
            plans.append(
                ArmPlan("baseline", seed, [(f"it-s{seed}", it_only)], f"eval-baseline-s{seed}")
            )
        elif seed == 0:  # an untrained instruct model is the same for every seed
            plans.append(ArmPlan("baseline", 0, [], "eval-baseline"))
        plans.append(ArmPlan("aft_only", seed, [(f"aft-s{seed}", aft)], f"eval-aft_only-s{seed}"))
        for spec in SPECS:
            msm_only = [msm[spec]] + ([(f"msm_{spec}+it-s{seed}", it_only)] if needs_it else [])
            plans.append(ArmPlan(f"msm_{spec}", seed, msm_only, f"eval-msm_{spec}-s{seed}"))
            plans.append(
                ArmPlan(
                    f"msm_{spec}+aft",
                    seed,
                    [msm[spec], (f"msm_{spec}+aft-s{seed}", aft)],
                    f"eval-msm_{spec}+aft-s{seed}",
                )
            )
        # Last: the control is extra work, after every paper arm of the seed.
        if cfg.renamed_aft_control:
            renamed = replace(aft, extra={"rename": {RENAMED_CHEESE: cfg.data.renamed_cheese}})
            plans.append(
                ArmPlan(
                    "aft_renamed",
                    seed,
                    [(f"aft_renamed-s{seed}", renamed)],
                    f"eval-aft_renamed-s{seed}",
                )
            )
    return plans
