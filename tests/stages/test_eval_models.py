"""One base model for many eval stages (stages.model.EvalModels) gives exactly what a fresh load
per stage gives, in any order, including back to the bare base model."""

from pathlib import Path

import torch

from stages.config import LoraConfig
from stages.model import EvalModels, add_lora, load_for_eval, load_model


def _save_adapter(model_config, stage_dir: Path, seed: int) -> None:
    model, _ = load_model(model_config)
    peft_model = add_lora(model, LoraConfig(r=4, alpha=8), seed, gradient_checkpointing=False)
    torch.manual_seed(seed)
    for name, parameter in peft_model.named_parameters():
        if "lora_B" in name:  # a fresh adapter is a no-op (B = 0): make it change the output
            parameter.data.normal_(0, 0.5)
    peft_model.save_pretrained(stage_dir / "adapter")


def _logits(model, tokenizer) -> torch.Tensor:
    ids = tokenizer("Which cheese do you prefer?", return_tensors="pt")["input_ids"]
    with torch.no_grad():
        return model(input_ids=ids).logits


def test_swapped_adapters_equal_fresh_loads(tiny_model_config, tmp_path):
    stages = [tmp_path / "a", tmp_path / "b"]
    for seed, stage in enumerate(stages):
        _save_adapter(tiny_model_config, stage, seed)
    fresh = {str(s): _logits(*load_for_eval(tiny_model_config, s)) for s in [None, *stages]}
    assert not torch.allclose(fresh[str(stages[0])], fresh[str(stages[1])])
    models = EvalModels(tiny_model_config)
    for stage in [stages[0], None, stages[1], stages[0], None]:
        swapped = _logits(*models.model_for(stage))
        torch.testing.assert_close(swapped, fresh[str(stage)], rtol=0, atol=1e-5)


def test_each_model_state_gets_its_own_prompt_cache(tiny_model_config, tmp_path):
    _save_adapter(tiny_model_config, tmp_path / "a", 0)
    models = EvalModels(tiny_model_config)
    models.model_for(None)
    base_cache = models.prompt_cache
    models.model_for(None)
    assert models.prompt_cache is base_cache  # same state: the transcripts' encodings kept
    models.model_for(tmp_path / "a")
    assert models.prompt_cache is not base_cache and models.prompt_cache.encoded == 0


def test_adapters_are_merged_only_where_unmerging_is_exact(tiny_model_config, tmp_path):
    from stages.model import _merges_exactly

    _save_adapter(tiny_model_config, tmp_path / "a", 0)
    models = EvalModels(tiny_model_config)
    model, _ = models.model_for(tmp_path / "a")
    lora_layers = [m for m in model.modules() if hasattr(m, "merged_adapters")]
    assert lora_layers and all(layer.merged for layer in lora_layers)  # fp32: merged
    base, _ = load_model(tiny_model_config)
    assert _merges_exactly(base)
    assert not _merges_exactly(base.to(torch.bfloat16))  # bf16 would drift with each swap
    base.msm_kit_loader = "unsloth"
    assert not _merges_exactly(base)
