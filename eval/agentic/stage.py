"""One agentic eval stage per arm: generate the missing transcripts, judge the unjudged ones, write
the summary, and finish the stage's manifest once every expected transcript exists."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from eval.agentic.config import EVAL_NAME, VERSION, AgenticEvalConfig
from eval.agentic.generate import Generator, expected_keys, generate_transcripts, local_generator
from eval.agentic.inspect_log import try_write_inspect_log
from eval.agentic.judge import (
    Judge,
    JudgeUnavailable,
    judge_transcripts,
    make_judge,
    pending_transcripts,
    rescore_hint,
)
from eval.agentic.prompts import build_prompts, conditions
from eval.agentic.server import server_transcripts
from eval.agentic.summary import package_label, summarize
from eval.agentic.transcripts import drop_cut_rows, read_rows
from stages import manifest
from stages.config import ConfigError, ModelConfig, config_hash, to_dict
from stages.inputs import local_inputs


def condition_prompts(model: ModelConfig, cfg: AgenticEvalConfig) -> dict[str, dict]:
    """The package's prompts for every configured condition, the model's name filled in."""
    return {
        c.condition_id: build_prompts(c, model.display_name, cfg.scratchpad)
        for c in conditions(cfg)
    }


def stage_config(
    model: ModelConfig, cfg: AgenticEvalConfig, adapter_dir: Path | None, arm: str, prompts: dict
) -> tuple[dict, dict]:
    """(config.json contents, the part of it the stage hash covers). The hash covers what
    changes the transcripts; sample count, batch size and the judge are left out, so raising
    the count extends a finished stage and changing the judge re-judges without regenerating."""
    generation = {
        "eval": EVAL_NAME,
        "eval_version": VERSION,
        "model": to_dict(model),
        "adapter": adapter_dir.name if adapter_dir else "",
        "adapter_hash": _manifest_hash(adapter_dir),
        "scenarios": cfg.scenarios,
        "goal_values": cfg.goal_values,
        "urgency": cfg.urgency,
        "temperature": cfg.temperature,
        "max_new_tokens": cfg.max_new_tokens,
        "scratchpad": cfg.scratchpad,
        # Sampling differs between engines (greedy agrees); "hf" is left out so stages written
        # before the server engine existed keep their hash.
        **({"engine": cfg.engine} if cfg.engine != "hf" else {}),
        "prompts_hash": config_hash(prompts),
        # The chat template file by content (stages/inputs.py): an edited template regenerates.
        "inputs": local_inputs([], model.chat_template),
    }
    record = generation | {"arm": arm, "package": package_label(), "eval_config": to_dict(cfg)}
    return record, generation


def _manifest_hash(stage_dir: Path | None) -> str:
    if stage_dir is None:
        return ""
    return json.loads((stage_dir / "manifest.json").read_text())["config_hash"]


def run_eval(
    model: ModelConfig,
    cfg: AgenticEvalConfig,
    stage_dir: Path,
    adapter_dir: Path | None = None,
    arm: str = "",
    *,
    rescore: bool = False,
    judge: Judge | None = None,
    make_generator: Callable[[], Generator] | None = None,
) -> dict:
    """Generate the missing transcripts, judge the unjudged ones, write and return the summary.

    `adapter_dir` is a training stage folder holding `adapter/` (None = the model as loaded).
    `rescore` re-judges every saved transcript and generates nothing. `judge` and
    `make_generator` default to the configured judge and the local model under test;
    `eval.engine = "server"` asks the configured servers instead (eval/agentic/server.py).
    """
    conds = conditions(cfg)
    prompts = condition_prompts(model, cfg)
    record, generation = stage_config(model, cfg, adapter_dir, arm, prompts)
    stage_hash = config_hash(generation)
    if rescore:  # judges the saved transcripts as they are: never discards them
        problem = manifest.check_finished(stage_dir, stage_hash, generation, redo_changed=True)
        if problem:
            raise ConfigError(
                f"{stage_dir}: {problem}; --rescore judges saved transcripts only: regenerate "
                f"them first (python -m eval.agentic --run-dir {stage_dir.parent})"
            )
    # A finished stage whose transcripts or inputs no longer match is discarded and regenerated.
    if not manifest.is_done(stage_dir, stage_hash, generation, redo_changed=True):
        manifest.begin(stage_dir, stage_hash, record)
    drop_cut_rows(stage_dir)
    manifest.write_json(stage_dir / "prompts.json", prompts)
    started = time.time()
    expected = expected_keys(conds, cfg.samples_per_condition)
    have = {row["key"] for row in read_rows(stage_dir / "transcripts.jsonl")}
    missing = [key for key in expected if key not in have]
    made = 0
    if missing and not rescore:
        manifest.reopen(stage_dir)
        with _bar(f"{stage_dir.name}: generate ({cfg.engine})", len(missing)) as advance:
            if cfg.engine == "server":
                made = server_transcripts(
                    stage_dir, conds, prompts, model, cfg, adapter_dir, advance
                )
            else:
                generator = (make_generator or (lambda: local_generator(model, cfg, adapter_dir)))()
                made = generate_transcripts(
                    stage_dir,
                    conds,
                    prompts,
                    cfg.samples_per_condition,
                    cfg.batch_size,
                    generator,
                    advance,
                )
    judge = judge or make_judge(cfg)
    todo = len(pending_transcripts(stage_dir, judge, rescore))
    if todo:
        manifest.reopen(stage_dir)
    with _bar(f"{stage_dir.name}: judge ({judge.name})", todo) as advance:
        judged = judge_transcripts(stage_dir, judge, rescore, cfg.judge_concurrency, advance)
    summary = summarize(stage_dir, judge, arm)
    summary["expected"] = len(expected)
    if todo and not summary["overall"]["n"]:
        # Before summary.json: an earlier summary (and the scores it counts) stays as it was.
        errors = summary["unscored_errors"] or ["no error recorded"]
        raise JudgeUnavailable(
            f"judge {judge.name} scored none of the {summary['transcripts']} transcripts of "
            f"{stage_dir.name} ({errors[0][:200]}); earlier scores kept; {rescore_hint(stage_dir)}"
        )
    manifest.write_json(stage_dir / "summary.json", summary)
    try_write_inspect_log(stage_dir)  # derived like summary.json; a failure is one printed line
    have = {row["key"] for row in read_rows(stage_dir / "transcripts.jsonl")}
    if all(key in have for key in expected):
        manifest.finish(
            stage_dir,
            stage_hash,
            {
                "transcripts": summary["transcripts"],
                "generated_now": made,
                "judged_now": judged,
                "judge": judge.name,
                "unscored": summary["overall"]["unscored"],
                "seconds": round(time.time() - started, 1),
            },
            # Scores and summary are rederived on every pass; the transcripts are the product.
            ["transcripts.jsonl"],
        )
    return summary


@contextmanager
def _bar(description: str, total: int) -> Iterator[Callable[[int], None]]:
    """A rich progress bar; yields its advance function."""
    from rich.progress import Progress, TimeElapsedColumn

    with Progress(*Progress.get_default_columns(), TimeElapsedColumn()) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n: progress.advance(task, n)
