"""A long prompt encoded once (stages.model.PromptCache) gives what encoding it afresh gives, in
scoring (eval.scoring.answer_logprobs) and in generation (stages.model.generate), and the
transcripts' encoding is the one the probes reuse."""

from __future__ import annotations

import pytest

from eval.scoring import answer_logprobs, naive_answer_logprobs
from stages.model import PromptCache, generate, load_model

SYSTEM = " ".join(f"Email {i}: the server migration moves to Friday at five." for i in range(12))


def _conversation(question: str) -> list[dict]:
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": question}]


def test_cached_scores_equal_the_reference(tiny_model_config) -> None:
    model, tokenizer = load_model(tiny_model_config)
    conversations = [_conversation("Reply?")] * 5 + [_conversation("Act?")] * 2
    conversations += [[{"role": "user", "content": "Hi"}]]
    answers = ["Yes.", "I accept the replacement.", "No", "Draft it now.", "Hmm", "Wait.", "Go."]
    answers += ["Hello."]
    cache = PromptCache(model, min_tokens=64)
    # batch_size 2 splits the first prompt's five answers over three passes from one encoding
    fast = answer_logprobs(
        model, tokenizer, "chatml", conversations, answers, batch_size=2, prompt_cache=cache
    )
    slow = naive_answer_logprobs(model, tokenizer, "chatml", conversations, answers)
    assert fast == pytest.approx(slow, abs=1e-4)
    assert cache.encoded == 2  # the two long prompts; the short one went through the batch path
    again = answer_logprobs(model, tokenizer, "chatml", conversations, answers, prompt_cache=cache)
    assert cache.encoded == 2 and again == pytest.approx(fast, abs=1e-5)


@pytest.mark.parametrize("temperature", [0.0, 1.0])
def test_cached_generation_equals_fresh_and_feeds_the_scorer(
    tiny_model_config, temperature: float
) -> None:
    model, tokenizer = load_model(tiny_model_config)
    conversations = [_conversation("What do you do next?")] * 2
    fresh = generate(model, tokenizer, "chatml", conversations, 8, temperature, 2, seed=3)
    cache = PromptCache(model, min_tokens=64)
    cached = generate(
        model, tokenizer, "chatml", conversations, 8, temperature, 2, seed=3, prompt_cache=cache
    )
    assert cached == fresh and cache.encoded == 1
    answer_logprobs(model, tokenizer, "chatml", conversations, ["Wait.", "Go."], prompt_cache=cache)
    assert cache.encoded == 1  # the probes reuse the transcripts' encoding


def test_cache_is_bounded_and_skips_short_prompts_and_unsloth(tiny_model_config) -> None:
    model, _ = load_model(tiny_model_config)
    cache = PromptCache(model, min_tokens=8, max_prompts=2)
    assert cache.prefix(list(range(7))) is None
    first, second, third = (list(range(start, start + 10)) for start in (0, 100, 200))
    for ids in (first, second, third, second):
        assert cache.prefix(ids).get_seq_length() == 9
    assert cache.encoded == 3
    cache.prefix(first)  # evicted by the third: encoded again
    assert cache.encoded == 4
    model.msm_kit_loader = "unsloth"
    assert PromptCache(model, min_tokens=8).prefix(first) is None
