"""The agentic-misalignment experiment (MSM paper §4, Fig. 4 and 5) as a walk over stages.

The baseline is evaluated first, before anything is trained: when its misalignment rate is at
the floor (eval.agentic.FLOOR_THRESHOLD), no arm can be shown to reduce it, and every table says
so. Then, per seed: MSM on the equanimity spec, AFT with and without chain-of-thought on a fresh
adapter and on the MSM adapter; then every trained arm is evaluated on one loaded base model
with its adapter swapped in: transcripts judged one by one, and the mechanism probes
(eval/agentic/probes.py) scored by log-prob in a stage of their own, from the scenario prompts'
encodings the transcripts made (EvalModels.prompt_cache).

The arms and their training chains: experiments/agentic/arms.py.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

from experiments.agentic.arms import plan_arms
from experiments.agentic.config import AgenticConfig
from experiments.chains import ArmPlan, adapter_record, open_eval_stage, train_arm
from stages import manifest
from stages.config import to_dict
from stages.inputs import local_inputs

if TYPE_CHECKING:
    from stages.model import EvalModels

PROBES_VERSION = "1.0.0"
# Long scenario prompts (~3k tokens): the eval's models are loaded for up to this many.
EVAL_MAX_SEQ_LEN = 8192


def check_inputs(cfg: AgenticConfig) -> None:
    """Fail before any training on a missing or malformed local file, hub source or spec."""
    from eval.agentic.prompts import check_eval_config
    from eval.cheese import load_items
    from stages.data import is_hub, load_rows, parse_hub
    from stages.spec import load_spec

    load_spec(cfg.data.spec)
    check_eval_config(cfg.eval)
    for source, role in (
        (cfg.data.msm, "documents"),
        (cfg.data.aft_cot, "chats"),
        (cfg.data.aft_no_cot, "chats"),
        (cfg.data.it_mix, "chats"),
    ):
        if source and is_hub(source):
            parse_hub(source)
        elif source:
            load_rows(source, role)
    for source in probe_sources(cfg).values():
        load_items(source, "controls")


def probe_sources(cfg: AgenticConfig) -> dict[str, str]:
    return {
        "beliefs": cfg.data.probe_beliefs,
        "actions": cfg.data.probe_actions,
        "controls": cfg.data.probe_controls,
    }


def probe_stage(plan: ArmPlan) -> str:
    return plan.eval_stage.replace("agentic_eval-", "agentic_probes-", 1)


def probe_config(cfg: AgenticConfig, adapter_dir: Path | None) -> dict:
    """What the probe stage hashes. `eval.batch_size` is in it: batching pads prompts, which moves
    log-probs in the fifth decimal. Local files enter by content (stages/inputs.py)."""
    sources = probe_sources(cfg)
    return {
        "version": PROBES_VERSION,
        "model": to_dict(cfg.model),
        "urgency": cfg.eval.urgency,
        "scratchpad": cfg.eval.scratchpad,
        "batch_size": cfg.eval.batch_size,
        "sources": sources,
        "inputs": local_inputs(sources.values(), cfg.model.chat_template),
        **adapter_record(adapter_dir),
    }


def eval_configs(cfg: AgenticConfig, plan: ArmPlan, adapter_dir: Path | None) -> dict[str, dict]:
    """Eval stage folder -> the config it hashes (transcripts, then probes), for the dry run."""
    from eval.agentic import condition_prompts, stage_config

    prompts = condition_prompts(cfg.model, cfg.eval)
    _, generation = stage_config(cfg.model, cfg.eval, adapter_dir, plan.arm, prompts)
    return {plan.eval_stage: generation, probe_stage(plan): probe_config(cfg, adapter_dir)}


def probe_arm(
    cfg: AgenticConfig, plan: ArmPlan, adapter_dir: Path | None, run_dir: Path, models: EvalModels
) -> dict:
    """Score one arm's mechanism probes; results.json in its stage folder."""
    from eval.agentic.probes import load_probes, score_probes

    stage_dir = run_dir / probe_stage(plan)
    sources = probe_sources(cfg)
    stage_hash, finished = open_eval_stage(stage_dir, probe_config(cfg, adapter_dir))
    if finished is not None:
        return finished
    started = time.time()
    model, tokenizer = models.model_for(adapter_dir)
    probes = load_probes(sources, cfg.eval, cfg.model.display_name)
    scored = score_probes(
        model,
        tokenizer,
        cfg.model.chat_template,
        probes,
        cfg.eval.batch_size,
        prompt_cache=models.prompt_cache,
    )
    results = {"arm": plan.arm, "seed": plan.seed, "version": PROBES_VERSION, "probes": scored}
    manifest.write_json(stage_dir / "results.json", results)
    manifest.finish(
        stage_dir, stage_hash, {"eval_seconds": round(time.time() - started, 1)}, ["results.json"]
    )
    return results


def eval_arm(
    cfg: AgenticConfig, plan: ArmPlan, adapter_dir: Path | None, run_dir: Path, models: EvalModels
) -> dict:
    """Transcripts (generated, judged) and the mechanism probes of one arm; its summary."""
    from eval.agentic import Generator, model_generator, run_eval

    def generator() -> Generator:
        model, tokenizer = models.model_for(adapter_dir)
        return model_generator(
            model, tokenizer, cfg.model.chat_template, cfg.eval, models.prompt_cache
        )

    stage_dir = run_dir / plan.eval_stage
    summary = run_eval(
        cfg.model, cfg.eval, stage_dir, adapter_dir, plan.arm, make_generator=generator
    )
    probe_arm(cfg, plan, adapter_dir, run_dir, models)
    return summary


def plan(cfg: AgenticConfig, run_dir: Path) -> None:
    """The dry run: every stage with its cost and status."""
    from experiments.plan import print_plan

    print_plan(cfg, plan_arms(cfg), run_dir, eval_configs)


def rescore(cfg: AgenticConfig, run_dir: Path) -> dict[str, dict]:
    """Judge every saved transcript again with `eval.judge` / `eval.judge_model`, generating
    nothing; returns arm-seed -> summary, as `run` does."""
    from eval.agentic.rescore import score_run

    score_run(run_dir, rescore=True, judge_name=cfg.eval.judge, judge_model=cfg.eval.judge_model)
    return load_summaries(run_dir)


def load_summaries(run_dir: Path) -> dict[str, dict]:
    """arm/seed -> summary.json of every agentic eval stage in a run directory."""
    found = {}
    for path in sorted(run_dir.glob("agentic_eval-*/summary.json")):
        arm, _, seed = path.parent.name.removeprefix("agentic_eval-").rpartition("-")
        found[f"{arm}/{seed}"] = json.loads(path.read_text())
    return found


def run(cfg: AgenticConfig, run_dir: Path) -> dict[str, dict]:
    """Baseline first (the floor check), then train every other arm and evaluate them on one
    loaded base model; returns arm-seed -> summary."""
    from stages.model import EvalModels

    plans = plan_arms(cfg)
    baselines = [plan for plan in plans if plan.arm == "baseline"]
    others = [plan for plan in plans if plan.arm != "baseline"]
    summaries: dict[str, dict] = {}
    for group in (baselines, others):
        adapter_dirs = [train_arm(plan, run_dir) for plan in group]
        models = EvalModels(cfg.model, EVAL_MAX_SEQ_LEN)  # released before the next training
        for plan, adapter_dir in zip(group, adapter_dirs, strict=True):
            summary = eval_arm(cfg, plan, adapter_dir, run_dir, models)
            summaries[f"{plan.arm}/s{plan.seed}"] = summary
            if plan.arm == "baseline" and summary.get("floor"):
                print(f"\n[agentic] baseline {summary['floor']}\n")
        del models
    return summaries
