"""Agentic-misalignment eval (MSM paper §4, Fig. 4): the Lynch et al. (2025) scenarios as the
inspect-evals package ships them, generated locally with the model under test and judged by the
package's classifiers.

One eval stage per arm, everything in `RUN_DIR/<stage>/`. The modules:
    config.py       the eval's settings, name and version
    transcripts.py  the stage folder's files and their rows
    prompts.py      the package's prompts per condition, the model's name substituted
    generate.py     the missing transcripts, by the model under test
    judge.py        the judges, and the judging pass over a stage's transcripts
    summary.py      rates per scenario and overall, the floor check, the markdown report
    stage.py        `run_eval`: the stage from start to manifest
    inspect_log.py  the stage as an inspect log, `<stage>/inspect.eval`, for `inspect view`
    server.py       the server engine: transcripts from vLLM servers (eval.engine=server)
    serve.py        starting and stopping those servers (experiments/serve.py reads a preset)
    probes.py       log-prob mechanism probes (no generation)
    rescore.py      finish or re-judge the stages of a run directory

The same prompts as an inspect task, for any inspect model: experiments/inspect_task.py.

Entry points for replicate.py: `run_eval(...)` per arm, then `format_report(summaries)`.
From the command line, over a finished or interrupted run:
    python -m eval.agentic --run-dir runs/agentic-tiny            # finish + judge + report
Re-judging saved transcripts: `python replicate.py --experiments agentic --run-dir DIR --rescore`.
"""

from eval.agentic.config import EVAL_NAME, VERSION
from eval.agentic.generate import Generator, local_generator, model_generator
from eval.agentic.inspect_log import write_inspect_log
from eval.agentic.stage import condition_prompts, run_eval, stage_config
from eval.agentic.summary import (
    FLOOR_THRESHOLD,
    FLOOR_UNKNOWN,
    floor_effect,
    format_report,
    package_label,
    summarize,
)
from eval.agentic.transcripts import latest_scores, read_rows, stage_name

__all__ = [
    "EVAL_NAME",
    "FLOOR_THRESHOLD",
    "FLOOR_UNKNOWN",
    "VERSION",
    "Generator",
    "condition_prompts",
    "floor_effect",
    "format_report",
    "latest_scores",
    "local_generator",
    "model_generator",
    "package_label",
    "read_rows",
    "run_eval",
    "stage_config",
    "stage_name",
    "summarize",
    "write_inspect_log",
]
