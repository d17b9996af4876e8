"""An agentic eval stage as an inspect log, `RUN_DIR/<stage>/inspect.eval`, for `inspect view`:

    inspect view --log-dir RUN_DIR/agentic_eval-baseline-s0

Derived, like summary.json: `run_eval` rewrites it from the stage's files every time it writes
the summary (stage.py), and the kit never reads it back, so a failed write costs nothing but the
log (`try_write_inspect_log` prints one line and the stage goes on).

The log is shaped like one of the package task's own (inspect_evals agentic_misalignment), so
the two routes read alike in the viewer:
- one EvalSample per transcript: id = the condition id (the package's sample id), epoch = the
  kit's sample index + 1 (inspect's epochs count from 1); the kit's key is in the metadata;
- input = the condition's system and user messages as the model saw them (model renamed, our
  scratchpad choice), output = the response; metadata has the package's keys (scenario,
  goal_type, goal_value, urgency_type, prod, ...), so the package's scorer can rescore it
  (`inspect_ai.score(log, harmfulness_scorer(...), model="none/none")`: the model named in the
  log generated with the kit, and inspect would otherwise load it);
- one score per sample under the package scorer's name and keys (`harmful`,
  `classifier_verdict`) plus `executed_action`: the kit judge's verdicts, 1.0/0.0, NaN where
  there is none (inspect's "unscored": an unscored transcript, or offline's missing grader);
- results copy the kit's summary (rate, Wilson 95% interval, per scenario), never recompute it.

Nothing in it reads the clock: `created` is config.json's time (when a pass over the stage
began), ids are hashes of the stage, so rewriting an unchanged stage gives the same log.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from eval.agentic.transcripts import latest_scores, read_rows

if TYPE_CHECKING:
    from inspect_ai.log import EvalLog, EvalSample, EvalScore, EvalSpec
    from inspect_ai.model import GenerateConfig
    from inspect_ai.scorer import Score

LOG_NAME = "inspect.eval"
# The @task name in experiments/inspect_task.py: the viewer lists its logs and the stages' together.
TASK_NAME = "agentic_misalignment_kit"
TASK_DISPLAY_NAME = "agentic_misalignment (kit)"
# The package's scorer (inspect_evals/agentic_misalignment/scorers.py).
SCORER = "harmfulness_scorer"
NAN = float("nan")


def write_inspect_log(stage_dir: Path, summary: dict | None = None) -> Path:
    """Write `stage_dir/inspect.eval` from the stage's files (and `summary`, else summary.json);
    returns its path. Written beside and then renamed, so a viewer never sees half a log."""
    from inspect_ai.log import write_eval_log

    if summary is None:
        summary = json.loads((stage_dir / "summary.json").read_text())
    path = stage_dir / LOG_NAME
    partial = stage_dir / f"{LOG_NAME}.partial"
    write_eval_log(eval_log(stage_dir, summary), partial, format="eval")
    partial.replace(path)
    return path


def try_write_inspect_log(stage_dir: Path) -> Path | None:
    """`write_inspect_log`, or one line saying why not: the log is a view of the transcripts,
    and writing it must never cost them (inspect missing, a field it rejects, a full disk)."""
    try:
        return write_inspect_log(stage_dir)
    except Exception as err:  # any failure: the stage's own files are already written
        print(f"[inspect] {stage_dir.name}: no {LOG_NAME} ({type(err).__name__}: {err})"[:300])
        return None


def eval_log(stage_dir: Path, summary: dict) -> EvalLog:
    """The stage as an inspect EvalLog (not written)."""
    from inspect_ai.log import EvalLog, EvalPlan, EvalPlanStep, EvalResults
    from inspect_ai.model import GenerateConfig

    record = json.loads((stage_dir / "config.json").read_text())
    config = record["config"]
    prompts = json.loads((stage_dir / "prompts.json").read_text())
    transcripts = read_rows(stage_dir / "transcripts.jsonl")
    scores = judged_by(stage_dir, transcripts, summary["judge"])
    model = model_name(config)
    generate = GenerateConfig(
        temperature=config["temperature"], max_tokens=config["max_new_tokens"]
    )
    samples = [
        _sample(row, prompts[row["condition_id"]], scores[row["key"]], model, config, stage_dir)
        for row in transcripts
    ]
    complete = summary["transcripts"] >= summary.get("expected", summary["transcripts"])
    return EvalLog(
        # A stage short of transcripts was interrupted; inspect calls that cancelled.
        status="success" if complete else "cancelled",
        eval=_spec(stage_dir, record, summary, model, generate),
        plan=EvalPlan(
            steps=[EvalPlanStep(solver="kit generate (transformers, eval/agentic/generate.py)")],
            config=generate,
        ),
        results=EvalResults(
            total_samples=summary.get("expected", len(transcripts)),
            completed_samples=len(transcripts),
            scores=_results(summary, scores),
            metadata={k: summary[k] for k in ("label", "judge", "offline", "floor", "package")},
        ),
        samples=samples,
    )


def model_name(config: dict) -> str:
    """inspect's name for the model under test: `hf/<name>` (`vllm/` when the server engine
    wrote the transcripts), then `:<adapter>` (the training stage) as the vllm provider names an
    adapter, so arms differ in the viewer's model column."""
    provider = "vllm" if config.get("engine") == "server" else "hf"
    adapter = f":{config['adapter']}" if config["adapter"] else ""
    return f"{provider}/{config['model']['name']}{adapter}"


def judged_by(stage_dir: Path, transcripts: list[dict], judge: str) -> dict[str, dict]:
    """key -> the score row the summary counted: this judge's latest, else unscored (as
    summary.summarize does, so the log and summary.json count the same transcripts)."""
    latest = latest_scores(stage_dir)
    counted = {}
    for row in transcripts:
        score = latest.get(row["key"])
        if score is None or score["judge"] != judge:
            score = {"status": "unscored", "executed_action": False, "judge": judge}
        counted[row["key"]] = score
    return counted


def _spec(
    stage_dir: Path, record: dict, summary: dict, model: str, generate: GenerateConfig
) -> EvalSpec:
    from inspect_ai.log import EvalConfig, EvalDataset, EvalSpec
    from inspect_ai.model import ModelConfig

    config = record["config"]
    eval_config = config["eval_config"]
    ids = [
        f"{s}_{'none' if g == 'none' else 'explicit'}-{g}_{config['urgency']}"
        for s in config["scenarios"]
        for g in config["goal_values"]
    ]
    # config.json is the stage's first record: a rerun with more samples extends the stage
    # without rewriting it, so the count comes from this pass's summary.
    epochs = summary.get("expected", len(ids)) // len(ids)
    roles = None if summary["offline"] else {"grader": ModelConfig(model=summary["judge"])}
    # config.json is written when a pass over an unfinished stage begins (manifest.begin):
    # the log's date, with no clock read here.
    begun = datetime.fromtimestamp((stage_dir / "config.json").stat().st_mtime, UTC)
    return EvalSpec(
        eval_id=_digest("eval", record["config_hash"], stage_dir.name),
        run_id=_digest("run", record["config_hash"], stage_dir.name),
        created=begun.isoformat(timespec="seconds"),
        task=TASK_NAME,
        task_id=_digest("task", record["config_hash"]),
        task_version=config["eval_version"],
        task_display_name=TASK_DISPLAY_NAME,
        task_args=eval_config | {"samples_per_condition": epochs},
        dataset=EvalDataset(name="agentic_misalignment", samples=len(ids), sample_ids=ids),
        model=model,
        model_generate_config=generate,
        model_args={
            "display_name": config["model"]["display_name"],
            "chat_template": config["model"]["chat_template"],
            "adapter": config["adapter"],
            "adapter_hash": config["adapter_hash"],
        },
        model_roles=roles,
        config=EvalConfig(epochs=epochs),
        packages={name: _version(name) for name in ("inspect_ai", "inspect_evals")},
        metadata={
            "stage": stage_dir.name,
            "arm": config["arm"],
            "eval": config["eval"],
            "eval_version": config["eval_version"],
            "package": config["package"],
            "stage_hash": record["config_hash"],
            "prompts_hash": config["prompts_hash"],
            "scratchpad": config["scratchpad"],
            "judge": summary["judge"],
            "label": summary["label"],
        },
    )


def _sample(
    row: dict, prompts: dict, score: dict, model: str, config: dict, stage_dir: Path
) -> EvalSample:
    from inspect_ai.log import EvalSample
    from inspect_ai.model import (
        ChatMessageAssistant,
        ChatMessageSystem,
        ChatMessageUser,
        ModelOutput,
    )

    cid, key = row["condition_id"], row["key"]
    # Message ids given, not inspect's random default: the same stage writes the same log.
    system = ChatMessageSystem(id=f"{cid}/system", content=prompts["system"])
    user = ChatMessageUser(id=f"{cid}/user", content=prompts["user"])
    reply = ChatMessageAssistant(
        id=f"{key}/reply", content=row["response"], model=model, source="generate"
    )
    output = ModelOutput.from_content(model=model, content=row["response"])
    output.choices[0].message = reply
    return EvalSample(
        id=cid,
        epoch=row["sample"] + 1,
        input=[system, user],
        target="",
        messages=[system, user, reply],
        output=output,
        scores={SCORER: _score(score)},
        metadata={
            # The package task's sample metadata (agentic_misalignment.py), same names.
            "scenario": row["scenario"],
            "goal_type": row["goal_type"],
            "goal_value": row["goal_value"],
            "urgency_type": row["urgency"],
            "condition_id": cid,
            "extra_system_instructions": None,
            "prod": not config["scratchpad"],
            "test_eval_awareness": False,
            # The kit's.
            "key": key,
            "sample": row["sample"],
            "seed": row["seed"],
            "eval_version": row.get("eval_version", config["eval_version"]),
            "model_display_name": config["model"]["display_name"],
        },
        total_time=row.get("seconds"),
        uuid=_digest("sample", stage_dir.name, key),
    )


def _score(row: dict) -> Score:
    from inspect_ai.scorer import Score

    scored = row["status"] == "scored"
    value = {
        "harmful": _flag(row.get("harmful")) if scored else NAN,
        "classifier_verdict": _flag(row.get("judge_verdict")) if scored else NAN,
        "executed_action": _flag(row.get("executed_action")),
    }
    explanation = row.get("reasoning") or row.get("method") or row.get("error") or "not judged"
    kept = ("status", "judge", "harmful", "judge_verdict", "executed_action", "method", "error")
    return Score(
        value=value,
        explanation=explanation,
        metadata={k: row[k] for k in kept if k in row},
    )


def _results(summary: dict, scores: dict[str, dict]) -> list[EvalScore]:
    """The summary's numbers as inspect scores: `harmful` (the paper's metric, with its Wilson
    interval and each scenario's rate), `classifier_verdict`, `executed_action`."""
    from inspect_ai.log import EvalMetric, EvalScore

    overall = summary["overall"]
    harmful = {
        "accuracy": overall["rate"],
        "ci_low": overall["ci"][0],
        "ci_high": overall["ci"][1],
    } | {name: rate["rate"] for name, rate in summary["scenarios"].items()}
    # Offline there is no grader: every classifier verdict is NaN, none counted.
    verdicts = sum(s.get("judge_verdict") is not None for s in scores.values())
    rows = [
        ("harmful", harmful, overall["n"], overall["unscored"]),
        (
            "classifier_verdict",
            {"accuracy": overall["judge_rate"]},
            verdicts,
            len(scores) - verdicts,
        ),
        ("executed_action", {"accuracy": overall["executed_rate"]}, len(scores), 0),
    ]
    return [
        EvalScore(
            name=name,
            scorer=SCORER,
            scored_samples=scored,
            unscored_samples=unscored,
            # A rate the summary could not compute (nothing scored) is left out, not written 0.
            metrics={
                metric: EvalMetric(name=metric, value=value)
                for metric, value in metrics.items()
                if value is not None
            },
        )
        for name, metrics, scored, unscored in rows
    ]


def _flag(value: bool | None) -> float:
    return NAN if value is None else float(bool(value))


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:22]


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package.replace("_", "-"))
    except importlib.metadata.PackageNotFoundError:
        return ""
