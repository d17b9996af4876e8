"""Check the claim in minutes: score the paper's released Llama-3.1-8B LoRA adapters (no training).

    python replicate.py --preset released --dry-run   # adapters, revisions, template, time, memory
    python replicate.py --preset released

The base loads once (bf16 where it fits, 4-bit NF4 below `bf16_min_gb` of GPU memory,
a stated deviation) and each adapter is swapped onto it (`stages.model.swap_adapter`), never
reloading the 8B weights per arm. Base and adapters resolve through `huggingface_hub`
(`snapshot_download`), which names the commit each revision pointed at; those commits, the
adapters' own chat template and its hash go into the report. A repo that is missing or renamed
costs its arm one line; the other arms still run. Each arm is an eval stage like a trained arm's
(`experiments.cheese.pipeline.eval_stage`), so the report and the diagonal contrast work as for a
trained run (scoring your own items with `python -m eval.cheese` against released adapters is
not wired yet).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from experiments.cheese import claim, paper
from experiments.cheese.arms import ARMS, HELD_OUT
from experiments.cheese.pipeline import check_eval_inputs, eval_sources, eval_stage

# The cheese evals' scores: log-probs and parsed answers, no judge to ask again.
from experiments.cheese.pipeline import rescore as rescore
from experiments.estimate import ScoringWork
from experiments.released.config import ReleasedConfig
from stages import manifest
from stages.config import ConfigError, LoraConfig, to_dict
from stages.data import hub_snapshot

# What the adapters' tokenizer files are called; weights and configs beside them.
ADAPTER_FILES = [
    "adapter_config.json",
    "adapter_model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "chat_template.jinja",
]
BASE_FILES = ["*.json", "*.safetensors", "tokenizer*", "*.jinja"]


@dataclass
class ReleasedArm:
    arm: str
    repo: str
    revision: str


def released_arms(cfg: ReleasedConfig) -> list[ReleasedArm]:
    """The configured adapters, checked: "arm=owner/name@revision" with an arm of Fig. 2."""
    arms = []
    for entry in cfg.adapters:
        arm, sep, target = entry.partition("=")
        repo, _, revision = target.partition("@")
        if not sep or repo.count("/") != 1 or arm not in ARMS:
            raise ConfigError(
                f"adapters entry {entry!r} must look like 'ARM=owner/name@revision' "
                f"with ARM one of {list(ARMS)}"
            )
        arms.append(ReleasedArm(arm, repo, revision or "main"))
    return arms


def check_inputs(cfg: ReleasedConfig) -> None:
    """Fail before loading anything on a malformed adapter entry or eval source."""
    released_arms(cfg)
    check_eval_inputs(cfg)


def uses_4bit(cfg: ReleasedConfig) -> bool:
    """NF4 when configured, or on a GPU with less memory than bf16 8B weights need."""
    import torch

    if cfg.model.load_in_4bit or not torch.cuda.is_available():
        return cfg.model.load_in_4bit
    memory = torch.cuda.get_device_properties(0).total_memory / 2**30
    return memory < cfg.bf16_min_gb


def base_precision(cfg: ReleasedConfig) -> str:
    """The precision the base loads in here, decided as `stages.model.load_model` decides it:
    NF4 below `bf16_min_gb`, else bf16 where the GPU has it and fp16 where it does not
    (compute capability under 8.0), fp32 on a CPU."""
    from stages.accel import has_cuda, training_dtype

    if uses_4bit(cfg):
        return "4-bit NF4"
    return training_dtype() if has_cuda() else "fp32 (CPU)"


def plan(cfg: ReleasedConfig, run_dir: Path) -> None:
    """The dry run: adapters, revisions, template, and predicted time and memory per GPU."""
    from rich.table import Table

    from experiments.estimate import predict_scoring
    from stages.console import table_console

    arms = released_arms(cfg)
    console = table_console()
    table = Table(title=f"Released adapters to score (preset {cfg.preset}) → {run_dir}")
    for column in ("arm", "adapter repo", "revision", "paper aff / Amer", "status"):
        table.add_column(column)
    for arm in arms:
        done = (run_dir / f"eval-{arm.arm}" / "manifest.json").exists()
        rates = paper.RATES[arm.arm]
        table.add_row(
            arm.arm,
            arm.repo,
            _revision_note(arm.revision),
            f"{rates[0]:.2f} / {rates[1]:.2f}",
            "done" if done else "",
        )
    console.print(table)
    console.print(
        f"Base: {cfg.model.name} @ {_revision_note(cfg.base_revision)}, loaded once; "
        "adapters swapped on it (peft load_adapter / set_adapter)."
    )
    console.print(
        "Template: each adapter's own tokenizer chat template as shipped (no system turn, "
        "<|end_of_text|> closing each turn; checked and hashed at load, recorded in the report)."
    )
    console.print(
        f"Evals: {cfg.data.eval_affordability}, {cfg.data.eval_america} ({cfg.eval.split} split), "
        f"both option orders, scorer {cfg.eval.scorer}, batch {cfg.eval.batch_size}; probes "
        f"from {cfg.data.probes_dir}."
    )
    gpus = Table(
        title="Predicted time and peak GPU memory per GPU class (arithmetic, not measured)"
    )
    for column in ("GPU", "precision", "time", "peak memory", "fits"):
        gpus.add_column(column, justify="left" if column in ("GPU", "precision") else "right")
    predicted = predict_scoring(
        cfg.model, LoraConfig(), scoring_work(cfg), len(arms), cfg.bf16_min_gb
    )
    for row in predicted:
        gpus.add_row(
            row["gpu"],
            row["precision"],
            f"{row['minutes']:.0f} min",
            f"{row['peak_gb']:.1f} GB",
            "yes" if row["fits"] else "no: lower eval.batch_size",
        )
    console.print(gpus)
    console.print(
        "Plus a one-time download of the base (~16 GB) and the adapters (~0.3 GB each). "
        "Nothing is trained."
    )
    console.print(claim.dose_line(claim.dose_place(paper.FULL_MSM_TOKENS)))


def scoring_work(cfg: ReleasedConfig) -> ScoringWork:
    """What scoring one adapter costs: both option orders of every released eval item on the
    configured split (the paper's item counts) and of every probe item, and the generated
    answers where the scorer parses one (held-out evals and cheese pairs)."""
    from eval.cheese import load_items, split_indices

    held_out = sum(
        min(len(split_indices(n, cfg.eval.split)), cfg.eval.max_items or n)
        for n in paper.EVAL_ITEMS.values()
    )
    probes = {
        name: sum(len(item.orders) for item in load_items(source, name))
        for name, source in eval_sources(cfg).items()
        if name not in HELD_OUT
    }
    generated = 2 * held_out + probes["cheese_pairs"] if cfg.eval.scorer != "logprob" else 0
    return ScoringWork(
        2 * held_out + sum(probes.values()), generated, cfg.eval.batch_size, cfg.eval.max_new_tokens
    )


def _revision_note(revision: str) -> str:
    pinned = len(revision) == 40 and all(c in "0123456789abcdef" for c in revision)
    return revision if pinned else f"{revision} (unpinned; commit recorded at load)"


def resolve(repo: str, revision: str, files: list[str]) -> tuple[Path, str]:
    """Local snapshot folder and commit hash of model `repo` at `revision` (the same resolution
    as the kit's hub datasets: downloads on a networked machine, the cache alone offline)."""
    folder = hub_snapshot(repo, revision, repo_type="model", files=tuple(files))
    return folder, folder.name


def run(cfg: ReleasedConfig, run_dir: Path) -> list[dict]:
    """Score every available adapter; returns each arm's results. What was loaded (repos,
    commits, precision, templates, the adapters missing) goes to `run_dir/released.json`."""
    arms = released_arms(cfg)
    nf4 = uses_4bit(cfg)
    precision = base_precision(cfg)
    try:
        base_dir, base_commit = resolve(cfg.model.name, cfg.base_revision, BASE_FILES)
    except Exception as err:
        raise ConfigError(
            f"base model {cfg.model.name}@{cfg.base_revision} could not be loaded "
            f"({type(err).__name__}); check the name, your network or HF_TOKEN"
        ) from err
    loaded: dict = {
        "base": {"repo": cfg.model.name, "revision": cfg.base_revision},
        "base_commit": base_commit,
        "precision": precision,
        "adapters": {},
        "missing": {},
    }
    base_cfg = replace(cfg.model, name=str(base_dir), load_in_4bit=nf4)
    shared: dict[str, Any] = {}
    results = []
    for arm in arms:
        try:
            adapter_dir, commit = resolve(arm.repo, arm.revision, ADAPTER_FILES)
            record, tokenizer = _check_adapter(arm, adapter_dir, commit)
        except Exception as err:
            reason = f"{type(err).__name__}: {str(err).splitlines()[0][:160]}"
            print(
                f"[released] {arm.arm}: {arm.repo}@{arm.revision} unavailable ({reason}); skipped"
            )
            loaded["missing"][arm.arm] = {"repo": arm.repo, "revision": arm.revision, "why": reason}
            continue
        loaded["adapters"][arm.arm] = record
        stage_config = {
            # The adapter's own template scores it (template_sha256), not a file of the kit's.
            "model": to_dict(base_cfg)
            | {"name": cfg.model.name, "commit": base_commit, "chat_template": ""},
            "eval": to_dict(cfg.eval),
            "sources": eval_sources(cfg),
            "adapter": f"{arm.repo}@{commit}",
            "template_sha256": record["template_sha256"],
        }

        def load(
            adapter_dir: Path = adapter_dir, name: str = arm.arm, tok: Any = tokenizer
        ) -> tuple[Any, Any, str]:
            from stages.model import ADAPTER_TEMPLATE, load_model, swap_adapter

            if "model" not in shared:
                shared["model"], _ = load_model(base_cfg)
            shared["model"] = swap_adapter(shared["model"], adapter_dir, name)
            return shared["model"], tok, ADAPTER_TEMPLATE

        identity = {"arm": arm.arm, "seed": 0, "stage": f"eval-{arm.arm}", "adapter": arm.repo}
        results.append(eval_stage(cfg, run_dir / f"eval-{arm.arm}", stage_config, identity, load))
    manifest.write_json(run_dir / "released.json", loaded)
    if not results:
        raise ConfigError("no released adapter could be loaded; see the lines above")
    return results


def _check_adapter(arm: ReleasedArm, folder: Path, commit: str) -> tuple[dict, Any]:
    """The adapter's record for the report, and its tokenizer with its own chat template."""
    from transformers import AutoTokenizer

    from stages.model import ADAPTER_TEMPLATE, END_OF_TURN

    config = json.loads((folder / "adapter_config.json").read_text())
    if config.get("peft_type") != "LORA":
        raise ConfigError(f"{arm.repo}: adapter_config.json is not a LoRA adapter")
    tokenizer = AutoTokenizer.from_pretrained(folder)
    template = tokenizer.chat_template
    if not template:
        raise ConfigError(f"{arm.repo}: its tokenizer ships no chat template")
    end = END_OF_TURN[ADAPTER_TEMPLATE]
    sentinel = "ANSWER-SENTINEL"
    rendered = tokenizer.apply_chat_template(
        [{"role": "user", "content": "Q"}, {"role": "assistant", "content": sentinel}],
        tokenize=False,
    )
    if not rendered.split(sentinel, 1)[-1].startswith(end):
        raise ConfigError(f"{arm.repo}: its chat template does not close a turn with {end}")
    if tokenizer.pad_token is None:
        tokenizer.pad_token = end
    prompt = tokenizer.apply_chat_template(
        [{"role": "user", "content": "Which do you prefer, A or B?"}],
        tokenize=False,
        add_generation_prompt=True,
    )
    record = {
        "repo": arm.repo,
        "revision": arm.revision,
        "commit": commit,
        "base_model_name_or_path": config.get("base_model_name_or_path"),
        "r": config.get("r"),
        "lora_alpha": config.get("lora_alpha"),
        "template_sha256": hashlib.sha256(template.encode()).hexdigest()[:16],
        "rendered_prompt": prompt,
    }
    return record, tokenizer
