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

from pathlib import Path

from experiments import agentic_eval
from experiments.agentic.arms import plan_arms
from experiments.agentic.config import AgenticConfig
from experiments.agentic_eval import ArmEval
from experiments.chains import ArmPlan, train_arm


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


def arm_eval(cfg: AgenticConfig) -> ArmEval:
    return ArmEval(cfg.model, cfg.eval, probe_sources(cfg))


def eval_configs(cfg: AgenticConfig, plan: ArmPlan, adapter_dir: Path | None) -> dict[str, dict]:
    return agentic_eval.eval_configs(arm_eval(cfg), plan, adapter_dir)


def plan(cfg: AgenticConfig, run_dir: Path) -> None:
    """The dry run: every stage with its cost and status."""
    from experiments.plan import print_plan

    print_plan(cfg, plan_arms(cfg), run_dir, eval_configs)


def rescore(cfg: AgenticConfig, run_dir: Path) -> dict[str, dict]:
    """Judge every saved transcript again with `eval.judge` / `eval.judge_model`, generating
    nothing; returns arm-seed -> summary, as `run` does."""
    from eval.agentic.rescore import score_run

    score_run(run_dir, rescore=True, judge_name=cfg.eval.judge, judge_model=cfg.eval.judge_model)
    return agentic_eval.load_summaries(run_dir, "agentic")


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
        models = EvalModels(cfg.model, agentic_eval.EVAL_MAX_SEQ_LEN)  # freed before training
        for plan, adapter_dir in zip(group, adapter_dirs, strict=True):
            summary = agentic_eval.eval_arm(arm_eval(cfg), plan, adapter_dir, run_dir, models)
            summaries[f"{plan.arm}/s{plan.seed}"] = summary
            if plan.arm == "baseline" and summary.get("floor"):
                print(f"\n[agentic] baseline {summary['floor']}\n")
        del models
    return summaries
