"""The agentic-misalignment experiment (MSM paper §4, Fig. 4 and 5) as a walk over stages.

The baseline is evaluated first, before anything is trained: when its misalignment rate is at
the floor (eval.agentic.FLOOR_THRESHOLD), no arm can be shown to reduce it, and every table says
so. Then, per seed: MSM on the equanimity spec, AFT with and without chain-of-thought on a fresh
adapter and on the MSM adapter, each arm judged per transcript.

The arms and their training chains: experiments/agentic/arms.py.
"""

from __future__ import annotations

from pathlib import Path

from experiments.agentic.arms import plan_arms
from experiments.agentic.config import AgenticConfig
from experiments.chains import train_arm


def check_inputs(cfg: AgenticConfig) -> None:
    """Fail before any training on a missing or malformed local file, hub source or spec."""
    from eval.agentic.prompts import check_eval_config
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


def run(cfg: AgenticConfig, run_dir: Path) -> dict[str, dict]:
    """Baseline first (the floor check), then every other arm; returns arm-seed -> summary."""
    from eval.agentic import run_eval

    plans = plan_arms(cfg)
    plans.sort(key=lambda plan: plan.arm != "baseline")
    summaries: dict[str, dict] = {}
    for plan in plans:
        adapter_dir = train_arm(plan, run_dir)
        summary = run_eval(cfg.model, cfg.eval, run_dir / plan.eval_stage, adapter_dir, plan.arm)
        summaries[f"{plan.arm}/s{plan.seed}"] = summary
        if plan.arm == "baseline" and summary.get("floor"):
            print(f"\n[agentic] baseline {summary['floor']}\n")
    return summaries
