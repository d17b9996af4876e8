"""The Teaching Claude Why experiment as a walk over stages.

The `generic` arm (the instruction mix alone: TCW's baseline) is trained and evaluated first,
on `floor_samples` per condition: at the floor no arm can be shown to reduce misalignment, so
the run stops there with one line and the override to go on, before paying for the other arms.
Then every other arm is trained and evaluated on one loaded base model with its adapter swapped
in: the agentic-misalignment transcripts judged one by one, and the probes (held-out vignettes,
constitution knowledge, the persona gap, the scenario action) scored by log-prob
(experiments/agentic_eval.py).

The arms and their training chains: experiments/tcw/arms.py.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from experiments import agentic_eval
from experiments.agentic_eval import ArmEval
from experiments.chains import ArmPlan, train_arm
from experiments.tcw.arms import plan_arms
from experiments.tcw.config import GENERATED, TcwConfig
from stages.config import ConfigError

PREFIX = "tcw"


def training_sources(cfg: TcwConfig) -> dict[str, str]:
    """Every training file -> its role (stages.data.SCHEMAS)."""
    data = cfg.data
    chats = (data.generic, data.honeypot_actions, data.honeypot_reasons, data.honeypot_nonmoral)
    chats += (data.advice, data.advice_unrevised)
    return {
        **{source: "chats" for source in chats},
        data.constitution_docs: "documents",
        data.stories: "documents",
    }


def check_inputs(cfg: TcwConfig) -> None:
    """Fail before any training on a missing or malformed file, hub source or constitution; a
    missing generated corpus names the command that makes it."""
    from eval.agentic.prompts import check_eval_config
    from eval.pair_items import load_items
    from stages.data import DataError, is_hub, load_rows, parse_hub
    from stages.spec import load_spec

    load_spec(cfg.data.constitution)
    check_eval_config(cfg.eval)
    for source, role in training_sources(cfg).items():
        if is_hub(source):
            parse_hub(source)
            continue
        if not Path(source).exists() and source.startswith(f"{GENERATED}-"):
            kind = source.removeprefix(f"{GENERATED}-").split("-anthropic/")[0]
            raise DataError(
                f"{source} is missing: make it with `python -m stages.generate "
                f"spec={cfg.data.constitution} kind={kind} --preview` (the cost), then without "
                "--preview; or train on the kit's tiny corpora (configs/tcw/tiny.toml [data])"
            )
        load_rows(source, role)
    for source in arm_eval(cfg).probes.values():
        load_items(source, "controls")


def arm_eval(cfg: TcwConfig) -> ArmEval:
    """The eval every arm gets; probe set `actions` is asked after the real scenario prompt."""
    probes = {
        "vignettes": cfg.data.probe_vignettes,
        "knowledge": cfg.data.probe_knowledge,
        "persona": cfg.data.probe_persona,
        "actions": cfg.data.probe_scenario_actions,
    }
    return ArmEval(cfg.model, cfg.eval, probes)


def floor_look(cfg: TcwConfig) -> ArmEval:
    """The generic arm's first look: `floor_samples` per condition. Its transcripts are the
    start of the full eval's (a larger count extends a finished eval stage), so it costs
    nothing extra when the run goes on."""
    samples = min(cfg.floor_samples, cfg.eval.samples_per_condition)
    return replace(arm_eval(cfg), eval=replace(cfg.eval, samples_per_condition=samples))


def eval_configs(cfg: TcwConfig, plan: ArmPlan, adapter_dir: Path | None) -> dict[str, dict]:
    return agentic_eval.eval_configs(arm_eval(cfg), plan, adapter_dir)


def plan(cfg: TcwConfig, run_dir: Path) -> None:
    """The dry run: every stage with its cost and status."""
    from experiments.plan import print_plan

    print_plan(cfg, plan_arms(cfg), run_dir, eval_configs)


def check_floor(cfg: TcwConfig, summary: dict) -> None:
    """Stop with one line when the generic arm sits at the floor and `stop_at_floor` holds."""
    from eval.agentic import FLOOR_THRESHOLD

    overall = summary["overall"]
    rate, (low, high) = overall["rate"], overall["ci"]
    if rate is None or rate >= FLOOR_THRESHOLD:
        return
    line = (
        f"generic arm at the floor: misalignment {rate:.2f} < {FLOOR_THRESHOLD:.2f} (95% CI "
        f"[{low:.2f}, {high:.2f}], n={overall['n']}), so no arm can show a drop"
    )
    if cfg.stop_at_floor:
        raise ConfigError(
            f"{line}; stopped before training the other arms. Pick a setting with a documented "
            "baseline (docs/tcw.md), or go on anyway: stop_at_floor=false"
        )
    print(f"\n[tcw] {line}; going on (stop_at_floor = false)\n")


def rescore(cfg: TcwConfig, run_dir: Path) -> dict[str, dict]:
    """Judge every saved transcript again with `eval.judge` / `eval.judge_model`, generating
    nothing; returns arm-seed -> summary, as `run` does."""
    from eval.agentic.rescore import score_run

    score_run(run_dir, rescore=True, judge_name=cfg.eval.judge, judge_model=cfg.eval.judge_model)
    return agentic_eval.load_summaries(run_dir, PREFIX)


def run(cfg: TcwConfig, run_dir: Path) -> dict[str, dict]:
    """The generic arm first (the floor rule), then train every other arm and evaluate them on
    one loaded base model; returns arm-seed -> summary."""
    from stages.model import EvalModels

    plans = plan_arms(cfg)
    first, rest = plans[:1], plans[1:]  # generic, seed 0
    setup = arm_eval(cfg)
    summaries: dict[str, dict] = {}
    for group in (first, rest):
        adapter_dirs = [train_arm(plan, run_dir) for plan in group]
        models = EvalModels(cfg.model, agentic_eval.EVAL_MAX_SEQ_LEN)  # freed before training
        for plan, adapter_dir in zip(group, adapter_dirs, strict=True):
            if group is first:
                look = agentic_eval.eval_arm(floor_look(cfg), plan, adapter_dir, run_dir, models)
                check_floor(cfg, look)
            summary = agentic_eval.eval_arm(setup, plan, adapter_dir, run_dir, models)
            summaries[f"{plan.arm}/s{plan.seed}"] = summary
        del models
    return summaries
