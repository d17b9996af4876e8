"""A CPU stand-in for unsloth 2026.10.7 (tests only): the behaviours the kit depends on, each
imitating the real source (paths relative to the unsloth / unsloth_zoo 2026.10.7 wheels; more in
/work/notes/unsloth.md). Tests put tests/fakes on sys.path and set UNSLOTH_ALLOW_CPU=1.

Unlike the real package under UNSLOTH_ALLOW_CPU=1, which skips rewriting trl's trainers on CPU
(unsloth/models/rl.py:5091), this fake always patches trl: it stands in for a GPU host.
Not imitated: the fused kernels, padding-free auto packing, the compiled trainer source copy.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import torch

# unsloth/_gpu_init.py:143-152 warns about these when already imported; tests read this list.
IMPORTED_BEFORE = [name for name in ("trl", "transformers", "peft") if name in sys.modules]

if not torch.cuda.is_available() and os.environ.get("UNSLOTH_ALLOW_CPU", "0") != "1":
    # unsloth_zoo/device_type.py:510
    raise NotImplementedError("Unsloth cannot find any torch accelerator? You need a GPU.")

from peft import PeftModel  # noqa: E402
from trl import SFTConfig as _PristineSFTConfig  # noqa: E402
from trl import SFTTrainer as _PristineSFTTrainer  # noqa: E402

LOGITS_ERROR = (
    "Unsloth: Logits are empty from 2024.11 onwards. To get raw logits again, please set the "
    "environment variable `UNSLOTH_RETURN_LOGITS` to `'1' BEFORE starting to train ie before "
    "`trainer.train()`."
)  # unsloth/models/_utils.py LOGITS_ERROR_STRING


def _raise_logits_error(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError(LOGITS_ERROR)


class EmptyLogits:
    """unsloth/models/_utils.py:6872-6904: any use of the withheld logits raises; `.to` is None."""

    def __getattr__(self, attr: str) -> Any:
        if attr == "to":
            return lambda *a, **k: None
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return _raise_logits_error

    __getitem__ = _raise_logits_error


EMPTY_LOGITS = EmptyLogits()


# unsloth/models/rl.py:3239-3267 rewrites these SFTConfig defaults (table in notes/unsloth.md
# §1.5); a caller that leaves one unset trains differently under unsloth than on the plain stack.
UNSLOTH_DEFAULTS = {
    "per_device_train_batch_size": 4,
    "gradient_accumulation_steps": 2,
    "learning_rate": 5e-5,
    "optim": "adamw_8bit",
    "weight_decay": 0.001,
    "seed": 3407,
    "warmup_steps": 0.1,
    "logging_steps": 1,
}


class UnslothSFTConfig(_PristineSFTConfig):
    """unsloth/models/rl.py:3303-3311: loss_type defaults to "nll"; other defaults as above."""

    def __init__(self, *args: Any, loss_type: str = "nll", **kwargs: Any) -> None:
        super().__init__(*args, loss_type=loss_type, **{**UNSLOTH_DEFAULTS, **kwargs})


class UnslothSFTTrainer(_PristineSFTTrainer):
    """The generated trainer's differences that matter to the kit."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        FastLanguageModel.calls.append(f"trainer:loss_type={self.args.loss_type}")

    def compute_loss(
        self, model: Any, inputs: Any, return_outputs: bool = False, num_items_in_batch: Any = None
    ) -> Any:
        # unsloth/models/rl_replacements.py:948-971: trl's body is replaced by
        # transformers.Trainer.compute_loss: the loss is the model's own (`outputs.loss`); no
        # entropy or token-accuracy metric reads the logits.
        from transformers import Trainer

        return Trainer.compute_loss(self, model, inputs, return_outputs, num_items_in_batch)

    def _prepare_dataset(
        self,
        dataset: Any,
        processing_class: Any,
        args: Any,
        packing: bool,
        formatting_func: Any,
        dataset_name: str,
    ) -> Any:
        # unsloth_zoo/dataset_utils.py:2661 `sft_prepare_dataset` replaces trl's.
        columns = set(dataset.column_names)
        if "labels" in columns:
            return dataset  # :2732-2738: labels kept exactly, nothing re-tokenized
        if "input_ids" in columns:
            # :2739-2747: kept, and labels built from assistant_masks (completion_mask only with
            # completion-only loss); the kit always sends labels, so this is not imitated.
            raise AssertionError("fake unsloth: pre-tokenized rows without labels")
        if "messages" in columns:
            # :2748-2866: masks from instruction/response markers when the template has no
            # {% generation %} block; the kit must never depend on that branch.
            raise AssertionError("fake unsloth: the kit must pass chats pre-tokenized")
        # Text documents: unsloth tokenizes and packs like trl does (not imitated in detail).
        return super()._prepare_dataset(
            dataset, processing_class, args, packing, formatting_func, dataset_name
        )


def _patch_trl() -> None:
    """unsloth/models/rl.py:3882-3912: rebind the names in trl's namespaces at import."""
    import trl.trainer
    import trl.trainer.sft_trainer

    for namespace in (trl, trl.trainer, trl.trainer.sft_trainer):
        namespace.SFTTrainer = UnslothSFTTrainer
        namespace.SFTConfig = UnslothSFTConfig


PRISTINE = {"SFTTrainer": _PristineSFTTrainer, "SFTConfig": _PristineSFTConfig}
_patch_trl()


def _withhold_logits(module: Any, args: Any, kwargs: dict, output: Any) -> Any:
    """unsloth/models/llama.py:1916-1980: under labels, without UNSLOTH_RETURN_LOGITS=1 (read
    on every forward), the fused loss returns EMPTY_LOGITS instead of logits."""
    returning = os.environ.get("UNSLOTH_RETURN_LOGITS", "0") == "1"
    keep = kwargs.get("logits_to_keep", 0) or kwargs.get("num_logits_to_keep", 0)
    if kwargs.get("labels") is not None and not returning and not keep:
        output.logits = EMPTY_LOGITS
    return output


class FastLanguageModel:
    """unsloth/models/loader.py FastLanguageModel: the calls the kit makes."""

    calls: list[str] = []  # noqa: RUF012  (a log the tests read)

    @staticmethod
    def from_pretrained(
        model_name: str,
        max_seq_length: int = 2048,
        dtype: Any = None,
        load_in_4bit: bool = True,
        use_gradient_checkpointing: Any = "unsloth",
        **kwargs: Any,
    ) -> tuple[Any, Any]:
        from peft import PeftConfig
        from transformers import AutoModelForCausalLM, AutoTokenizer, BitsAndBytesConfig

        FastLanguageModel.calls.append(f"from_pretrained:{Path(model_name).name}")
        # loader.py:1451-1471, 1550: a folder with adapter_config.json is an adapter; its base
        # is adapter_config's base_model_name_or_path.
        is_peft = (Path(model_name) / "adapter_config.json").exists()
        base = model_name
        if is_peft:
            base = PeftConfig.from_pretrained(model_name).base_model_name_or_path
        nf4 = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4")
        quantization = nf4 if load_in_4bit else None
        model = AutoModelForCausalLM.from_pretrained(
            base, quantization_config=quantization, dtype=torch.float32
        )
        if load_in_4bit:
            import bitsandbytes as bnb

            for module in model.modules():  # the kit's CPU NF4 gradient fix (stages/model.py)
                if isinstance(module, bnb.nn.Linear4bit):
                    module.support_avx512bf16_for_cpu = False
        model.register_forward_hook(_withhold_logits, with_kwargs=True)
        model.max_seq_length = max_seq_length
        tokenizer = AutoTokenizer.from_pretrained(model_name)
        if is_peft:
            # loader.py:1919-1927: the adapter always loads trainable.
            model = PeftModel.from_pretrained(model, model_name, is_trainable=True)
            model._unsloth_gradient_checkpointing = use_gradient_checkpointing
        return model, tokenizer

    @staticmethod
    def get_peft_model(
        model: Any,
        r: int = 16,
        target_modules: Any = None,
        lora_alpha: int = 16,
        lora_dropout: float = 0.0,
        use_gradient_checkpointing: Any = "unsloth",
        random_state: int = 3407,
        **kwargs: Any,
    ) -> Any:
        from peft import LoraConfig, get_peft_model
        from transformers import set_seed

        FastLanguageModel.calls.append("get_peft_model")
        if isinstance(model, PeftModel):
            # llama.py:4326-4481: same settings → returned as is; different → TypeError.
            stored = model.peft_config["default"]
            same = (stored.r, stored.lora_alpha, set(stored.target_modules)) == (
                r,
                lora_alpha,
                set(target_modules or []),
            )
            if same:
                return model
            raise TypeError(
                "Unsloth: Your model already has LoRA adapters. Your new parameters are different."
            )
        set_seed(random_state)  # llama.py:4313 transformers_set_seed(random_state)
        config = LoraConfig(
            r=r,
            lora_alpha=lora_alpha,
            lora_dropout=lora_dropout,
            target_modules=list(target_modules or []),
            task_type="CAUSAL_LM",
        )
        peft_model = get_peft_model(model, config)
        peft_model._unsloth_gradient_checkpointing = use_gradient_checkpointing
        return peft_model

    @staticmethod
    def for_inference(model: Any) -> Any:
        """llama.py:5153-5193: eval mode, generation flag, checkpointing off."""
        FastLanguageModel.calls.append("for_inference")
        model.eval()
        model._flag_for_generation = True
        return model

    @staticmethod
    def for_training(model: Any, use_gradient_checkpointing: Any = None) -> Any:
        """llama.py:5196-5240: train mode, generation flag removed."""
        FastLanguageModel.calls.append("for_training")
        model.train()
        model.__dict__.pop("_flag_for_generation", None)
        return model
