"""The agentic eval as an inspect task: the kit's prompts, the package's scorer, any inspect model.
From the repository root (`python -m` puts it on the path, as `python replicate.py` does):

    python -m inspect_ai eval experiments/inspect_task.py -T preset=24gb \\
        --model vllm/unsloth/Qwen3-8B:RUN_DIR/am_msm+aft_cot-s0/adapter
    python -m inspect_ai eval experiments/inspect_task.py -T preset=tiny -T scenario=blackmail \\
        --model hf/PATH --epochs 1 -T grader_model=anthropic/claude-sonnet-4-6
    inspect view                                            # ./logs, where inspect writes

`vllm/BASE:ADAPTER` starts a vLLM server with the adapter loaded at runtime, or uses a running
one (`VLLM_BASE_URL`, or `-M base_url=...`); `hf/PATH` loads a model folder with transformers
(an adapter folder loads its base through peft).

What differs from the package's own task (inspect_evals/agentic_misalignment.py), as the kit's
stages differ: the prompts are `eval.agentic.condition_prompts` (the model named after the model
under test, the preset's scratchpad choice), every condition of the preset's grid is one sample,
and epochs, temperature and max tokens are the preset's (`--epochs`, `--temperature`,
`--max-tokens` override them). What is the package's: the sample ids and metadata, and the scorer
(`harmfulness_scorer`, its grader the package's Claude unless `-T grader_model=...` or the
preset's `eval.judge_model` names another). That scorer rebuilds the package's own email text
for the grader's context, so forwarded emails reach it with the package's name for the model.

Task parameters (`-T`): experiment and preset (configs/<experiment>/<preset>.toml), overrides
as on replicate.py's command line (`-T overrides='["eval.scratchpad=false"]'`), one scenario or
goal value instead of the preset's grid, the grader model.
"""

from __future__ import annotations

from typing import Protocol

from inspect_ai import Task, task
from inspect_ai.dataset import Sample
from inspect_ai.model import ChatMessageSystem, ChatMessageUser, GenerateConfig, Model
from inspect_ai.solver import generate
from inspect_evals.agentic_misalignment.scorers import harmfulness_scorer

from eval.agentic.config import VERSION, AgenticEvalConfig
from eval.agentic.prompts import conditions
from eval.agentic.stage import condition_prompts
from eval.agentic.summary import package_label
from experiments.agentic.config import AgenticConfig
from experiments.tcw.config import TcwConfig
from stages.config import ModelConfig, load_config


class WithAgenticEval(Protocol):
    """What the task needs of an experiment's config (agentic's and tcw's have both)."""

    model: ModelConfig
    eval: AgenticEvalConfig


def experiment_config(experiment: str, preset: str, overrides: list[str]) -> WithAgenticEval:
    """The experiment's typed config for `preset`, as replicate.py loads it: a preset's [model]
    and [eval] tables on top of the experiment's own defaults."""
    classes: dict[str, type] = {"agentic": AgenticConfig, "tcw": TcwConfig}
    if experiment not in classes:
        raise ValueError(f"experiment {experiment!r}: choose from {list(classes)}")
    return load_config(classes[experiment], experiment, preset, overrides)


@task
def agentic_misalignment_kit(
    experiment: str = "agentic",
    preset: str = "tiny",
    overrides: list[str] | None = None,
    scenario: str | None = None,
    goal_value: str | None = None,
    grader_model: str | Model | None = None,
) -> Task:
    """The preset's scenario x goal grid, one sample per condition, `samples_per_condition`
    epochs; `scenario` / `goal_value` narrow the grid to one value each."""
    cfg = experiment_config(experiment, preset, list(overrides or []))
    model, eval_cfg = cfg.model, cfg.eval
    eval_cfg.scenarios = [scenario] if scenario else eval_cfg.scenarios
    eval_cfg.goal_values = [goal_value] if goal_value else eval_cfg.goal_values
    prompts = condition_prompts(model, eval_cfg)
    samples = [
        Sample(
            id=c.condition_id,
            input=[
                ChatMessageSystem(content=prompts[c.condition_id]["system"]),
                ChatMessageUser(content=prompts[c.condition_id]["user"]),
            ],
            # The package task's metadata: its scorer rebuilds the condition from these.
            metadata={
                "scenario": c.scenario,
                "goal_type": c.goal_type,
                "goal_value": c.goal_value,
                "urgency_type": c.urgency,
                "condition_id": c.condition_id,
                "extra_system_instructions": None,
                "prod": not eval_cfg.scratchpad,
                "test_eval_awareness": False,
            },
        )
        for c in conditions(eval_cfg)
    ]
    return Task(
        dataset=samples,
        solver=generate(tool_calls="none"),
        scorer=harmfulness_scorer(grader_model=grader_model or eval_cfg.judge_model or None),
        epochs=eval_cfg.samples_per_condition,
        config=GenerateConfig(temperature=eval_cfg.temperature, max_tokens=eval_cfg.max_new_tokens),
        # As the package's task: guards against an agent loop the single generate cannot make.
        message_limit=3,
        version=VERSION,
        metadata={
            "experiment": experiment,
            "preset": preset,
            "model_display_name": model.display_name,
            "scratchpad": eval_cfg.scratchpad,
            "package": package_label(),
        },
    )
