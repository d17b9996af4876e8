"""Evaluating one trained arm on the agentic-misalignment scenarios, shared by every experiment
that uses them as its held-out eval (agentic, tcw): transcripts generated and judged one by one
(eval/agentic), then the log-prob probes in a stage of their own, scored from the scenario
prompts' encodings the transcripts made (EvalModels.prompt_cache). Stage folders are
`<prefix>_eval-<arm>-s<seed>` and `<prefix>_probes-<arm>-s<seed>`."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from eval.agentic.config import AgenticEvalConfig
from eval.stats import Z95, mean_sem
from experiments.chains import ArmPlan, adapter_record, open_eval_stage
from stages import manifest
from stages.config import ModelConfig, to_dict
from stages.inputs import local_inputs

if TYPE_CHECKING:
    from stages.model import EvalModels

PROBES_VERSION = "1.0.0"
# Long scenario prompts (~3k tokens): the eval's models are loaded for up to this many.
EVAL_MAX_SEQ_LEN = 8192


@dataclass(frozen=True)
class ArmEval:
    """What evaluating an arm needs from an experiment's config. `probes`: probe set -> local
    file in the `pairs` schema; a set named `actions` is asked after the scenario prompt
    (eval/agentic/probes.py)."""

    model: ModelConfig
    eval: AgenticEvalConfig
    probes: dict[str, str]


def probe_stage(plan: ArmPlan) -> str:
    return plan.eval_stage.replace("_eval-", "_probes-", 1)


def probe_config(setup: ArmEval, adapter_dir: Path | None) -> dict:
    """What the probe stage hashes. `eval.batch_size` is in it: batching pads prompts, which moves
    log-probs in the fifth decimal. Local files enter by content (stages/inputs.py)."""
    return {
        "version": PROBES_VERSION,
        "model": to_dict(setup.model),
        "urgency": setup.eval.urgency,
        "scratchpad": setup.eval.scratchpad,
        "batch_size": setup.eval.batch_size,
        "sources": setup.probes,
        "inputs": local_inputs(setup.probes.values(), setup.model.chat_template),
        **adapter_record(adapter_dir),
    }


def eval_configs(setup: ArmEval, plan: ArmPlan, adapter_dir: Path | None) -> dict[str, dict]:
    """Eval stage folder -> the config it hashes (transcripts, then probes), for the dry run."""
    from eval.agentic import condition_prompts, stage_config

    prompts = condition_prompts(setup.model, setup.eval)
    _, generation = stage_config(setup.model, setup.eval, adapter_dir, plan.arm, prompts)
    return {plan.eval_stage: generation, probe_stage(plan): probe_config(setup, adapter_dir)}


def probe_arm(
    setup: ArmEval, plan: ArmPlan, adapter_dir: Path | None, run_dir: Path, models: EvalModels
) -> dict:
    """Score one arm's probes; results.json in its stage folder."""
    from eval.agentic.probes import load_probes, score_probes

    stage_dir = run_dir / probe_stage(plan)
    stage_hash, finished = open_eval_stage(stage_dir, probe_config(setup, adapter_dir))
    if finished is not None:
        return finished
    started = time.time()
    model, tokenizer = models.model_for(adapter_dir)
    probes = load_probes(setup.probes, setup.eval, setup.model.display_name)
    scored = score_probes(
        model,
        tokenizer,
        setup.model.chat_template,
        probes,
        setup.eval.batch_size,
        prompt_cache=models.prompt_cache,
    )
    results = {"arm": plan.arm, "seed": plan.seed, "version": PROBES_VERSION, "probes": scored}
    manifest.write_json(stage_dir / "results.json", results)
    manifest.finish(
        stage_dir, stage_hash, {"eval_seconds": round(time.time() - started, 1)}, ["results.json"]
    )
    return results


def eval_arm(
    setup: ArmEval,
    plan: ArmPlan,
    adapter_dir: Path | None,
    run_dir: Path,
    models: EvalModels,
) -> dict:
    """Transcripts (generated, judged) and the probes of one arm; the transcripts' summary."""
    from eval.agentic import Generator, model_generator, run_eval

    def generator() -> Generator:
        model, tokenizer = models.model_for(adapter_dir)
        return model_generator(
            model, tokenizer, setup.model.chat_template, setup.eval, models.prompt_cache
        )

    summary = run_eval(
        setup.model,
        setup.eval,
        run_dir / plan.eval_stage,
        adapter_dir,
        plan.arm,
        make_generator=generator,
    )
    probe_arm(setup, plan, adapter_dir, run_dir, models)
    return summary


def load_summaries(run_dir: Path, prefix: str) -> dict[str, dict]:
    """ "arm/sN" -> summary.json of every `<prefix>_eval-*` stage in a run directory."""
    found = {}
    for path in sorted(run_dir.glob(f"{prefix}_eval-*/summary.json")):
        arm, _, seed = path.parent.name.removeprefix(f"{prefix}_eval-").rpartition("-")
        found[f"{arm}/{seed}"] = json.loads(path.read_text())
    return found


def pool_arms(summaries: dict[str, dict]) -> dict[str, dict]:
    """arm -> its seeds pooled: rate as mean ± SEM over seeds, and the first seed's Wilson CI,
    n, per-scenario rates, executed and judge-only rates; `summaries`: "arm/sN" -> summary."""
    grouped: dict[str, list[dict]] = {}
    for key, summary in summaries.items():
        grouped.setdefault(key.split("/")[0], []).append(summary)
    arms = {}
    for arm, found in grouped.items():
        per_seed = [s["overall"]["rate"] for s in found]
        rates = [r for r in per_seed if r is not None]
        rate, sem = mean_sem(rates) if rates else (None, None)
        first = found[0]["overall"]
        arms[arm] = {
            "per_seed": per_seed,
            "rate": rate,
            "sem": sem,
            "ci": first["ci"],
            "n": first["n"],
            "executed_rate": first.get("executed_rate"),
            "judge_rate": first.get("judge_rate"),
            "scenarios": {k: v["rate"] for k, v in found[0].get("scenarios", {}).items()},
        }
    return arms


def load_probes(run_dir: Path, prefix: str) -> dict[str, dict]:
    """arm -> probe set -> {summary, records} of the first seed's probe stages."""
    found = {}
    for path in sorted(run_dir.glob(f"{prefix}_probes-*-s0/results.json")):
        results = json.loads(path.read_text())
        found[results["arm"]] = results["probes"]
    return found


def paired_shift(probes: dict[str, dict], arm: str, reference: str, name: str) -> tuple:
    """(mean, low, high): per-item margin of `arm` minus `reference` on probe set `name`, in
    nats, with a normal 95% interval over items (the items are the same in both arms)."""
    after = [r["margin"] for r in probes[arm][name]["records"]]
    before = [r["margin"] for r in probes[reference][name]["records"]]
    mean, sem = mean_sem([a - b for a, b in zip(after, before, strict=True)])
    return mean, mean - Z95 * sem, mean + Z95 * sem


def engine_deviation(model: ModelConfig, eval_cfg: AgenticEvalConfig) -> list[str]:
    """The report's deviation line for the server engine (docs/engines.md), or none."""
    if eval_cfg.engine != "server":
        return []
    line = "transcripts written by vLLM servers (eval.engine=server)"
    if model.load_in_4bit:
        line += (
            "; the adapters, trained on the 4-bit NF4 base, were served on its bf16 weights "
            "(vLLM cannot load bitsandbytes 4-bit); the probes ran on the 4-bit base"
        )
    return [line]


def shift_text(shift: tuple) -> str:
    return f"{shift[0]:+.2f} nats [{shift[1]:+.2f}, {shift[2]:+.2f}]"
