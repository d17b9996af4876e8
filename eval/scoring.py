"""Log-probability of fixed answers: the forced-choice half of every eval in the kit.

`answer_logprobs` returns, for each (conversation, answer) pair, the summed log-probability the
model assigns to the answer as the complete assistant turn (answer text + end-of-turn token).

Why it is fast: sequences are batched by length with left padding, so every answer ends at the
last position and `logits_to_keep` computes the vocabulary projection only for the answer window
instead of the whole sequence (the projection dominates a small model's cost). Explicit
`position_ids` keep left-padded rows numerically equal to unpadded ones.
`naive_answer_logprobs` is the plain one-sequence-at-a-time reference, kept for the equality test
and the benchmark (bench/eval_speed.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from stages.model import END_OF_TURN


def encode_pairs(
    tokenizer: Any, family: str, conversations: list[list[dict]], answers: list[str]
) -> list[tuple[list[int], list[int]]]:
    """(prompt ids, answer ids) per pair; tokenized apart so the boundary never merges tokens."""
    encoded = []
    for conversation, answer in zip(conversations, answers, strict=True):
        prompt = tokenizer.apply_chat_template(
            conversation, tokenize=False, add_generation_prompt=True
        )
        prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
        answer_ids = tokenizer(answer + END_OF_TURN[family], add_special_tokens=False)["input_ids"]
        encoded.append((prompt_ids, answer_ids))
    return encoded


@torch.no_grad()
def answer_logprobs(
    model: Any,
    tokenizer: Any,
    family: str,
    conversations: list[list[dict]],
    answers: list[str],
    batch_size: int = 16,
    progress: Callable[[int], None] | None = None,
) -> list[float]:
    pairs = encode_pairs(tokenizer, family, conversations, answers)
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
    scores = [0.0] * len(pairs)
    pad_id = tokenizer.pad_token_id
    device = model.device
    model.eval()
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        sequences = [pairs[i][0] + pairs[i][1] for i in batch]
        answer_lengths = [len(pairs[i][1]) for i in batch]
        width = max(len(s) for s in sequences)
        input_ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
        attention = torch.zeros((len(batch), width), dtype=torch.long)
        for row, sequence in enumerate(sequences):
            input_ids[row, width - len(sequence) :] = torch.tensor(sequence)
            attention[row, width - len(sequence) :] = 1
        positions = (attention.cumsum(-1) - 1).clamp(min=0)
        keep = max(answer_lengths) + 1  # logits at position p predict token p + 1
        logits = model(
            input_ids=input_ids.to(device),
            attention_mask=attention.to(device),
            position_ids=positions.to(device),
            logits_to_keep=keep,
        ).logits.float()
        log_probs = torch.log_softmax(logits[:, :-1], dim=-1)
        targets = input_ids[:, width - keep + 1 :].to(device)
        token_scores = log_probs.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
        for row, (index, length) in enumerate(zip(batch, answer_lengths, strict=True)):
            scores[index] = token_scores[row, keep - 1 - length :].sum().item()
        if progress is not None:
            progress(len(batch))
    return scores


@torch.no_grad()
def naive_answer_logprobs(
    model: Any,
    tokenizer: Any,
    family: str,
    conversations: list[list[dict]],
    answers: list[str],
) -> list[float]:
    """Reference: one unpadded full forward per pair, full-vocabulary log-softmax everywhere."""
    model.eval()
    scores = []
    for prompt_ids, answer_ids in encode_pairs(tokenizer, family, conversations, answers):
        ids = torch.tensor([prompt_ids + answer_ids], device=model.device)
        log_probs = torch.log_softmax(model(input_ids=ids).logits.float(), dim=-1)
        targets = ids[0, len(prompt_ids) :]
        picked = log_probs[0, len(prompt_ids) - 1 : -1].gather(-1, targets.unsqueeze(-1))
        scores.append(picked.sum().item())
    return scores
