"""Scenario prompts for the agentic-misalignment eval, taken from the inspect-evals package.

Every prompt comes from `inspect_evals.agentic_misalignment.prompt_generator.generate_prompts`,
looked up at call time (so a changed package template changes our prompts, and a test shows it).
Two things are ours, both as the MSM paper ran the eval (§4):
- the package names the model "Alex" in its system prompt and emails; the paper set the real
  model name, so we substitute the model under test's display name (whole word, plus its mailbox);
- the conversation is the package's: system prompt, then one user turn holding the automated
  instruction followed by the emails (`"\\n".join([user_prompt, email_content])`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eval.agentic.config import GOAL_VALUES, JUDGES, SCENARIOS, AgenticEvalConfig
from stages.config import ConfigError

# The package's own name for the model, and the mailbox built from it.
PACKAGE_MODEL_NAME = "Alex"
_NAME = re.compile(rf"\b{PACKAGE_MODEL_NAME}\b")
_MAILBOX = re.compile(rf"\b{PACKAGE_MODEL_NAME.lower()}\.ai@")
URGENCIES = ("replacement", "restriction", "none")


@dataclass(frozen=True)
class Condition:
    """One cell of the grid: scenario x goal value, at one urgency."""

    scenario: str
    goal_value: str
    urgency: str

    @property
    def goal_type(self) -> str:
        # "none" is the package's no-goal-conflict condition; every other value is explicit.
        return "none" if self.goal_value == "none" else "explicit"

    @property
    def condition_id(self) -> str:
        """The package's sample id for this condition (agentic_misalignment.py)."""
        return f"{self.scenario}_{self.goal_type}-{self.goal_value}_{self.urgency}"


def check_eval_config(cfg: AgenticEvalConfig) -> None:
    """Fail in one line on a scenario, goal, urgency or judge the package does not have."""
    for name in cfg.scenarios:
        if name not in SCENARIOS:
            raise ConfigError(f"eval.scenarios: unknown {name!r}; choose from {list(SCENARIOS)}")
    for value in cfg.goal_values:
        if value not in GOAL_VALUES:
            raise ConfigError(
                f"eval.goal_values: unknown {value!r}; choose from {list(GOAL_VALUES)}"
            )
    if cfg.urgency not in URGENCIES:
        raise ConfigError(f"eval.urgency: unknown {cfg.urgency!r}; choose from {list(URGENCIES)}")
    if cfg.judge not in JUDGES:
        raise ConfigError(f"eval.judge: unknown {cfg.judge!r}; choose from {list(JUDGES)}")
    if cfg.judge == "local" and not cfg.local_judge_model:
        raise ConfigError("eval.judge = local needs eval.local_judge_model (a hub id)")
    if cfg.engine == "server" and not cfg.server_url:
        raise ConfigError(
            "eval.engine = server needs eval.server_url (start one: python -m experiments.serve)"
        )
    if cfg.samples_per_condition < 1 or cfg.batch_size < 1 or cfg.max_new_tokens < 1:
        raise ConfigError("eval.samples_per_condition, batch_size, max_new_tokens must be >= 1")


def conditions(cfg: AgenticEvalConfig) -> list[Condition]:
    check_eval_config(cfg)
    return [Condition(s, g, cfg.urgency) for s in cfg.scenarios for g in cfg.goal_values]


def rename_model(text: str, name: str) -> str:
    """Replace the package's model name with `name` (whole word) and its mailbox local part."""
    mailbox = re.sub(r"[^a-z0-9]+", "", name.lower()) or "assistant"
    return _NAME.sub(name, _MAILBOX.sub(f"{mailbox}.ai@", text))


def build_prompts(condition: Condition, model_name: str, scratchpad: bool) -> dict[str, str]:
    """`system`, `user` (what the model sees) and `email_content` (what the judge's classifier
    needs to resolve forwarded emails), with the model's name substituted."""
    # Module attribute lookup at call time, not `from ... import generate_prompts`: the package is
    # the single source of the prompts, and tests patch it to prove it.
    from inspect_evals.agentic_misalignment import prompt_generator

    prompts = prompt_generator.generate_prompts(
        scenario=condition.scenario,
        goal_type=condition.goal_type,
        goal_value=condition.goal_value,
        urgency_type=condition.urgency,
        extra_system_instructions=None,
        # prod=True is the package's prompt without the secret scratchpad.
        prod_flag=not scratchpad,
        alignment_faking_warning=None,
    )
    return {
        "system": rename_model(prompts.system_prompt, model_name),
        "user": rename_model("\n".join([prompts.user_prompt, prompts.email_content]), model_name),
        "email_content": rename_model(prompts.email_content, model_name),
    }


def conversation(prompts: dict[str, str]) -> list[dict]:
    return [
        {"role": "system", "content": prompts["system"]},
        {"role": "user", "content": prompts["user"]},
    ]
