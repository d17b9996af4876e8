"""Log-probability of fixed answers: the forced-choice half of every eval in the kit.

`answer_logprobs` returns, for each (conversation, answer) pair, the summed log-probability the
model assigns to the answer as the complete assistant turn (answer text + end-of-turn token).

Why it is fast (bench/eval_speed.py measures it against the naive reference):
- Prefix reuse: pairs that share a prompt (every forced-choice item scores two answers to one
  question) are grouped; the prompt is encoded once, its KV cache is repeated per answer, and
  only the answer tokens run through the model a second time. Within a batch, the prefix all
  prompts share (chat header, system prompt, question stem) is encoded once as well.
- Answer positions only: the prompt pass projects just its last position onto the vocabulary
  (it scores the first answer token); the answer pass feeds the answer minus its last token, so
  every position it projects scores a real answer token, and the log-softmax runs over those
  positions only.
- Batching by length: prompts are sorted by length and left-padded, answers right-padded;
  explicit `position_ids` keep padded rows numerically equal to unpadded ones.
- Long prompts (a ~3k-token agentic scenario) come from a `stages.model.PromptCache` when one is
  given, so a prompt the transcripts already encoded is not encoded again for the probes.
`naive_answer_logprobs` is the plain one-sequence-at-a-time reference, kept for the equality test
and the benchmark.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import torch

from stages.model import END_OF_TURN, PromptCache


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
    prompt_cache: PromptCache | None = None,
) -> list[float]:
    """Summed answer log-probs, in input order; `batch_size` caps the pairs per forward pass and
    `progress(n)` is called with the number of pairs scored after each batch. Prompts that
    `prompt_cache` holds (or encodes: the long ones) are scored from their cached encoding."""
    pairs = encode_pairs(tokenizer, family, conversations, answers)
    by_prompt: dict[tuple[int, ...], list[int]] = {}
    for index, (prompt_ids, _) in enumerate(pairs):
        by_prompt.setdefault(tuple(prompt_ids), []).append(index)
    scores = [0.0] * len(pairs)
    model.eval()
    for prompt in list(by_prompt):
        cached = prompt_cache.prefix(prompt) if prompt_cache is not None else None
        if cached is None:
            continue
        members = by_prompt.pop(prompt)
        for start in range(0, len(members), batch_size):
            chunk = members[start : start + batch_size]
            past = cached if start + batch_size >= len(members) else copy.deepcopy(cached)
            _score_after_prefix(model, tokenizer.pad_token_id, past, prompt, chunk, pairs, scores)
            if progress is not None:
                progress(len(chunk))
    prompts = sorted(by_prompt, key=len)
    # Unsloth replaces the attention forward with its own KV-cache handling; until a GPU run
    # shows prefix reuse exact there (bench/random_8b.py), its models take the cache-free path.
    reuse = getattr(model, "msm_kit_loader", "") != "unsloth"
    score_batch = _score_prompt_batch if reuse else _score_full_batch
    batch: list[tuple[int, ...]] = []
    for position, prompt in enumerate(prompts):
        batch.append(prompt)
        queued = sum(len(by_prompt[p]) for p in batch)
        following = prompts[position + 1] if position + 1 < len(prompts) else None
        if following is None or queued + len(by_prompt[following]) > batch_size:
            members = [by_prompt[p] for p in batch]
            score_batch(model, tokenizer.pad_token_id, batch, members, pairs, scores)
            if progress is not None:
                progress(queued)
            batch = []
    return scores


def _score_prompt_batch(
    model: Any,
    pad_id: int,
    prompts: list[tuple[int, ...]],
    members: list[list[int]],
    pairs: list[tuple[list[int], list[int]]],
    scores: list[float],
) -> None:
    """Score every pair whose prompt is in `prompts` (members[i] lists prompt i's pairs).

    Three passes share one KV cache: the batch's common prefix (chat header and system prompt,
    often the question stem too) once; each prompt's remainder, left-padded after that prefix
    (masked pads in the middle change nothing); then every answer, its prompt's cache row
    repeated once per answer. Position ids count real tokens only, so each row sees exactly
    the positions an unpadded single sequence would.
    """
    from transformers import DynamicCache

    device = model.device
    cache = DynamicCache()
    # Leave every prompt at least one token of its own: its last logits score the answer's first.
    common = _common_prefix_length(prompts, limit=min(len(p) for p in prompts) - 1)
    if common:
        model(
            input_ids=torch.tensor([prompts[0][:common]], device=device),
            past_key_values=cache,
            use_cache=True,
            logits_to_keep=1,
        )
        cache.batch_select_indices(torch.zeros(len(prompts), dtype=torch.long, device=device))
    width = max(len(p) for p in prompts) - common
    rest_ids = torch.full((len(prompts), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(prompts), common + width), dtype=torch.long)
    mask[:, :common] = 1
    for row, prompt in enumerate(prompts):
        start = width - (len(prompt) - common)  # left padding inside the remainder block
        rest_ids[row, start:] = torch.tensor(prompt[common:])
        mask[row, common + start :] = 1
    positions = (mask.cumsum(-1) - 1).clamp(min=0)[:, common:]
    last_logits = model(
        input_ids=rest_ids.to(device),
        attention_mask=mask.to(device),
        position_ids=positions.to(device),
        past_key_values=cache,
        use_cache=True,
        logits_to_keep=1,
    ).logits[:, -1]
    # log_softmax, not logit - logsumexp: the same fp32 arithmetic as the reference, whose
    # log_softmax differs from exact by ~1e-5 nats per token on CPU (float64 check).
    first_log_probs = torch.log_softmax(last_logits.float(), dim=-1)

    # One row per pair: the prompt's cache row, and the answer's first token scored from it.
    source_rows = [row for row, indices in enumerate(members) for _ in indices]
    pair_indices = [index for indices in members for index in indices]
    answers = [pairs[index][1] for index in pair_indices]
    first_ids = torch.tensor([a[0] for a in answers], device=device)
    rows = torch.tensor(source_rows, device=device)
    totals = first_log_probs[rows, first_ids].double().cpu()

    # The answer pass feeds tokens 0..n-2; their logits score tokens 1..n-1.
    tail_width = max(len(a) for a in answers) - 1
    if tail_width > 0:
        tail_ids = torch.full((len(answers), tail_width), pad_id, dtype=torch.long)
        targets = torch.full((len(answers), tail_width), pad_id, dtype=torch.long)
        tail_mask = torch.zeros((len(answers), tail_width), dtype=torch.long)
        for row, answer in enumerate(answers):
            tail_ids[row, : len(answer) - 1] = torch.tensor(answer[:-1])
            targets[row, : len(answer) - 1] = torch.tensor(answer[1:])
            tail_mask[row, : len(answer) - 1] = 1
        row_index = torch.tensor(source_rows)
        prompt_lengths = mask[row_index].sum(-1, keepdim=True)
        cache.batch_select_indices(rows)  # repeats a prompt's keys/values once per answer
        logits = model(
            input_ids=tail_ids.to(device),
            attention_mask=torch.cat([mask[row_index], tail_mask], dim=-1).to(device),
            position_ids=(prompt_lengths + torch.arange(tail_width)).to(device),
            past_key_values=cache,
            use_cache=False,
        ).logits
        log_probs = torch.log_softmax(logits.float(), dim=-1)
        picked = log_probs.gather(-1, targets.to(device).unsqueeze(-1)).squeeze(-1)
        token_scores = picked * tail_mask.to(device)
        totals += token_scores.sum(-1).double().cpu()
    for index, total in zip(pair_indices, totals.tolist(), strict=True):
        scores[index] = total


def _score_after_prefix(
    model: Any,
    pad_id: int,
    past: Any,
    prompt: tuple[int, ...],
    indices: list[int],
    pairs: list[tuple[list[int], list[int]]],
    scores: list[float],
) -> None:
    """Score the pairs `indices` of one prompt from `past`, the KV cache of all its tokens but
    the last (PromptCache.prefix; consumed). One pass per batch: each row feeds the prompt's last
    token then its answer minus the answer's last token, and scores every answer token."""
    device = model.device
    answers = [pairs[index][1] for index in indices]
    width = max(len(a) for a in answers)
    input_ids = torch.full((len(answers), width), pad_id, dtype=torch.long)
    targets = torch.full((len(answers), width), pad_id, dtype=torch.long)
    tail_mask = torch.zeros((len(answers), width), dtype=torch.long)
    for row, answer in enumerate(answers):
        input_ids[row, : len(answer)] = torch.tensor([prompt[-1], *answer[:-1]])
        targets[row, : len(answer)] = torch.tensor(answer)
        tail_mask[row, : len(answer)] = 1
    past.batch_repeat_interleave(len(answers))
    cached = len(prompt) - 1
    attention = torch.cat([torch.ones((len(answers), cached), dtype=torch.long), tail_mask], -1)
    logits = model(
        input_ids=input_ids.to(device),
        attention_mask=attention.to(device),
        position_ids=(cached + torch.arange(width)).expand(len(answers), -1).to(device),
        past_key_values=past,
        use_cache=False,
    ).logits
    log_probs = torch.log_softmax(logits.float(), dim=-1)
    picked = log_probs.gather(-1, targets.to(device).unsqueeze(-1)).squeeze(-1)
    totals = (picked * tail_mask.to(device)).sum(-1).double().cpu()
    for index, total in zip(indices, totals.tolist(), strict=True):
        scores[index] = total


def _common_prefix_length(prompts: list[tuple[int, ...]], limit: int) -> int:
    first = prompts[0]
    length = 0
    while length < limit and all(p[length] == first[length] for p in prompts):
        length += 1
    return length


def _score_full_batch(
    model: Any,
    pad_id: int,
    prompts: list[tuple[int, ...]],
    members: list[list[int]],
    pairs: list[tuple[list[int], list[int]]],
    scores: list[float],
) -> None:
    """Same contract as `_score_prompt_batch` without a cache: one left-padded row per pair, the
    vocabulary projection kept for the answer window only (`logits_to_keep`)."""
    indices = [index for group in members for index in group]
    sequences = [pairs[i][0] + pairs[i][1] for i in indices]
    answer_lengths = [len(pairs[i][1]) for i in indices]
    width = max(len(s) for s in sequences)
    input_ids = torch.full((len(indices), width), pad_id, dtype=torch.long)
    attention = torch.zeros((len(indices), width), dtype=torch.long)
    for row, sequence in enumerate(sequences):
        input_ids[row, width - len(sequence) :] = torch.tensor(sequence)
        attention[row, width - len(sequence) :] = 1
    keep = max(answer_lengths) + 1  # logits at position p predict token p + 1
    device = model.device
    logits = model(
        input_ids=input_ids.to(device),
        attention_mask=attention.to(device),
        position_ids=((attention.cumsum(-1) - 1).clamp(min=0)).to(device),
        logits_to_keep=keep,
    ).logits
    log_probs = torch.log_softmax(logits[:, :-1].float(), dim=-1)
    targets = input_ids[:, width - keep + 1 :].to(device)
    token_scores = log_probs.gather(-1, targets.unsqueeze(-1)).squeeze(-1).cpu()
    for row, (index, length) in enumerate(zip(indices, answer_lengths, strict=True)):
        scores[index] = token_scores[row, keep - 1 - length :].sum().item()


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
