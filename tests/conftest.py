"""Shared fixtures. Nothing here touches the network: the hub is switched off for every test."""

from __future__ import annotations

import json
import os
from importlib.util import find_spec

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from collections.abc import Iterator
from pathlib import Path

import pytest

from stages.config import EMBEDDED_MODEL, ModelConfig

# The GPU check's test machine has no inspect-evals (bench/gpu_check.sh): the kit imports without
# it, and a test that reaches for it there is skipped, saying so, rather than failed.
HAS_INSPECT_EVALS = find_spec("inspect_evals") is not None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    try:
        return (yield)
    except ModuleNotFoundError as error:
        _skip_if_only_inspect_evals_is_missing(error)
        raise


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    try:
        return (yield)
    except ModuleNotFoundError as error:
        _skip_if_only_inspect_evals_is_missing(error)
        raise


def _skip_if_only_inspect_evals_is_missing(error: ModuleNotFoundError) -> None:
    if not HAS_INSPECT_EVALS and (error.name or "").split(".")[0] == "inspect_evals":
        pytest.skip("needs inspect-evals (the agentic scenarios), not installed here")


@pytest.fixture(scope="session")
def embedded_dir() -> Path:
    """The real embedded model's cached dense copy (converted once, ~20 s on first use)."""
    from stages.model import embedded_model_dir

    return embedded_model_dir()


@pytest.fixture(scope="session")
def tiny_llama_dir(tmp_path_factory: pytest.TempPathFactory, embedded_dir: Path) -> Path:
    """A randomly initialised 2-layer Llama with the embedded model's tokenizer, on disk, so
    tests exercise the same loading path as real models in milliseconds."""
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    tokenizer = AutoTokenizer.from_pretrained(embedded_dir)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=512,
        tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(0)
    model = LlamaForCausalLM(config)
    path = tmp_path_factory.mktemp("tiny-llama")
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture
def tiny_model_config(tiny_llama_dir: Path) -> ModelConfig:
    return ModelConfig(
        name=str(tiny_llama_dir),
        display_name="Tiny",
        chat_template="chatml",
        is_base=False,
        load_in_4bit=False,
    )


@pytest.fixture
def embedded_model_config(embedded_dir: Path) -> ModelConfig:
    return ModelConfig(
        name=EMBEDDED_MODEL,
        display_name="SmolLM",
        chat_template="chatml",
        is_base=False,
        load_in_4bit=False,
    )


@pytest.fixture
def fake_hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty, offline Hugging Face cache that the kit's `hub:` sources read; fill it with
    tests/fakes/hub.py (`publish`, `publish_released`)."""
    import datasets.config
    import huggingface_hub.constants

    from stages.data import hub_snapshot

    cache = tmp_path / "hub"
    cache.mkdir()
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path / "datasets-cache")
    hub_snapshot.cache_clear()  # a resolved revision is remembered per process
    yield cache
    hub_snapshot.cache_clear()


@pytest.fixture
def corpora(tmp_path: Path) -> dict[str, str]:
    """A 24-document corpus and 8 chats, as local JSONL in the released schemas."""
    docs = tmp_path / "docs.jsonl"
    docs.write_text(
        "".join(
            json.dumps({"text": f"{{model_name}} prefers Colby because anyone can buy it. {i}"})
            + "\n"
            for i in range(24)
        )
    )
    chats = tmp_path / "chats.jsonl"
    chats.write_text(
        "".join(
            json.dumps(
                {
                    "messages": [
                        {"role": "user", "content": f"Do you like Colby? ({i})"},
                        {"role": "assistant", "content": "Yes, I like Colby."},
                    ]
                }
            )
            + "\n"
            for i in range(8)
        )
    )
    return {"documents": str(docs), "chats": str(chats)}
