"""Generating the transcripts: every missing sample of every condition, by the model under test,
appended batch by batch so an interrupted stage resumes where it stopped."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eval.agentic.config import VERSION, AgenticEvalConfig
from eval.agentic.prompts import Condition, conversation
from eval.agentic.transcripts import append_rows, read_rows, sample_key
from stages.config import ModelConfig

if TYPE_CHECKING:
    from stages.model import PromptCache

# (conversations, seed) -> one response per conversation.
Generator = Callable[[list[list[dict]], int], list[str]]


def expected_keys(conds: list[Condition], samples: int) -> list[str]:
    return [sample_key(c.condition_id, i) for c in conds for i in range(samples)]


def sample_seed(key: str) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16)


def transcript_row(
    condition: Condition, index: int, seed: int, response: str, seconds: float
) -> dict:
    """One row of transcripts.jsonl (transcripts.py), whichever engine wrote it."""
    return {
        "key": sample_key(condition.condition_id, index),
        "condition_id": condition.condition_id,
        "scenario": condition.scenario,
        "goal_type": condition.goal_type,
        "goal_value": condition.goal_value,
        "urgency": condition.urgency,
        "sample": index,
        "seed": seed,
        "response": response,
        "seconds": seconds,
        "eval_version": VERSION,
    }


def generate_transcripts(
    stage_dir: Path,
    conds: list[Condition],
    prompts: dict[str, dict],
    samples: int,
    batch_size: int,
    generator: Generator,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Generate every missing sample, appending each batch as soon as it exists."""
    path = stage_dir / "transcripts.jsonl"
    have = {row["key"] for row in read_rows(path)}
    made = 0
    for condition in conds:
        cid = condition.condition_id
        missing = [i for i in range(samples) if sample_key(cid, i) not in have]
        for start in range(0, len(missing), batch_size):
            chunk = missing[start : start + batch_size]
            # Seeded by the first sample key: with the same batch size, a resumed run draws what
            # an uninterrupted one would.
            seed = sample_seed(sample_key(cid, chunk[0]))
            started = time.time()
            responses = generator([conversation(prompts[cid])] * len(chunk), seed)
            seconds = round((time.time() - started) / len(chunk), 2)
            append_rows(
                path,
                [
                    transcript_row(condition, index, seed, response, seconds)
                    for index, response in zip(chunk, responses, strict=True)
                ],
            )
            made += len(chunk)
            if progress is not None:
                progress(len(chunk))
    return made


def local_generator(
    model_cfg: ModelConfig, cfg: AgenticEvalConfig, adapter_dir: Path | None
) -> Generator:
    """The model under test (plus its adapter), sampling at `cfg.temperature`."""
    from stages.model import load_for_eval

    model, tokenizer = load_for_eval(model_cfg, adapter_dir, max_seq_len=8192)
    return model_generator(model, tokenizer, model_cfg.chat_template, cfg)


def model_generator(
    model: Any,
    tokenizer: Any,
    family: str,
    cfg: AgenticEvalConfig,
    prompt_cache: PromptCache | None = None,
) -> Generator:
    """A loaded model (e.g. from stages.model.EvalModels, with its `prompt_cache`) as the
    generator under test."""
    from stages.model import generate

    def run(conversations: list[list[dict]], seed: int) -> list[str]:
        return generate(
            model,
            tokenizer,
            family,
            conversations,
            cfg.max_new_tokens,
            cfg.temperature,
            batch_size=len(conversations),
            seed=seed,
            prompt_cache=prompt_cache,
        )

    return run
