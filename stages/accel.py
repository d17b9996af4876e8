"""The training stack and the GPU it runs on: decided once, early, and recorded.

- Stack: unsloth when the model is loaded in 4 bit with `model.use_unsloth`, on CUDA (or under
  unsloth's own CPU CI switch `UNSLOTH_ALLOW_CPU=1`, under which the CPU rehearsal runs the real
  unsloth trainer), and unsloth imports; else the plain transformers + bitsandbytes + peft stack.
- Import order: unsloth patches trl's `SFTTrainer`/`SFTConfig` when it is imported, so it must
  come before trl binds those names (and before transformers and peft, whose classes it patches).
  `import_unsloth_first` is that one early point: entry points call it before anything imports
  trl, and `load_model` calls it again (a no-op by then).
- dtype: bf16 from compute capability 8.0 (Ampere) up, fp16 below (T4, V100).
- Memory: each stage starts with what earlier stages left released and the peak counter reset,
  so a 16 GB card never holds two 8B models and each manifest's peak is its own stage's.
"""

from __future__ import annotations

import gc
import os
import resource
import sys
import warnings
from importlib import metadata
from typing import Any

from stages.config import ModelConfig

VERSIONED = ("torch", "transformers", "peft", "trl", "bitsandbytes", "datasets", "unsloth")


def has_cuda() -> bool:
    import torch  # here, not at the top: `replicate.py --help` and the dry run stay light

    return torch.cuda.is_available()


def unsloth_requested(cfg: ModelConfig) -> bool:
    """Whether this model would load through unsloth if unsloth imports (stages.model's rule)."""
    device_ok = has_cuda() or os.environ.get("UNSLOTH_ALLOW_CPU") == "1"
    return cfg.use_unsloth and cfg.load_in_4bit and device_ok


def import_unsloth_first(cfg: ModelConfig) -> Any | None:
    """Import unsloth now when this model will use it; returns the module, or None for the
    plain stack (not requested, or unsloth does not import here).

    Raises RuntimeError when trl was imported before unsloth: the trainer class already bound
    would be stock trl's, which reads logits unsloth's forward never returns under labels.
    """
    if not unsloth_requested(cfg):
        return None
    if "unsloth" in sys.modules:
        return sys.modules["unsloth"]
    if "trl" in sys.modules:
        raise RuntimeError(
            "trl was imported before unsloth; call stages.accel.import_unsloth_first at the "
            "entry point, before anything imports trl"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import unsloth
    except (ImportError, NotImplementedError):  # unsloth raises NotImplementedError without CUDA
        return None
    return unsloth


def planned_stack(cfg: ModelConfig, gpu: bool) -> str:
    """The stack a training stage of this model loads: "unsloth", "plain" (GPU) or "cpu".

    On a GPU machine this imports unsloth (as the run itself will), so the dry run plans with
    what will really load. Planning a GPU preset on a machine without CUDA assumes the GPU
    requirements (requirements-gpu.txt, which include unsloth) are installed there.
    """
    if not gpu:
        return "cpu"
    if not (cfg.use_unsloth and cfg.load_in_4bit):
        return "plain"
    if not has_cuda():
        return "unsloth"
    return "unsloth" if import_unsloth_first(cfg) is not None else "plain"


def training_dtype() -> str:
    """bf16 autocast on CPU and on GPUs of compute capability 8.0 or more; fp16 below.

    Not `torch.cuda.is_bf16_supported()`: it answers True on a T4 through emulation, and
    unsloth loads fp16 there and then refuses bf16 training (docs/platform.md, "bf16 or fp16").
    """
    import torch

    if has_cuda() and torch.cuda.get_device_capability()[0] < 8:
        return "fp16"
    return "bf16"


def begin_stage_memory() -> None:
    """Release what earlier stages left (unsloth models hold reference cycles, so only the
    collector frees them) and restart the peak counter for this stage."""
    import torch

    gc.collect()
    if has_cuda():
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


def peak_memory_gb() -> float:
    """This stage's peak allocated VRAM on CUDA (reset by `begin_stage_memory`); on CPU the
    process's peak resident memory, which cannot be reset."""
    import torch

    if has_cuda():
        return round(torch.cuda.max_memory_allocated() / 2**30, 2)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2)


def stack_record(model: Any) -> dict:
    """What a stage really ran on, for its manifest: loader, device and library versions."""
    import torch

    return {
        "loader": getattr(model, "msm_kit_loader", "transformers"),
        "device": torch.cuda.get_device_name(0) if has_cuda() else "cpu",
        "dtype": training_dtype(),
        "versions": library_versions(),
    }


def library_versions() -> dict[str, str]:
    versions = {}
    for name in VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions
