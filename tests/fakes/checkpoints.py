"""Tiny random checkpoints shaped like the GPU presets' models, for rehearsing their code path on
CPU: the real config classes (LlamaForCausalLM with Llama 3.1's rope scaling and grouped-query
attention; Qwen3ForCausalLM with its q/k norms), two layers of width 64, saved with a tokenizer
that has the family's special tokens, so the kit's chat templates (data/chat_templates) render,
mask and stop exactly as they do on the 8B models.

    from tests.fakes.checkpoints import tiny_checkpoint
    path = tiny_checkpoint("llama3", embedded_dir, tmp_path / "llama")   # or "qwen3"

Where it matters they carry the real weights' quirks:
- Llama-3.1-8B *base*: the chat control tokens were never trained. Their embedding rows are zero
  and their lm_head rows identical (what unsloth_zoo 2026.10.7 `tokenizer_utils.py`
  `fix_untrained_tokens` detects on the real weights); the tokenizer adds `<|begin_of_text|>`
  to every text, as Llama 3.1's TemplateProcessing post-processor does.
- Qwen3: no BOS token at all (its tokenizer adds nothing in front of a text).

The tokenizer is the embedded SmolLM2's BPE (49k tokens, so the agentic scenarios stay a few
thousand tokens long) with the family's control tokens added.
"""

from __future__ import annotations

from pathlib import Path

# The control tokens each family's templates and stop lists use (stages/model.py END_OF_TURN).
SPECIAL_TOKENS = {
    "llama3": {
        "bos_token": "<|begin_of_text|>",
        "eos_token": "<|end_of_text|>",
        "additional": ["<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"],
    },
    "qwen3": {
        "bos_token": None,
        "eos_token": "<|im_end|>",
        "additional": ["<|im_start|>", "<think>", "</think>"],
    },
}
# Rows the Llama-3.1-8B base never trained (unsloth issue 915): zero in this checkpoint too.
UNTRAINED = {"llama3": SPECIAL_TOKENS["llama3"]["additional"], "qwen3": []}


def tiny_checkpoint(family: str, tokenizer_dir: Path, target: Path) -> Path:
    """Save a randomly initialised `family` model ("llama3" or "qwen3") and its tokenizer."""
    import torch
    from tokenizers import processors
    from transformers import AutoTokenizer

    tokens = SPECIAL_TOKENS[family]
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    named = {k: v for k, v in tokens.items() if k != "additional" and v is not None}
    tokenizer.add_special_tokens({**named, "additional_special_tokens": tokens["additional"]})
    if tokens["bos_token"] is None:
        tokenizer.bos_token = None
    else:
        bos = tokens["bos_token"]
        tokenizer._tokenizer.post_processor = processors.TemplateProcessing(
            single=f"{bos} $A",
            pair=f"{bos} $A {bos} $B",
            special_tokens=[(bos, tokenizer.bos_token_id)],
        )
    tokenizer.pad_token = tokenizer.eos_token
    shape = {
        "vocab_size": len(tokenizer),
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "max_position_embeddings": 32768,
        "tie_word_embeddings": False,
        "bos_token_id": tokenizer.bos_token_id,
        "eos_token_id": tokenizer.eos_token_id,
        "pad_token_id": tokenizer.pad_token_id,
    }
    torch.manual_seed(0)
    if family == "llama3":
        from transformers import LlamaConfig, LlamaForCausalLM

        rope = {
            "rope_type": "llama3",
            "rope_theta": 500000.0,
            "factor": 8.0,
            "low_freq_factor": 1.0,
            "high_freq_factor": 4.0,
            "original_max_position_embeddings": 8192,
        }
        model = LlamaForCausalLM(LlamaConfig(**shape, rope_parameters=rope))
    else:
        from transformers import Qwen3Config, Qwen3ForCausalLM

        rope = {"rope_type": "default", "rope_theta": 1000000.0}
        model = Qwen3ForCausalLM(Qwen3Config(**shape, head_dim=16, rope_parameters=rope))
    untrained = tokenizer.convert_tokens_to_ids(UNTRAINED[family])
    with torch.no_grad():
        # transformers initialises the padding row (here the EOS) to zero; a trained model's
        # EOS row is not.
        embeddings = model.get_input_embeddings().weight
        embeddings[tokenizer.pad_token_id] = 0.02 * torch.randn(embeddings.shape[1])
        if untrained:
            embeddings[untrained] = 0.0
            head = model.get_output_embeddings().weight
            head[untrained] = head[untrained[0]].clone()
    model.save_pretrained(target)
    tokenizer.save_pretrained(target)
    return target
