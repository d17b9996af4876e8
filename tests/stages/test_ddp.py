"""Data-parallel training (stages/distributed.py): the pure decisions (batch split, device map,
who locks, who writes), and two ranks on gloo (CPU) against one process on a random tiny Llama:
the same adapter to TOLERANCE, one writer in the run directory, resume on every rank."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from safetensors.torch import load_file

from stages import callbacks, distributed, manifest, train
from stages.config import (
    REPO_ROOT,
    ConfigError,
    LoraConfig,
    ModelConfig,
    TrainConfig,
    config_hash,
    to_dict,
)
from stages.distributed import Ranks
from stages.rundir import LOCK_NAME, held_by, hold_lock
from stages.train import TrainJob

# Largest |difference| allowed between a LoRA weight trained by two gloo ranks and by one
# process. The ranks see the same sequences per step; only the order of float sums differs
# (the gradient all-reduce), which measured at most 4e-7 here (docs/multigpu.md).
TOLERANCE = 1e-5

# ---- the pure pieces ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("batch", "accum", "world", "split"),
    [
        (4, 8, 1, (4, 8)),
        (4, 8, 2, (4, 4)),  # accumulation divided first: each card holds what it holds alone
        (1, 32, 4, (1, 8)),  # the 32B preset's midtraining
        (2, 16, 4, (2, 4)),  # ...and its AFT
        (2, 1, 2, (1, 1)),  # no accumulation to divide: the batch is
        (4, 3, 4, (1, 3)),
    ],
)
def test_the_global_batch_is_kept_over_any_number_of_ranks(
    batch: int, accum: int, world: int, split: tuple[int, int]
) -> None:
    assert distributed.per_device_batch(batch, accum, world) == split
    per_device, steps = split
    assert per_device * steps * world == batch * accum


def test_a_batch_that_does_not_split_is_one_line() -> None:
    with pytest.raises(ConfigError, match=r"train.gpus = 4 must divide grad_accum \(6\)"):
        distributed.per_device_batch(3, 6, 4)


def test_ranks_come_from_torchruns_environment() -> None:
    assert distributed.ranks({}) == Ranks(0, 0, 1)
    here = distributed.ranks({"RANK": "5", "LOCAL_RANK": "1", "WORLD_SIZE": "8"})
    assert here == Ranks(5, 1, 8) and here.distributed and not here.is_main
    with pytest.raises(ConfigError, match="must be integers"):
        distributed.ranks({"RANK": "zero"})


def test_each_rank_loads_its_whole_model_on_its_own_gpu() -> None:
    assert distributed.device_map(cuda=False, here=Ranks(1, 1, 2)) is None
    assert distributed.device_map(cuda=True, here=Ranks()) == {"": 0}
    assert distributed.device_map(cuda=True, here=Ranks(5, 1, 8)) == {"": 1}


def test_more_ranks_than_gpus_is_one_line_and_cpu_takes_any_count() -> None:
    assert "at most 2" in (distributed.device_problem(4, cuda=True, cuda_devices=2) or "")
    assert distributed.device_problem(4, cuda=True, cuda_devices=4) is None
    assert distributed.device_problem(2, cuda=False, cuda_devices=0) is None


def test_one_lock_holder_per_group() -> None:
    holder = {distributed.LOCK_HOLDER_VAR: "123"}
    assert distributed.lock_role(Ranks(), {}) == "self"
    assert distributed.lock_role(Ranks(0, 0, 2), {}) == "self"  # hand-run torchrun: rank 0
    assert distributed.lock_role(Ranks(1, 1, 2), {}) == "rank0"
    assert distributed.lock_role(Ranks(0, 0, 2), holder) == "parent"
    assert distributed.lock_role(Ranks(1, 1, 2), holder) == "parent"


def test_the_launch_runs_this_interpreter_and_names_the_lock_holder() -> None:
    record = Path("/runs/x/msm/config.json")
    command = distributed.launch_command(record, 4)
    assert command[:3] == [sys.executable, "-m", "torch.distributed.run"]
    assert "--nproc_per_node=4" in command and command[-3:] == ["-m", "stages.train", str(record)]
    env = distributed.launch_env({"PYTHONPATH": "/elsewhere", "HOME": "/h"}, 42)
    assert env["PYTHONPATH"].split(os.pathsep) == [str(REPO_ROOT), "/elsewhere"]
    assert env[distributed.LOCK_HOLDER_VAR] == "42" and env["HOME"] == "/h"


def test_the_gpu_count_is_not_part_of_the_stage_hash() -> None:
    """Where a stage ran, not what it computed: a finished one-GPU stage is kept on four."""
    jobs = [
        TrainJob("documents", ModelConfig(), LoraConfig(), TrainConfig(gpus=n), [], 0)
        for n in (1, 4)
    ]
    assert config_hash(jobs[0]) == config_hash(jobs[1])
    assert to_dict(jobs[1])["train"]["gpus"] == 4  # still recorded in config.json


def test_the_4gpu_preset_is_the_paper_run_on_4_or_2_gpus() -> None:
    """Only where it trains differs from `paper`: same stage hashes, batches that split."""
    from experiments.agentic.config import AgenticConfig
    from stages.config import hash_view, load_config

    four, paper = (load_config(AgenticConfig, "agentic", p) for p in ("paper-4gpu", "paper"))
    assert (four.midtrain.gpus, four.aft.gpus, paper.midtrain.gpus) == (4, 4, 1)
    for section in ("model", "lora", "midtrain", "aft", "data", "eval"):
        assert hash_view(getattr(four, section)) == hash_view(getattr(paper, section)), section
    for gpus in (4, 2):
        for stage in (four.midtrain, four.aft):
            per_device, steps = distributed.per_device_batch(
                stage.batch_size, stage.grad_accum, gpus
            )
            assert (per_device, per_device * steps * gpus) == (stage.batch_size, 32)


def test_only_rank_zero_seals_a_checkpoint(tmp_path: Path) -> None:
    checkpoint = tmp_path / "checkpoint-2"
    checkpoint.mkdir()
    (checkpoint / "adapter_model.safetensors").write_bytes(b"x")
    args = SimpleNamespace(output_dir=str(tmp_path))
    other = SimpleNamespace(global_step=2, is_world_process_zero=False)
    callbacks.SealCheckpoints().on_save(args, other, None)
    assert not (checkpoint / "msm_kit_seal.json").exists()
    main = SimpleNamespace(global_step=2, is_world_process_zero=True)
    callbacks.SealCheckpoints().on_save(args, main, None)
    assert (checkpoint / "msm_kit_seal.json").exists()


def test_ranks_trust_a_parent_only_while_it_holds_the_lock(tmp_path: Path, monkeypatch) -> None:
    run_dir = tmp_path / "run"
    with hold_lock(run_dir):
        assert held_by(run_dir, os.getpid())
        assert not held_by(run_dir, os.getpid() + 1)
    assert not (run_dir / LOCK_NAME).exists() and not held_by(run_dir, os.getpid())
    monkeypatch.setenv(distributed.LOCK_HOLDER_VAR, str(os.getpid()))
    with pytest.raises(ConfigError, match="does not hold"):
        train.main([str(run_dir / "msm" / "config.json")])


# ---- two gloo ranks against one process --------------------------------------------------

# Run as torchrun's script: records every write-like call of each rank under the run
# directory (Python's audit events: opens for writing, mkdir, rename, remove, rmtree), then
# runs the stage as `python -m stages.train` does. With KILL_AT_STEP set, rank 0 dies hard
# after that optimizer step (torchrun then stops rank 1), as a crash or kill -9 would.
AUDITED_TRAIN = r"""
import os, sys
run_dir = os.path.abspath(os.environ["AUDIT_RUN_DIR"])
log = open(os.environ["AUDIT_LOG"], "a", buffering=1)
rank = os.environ.get("RANK", "?")
WRITES = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
EVENTS = {"os.mkdir", "os.rename", "os.remove", "os.rmdir", "shutil.rmtree", "os.truncate"}

def audit(event, args):
    if event == "open":
        path, mode, flags = args
        if not (any(c in (mode or "") for c in "wax+") or (flags or 0) & WRITES):
            return
    elif event not in EVENTS:
        return
    else:
        path = args[0]
    if isinstance(path, (str, bytes, os.PathLike)):
        path = os.path.abspath(os.fsdecode(path))
        if path == run_dir or path.startswith(run_dir + os.sep):
            log.write(f"{rank} {event} {os.path.relpath(path, run_dir)}\n")

sys.addaudithook(audit)
kill_at = int(os.environ.get("KILL_AT_STEP", "0"))
if kill_at and rank == "0":
    from stages import callbacks
    original = callbacks.StageProgress.on_step_end
    def on_step_end(self, args, state, control, **kwargs):
        original(self, args, state, control, **kwargs)
        if state.global_step == kill_at:
            os._exit(9)
    callbacks.StageProgress.on_step_end = on_step_end
from stages.cli import run_cli
from stages.train import main
run_cli(main)
"""


def ddp_job(model_config, corpora: dict[str, str], gpus: int = 1) -> TrainJob:
    # 24 documents pack into an even number of 64-token blocks, 2 per optimizer step: every
    # step is whole on one process and on two (an uneven tail would be padded by accelerate
    # with repeated rows on the short rank, a different batch from the single process's).
    settings = TrainConfig(
        learning_rate=1e-3,
        epochs=1.0,
        batch_size=1,
        grad_accum=2,
        max_seq_len=64,
        save_every_steps=2,
        gradient_checkpointing=False,
        gpus=gpus,
    )
    return TrainJob(
        "documents",
        model_config,
        LoraConfig(r=4, alpha=8),
        settings,
        [(corpora["documents"], 0)],
        0,
    )


def adapter(stage_dir: Path) -> dict[str, torch.Tensor]:
    return load_file(stage_dir / "adapter" / "adapter_model.safetensors")


def max_difference(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> float:
    assert a.keys() == b.keys()
    return max((a[name] - b[name]).abs().max().item() for name in a)


def torchrun_by_hand(record: Path, script: Path, log: Path, kill_at: int = 0) -> int:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "AUDIT_RUN_DIR": str(record.parent.parent),
        "AUDIT_LOG": str(log),
        "KILL_AT_STEP": str(kill_at),
        "OMP_NUM_THREADS": "1",
    }
    env.pop(distributed.LOCK_HOLDER_VAR, None)
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
    command += ["--nproc_per_node=2", str(script), str(record)]
    return subprocess.run(command, env=env, cwd=REPO_ROOT, timeout=300).returncode


@pytest.mark.integration
def test_two_gloo_ranks_train_the_single_process_adapter_with_one_writer(
    tmp_path: Path, tiny_model_config, corpora
) -> None:
    job = ddp_job(tiny_model_config, corpora)
    reference = adapter(train.run(job, tmp_path / "single" / "msm"))
    steps = json.loads((tmp_path / "single" / "msm" / "manifest.json").read_text())["steps"]
    assert steps >= 3, "the kill below must come after checkpoint-2, before the last step"

    # By hand, as docs/multigpu.md shows: rank 0 takes the lock. A first run is killed after
    # step 3 (checkpoint-2 sealed), the rerun resumes on both ranks from checkpoint-2.
    run_dir = tmp_path / "ddp"
    stage = run_dir / "msm"
    manifest.begin(stage, config_hash(job), to_dict(job))  # the record a run left behind
    script, log = tmp_path / "audited_train.py", tmp_path / "writes.log"
    script.write_text(AUDITED_TRAIN)
    assert torchrun_by_hand(stage / "config.json", script, log, kill_at=3) != 0
    assert not (stage / "manifest.json").exists()
    rng_files = sorted(p.name for p in (stage / "checkpoints" / "checkpoint-2").glob("rng_*"))
    assert rng_files == ["rng_state_0.pth", "rng_state_1.pth"]
    assert torchrun_by_hand(stage / "config.json", script, log) == 0

    record = json.loads((stage / "manifest.json").read_text())
    assert record["world_size"] == 2 and record["resumed_from"] == "checkpoint-2"
    assert record["steps"] == steps
    difference = max_difference(adapter(stage), reference)
    print(f"two gloo ranks vs one process: max |adapter difference| = {difference:.2e}")
    assert difference < TOLERANCE

    writes = [line.split(" ", 2) for line in log.read_text().splitlines()]
    writers = {rank for rank, _, _ in writes}
    assert writers == {"0"}, f"only rank 0 writes in the run directory: {sorted(writes)[-5:]}"
    written = {path for _, _, path in writes}
    assert {"msm/config.json.partial", "msm/manifest.json.partial"} <= written  # the hook sees
    assert any(path.startswith(LOCK_NAME) for path in written)  # rank 0 took the lock
    assert "msm/checkpoints/checkpoint-2/rng_state_1.pth" in written  # rank 0 wrote rank 1's
    leftovers = sorted(p.relative_to(run_dir).as_posix() for p in run_dir.rglob("*"))
    assert not [p for p in leftovers if "rank" in p or "rng_state" in p or "checkpoint" in p]
    assert not (run_dir / LOCK_NAME).exists()


@pytest.mark.integration
def test_a_stage_on_two_gpus_runs_through_its_parent_and_is_then_kept(
    tmp_path: Path, tiny_model_config, corpora, monkeypatch
) -> None:
    """replicate.py's path: the parent holds the lock, writes config.json, starts torchrun,
    trusts the manifest; a rerun skips the finished stage without starting any rank."""
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    single = adapter(train.run(ddp_job(tiny_model_config, corpora), tmp_path / "single"))
    run_dir = tmp_path / "run"
    job = ddp_job(tiny_model_config, corpora, gpus=2)
    with hold_lock(run_dir):
        stage = train.run(job, run_dir / "msm")
    assert json.loads((stage / "manifest.json").read_text())["world_size"] == 2
    assert max_difference(adapter(stage), single) < TOLERANCE

    def no_launch(*args, **kwargs):
        raise AssertionError("a finished stage must not start its ranks again")

    monkeypatch.setattr(subprocess, "run", no_launch)
    with hold_lock(run_dir):
        assert train.run(job, run_dir / "msm") == stage
