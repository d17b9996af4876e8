"""The cheese experiment (MSM paper §3) as a walk over stages.

Per seed: MSM on each spec, identical cheese AFT on top of each MSM adapter and on a fresh one,
then every arm evaluated on both held-out evals plus the mechanism probes. Stages talk only
through files in the run directory, so a rerun skips what is finished and resumes what is not.

The arms and their training chains: experiments/cheese/arms.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from experiments.chains import ArmPlan, adapter_record, open_eval_stage, train_arm
from experiments.cheese.arms import HELD_OUT, SPECS, plan_arms
from experiments.cheese.config import CheeseConfig
from stages import manifest
from stages.config import ConfigError, to_dict
from stages.inputs import local_inputs

if TYPE_CHECKING:
    from stages.model import EvalModels


def eval_sources(cfg: Any) -> dict[str, str]:
    """Eval set -> source, for a config with the cheese evals' `data` fields."""
    probes = cfg.data.probes_dir
    return {
        "affordability": cfg.data.eval_affordability,
        "america": cfg.data.eval_america,
        "reasons": f"{probes}/probe_reasons.jsonl",
        "cheese_pairs": f"{probes}/probe_cheese_pairs.jsonl",
        "controls": f"{probes}/probe_controls.jsonl",
    }


def check_inputs(cfg: CheeseConfig) -> None:
    """Fail before any training on a missing or malformed local file or a malformed hub source
    (hub rows are checked when they load). Raises DataError with the file, row and field."""
    from stages.data import is_hub, load_rows, parse_hub
    from stages.spec import load_spec

    check_eval_inputs(cfg)
    for spec in SPECS:
        load_spec(getattr(cfg.data, f"spec_{spec}"))
    training = [(cfg.data.msm_affordability, "documents"), (cfg.data.msm_america, "documents")]
    training += [(cfg.data.aft, "chats"), (cfg.data.it_mix, "chats")]
    for source, role in training:
        if source and is_hub(source):
            parse_hub(source)
        elif source:
            load_rows(source, role)


def check_eval_inputs(cfg: Any) -> None:
    """The eval settings and every eval and probe source of a config with the cheese evals'
    `eval` and `data` fields (CheeseConfig, or the released-adapter experiment's)."""
    from eval.cheese import load_items, scorers_for, split_indices
    from stages.data import is_hub, parse_hub

    scorers_for(cfg.eval.scorer)
    split_indices(0, cfg.eval.split)
    for name, source in eval_sources(cfg).items():
        if is_hub(source):
            parse_hub(source)
        else:
            load_items(source, name)


def eval_arm(
    cfg: CheeseConfig,
    plan: ArmPlan,
    adapter_dir: Path | None,
    run_dir: Path,
    models: EvalModels | None = None,
) -> dict:
    """Score one trained arm on every eval set; results.json + items.jsonl in its stage folder.
    `models` shares one loaded base model between arms (default: a load of its own)."""
    from stages.model import EvalModels

    return eval_stage(
        cfg,
        run_dir / plan.eval_stage,
        arm_eval_config(cfg, adapter_dir),
        {"arm": plan.arm, "seed": plan.seed, "stage": plan.eval_stage},
        lambda: (
            *(models or EvalModels(cfg.model)).model_for(adapter_dir),
            cfg.model.chat_template,
        ),
    )


def arm_eval_config(cfg: CheeseConfig, adapter_dir: Path | None) -> dict:
    """What a trained arm's eval stage is scored with (before `hashed_config` completes it).
    `eval.batch_size` stays in it: batching pads prompts, which moves margins in the fifth
    decimal (4.8e-5 nats at most between batch sizes 1, 4 and 16 on the embedded model)."""
    return {
        "model": to_dict(cfg.model),
        "eval": to_dict(cfg.eval),
        "sources": eval_sources(cfg),
        **adapter_record(adapter_dir),
    }


def hashed_config(stage_config: dict) -> dict:
    """The config an eval stage hashes: the caller's, plus the eval version (a new version
    scores differently, so its results never reuse an older stage's) and the content of every
    local items file and of the chat template (stages/inputs.py), so an edited file is scored
    again."""
    from eval.cheese import VERSION as EVAL_VERSION

    inputs = local_inputs(stage_config["sources"].values(), stage_config["model"]["chat_template"])
    return stage_config | {"eval_version": EVAL_VERSION, "inputs": inputs}


def eval_configs(cfg: CheeseConfig, plan: ArmPlan, adapter_dir: Path | None) -> dict[str, dict]:
    """Eval stage folder -> the config it hashes, for the dry run."""
    return {plan.eval_stage: hashed_config(arm_eval_config(cfg, adapter_dir))}


def eval_stage(
    cfg: Any,
    stage_dir: Path,
    stage_config: dict,
    identity: dict,
    load: Callable[[], tuple[Any, Any, str]],
) -> dict:
    """Score a model on every eval set as one stage (skipped when finished with this config):
    results.json and items-<set>.jsonl in `stage_dir`. `load()` returns (model, tokenizer, chat
    template family) and is called only when the stage has work to do. `cfg`: a config with the
    cheese evals' `model`, `eval` and `data` fields."""
    from rich.progress import Progress, TimeElapsedColumn

    from eval.cheese import ITEM_SAMPLE_SEED, load_items, score_items, scorers_for, summarize
    from eval.cheese import VERSION as EVAL_VERSION
    from stages.data import is_hub, source_revision, write_jsonl

    stage_config = hashed_config(stage_config)
    stage_hash, finished = open_eval_stage(stage_dir, stage_config)
    if finished is not None:
        return finished
    started = time.time()
    model, tokenizer, family = load()
    full = scorers_for(cfg.eval.scorer)
    results: dict = {
        **identity,
        "scorer": cfg.eval.scorer,
        "split": cfg.eval.split,
        "eval_version": EVAL_VERSION,
        "evals": {},
        "data": {},
    }
    with Progress(*Progress.get_default_columns(), TimeElapsedColumn()) as bars:
        for name, source in stage_config["sources"].items():
            items = load_items(
                source, name, cfg.model.display_name, cfg.eval.max_items, cfg.eval.split
            )
            results["data"][name] = {
                "source": source,
                "revision": source_revision(source),
                "split": cfg.eval.split if is_hub(source) else "file",
                "items": len(items),
                "sampled": 0 < cfg.eval.max_items == len(items),
                "sample_seed": ITEM_SAMPLE_SEED,
            }
            # Generation only where an option can be parsed from the answer.
            scorers = full if name in (*HELD_OUT, "cheese_pairs") else ("logprob",)
            orders = sum(len(item.orders) for item in items)
            work = orders * (3 if "generate" in scorers else 2)
            task = bars.add_task(f"{stage_dir.name}: {name}", total=work)
            records = score_items(
                model,
                tokenizer,
                family,
                items,
                scorers,
                cfg.eval.batch_size,
                cfg.eval.max_new_tokens,
                progress=lambda n, task=task: bars.advance(task, n),
            )
            write_jsonl(stage_dir / f"items-{name}.jsonl", records)
            results["evals"][name] = summarize(records)
            # Per-item margins: the report measures shifts from the untrained model per item.
            results.setdefault("item_margins", {})[name] = [r["margin"] for r in records]
    manifest.write_json(stage_dir / "results.json", results)
    manifest.finish(
        stage_dir,
        stage_hash,
        {"eval_seconds": round(time.time() - started, 1)},
        ["results.json", *(f"items-{name}.jsonl" for name in stage_config["sources"])],
    )
    return results


def plan(cfg: CheeseConfig, run_dir: Path) -> None:
    """The dry run: every stage with its cost and status, and the MSM dose this run plans."""
    from experiments.cheese import claim
    from experiments.plan import print_plan

    plans = plan_arms(cfg)
    print_plan(cfg, plans, run_dir, eval_configs)
    print(claim.dose_line(claim.dose_place(claim.planned_msm_tokens(plans))))


def rescore(cfg: Any, run_dir: Path) -> list[dict]:
    raise ConfigError(
        f"{run_dir}: the cheese evals have no judge to ask again (log-probs and parsed answers); "
        "to score again, delete the eval-* stage folders and rerun"
    )


def run(cfg: CheeseConfig, run_dir: Path) -> list[dict]:
    """Train every arm, then evaluate them all on one loaded base model with the adapters
    swapped; returns each arm-seed's results."""
    from stages.model import EvalModels

    plans = plan_arms(cfg)
    adapter_dirs = [train_arm(plan, run_dir) for plan in plans]
    models = EvalModels(cfg.model)
    return [
        eval_arm(cfg, plan, adapter_dir, run_dir, models)
        for plan, adapter_dir in zip(plans, adapter_dirs, strict=True)
    ]
