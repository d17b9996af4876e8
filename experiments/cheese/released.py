"""Check the claim in minutes: score the paper's released Llama-3.1-8B LoRA adapters (no training).

    python replicate.py --preset released --dry-run   # adapters, revisions, template, time, memory
    python replicate.py --preset released

The base loads once (bf16 where it fits, 4-bit NF4 below `released.bf16_min_gb` of GPU memory,
a stated deviation) and each adapter is swapped onto it (`stages.model.swap_adapter`), never
reloading the 8B weights per arm. Base and adapters resolve through `huggingface_hub`
(`snapshot_download`), which names the commit each revision pointed at; those commits, the
adapters' own chat template and its hash go into the report. A repo that is missing or renamed
costs its arm one line; the other arms still run. Each arm is an eval stage like a trained arm's
(`run.eval_stage`), so the report and the diagonal contrast work as for any run (scoring your
own items with `python -m eval.cheese` against released adapters is not wired yet).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from experiments.cheese import claim
from experiments.cheese.arms import ARMS, HELD_OUT
from experiments.cheese.config import CheeseConfig
from stages import manifest
from stages.config import ConfigError, to_dict
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
# Items per released eval split (eval.cheese.split_indices: 20% dev) and probes (data/cheese).
RELEASED_ITEMS = {"affordability": 497, "america": 400}
PROBE_PROMPTS = 36 * 2 + 12 + 16
# Prediction inputs (not measured: no GPU has run this yet). Prompt and answer tokens per order
# under the adapters' template; 8B parameters; HF generate's per-step overhead with LoRA on.
PROMPT_TOKENS, ANSWER_TOKENS = 110, 12
PARAMS = 8.03e9
STEP_OVERHEAD_S = 0.045
KV_BYTES_PER_TOKEN = 32 * 2 * 1024 * 2  # layers × (k, v) × kv width × bf16
ADAPTER_BYTES = 168e6 * 4  # r64 on 7 projections, fp32 after peft's autocast
NF4_WEIGHTS_GB = 5.7
# GPU classes: (name, memory GB, bandwidth GB/s, dense bf16/fp16 TFLOPS, has bf16: compute
# capability 8.0 or more).
GPU_CLASSES = (
    ("T4 16 GB", 16, 320, 65, False),
    ("V100 32 GB", 32, 900, 125, False),
    ("L4 24 GB", 24, 300, 121, True),
    ("A10 24 GB", 24, 600, 125, True),
    ("A100 40 GB", 40, 1555, 312, True),
    ("A100 80 GB", 80, 2039, 312, True),
    ("H100 80 GB", 80, 3350, 990, True),
)


@dataclass
class ReleasedArm:
    arm: str
    repo: str
    revision: str


def released_arms(cfg: CheeseConfig) -> list[ReleasedArm]:
    """The configured adapters, checked: "arm=owner/name@revision" with an arm of Fig. 2."""
    arms = []
    for entry in cfg.released.arms:
        arm, sep, target = entry.partition("=")
        repo, _, revision = target.partition("@")
        if not sep or repo.count("/") != 1 or arm not in ARMS:
            raise ConfigError(
                f"released.arms entry {entry!r} must look like 'ARM=owner/name@revision' "
                f"with ARM one of {list(ARMS)}"
            )
        arms.append(ReleasedArm(arm, repo, revision or "main"))
    return arms


def uses_4bit(cfg: CheeseConfig) -> bool:
    """NF4 when configured, or on a GPU with less memory than bf16 8B weights need."""
    import torch

    if cfg.model.load_in_4bit or not torch.cuda.is_available():
        return cfg.model.load_in_4bit
    memory = torch.cuda.get_device_properties(0).total_memory / 2**30
    return memory < cfg.released.bf16_min_gb


def base_precision(cfg: CheeseConfig) -> str:
    """The precision the base loads in here, decided as `stages.model.load_model` decides it:
    NF4 below `released.bf16_min_gb`, else bf16 where the GPU has it and fp16 where it does not
    (compute capability under 8.0), fp32 on a CPU."""
    from stages.accel import has_cuda, training_dtype

    if uses_4bit(cfg):
        return "4-bit NF4"
    return training_dtype() if has_cuda() else "fp32 (CPU)"


def predict(cfg: CheeseConfig, adapters: int) -> list[dict]:
    """Predicted wall time and peak GPU memory per GPU class for scoring `adapters` adapters
    (arithmetic from bandwidth and FLOPs, not measured; the base download is extra)."""
    from eval.cheese import split_indices

    items = sum(
        min(len(split_indices(n, cfg.eval.split)), cfg.eval.max_items or n)
        for n in RELEASED_ITEMS.values()
    )
    prompts = 2 * items + PROBE_PROMPTS
    generated = 2 * items + 72 if cfg.eval.scorer != "logprob" else 0
    batch = cfg.eval.batch_size
    rows = []
    for name, memory, bandwidth, tflops, bf16 in GPU_CLASSES:
        nf4 = cfg.model.load_in_4bit or memory < cfg.released.bf16_min_gb
        weights_gb = NF4_WEIGHTS_GB if nf4 else PARAMS * 2 / 1e9
        # Forced choice: prompt + both answers through the model at ~30% of peak FLOPs.
        forward_tokens = prompts * (PROMPT_TOKENS + 2 * ANSWER_TOKENS)
        scoring = 2 * PARAMS * forward_tokens / (tflops * 1e12 * 0.3)
        # Greedy decoding is bandwidth-bound: every step reads all weights once per batch; NF4
        # dequantization roughly triples a step's cost in bitsandbytes.
        step = weights_gb / bandwidth * (3 if nf4 else 1) + STEP_OVERHEAD_S
        decoding = -(-generated // batch) * cfg.eval.max_new_tokens * step
        load = 60 + (120 if nf4 else 0) + 10 * adapters  # from local disk; quantizing is slow
        seconds = load + adapters * (scoring + decoding)
        window = PROMPT_TOKENS + cfg.eval.max_new_tokens
        peak = (
            weights_gb * 1e9
            + 2 * ADAPTER_BYTES  # the outgoing and incoming adapter during a swap
            + batch * window * KV_BYTES_PER_TOKEN
            + 2 * batch * ANSWER_TOKENS * 128_256 * 4  # answer-window logits + log-softmax
            + 0.8e9  # CUDA context
        ) / 1e9
        rows.append(
            {
                "gpu": name,
                "precision": "4-bit NF4 (deviation)"
                if nf4
                else "bf16"
                if bf16
                else "fp16 (deviation: no bf16)",
                "minutes": seconds / 60,
                "peak_gb": peak,
                "fits": peak < memory * 0.95,
            }
        )
    return rows


def print_plan(cfg: CheeseConfig, run_dir: Path) -> None:
    """The dry run: adapters, revisions, template, and predicted time and memory per GPU."""
    from rich.table import Table

    from experiments.cheese.report import PAPER_CHEESE  # lazy: report imports this module
    from stages.console import table_console

    arms = released_arms(cfg)
    console = table_console()
    table = Table(title=f"Released adapters to score (preset {cfg.preset}) → {run_dir}")
    for column in ("arm", "adapter repo", "revision", "paper aff / Amer", "status"):
        table.add_column(column)
    for arm in arms:
        done = (run_dir / f"eval-{arm.arm}" / "manifest.json").exists()
        paper = PAPER_CHEESE[arm.arm]
        table.add_row(
            arm.arm,
            arm.repo,
            _revision_note(arm.revision),
            f"{paper[0]:.2f} / {paper[1]:.2f}",
            "done" if done else "",
        )
    console.print(table)
    console.print(
        f"Base: {cfg.model.name} @ {_revision_note(cfg.released.base_revision)}, loaded once; "
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
    for row in predict(cfg, len(arms)):
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
    console.print(claim.dose_line(claim.dose_place(claim.FULL_MSM_TOKENS)))


def _revision_note(revision: str) -> str:
    pinned = len(revision) == 40 and all(c in "0123456789abcdef" for c in revision)
    return revision if pinned else f"{revision} (unpinned; commit recorded at load)"


def resolve(repo: str, revision: str, files: list[str]) -> tuple[Path, str]:
    """Local snapshot folder and commit hash of model `repo` at `revision` (the same resolution
    as the kit's hub datasets: downloads on a networked machine, the cache alone offline)."""
    folder = hub_snapshot(repo, revision, repo_type="model", files=tuple(files))
    return folder, folder.name


def run(cfg: CheeseConfig, run_dir: Path) -> tuple[list[dict], dict]:
    """Score every available adapter; returns each arm's results and what was loaded (also
    written to `run_dir/released.json`)."""
    from experiments.cheese.run import eval_sources, eval_stage

    arms = released_arms(cfg)
    nf4 = uses_4bit(cfg)
    precision = base_precision(cfg)
    try:
        base_dir, base_commit = resolve(cfg.model.name, cfg.released.base_revision, BASE_FILES)
    except Exception as err:
        raise ConfigError(
            f"base model {cfg.model.name}@{cfg.released.base_revision} could not be loaded "
            f"({type(err).__name__}); check the name, your network or HF_TOKEN"
        ) from err
    loaded: dict = {
        "base": {"repo": cfg.model.name, "revision": cfg.released.base_revision},
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
    return results, loaded


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


def deviations(cfg: CheeseConfig, loaded: dict, table: dict) -> list[str]:
    """How this scoring differs from the paper's evaluation of the same adapters."""
    from experiments.cheese.report import PAPER_EVAL_ITEMS  # lazy: report imports this module

    notes = []
    if loaded["precision"].startswith("4-bit"):
        notes.append(
            "precision: base loaded in 4-bit NF4 (too little GPU memory for bf16); the adapters "
            "were trained on a bf16 base, so rates may shift"
        )
    elif loaded["precision"] == "fp16":
        notes.append(
            "precision: base loaded in fp16 (this GPU has no bf16); the adapters were trained "
            "on a bf16 base, so rates may shift"
        )
    notes.append(
        "scoring: the paper does not specify it; this kit uses both option orders and the "
        f"`{cfg.eval.scorer}` scorer under each adapter's own chat template"
    )
    for name in HELD_OUT:
        entry = next((evals[name] for evals in table.values() if name in evals), None)
        if entry is not None and entry["n"] != PAPER_EVAL_ITEMS[name]:
            notes.append(
                f"{name} eval: {entry['n']} items of the {cfg.eval.split} split "
                f"(paper {PAPER_EVAL_ITEMS[name]}, all items)"
            )
    for arm, why in loaded["missing"].items():
        notes.append(f"arm {arm} not scored: {why['repo']}@{why['revision']} ({why['why']})")
    unpinned = [a["repo"] for a in loaded["adapters"].values() if a["revision"] != a["commit"]]
    if unpinned:
        notes.append(
            f"revisions: {len(unpinned)} adapter(s) named by branch, not commit; the commits they "
            "resolved to are recorded in the section above"
        )
    notes.append("seeds: one released adapter per arm (the paper reports the mean of 4 seeds)")
    return notes


def markdown(loaded: dict) -> list[str]:
    """The report section naming what was scored: repos, commits, precision, template."""
    lines = [
        "## Released adapters scored",
        "",
        f"Base {loaded['base']['repo']} @ {loaded['base']['revision']} → commit "
        f"`{loaded['base_commit']}`, {loaded['precision']}, loaded once; adapters swapped on it.",
        "",
        "| arm | adapter | revision → commit | LoRA r/α | trained on | template sha256 |",
        "|---|---|---|---|---|---|",
    ]
    for arm, a in loaded["adapters"].items():
        lines.append(
            f"| {arm} | {a['repo']} | {a['revision']} → `{a['commit'][:12]}` | "
            f"{a['r']}/{a['lora_alpha']} | {a['base_model_name_or_path']} | "
            f"`{a['template_sha256']}` |"
        )
    for arm, why in loaded["missing"].items():
        lines.append(f"| {arm} | {why['repo']} | {why['revision']} → missing | | | |")
    if loaded["adapters"]:
        example = next(iter(loaded["adapters"].values()))["rendered_prompt"]
        lines += [
            "",
            "Each adapter was scored under its own tokenizer's chat template; a question "
            "renders as:",
            "",
            "```",
            example,
            "```",
        ]
    return [*lines, ""]
