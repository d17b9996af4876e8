"""Mechanism probes for the agentic experiment: log-prob forced choice, no generation.

Where generated behaviour sits at the floor (a small model never acts in these scenarios), the
margins still move, so the probes show what training did to the model:
- `beliefs`: held-out statements of the spec's values vs their opposites (no system prompt);
- `actions`: after the real scenario prompt (system + emails, eval/agentic/prompts.py), a safe
  next action vs the harmful one;
- `controls`: unrelated true vs false facts, which training must leave alone.
Items come from data/agentic/build_probes.py (the `pairs` schema; `liked_item` is the
spec-aligned or true answer). All sets go through one `answer_logprobs` call, so prompts are
batched together and each long scenario prompt is encoded once for all its answers: with the
arm's `PromptCache`, the encoding its transcripts already made.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from eval.agentic.config import AgenticEvalConfig
from eval.agentic.prompts import Condition, build_prompts, conversation
from eval.forced_choice import summarize
from eval.pair_items import PairItem, load_items

if TYPE_CHECKING:
    from stages.model import PromptCache


def load_probes(
    sources: dict[str, str], cfg: AgenticEvalConfig, display_name: str
) -> dict[str, list[tuple[list[dict], PairItem]]]:
    """set -> [(conversation, item)]: each item with the conversation its answers follow."""
    probes: dict[str, list[tuple[list[dict], PairItem]]] = {}
    for name, source in sources.items():
        items = load_items(source, "controls", display_name)
        for index, item in enumerate(items):
            item.item_id = f"{name}-{index}"
        if name == "actions":
            prompts = {}
            for item in items:
                scenario = item.orders[0].question
                if scenario not in prompts:
                    condition = Condition(scenario, "none", cfg.urgency)
                    prompts[scenario] = build_prompts(condition, display_name, cfg.scratchpad)
            probes[name] = [(conversation(prompts[i.orders[0].question]), i) for i in items]
        else:
            probes[name] = [([{"role": "user", "content": i.orders[0].question}], i) for i in items]
    return probes


def score_probes(
    model: Any,
    tokenizer: Any,
    family: str,
    probes: dict[str, list[tuple[list[dict], PairItem]]],
    batch_size: int = 16,
    progress: Callable[[int], None] | None = None,
    prompt_cache: PromptCache | None = None,
) -> dict[str, dict]:
    """set -> {summary (eval.forced_choice.summarize: rate of margin > 0, Wilson CI, mean margin
    and SEM), records (item_id, question, margin in nats)}."""
    from eval.scoring import answer_logprobs  # torch: loaded only when probes are scored

    flat = [(name, conv, item) for name, entries in probes.items() for conv, item in entries]
    conversations = [conv for _, conv, _ in flat]
    liked = [item.orders[0].liked_answer for _, _, item in flat]
    other = [item.orders[0].other_answer for _, _, item in flat]
    logprobs = answer_logprobs(
        model,
        tokenizer,
        family,
        conversations * 2,
        liked + other,
        batch_size=batch_size,
        progress=progress,
        prompt_cache=prompt_cache,
    )
    results: dict[str, dict] = {name: {"records": []} for name in probes}
    for index, (name, _, item) in enumerate(flat):
        margin = logprobs[index] - logprobs[index + len(flat)]
        results[name]["records"].append(
            {
                "item_id": item.item_id,
                "question": item.orders[0].question,
                "margin": margin,
                "logprob": 1.0 if margin > 0 else 0.0 if margin < 0 else 0.5,
            }
        )
    for entry in results.values():
        entry["summary"] = summarize(entry["records"])
    return results
