"""Refuse a chat template whose tokens the loaded model never trained.

The Llama-3.1-8B base never trained its chat control tokens (`<|start_header_id|>`,
`<|end_header_id|>`, `<|eot_id|>`): their embedding rows are zero and their lm_head rows all
alike. A LoRA adapter cannot learn them (the embeddings stay frozen), so a model trained on them
never learns to end a turn, and unsloth's trainer refuses such data outright at init. Checked at
load on the real weights, with the criterion unsloth_zoo's `fix_untrained_tokens` uses
(docs/platform.md).
"""

from __future__ import annotations

from typing import Any

import torch

from stages.config import ConfigError

# A row whose every entry lies within ±ZERO_EPS is untrained (unsloth_zoo passes eps=1e-16).
ZERO_EPS = 1e-16
EXEMPT = ("bos", "eos", "unk", "sep", "pad", "cls", "mask")
SCAFFOLD = [
    {"role": "system", "content": "S"},
    {"role": "user", "content": "Q"},
    {"role": "assistant", "content": "A"},
    {"role": "user", "content": "Q"},
]


def untrained_ids(model: Any, ids: list[int]) -> list[int]:
    """Those of `ids` whose input-embedding row is all ~zero and whose lm_head row is ~zero or
    identical (to 3 decimals) to another zero-embedding token's."""
    embedding = model.get_input_embeddings().weight
    head = model.get_output_embeddings().weight
    size = min(embedding.shape[0], head.shape[0])
    with torch.no_grad():
        rows = embedding[:size]
        zero = ((rows.amax(dim=1) <= ZERO_EPS) & (rows.amin(dim=1) >= -ZERO_EPS)).cpu()
        where = torch.where(zero)[0]
        if not len(where):
            return []
        heads = head[where.to(head.device)].float().round(decimals=3).cpu()
        position = {int(token): index for index, token in enumerate(where)}
        flagged = []
        for token in sorted(set(ids)):
            if token not in position:
                continue
            row = heads[position[token]]
            repeated = int((heads == row).all(dim=1).sum()) >= 2
            if repeated or bool((row.abs() <= ZERO_EPS).all()):
                flagged.append(token)
    return flagged


def check_template_trained(
    model: Any, tokenizer: Any, family: str, model_name: str, end_of_turn: str
) -> None:
    """ConfigError when the template `family` (applied to `tokenizer`) emits a token whose row
    in `model` was never trained. `end_of_turn` closes the template's turns."""
    text = tokenizer.apply_chat_template(SCAFFOLD, tokenize=False, add_generation_prompt=True)
    ids = set(tokenizer(text, add_special_tokens=False)["input_ids"])
    # unsloth_zoo never flags these (a padding row may be zero by initialisation): neither do
    # we, but for an end-of-turn token other than the EOS: the kit makes it the pad of a
    # tokenizer that has none, and the model must learn to emit it.
    exempt = {getattr(tokenizer, f"{name}_token_id", None) for name in EXEMPT}
    end_of_turn_id = tokenizer.convert_tokens_to_ids(end_of_turn)
    if end_of_turn_id != tokenizer.eos_token_id:
        exempt.discard(end_of_turn_id)
    ids -= exempt
    flagged = untrained_ids(model, sorted(ids))
    if flagged:
        names = ", ".join(tokenizer.convert_ids_to_tokens(flagged))
        raise ConfigError(
            f"chat template {family!r} emits {names}, which {model_name} never trained (zero "
            "embedding rows): LoRA cannot learn them and unsloth refuses to train on them; "
            "choose a template the model was trained with (a Llama 3.1 base: "
            "model.chat_template=llama3_base)"
        )
