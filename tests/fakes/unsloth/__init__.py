"""The real unsloth 2026.10.7 on CPU, for the GPU path's tests, with stand-ins only for what
cannot run without CUDA: the loader (`FastLanguageModel.from_pretrained`, which queries CUDA
device stats, and its companion `get_peft_model`, which needs the loader's state) and the fast
forward (Triton kernels). Everything else is unsloth's own: its compiled `UnslothSFTTrainer`
(untrained-token check, dataset preparation, packing, loss), its SFTConfig defaults, its
`for_inference`.

    from tests.fakes import unsloth as unsloth_cpu
    unsloth_cpu.prepare()   # before anything imports unsloth, trl, transformers or peft
    import unsloth          # the real one; trl.SFTTrainer is now its UnslothSFTTrainer

On a machine with CUDA, `prepare()` changes nothing but logging the FastLanguageModel calls the
kit makes (CALLS): the real loader, kernels and trainer run. Never a stand-in for a missing
unsloth: `available()` says whether the real one is installed, and tests that need it skip
without it. How the CPU recipe was derived (paths relative to the
unsloth / unsloth_zoo 2026.10.7 wheels):
- unsloth refuses to import on a machine without an accelerator unless `UNSLOTH_ALLOW_CPU=1`
  (`unsloth_zoo/device_type.py`), and then needs triton at import: unsloth_zoo ships a stub
  (`unsloth_zoo/stubs/triton_stub.py`, `inject_into_sys_modules`), loaded here from its file
  because importing the `unsloth_zoo` package first raises "Please install Unsloth".
- Under that switch `PatchFastRL` returns before rewriting trl's trainers
  (`unsloth/models/rl.py`, `PatchFastRL`); run once with the switch "0" it does rewrite them.
  It writes the generated trainer source to `UNSLOTH_COMPILE_LOCATION`.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

PATCHED_BY_UNSLOTH = ("trl", "transformers", "peft")
CALLS: list[str] = []  # what the kit asked of FastLanguageModel, in order (tests read it)
IMPORTED_BEFORE: list[str] = []  # of PATCHED_BY_UNSLOTH, imported before unsloth was


HERE = Path(__file__).resolve().parent


def real_spec(name: str) -> Any:
    """The import spec of the installed package `name`, or None; never this folder (which a
    script in tests/fakes would otherwise find as `unsloth` first on its path)."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return None
    return None if Path(spec.origin).resolve().parent == HERE else spec


def available() -> bool:
    """Whether the real unsloth and unsloth_zoo are installed (not whether they import)."""
    return all(real_spec(name) is not None for name in ("unsloth", "unsloth_zoo"))


def prepare(compile_dir: str | None = None) -> None:
    """Set up this process so that the next `import unsloth` loads the real one on CPU and
    finishes the recipe (trainers rewritten, loader replaced) right after it executes."""
    if "unsloth" in sys.modules:
        raise RuntimeError("unsloth is already imported; prepare() must come first")
    if not available():
        raise RuntimeError("the real unsloth and unsloth_zoo are not both installed here")
    sys.meta_path.insert(0, _AfterUnslothImport())
    import torch

    if torch.cuda.is_available():
        return  # a GPU: unsloth as it is, its loader and kernels included (calls still logged)
    os.environ["UNSLOTH_ALLOW_CPU"] = "1"
    os.environ.setdefault(
        "UNSLOTH_COMPILE_LOCATION", compile_dir or tempfile.mkdtemp(prefix="unsloth-compiled-")
    )
    zoo = importlib.util.find_spec("unsloth_zoo")
    if zoo is None or not zoo.submodule_search_locations:
        raise RuntimeError("unsloth_zoo is not installed")
    stub_file = Path(next(iter(zoo.submodule_search_locations))) / "stubs" / "triton_stub.py"
    spec = importlib.util.spec_from_file_location("unsloth_zoo_triton_stub", stub_file)
    stub = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = stub
    spec.loader.exec_module(stub)
    stub.inject_into_sys_modules()


class _AfterUnslothImport(importlib.abc.MetaPathFinder):
    """Finds the real unsloth once and runs `_finish` on it right after it executes."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != "unsloth":
            return None
        sys.meta_path.remove(self)
        spec = real_spec(name)
        if spec is None:
            raise RuntimeError(f"`import unsloth` would not load the real one here: {sys.path}")
        run_module = spec.loader.exec_module
        before = [m for m in PATCHED_BY_UNSLOTH if m in sys.modules]

        def exec_module(module: Any) -> None:
            run_module(module)
            IMPORTED_BEFORE[:] = before
            _finish(module)

        spec.loader.exec_module = exec_module
        return spec


def _finish(unsloth: Any) -> None:
    import torch

    fast = unsloth.FastLanguageModel
    if not torch.cuda.is_available():
        from unsloth.models import rl

        os.environ["UNSLOTH_ALLOW_CPU"] = "0"
        try:
            rl.PatchFastRL()
        finally:
            os.environ["UNSLOTH_ALLOW_CPU"] = "1"
        fast.from_pretrained = from_pretrained
        fast.get_peft_model = get_peft_model
    for name in ("from_pretrained", "get_peft_model", "for_inference"):
        setattr(fast, name, staticmethod(_logged(name, getattr(fast, name))))
    import trl

    if trl.SFTTrainer.__name__ != "UnslothSFTTrainer":
        # RuntimeError, not ImportError: the kit treats an ImportError as "no unsloth here".
        raise RuntimeError(f"unsloth left trl.SFTTrainer as {trl.SFTTrainer!r}")


def _logged(name: str, method: Any) -> Any:
    """`method`, recording each call in CALLS (the name; for loads, the folder's name too)."""

    def call(*args: Any, **kwargs: Any) -> Any:
        if name == "from_pretrained":
            folder = kwargs["model_name"] if "model_name" in kwargs else args[0]
            CALLS.append(f"from_pretrained:{Path(folder).name}")
        else:
            CALLS.append(name)
        return method(*args, **kwargs)

    return call


def _withhold_logits(module: Any, args: Any, kwargs: dict, output: Any) -> Any:
    """The fast forward's contract (unsloth/models/llama.py, `CausalLM_fast_forward`): under
    labels, without UNSLOTH_RETURN_LOGITS=1 (read on every forward) and without
    `logits_to_keep`, the fused loss returns empty logits instead of logits."""
    from unsloth.models._utils import EMPTY_LOGITS

    returning = os.environ.get("UNSLOTH_RETURN_LOGITS", "0") == "1"
    keep = kwargs.get("logits_to_keep", 0) or kwargs.get("num_logits_to_keep", 0)
    if kwargs.get("labels") is not None and not returning and not keep:
        output.logits = EMPTY_LOGITS  # unsloth's own sentinel: any use of it raises
    return output


def from_pretrained(
    model_name: str,
    max_seq_length: int = 2048,
    dtype: Any = None,
    load_in_4bit: bool = True,
    use_gradient_checkpointing: Any = "unsloth",
    **kwargs: Any,
) -> tuple[Any, Any]:
    """unsloth/models/loader.py `FastLanguageModel.from_pretrained` as the kit calls it, through
    transformers + bitsandbytes: a folder with adapter_config.json is an adapter, loaded on its
    base (`base_model_name_or_path`) and always trainable."""
    import torch
    from peft import PeftConfig, PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer, BitsAndBytesConfig

    is_peft = (Path(model_name) / "adapter_config.json").exists()
    base = PeftConfig.from_pretrained(model_name).base_model_name_or_path if is_peft else model_name
    nf4 = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4")
    model = AutoModelForCausalLM.from_pretrained(
        base, quantization_config=nf4 if load_in_4bit else None, dtype=torch.float32
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
        model = PeftModel.from_pretrained(model, model_name, is_trainable=True)
    return model, tokenizer


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
    """unsloth/models/llama.py `FastLlamaModel.get_peft_model`: seeded by `random_state`; a
    model that already has LoRA is returned as is for the same settings, else TypeError."""
    from peft import LoraConfig, PeftModel
    from peft import get_peft_model as peft_get_peft_model
    from transformers import set_seed

    if isinstance(model, PeftModel):
        stored = model.peft_config["default"]
        wanted = (r, lora_alpha, set(target_modules or []))
        if (stored.r, stored.lora_alpha, set(stored.target_modules)) == wanted:
            return model
        raise TypeError(
            "Unsloth: Your model already has LoRA adapters. Your new parameters are different."
        )
    set_seed(random_state)
    config = LoraConfig(
        r=r,
        lora_alpha=lora_alpha,
        lora_dropout=lora_dropout,
        target_modules=list(target_modules or []),
        task_type="CAUSAL_LM",
    )
    return peft_get_peft_model(model, config)
