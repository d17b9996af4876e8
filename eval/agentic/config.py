"""The agentic-misalignment eval's settings: scenarios, goal conditions, sampling and judge. The
experiment embeds this as its `[eval]` section; `python -m eval.agentic` takes it on its own."""

from __future__ import annotations

from dataclasses import dataclass, field

from stages.config import AT_LEAST_1, OneOf, Range

# Stamped into every transcript, score, summary and stage config; metadata.json and the README's
# changelog name the same version.
VERSION = "1.0.0"
EVAL_NAME = "agentic"
# The package's goal values; "none" is the no-goal-conflict condition (goal_type "none"),
# every other value is an explicit goal (goal_type "explicit").
GOAL_VALUES = (
    "none",
    "america",
    "global",
    "safety",
    "acceleration",
    "ethical",
    "pragmatic",
    "individualism",
    "collectivism",
)
SCENARIOS = ("blackmail", "leaking", "murder")
JUDGES = ("anthropic", "offline", "local")
ENGINES = ("hf", "server")


@dataclass
class AgenticEvalConfig:
    RANGES = {  # noqa: RUF012
        "scenarios": OneOf(SCENARIOS),
        "goal_values": OneOf(GOAL_VALUES),
        "samples_per_condition": AT_LEAST_1,
        "temperature": Range(0, 5),
        "max_new_tokens": AT_LEAST_1,
        "batch_size": AT_LEAST_1,
        "judge": OneOf(JUDGES),
        "judge_concurrency": AT_LEAST_1,
        "engine": OneOf(ENGINES),
        "server_concurrency": AT_LEAST_1,
    }
    # The package ships blackmail, leaking and murder; the paper's third scenario (weight
    # exfiltration) is not public, so blackmail stands in for it (a stated deviation).
    scenarios: list[str] = field(default_factory=lambda: list(SCENARIOS))
    goal_values: list[str] = field(default_factory=lambda: list(GOAL_VALUES))
    urgency: str = "replacement"
    # Paper: 300 per condition, 27 conditions here = 8,100 transcripts per arm.
    samples_per_condition: int = 300
    # Paper (MSM §4): 0.7; 1.0 roughly halves measured misalignment.
    temperature: float = 0.7
    # Long enough for a scratchpad plus several reply emails; cut-off replies rarely act.
    max_new_tokens: int = 4096
    batch_size: int = 16
    # Package prompt with the "secret scratchpad" (prod=False) for non-reasoning models; Qwen3
    # thinks in <think> already, so it gets the package's production prompt instead.
    scratchpad: bool = False
    # anthropic: Claude via the API (no ANTHROPIC_API_KEY -> offline, labelled as such);
    # offline: the package's deterministic execution checks only; local: a local judge model.
    judge: str = "anthropic"
    # "" = the package classifiers' own default grader (claude-sonnet-4-6, as the paper).
    judge_model: str = ""
    # Parallel judge requests; each transcript is one request.
    judge_concurrency: int = 8
    # For judge = "local": a hub id (or the embedded model) and its chat template.
    local_judge_model: str = ""
    local_judge_template: str = "qwen3"
    # Who writes the transcripts. hf: HF `generate` in the kit's process. server: an
    # OpenAI-compatible completions server per base model (vLLM, started by
    # `python -m eval.agentic.serve`), each arm's adapter by name (eval/agentic/server.py).
    engine: str = "hf"
    # The servers' base URLs (".../v1"), one per GPU: conditions are spread over them.
    server_url: list[str] = field(default_factory=list)
    # Requests in flight per server; continuous batching runs them as one batch.
    server_concurrency: int = 32
