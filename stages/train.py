"""The training recipe for both LoRA stages (MSM paper App. B.4).

- Midtraining (MSM): `kind="documents"`, plain next-token loss on every token of the spec corpus,
  documents packed end to end ("wrapped") into `max_seq_len` blocks.
- Alignment fine-tuning (AFT) and instruction tuning: `kind="chats"`, loss on assistant tokens
  only (the chat template's `{% generation %}` markers), chats batched by length, never packed.

AFT after MSM *continues the MSM adapter* (`init_adapter`), as the paper did: no merge, no re-init.

Run alone:  python -m stages.train RUN_DIR/<stage>/config.json
(re-runs a stage from the config a previous run recorded; replicate.py is the usual entry).
On several GPUs (`train.gpus > 1`, data parallel; rank 0 is the one writer, docs/multigpu.md):
    torchrun --standalone --nproc_per_node N -m stages.train RUN_DIR/<stage>/config.json
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stages import accel, distributed, manifest
from stages.config import (
    ConfigError,
    LoraConfig,
    ModelConfig,
    OneOf,
    TrainConfig,
    config_hash,
    from_dict,
    hash_view,
    to_dict,
)
from stages.data import DataError, mix_sources
from stages.inputs import local_inputs
from stages.oserrors import library_writes
from stages.rundir import intact_checkpoint


@dataclass
class TrainJob:
    RANGES = {"kind": OneOf(("documents", "chats"))}  # noqa: RUF012
    kind: str
    model: ModelConfig
    lora: LoraConfig
    train: TrainConfig
    # (source, rows to take from it: a count, a fraction below 1, or 0 for all), mixed
    # together: e.g. cheese AFT + the instruction mix. Each source's count is final (no cut
    # after mixing), so the instruction rows are the same in every arm and arms stay comparable.
    sources: list[tuple[str, int | float]]
    seed: int
    # Sibling stage folder (in the same run dir) whose adapter this job continues; "" = fresh.
    init_adapter: str = ""
    # The upstream stage's config hash: a changed MSM stage invalidates the AFT built on it.
    init_hash: str = ""
    # Job-specific options; "rename": {old: new} replaces each old phrase (case-insensitive,
    # whole words) in every row at load, e.g. the renamed-AFT control.
    extra: dict = field(default_factory=dict)
    # Size and sha256 of every local source file (and, for chats, the chat template), filled
    # here so the stage hash covers what the files hold: an edited file redoes the stage.
    inputs: dict = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        template = self.model.chat_template if self.kind == "chats" else ""
        self.inputs = local_inputs([source for source, _ in self.sources], template)


def run(job: TrainJob, stage_dir: Path) -> Path:
    """Train (or resume, or skip) one adapter; returns the folder holding `adapter/`.

    With `train.gpus > 1` in a plain process, the stage runs as that many torchrun ranks
    (`launch`); under torchrun, every rank trains and rank 0 alone writes."""
    here = distributed.ranks()
    # The global batch must split over the GPUs: checked before any rank starts.
    distributed.per_device_batch(job.train.batch_size, job.train.grad_accum, job.train.gpus)
    if job.train.gpus > 1 and not here.distributed:
        return launch(job, stage_dir)
    job_hash = config_hash(job)
    if here.distributed:
        distributed.start_group(accel.has_cuda())
    # Rank 0 alone reads and tidies the stage's state (a redo or restart deletes files, a
    # damaged checkpoint is removed) and hands the others its verdict: "done", or the
    # checkpoint to resume from (None: from step 0).
    verdict: tuple[str, str | None] = ("error", None)
    try:
        if here.is_main:
            verdict = _open_stage(job, job_hash, stage_dir)
    finally:
        verdict = distributed.share_from_main(verdict, here)
    if verdict[0] == "error":  # rank 0 raised, and reports it; the others stop quietly
        raise SystemExit(2)
    if verdict[0] == "done":
        return stage_dir
    last = verdict[1]
    checkpoints = stage_dir / "checkpoints"
    from transformers.trainer_callback import ProgressCallback

    from stages.callbacks import SealCheckpoints, StageProgress

    trainer, dataset, taken = build_trainer(job, stage_dir, checkpoints)
    model, tokenizer = trainer.model, trainer.processing_class
    trainer.remove_callback(ProgressCallback)
    trainer.add_callback(StageProgress(stage_dir.name))  # rank 0's bar only (is_world_process_zero)
    trainer.add_callback(SealCheckpoints())
    distributed.rng_states_from_main(trainer, here)
    started = time.time()
    # A full disk or a read-only folder, while checkpointing or saving the adapter, becomes
    # one line; the sealed checkpoints stay, so the rerun resumes from the last one.
    with library_writes(stage_dir):
        trainer.train(resume_from_checkpoint=last)
    seconds = time.time() - started
    if not here.is_main:  # every rank holds the same adapter; rank 0 writes it
        return stage_dir

    with library_writes(stage_dir / "adapter"):
        model.save_pretrained(stage_dir / "adapter")
        tokenizer.save_pretrained(stage_dir / "adapter")
    losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
    shutil.rmtree(checkpoints, ignore_errors=True)  # the adapter is saved; checkpoints are spent
    manifest.finish(
        stage_dir,
        job_hash,
        {
            "rows": len(dataset),
            "rows_per_source": taken,
            "steps": trainer.state.global_step,
            "tokens_seen": int(trainer.state.num_input_tokens_seen),
            "train_seconds": round(seconds, 1),
            "tokens_per_second": round(trainer.state.num_input_tokens_seen / max(seconds, 1e-9), 1),
            "first_loss": losses[0] if losses else None,
            "last_loss": losses[-1] if losses else None,
            "loss_history": losses,
            "peak_memory_gb": accel.peak_memory_gb(),
            "trainable_params": sum(p.numel() for p in model.parameters() if p.requires_grad),
            "resumed_from": Path(last).name if last else None,
            # Data-parallel ranks that trained it (rank 0 wrote every file of the stage).
            "world_size": here.world_size,
            **accel.stack_record(model),
        },
        ["adapter"],
    )
    return stage_dir


def _open_stage(job: TrainJob, job_hash: str, stage_dir: Path) -> tuple[str, str | None]:
    """("done", None) for a finished stage; else ("train", the checkpoint to resume from or
    None), after config.json is written. Rank 0's (or the only process's) part of `run`."""
    if manifest.is_done(stage_dir, job_hash, hash_view(job)):
        return "done", None
    resumable = manifest.begin(stage_dir, job_hash, to_dict(job))
    last = intact_checkpoint(stage_dir / "checkpoints", stage_dir.name) if resumable else None
    if last:
        print(f"[resume] {stage_dir.name}: continuing from {last.name}")
    return "train", str(last) if last else None


def launch(job: TrainJob, stage_dir: Path) -> Path:
    """Run the stage on `job.train.gpus` GPUs: this process (which holds the run directory's
    lock) writes config.json, starts the ranks under torchrun on it, and trusts the stage once
    the manifest rank 0 wrote checks out. A finished stage is skipped without starting them."""
    job_hash = config_hash(job)
    if manifest.is_done(stage_dir, job_hash, hash_view(job)):
        return stage_dir
    import torch

    cuda = accel.has_cuda()
    problem = distributed.device_problem(
        job.train.gpus, cuda, torch.cuda.device_count() if cuda else 0
    )
    if problem:
        raise ConfigError(problem)
    manifest.begin(stage_dir, job_hash, to_dict(job))  # the record the ranks load the job from
    accel.begin_stage_memory()  # the ranks need the GPUs this process may still hold
    command = distributed.launch_command(stage_dir / "config.json", job.train.gpus)
    print(f"[train] {stage_dir.name}: {job.train.gpus} data-parallel ranks: {' '.join(command)}")
    status = subprocess.run(command, env=distributed.launch_env(os.environ, os.getpid())).returncode
    if status != 0:
        raise ConfigError(
            f"training stage {stage_dir.name} failed on {job.train.gpus} ranks (torchrun exit "
            f"status {status}; the ranks' error is above); rerun to resume from its last "
            "checkpoint"
        )
    if not manifest.is_done(stage_dir, job_hash, hash_view(job)):
        raise ConfigError(f"training stage {stage_dir.name}: its ranks wrote no manifest.json")
    return stage_dir


def build_trainer(job: TrainJob, stage_dir: Path, output_dir: Path) -> tuple[Any, Any, list]:
    """The stage's SFTTrainer, with its model loaded and its rows encoded by the kit; the
    encoded rows; and what each source contributed."""
    accel.import_unsloth_first(job.model)  # before trl below binds SFTTrainer
    import datasets

    datasets.disable_progress_bars()  # per-map bars; the training bar is the one to watch
    dataset, taken = build_dataset(job)

    from trl import SFTTrainer

    from stages.model import load_trainable

    init_dir = stage_dir.parent / job.init_adapter / "adapter" if job.init_adapter else None
    model, tokenizer = load_trainable(
        job.model,
        job.lora,
        job.train.max_seq_len,
        job.seed,
        job.train.gradient_checkpointing,
        init_dir,
    )
    if job.kind == "chats":
        dataset = encode_chats(dataset, tokenizer, job.train.max_seq_len)
    else:
        dataset = encode_documents(dataset, tokenizer)
    # Eval stages turn unsloth's logits on; training wants its fused loss without them.
    os.environ.pop("UNSLOTH_RETURN_LOGITS", None)
    trainer = SFTTrainer(
        model=model,
        args=sft_config(job, output_dir),
        train_dataset=dataset,
        processing_class=tokenizer,
    )
    return trainer, dataset, taken


def build_dataset(job: TrainJob) -> tuple[Any, list[dict]]:
    """The job's rows, mixed and shuffled with its seed, in the shape trl expects; and what each
    source contributed ({source, rows, revision}, stages.data.mix_sources)."""
    from datasets import Dataset

    rows, taken = mix_sources(job.sources, job.kind, job.model.display_name, job.seed)
    for old, new in job.extra.get("rename", {}).items():
        rows = rename_phrase(rows, old, new)
    field_name = "text" if job.kind == "documents" else "messages"
    return Dataset.from_list([{field_name: row[field_name]} for row in rows]), taken


def encode_chats(dataset: Any, tokenizer: Any, max_seq_len: int) -> Any:
    """Chats tokenized through the kit's template, labels -100 outside assistant turns (its
    `{% generation %}` blocks), truncated at `max_seq_len`.

    Masking here means neither trainer re-derives it: trl keeps a `labels` column as given
    (trl 1.15/1.16 `SFTTrainer._prepare_dataset`), and unsloth_zoo 2026.10.7 skips tokenizing a
    dataset with `labels` (`dataset_utils.sft_prepare_dataset`), where its `messages` branch
    would take masks from instruction/response markers instead.
    """

    def encode(row: dict) -> dict:
        encoded = tokenizer.apply_chat_template(
            row["messages"], return_dict=True, return_assistant_tokens_mask=True
        )
        ids = list(encoded["input_ids"])[:max_seq_len]
        mask = list(encoded["assistant_masks"])[:max_seq_len]
        return {
            "input_ids": ids,
            "labels": [t if m else -100 for t, m in zip(ids, mask, strict=True)],
        }

    return dataset.map(encode, remove_columns=["messages"])


def encode_documents(dataset: Any, tokenizer: Any) -> Any:
    """Documents tokenized as the tokenizer does a text (BOS in front where it adds one), each
    closed by EOS, never truncated: packing wraps them into `max_seq_len` blocks, and the EOS is
    what separates one document from the next (Qwen3 adds no BOS).

    Encoding here makes both trainers pack the same tokens: trl appends EOS to text rows itself
    but unsloth_zoo 2026.10.7 does not (`dataset_utils.sft_prepare_dataset`), and it truncates
    each text at `max_length` before packing; both keep an `input_ids` column as given.
    """
    eos = tokenizer.eos_token_id

    def encode(row: dict) -> dict:
        return {"input_ids": [*tokenizer(row["text"])["input_ids"], eos]}

    return dataset.map(encode, remove_columns=["text"])


def rename_phrase(rows: list[dict], old: str, new: str) -> list[dict]:
    """Rows with every whole-word, case-insensitive `old` replaced by `new`; a DataError when
    `old` occurs nowhere (the control would silently equal the plain arm)."""
    import re

    pattern = re.compile(rf"\b{re.escape(old)}\b", re.IGNORECASE)
    text = json.dumps(rows, ensure_ascii=False)
    renamed, count = pattern.subn(json.dumps(new)[1:-1], text)
    if not count:
        raise DataError(f"rename: {old!r} occurs in none of the rows to rename")
    return json.loads(renamed)


def sft_config(job: TrainJob, output_dir: Path) -> Any:
    from trl import SFTConfig

    from stages.accel import has_cuda, training_dtype

    documents = job.kind == "documents"
    t = job.train
    # Under torchrun the global batch is split over the ranks that really started.
    per_device, accumulation = distributed.per_device_batch(
        t.batch_size, t.grad_accum, distributed.ranks().world_size
    )
    return SFTConfig(
        output_dir=str(output_dir),
        num_train_epochs=t.epochs,
        learning_rate=t.learning_rate,
        lr_scheduler_type=t.lr_scheduler,
        warmup_steps=t.warmup_ratio,  # a float below 1 is a ratio of total steps
        weight_decay=t.weight_decay,
        # trl's default, set so unsloth's SFTConfig (default adamw_8bit) trains the same way
        # and the memory estimate's fp32 Adam state holds on both stacks.
        optim="adamw_torch_fused",
        per_device_train_batch_size=per_device,
        gradient_accumulation_steps=accumulation,
        # Every LoRA weight takes part in every forward, so DDP need not search the graph for
        # unused ones (the search also breaks reentrant gradient checkpointing); unsloth's DDP
        # guide sets the same.
        ddp_find_unused_parameters=False,
        max_length=t.max_seq_len,
        gradient_checkpointing=t.gradient_checkpointing,
        # Documents: pack end to end; attention may cross document boundaries, harmless for MSM.
        packing=documents,
        packing_strategy="wrapped",
        # Chats arrive tokenized with their assistant-only labels (`encode_chats`).
        assistant_only_loss=False,
        # Off on both stacks, set rather than left unset: unsloth turns padding-free batching on
        # for an unset value (unsloth/trainer.py, 2026.10.7), a path the kit does not rehearse
        # (without varlen attention the chats of one batch would attend to each other).
        padding_free=False,
        train_sampling_strategy="random" if documents else "group_by_length",
        # bf16 autocast on CPU too: faster than fp32 on CPUs with AVX512-BF16; GPUs without
        # bf16 (T4) train in fp16.
        bf16=training_dtype() == "bf16",
        fp16=training_dtype() == "fp16",
        use_cpu=not has_cuda(),
        save_strategy="steps",
        save_steps=t.save_every_steps,
        save_total_limit=2,  # the previous one is the fallback when the newest is damaged
        logging_steps=1,
        include_num_input_tokens_seen="non_padding",  # the unit the dry run predicts
        report_to="none",
        seed=job.seed,
        data_seed=job.seed,
        dataset_num_proc=None,
    )


def job_from_record(record_path: Path) -> TrainJob:
    """The job a stage recorded in its config.json (`manifest.begin`), checked as a preset is:
    an unknown key, a missing one or a value of the wrong type is one line naming the file."""
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{record_path}: not a stage's config.json ({err})") from err
    config = record.get("config") if isinstance(record, dict) else None
    if not isinstance(config, dict):
        raise ConfigError(f"{record_path}: no config table: not a training stage's config.json")
    # The files' fingerprints are taken anew from the files as they are now.
    settings = {key: value for key, value in config.items() if key != "inputs"}
    return from_dict(TrainJob, settings, where=str(record_path))


def main(argv: list[str]) -> int:
    from contextlib import nullcontext

    from stages.rundir import hold_lock

    record_path = Path(argv[0])
    run_dir = record_path.parent.parent
    here = distributed.ranks()
    role = distributed.lock_role(here, os.environ)
    if role == "parent":
        _check_parent_holds_lock(run_dir)
    # One lock holder per run: this process, or rank 0 for a hand-run torchrun group (the
    # others wait for rank 0's verdict in `run`, which comes after it has the lock), or the
    # parent that started the ranks.
    lock = hold_lock(run_dir) if role == "self" else nullcontext()
    try:
        with lock:
            run(job_from_record(record_path), record_path.parent)
    finally:
        distributed.end_group()
    return 0


def _check_parent_holds_lock(run_dir: Path) -> None:
    from stages.rundir import held_by

    holder = os.environ[distributed.LOCK_HOLDER_VAR]
    if not holder.isdigit() or not held_by(run_dir, int(holder)):
        raise ConfigError(
            f"{distributed.LOCK_HOLDER_VAR}={holder}, but that process does not hold "
            f"{run_dir}'s lock; unset it to run this stage by hand"
        )


if __name__ == "__main__":
    from stages.cli import run_cli

    run_cli(main)
