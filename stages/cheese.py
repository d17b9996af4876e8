"""The cheese experiment (MSM paper §3) as a walk over stages.

Per seed: MSM on each spec, identical cheese AFT on top of each MSM adapter and on a fresh one,
then every arm evaluated on both held-out evals plus the mechanism probes. Stages talk only
through files in the run directory, so a rerun skips what is finished and resumes what is not.

Arms (paper Fig. 2):
    baseline                 instruct model as it is; for a base model, instruction data only
    aft_only                 cheese AFT (+ instruction mix) on a fresh adapter
    msm_affordability        MSM on the affordability spec (+ instruction data for a base model)
    msm_affordability+aft    ... then cheese AFT, continuing the MSM adapter
    msm_america              MSM on the America spec
    msm_america+aft          ... then cheese AFT, continuing the MSM adapter
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from stages import manifest
from stages.arms import ArmPlan, train_arm
from stages.config import CheeseConfig, config_hash, to_dict
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
# Held-out evals (reported) and mechanism probes (what must hold even at toy scale).
HELD_OUT = ("affordability", "america")
PROBES = ("reasons", "cheese_pairs", "controls")


def midtrain_job(cfg: CheeseConfig, spec: str, seed: int) -> TrainJob:
    source = getattr(cfg.data, f"msm_{spec}")
    return TrainJob("documents", cfg.model, cfg.lora, cfg.midtrain, [(source, 0)], seed)


def chat_job(cfg: CheeseConfig, seed: int, with_cheese: bool) -> TrainJob:
    """Cheese AFT (with the instruction mix when set), or instruction data alone."""
    sources = [(cfg.data.aft, 0)] if with_cheese else []
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
    return plans


def eval_sources(cfg: CheeseConfig) -> dict[str, str]:
    probes = cfg.data.probes_dir
    return {
        "affordability": cfg.data.eval_affordability,
        "america": cfg.data.eval_america,
        "reasons": f"{probes}/probe_reasons.jsonl",
        "cheese_pairs": f"{probes}/probe_cheese_pairs.jsonl",
        "controls": f"{probes}/probe_controls.jsonl",
    }


def check_inputs(cfg: CheeseConfig) -> None:
    """Fail before any training on a missing or malformed local file (hub datasets are checked
    when they load). Raises DataError with the file, row and field."""
    from eval.cheese import load_items, scorers_for
    from stages.data import is_hub, load_rows
    from stages.spec import load_spec

    scorers_for(cfg.eval.scorer)
    for spec in SPECS:
        load_spec(getattr(cfg.data, f"spec_{spec}"))
    training = [(cfg.data.msm_affordability, "documents"), (cfg.data.msm_america, "documents")]
    training += [(cfg.data.aft, "chats"), (cfg.data.it_mix, "chats")]
    for source, role in training:
        if source and not is_hub(source):
            load_rows(source, role)
    for name, source in eval_sources(cfg).items():
        if not is_hub(source):
            load_items(source, name)


def eval_arm(cfg: CheeseConfig, plan: ArmPlan, adapter_dir: Path | None, run_dir: Path) -> dict:
    """Score one arm on every eval set; results.json + items.jsonl in its stage folder."""
    from rich.progress import Progress, TimeElapsedColumn

    from eval.cheese import VERSION as EVAL_VERSION
    from eval.cheese import load_items, score_items, scorers_for, summarize
    from stages.data import write_jsonl
    from stages.model import load_for_eval

    stage_dir = run_dir / plan.eval_stage
    sources = eval_sources(cfg)
    stage_config = {
        "model": to_dict(cfg.model),
        "eval": to_dict(cfg.eval),
        "sources": sources,
        "adapter": adapter_dir.name if adapter_dir else "",
        "adapter_hash": _manifest_hash(adapter_dir),
    }
    stage_hash = config_hash(stage_config)
    if manifest.is_done(stage_dir, stage_hash):
        return json.loads((stage_dir / "results.json").read_text())
    manifest.begin(stage_dir, stage_hash, stage_config)
    started = time.time()
    model, tokenizer = load_for_eval(cfg.model, adapter_dir)
    full = scorers_for(cfg.eval.scorer)
    results: dict = {
        "arm": plan.arm,
        "seed": plan.seed,
        "scorer": cfg.eval.scorer,
        "eval_version": EVAL_VERSION,
        "evals": {},
    }
    with Progress(*Progress.get_default_columns(), TimeElapsedColumn()) as bars:
        for name, source in sources.items():
            items = load_items(source, name, cfg.model.display_name, cfg.eval.max_items)
            # Generation only where an option can be parsed from the answer.
            scorers = full if name in (*HELD_OUT, "cheese_pairs") else ("logprob",)
            orders = sum(len(item.orders) for item in items)
            work = orders * (3 if "generate" in scorers else 2)
            task = bars.add_task(f"{plan.eval_stage}: {name}", total=work)
            records = score_items(
                model,
                tokenizer,
                cfg.model.chat_template,
                items,
                scorers,
                cfg.eval.batch_size,
                cfg.eval.max_new_tokens,
                progress=lambda n, task=task: bars.advance(task, n),
            )
            write_jsonl(stage_dir / f"items-{name}.jsonl", records)
            results["evals"][name] = summarize(records)
    manifest.write_json(stage_dir / "results.json", results)
    manifest.finish(stage_dir, stage_hash, {"eval_seconds": round(time.time() - started, 1)})
    return results


def _manifest_hash(stage_dir: Path | None) -> str:
    if stage_dir is None:
        return ""
    return json.loads((stage_dir / "manifest.json").read_text())["config_hash"]


def run(cfg: CheeseConfig, run_dir: Path) -> list[dict]:
    """Train and evaluate every arm; returns each arm-seed's results."""
    results = []
    for plan in plan_arms(cfg):
        adapter_dir = train_arm(plan, run_dir)
        results.append(eval_arm(cfg, plan, adapter_dir, run_dir))
    return results
