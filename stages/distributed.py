"""Data-parallel training (DDP): a training stage with `train.gpus > 1` runs as one process per
GPU under torchrun, each a full copy of the model on its own slice of every global batch, the
gradients averaged after each backward (docs/multigpu.md).

The stage protocol holds with one writer: rank 0 decides what the stage does (skip, restart,
resume from which checkpoint), writes config.json, the checkpoints and their seals, the adapter
and manifest.json; the other ranks only read. The parent (replicate.py, one process) holds the
run directory's lock and starts the ranks:

    torchrun --standalone --nproc_per_node N -m stages.train RUN_DIR/<stage>/config.json

by hand, the same command works; rank 0 then takes the lock. Pure decisions (the per-device
batch, the device map, who takes the lock) are functions of the environment torchrun sets, so
they are tested without a second GPU.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stages.config import REPO_ROOT, ConfigError

# Set by a parent that holds the run directory's lock for the ranks it starts (its PID): the
# ranks check that this process really holds it and take no lock of their own.
LOCK_HOLDER_VAR = "MSM_KIT_LOCK_HOLDER"


@dataclass(frozen=True)
class Ranks:
    """This process's place in the torchrun group (one process, rank 0 of 1, outside one)."""

    rank: int = 0
    local_rank: int = 0
    world_size: int = 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.world_size > 1


def ranks(env: Mapping[str, str] | None = None) -> Ranks:
    """The ranks torchrun (or `accelerate launch`) set in the environment: RANK, LOCAL_RANK,
    WORLD_SIZE; a plain process is rank 0 of 1."""
    env = os.environ if env is None else env
    try:
        return Ranks(
            rank=int(env.get("RANK", "0")),
            local_rank=int(env.get("LOCAL_RANK", "0")),
            world_size=int(env.get("WORLD_SIZE", "1")),
        )
    except ValueError as err:
        raise ConfigError(f"RANK, LOCAL_RANK and WORLD_SIZE must be integers ({err})") from err


def per_device_batch(batch_size: int, grad_accum: int, world_size: int) -> tuple[int, int]:
    """(per-device batch, accumulation steps) that keep the global batch, batch_size x
    grad_accum sequences per optimizer step, the same on `world_size` processes, so a stage on
    N GPUs trains on the same sequences per step as on one.

    The rule: divide the accumulation steps when `world_size` divides them (each card holds the
    batch it holds alone, so a preset's memory fit carries over); else divide the per-device
    batch; else a ConfigError naming the values that would work."""
    if world_size == 1:
        return batch_size, grad_accum
    if grad_accum % world_size == 0:
        return batch_size, grad_accum // world_size
    if batch_size % world_size == 0:
        return batch_size // world_size, grad_accum
    raise ConfigError(
        f"train.gpus = {world_size} must divide grad_accum ({grad_accum}) or batch_size "
        f"({batch_size}), so that {world_size} GPUs train on the same "
        f"{batch_size * grad_accum} sequences per step as one; e.g. set grad_accum to a "
        f"multiple of {world_size}"
    )


def device_map(cuda: bool, here: Ranks) -> dict[str, int] | None:
    """Where a rank loads its model: all of it on its own GPU (`{"": local_rank}`, the map
    unsloth's DDP guide and bitsandbytes' 4-bit loading need; "auto" would shard one copy over
    every visible GPU), the first GPU for one process, nothing (CPU) without CUDA."""
    if not cuda:
        return None
    return {"": here.local_rank}


def device_problem(gpus: int, cuda: bool, cuda_devices: int) -> str | None:
    """Why `gpus` ranks cannot start here (None: they can). On CPU any count starts, on the
    gloo backend: the tests' two-rank rehearsal."""
    if cuda and gpus > cuda_devices:
        return (
            f"train.gpus = {gpus} but this machine has {cuda_devices} CUDA device(s); "
            f"set train.gpus to at most {cuda_devices}"
        )
    return None


def lock_role(here: Ranks, env: Mapping[str, str]) -> str:
    """Who holds the run directory's lock for this rank: "parent" (a launcher that holds it
    named itself in LOCK_HOLDER_VAR), "self" (rank 0, or a plain process, takes it) or
    "rank0" (a non-zero rank under a hand-run torchrun: rank 0 holds it for the group)."""
    if env.get(LOCK_HOLDER_VAR):
        return "parent"
    return "self" if here.is_main else "rank0"


def launch_command(record_path: Path, gpus: int) -> list[str]:
    """The command a parent runs for a stage on `gpus` GPUs: torchrun through this interpreter
    (`python -m torch.distributed.run` is the `torchrun` script), one node, `gpus` ranks."""
    return [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        f"--nproc_per_node={gpus}",
        "-m",
        "stages.train",
        str(record_path),
    ]


def launch_env(env: Mapping[str, str], lock_holder: int) -> dict[str, str]:
    """The ranks' environment: the parent's, the kit importable from any working directory
    (sources in a recorded job may be relative to it), and the lock holder named."""
    paths = [str(REPO_ROOT), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    return {**env, "PYTHONPATH": os.pathsep.join(paths), LOCK_HOLDER_VAR: str(lock_holder)}


# ---- collectives (only under torchrun) ---------------------------------------------------


def start_group(cuda: bool) -> None:
    """Join the process group now, as the Trainer would later (accelerate's PartialState: gloo
    on CPU, NCCL on CUDA with this rank's GPU current), so rank 0 can hand its decisions to
    the others before any trainer exists; the Trainer then finds the group started."""
    from accelerate import PartialState

    PartialState(cpu=not cuda)


def share_from_main(value: Any, here: Ranks) -> Any:
    """Rank 0's `value`, on every rank (a picklable object)."""
    if not here.distributed:
        return value
    import torch.distributed as dist

    box = [value if here.is_main else None]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def end_group() -> None:
    """Leave the process group (torch warns at exit about one left open)."""
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


def rng_states_from_main(trainer: Any, here: Ranks) -> None:
    """Make rank 0 the only writer of a checkpoint's per-rank RNG files.

    transformers 5.23 has every rank write its own `rng_state_<rank>.pth` into the checkpoint
    (`Trainer._save_rng_state`), and nothing orders that write before rank 0 seals the
    checkpoint (stages/callbacks.py). Here each rank has the library write its file into a
    scratch folder outside the run directory, rank 0 gathers the bytes and writes every file
    under the same names, and resume reads them back unchanged (`Trainer._load_rng_state`)."""
    if not here.distributed:
        return
    import torch.distributed as dist

    save_own = trainer._save_rng_state

    def save_all(output_dir: str) -> None:
        name = f"rng_state_{here.rank}.pth"
        with tempfile.TemporaryDirectory(prefix="msm-kit-rng-") as scratch:
            save_own(scratch)
            payload = (Path(scratch) / name).read_bytes()
        gathered: list[Any] | None = [None] * here.world_size if here.is_main else None
        dist.gather_object(payload, gathered, dst=0)
        if gathered is not None:
            Path(output_dir).mkdir(parents=True, exist_ok=True)
            for index, data in enumerate(gathered):
                (Path(output_dir) / f"rng_state_{index}.pth").write_bytes(data)

    trainer._save_rng_state = save_all
