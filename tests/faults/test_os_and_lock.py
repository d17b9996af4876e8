"""Fault injection, part two: the run-directory lock under processes that start together, OS
trouble (full disk, read-only folders, files where folders belong, memory), and config values
the range table would pass but the training stack rejects. Each ends in a correct finish or one
line on stderr with exit 2 (3 for memory), never a traceback, never lost work.

    python -m pytest tests/faults/test_os_and_lock.py -q
"""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stages.rundir import hold_lock

pytestmark = pytest.mark.faults

RACERS = 12
ROUNDS = 40
HOLD_SECONDS = 0.05


# ---- the lock: exactly one holder, however many start at one instant ----------------------


def _race_for_the_lock(run_dir: str, barrier, inside, most_inside, holders, rounds: int) -> None:
    """One racer: at each round, every racer calls hold_lock at once; a winner counts itself
    inside while it sleeps, so two winners at a time show as `most_inside` > 1."""
    from stages.config import ConfigError

    for _ in range(rounds):
        barrier.wait()
        try:
            with hold_lock(Path(run_dir)):
                with inside.get_lock():
                    inside.value += 1
                    most_inside.value = max(most_inside.value, inside.value)
                    holders.value += 1
                time.sleep(HOLD_SECONDS)
                with inside.get_lock():
                    inside.value -= 1
        except ConfigError:
            pass
        barrier.wait()  # everyone done before the next round starts


def _race(run_dir: Path, rounds: int, before_each_round=None) -> tuple[int, int]:
    """(most holders at one time, holders in all) over `rounds` rounds of RACERS processes."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(RACERS + 1)
    inside, most_inside, holders = (context.Value("i", 0) for _ in range(3))
    racers = [
        context.Process(
            target=_race_for_the_lock,
            args=(str(run_dir), barrier, inside, most_inside, holders, rounds),
        )
        for _ in range(RACERS)
    ]
    for racer in racers:
        racer.start()
    try:
        for _ in range(rounds):
            if before_each_round is not None:
                before_each_round()
            barrier.wait(timeout=60)  # start the round
            barrier.wait(timeout=60)  # the round is over
    finally:
        for racer in racers:
            racer.join(timeout=60)
    assert all(racer.exitcode == 0 for racer in racers)
    return most_inside.value, holders.value


def test_processes_starting_together_hold_the_lock_one_at_a_time(tmp_path) -> None:
    most, holders = _race(tmp_path / "run", ROUNDS)
    assert most == 1, f"{most} processes held the run directory at once"
    assert holders == ROUNDS, "one holder per round, the rest refused"
    assert not (tmp_path / "run" / ".lock").exists()


def _dead_pid() -> int:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    return finished.pid


def test_processes_taking_over_a_stale_lock_together_have_one_winner(tmp_path) -> None:
    import socket

    run_dir = tmp_path / "run"
    run_dir.mkdir()
    stale = {"pid": _dead_pid(), "host": socket.gethostname(), "started": 1, "since": "earlier"}

    def leave_a_stale_lock() -> None:
        (run_dir / ".lock").write_text(json.dumps(stale))

    most, holders = _race(run_dir, ROUNDS, before_each_round=leave_a_stale_lock)
    assert most == 1, f"{most} processes took over the stale lock at once"
    assert holders == ROUNDS


def test_releasing_leaves_another_hosts_lock_of_the_same_pid(tmp_path) -> None:
    # The user deleted this run's lock, as the message for a vanished host says, and a process
    # on another host with the same PID took the folder: ending this run must not free it.
    import os

    run_dir = tmp_path / "run"
    namesake = {"pid": os.getpid(), "host": "another-runtime", "started": 1, "since": "now"}
    with hold_lock(run_dir):
        (run_dir / ".lock").write_text(json.dumps(namesake))
    assert json.loads((run_dir / ".lock").read_text()) == namesake


def test_a_run_dir_turning_read_only_keeps_the_error_that_stopped_the_run(
    tmp_path, monkeypatch
) -> None:
    import errno
    import os

    run_dir = tmp_path / "run"
    real_open = os.open

    def read_only(path, flags, *args):
        if str(path).endswith(".lock-turn"):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args)

    with pytest.raises(OSError, match="checkpoint-3"), hold_lock(run_dir):
        monkeypatch.setattr(os, "open", read_only)
        raise OSError(errno.EROFS, "Read-only file system", str(run_dir / "checkpoint-3"))


# ---- OS trouble: one line, exit 2, nothing computed lost --------------------------------------


def cli(monkeypatch, capsys, main, *argv: str) -> tuple[int, str]:
    """(exit status, stderr) of `main` run as a command-line entry point, in this process (so
    a patched library call stands in for a full disk or a read-only folder)."""
    from stages.cli import run_cli

    monkeypatch.setattr(sys, "argv", ["replicate.py", *argv])
    capsys.readouterr()
    with pytest.raises(SystemExit) as ended:
        run_cli(main)
    return ended.value.code, capsys.readouterr().err


def replicate_cli(monkeypatch, capsys, *argv: str) -> tuple[int, str]:
    import replicate

    return cli(
        monkeypatch, capsys, replicate.main, "--experiments", "cheese", "--preset", "tiny", *argv
    )


def assert_one_line(code: int, err: str, message: str, expected_code: int = 2) -> None:
    """One error line, last on stderr (a training stage's progress bar may stand before it)."""
    assert code == expected_code, err[-2000:]
    assert "Traceback" not in err
    lines = err.replace("\r", "\n").strip().splitlines()
    assert [line for line in lines if line.startswith("error:")] == lines[-1:], err
    assert message in lines[-1], err


# What the libraries raise on a full or read-only disk, as measured on a 512 KiB tmpfs (full,
# then remounted read-only): torch.save after a short write, or when it cannot open the file.
TORCH_SHORT_WRITE = "[enforce fail at inline_container.cc:672] . unexpected pos 576 vs 534"
TORCH_READ_ONLY = (
    "[enforce fail at inline_container.cc:747] . open file failed with strerror: "
    "Read-only file system"
)
SAFETENSORS_FULL = "Error while serializing: I/O error: No space left on device (os error 28)"


def _failing_torch_save(monkeypatch, text: str, on: str) -> None:
    """torch.save fails, as it does on a full or read-only disk, for paths containing `on`."""
    import torch

    real_save = torch.save

    def save(obj, path, *args, **kwargs):
        if on in str(path):
            raise RuntimeError(text)
        return real_save(obj, path, *args, **kwargs)

    monkeypatch.setattr(torch, "save", save)


@pytest.mark.parametrize(
    ("torch_error", "full", "message"),
    [
        (TORCH_SHORT_WRITE, True, "No space left on device: free some space"),
        (TORCH_READ_ONLY, False, "Read-only file system; make it writable"),
    ],
    ids=["full", "read-only"],
)
def test_checkpoint_on_a_full_or_read_only_disk_is_one_line_and_resumes(
    torch_error, full, message, tmp_path, tiny_model_config, corpora, monkeypatch, capsys
) -> None:
    import shutil

    from stages import train
    from tests.faults.test_bad_state_and_input import documents_job

    job = documents_job(tiny_model_config, corpora, save_every_steps=1)
    stage = tmp_path / "msm"
    _failing_torch_save(monkeypatch, torch_error, on="checkpoint-2")
    if full:  # what a full disk reports once a write came up short
        usage = shutil.disk_usage(tmp_path)
        monkeypatch.setattr(shutil, "disk_usage", lambda path: usage._replace(free=4096))
    code, err = cli(monkeypatch, capsys, lambda argv: bool(train.run(job, stage)) and 0)
    assert_one_line(code, err, message)
    assert f"{stage}" in err and "rerun the same command" in err
    monkeypatch.undo()

    assert (stage / "checkpoints" / "checkpoint-1").is_dir(), "the sealed checkpoint stays"
    train.run(job, stage)
    assert "continuing from checkpoint-1" in capsys.readouterr().out
    assert (stage / "manifest.json").is_file()


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        ("full", "No space left on device: free some space"),
        ("read-only", "Permission denied; make it writable"),
    ],
)
def test_adapter_save_on_a_full_or_read_only_disk_keeps_the_checkpoints(
    failure, message, tmp_path, tiny_model_config, corpora, monkeypatch, capsys
) -> None:
    import errno

    import peft.peft_model
    from safetensors import SafetensorError

    from stages import train
    from tests.faults.test_bad_state_and_input import documents_job

    job = documents_job(tiny_model_config, corpora, save_every_steps=1)
    stage = tmp_path / "msm"
    real_save = peft.peft_model.safe_save_file

    def save(tensors, path, *args, **kwargs):
        if Path(path).parent.name == "adapter":  # the final save, not a checkpoint's
            if failure == "full":
                raise SafetensorError(SAFETENSORS_FULL)
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_save(tensors, path, *args, **kwargs)

    monkeypatch.setattr(peft.peft_model, "safe_save_file", save)
    code, err = cli(monkeypatch, capsys, lambda argv: bool(train.run(job, stage)) and 0)
    assert_one_line(code, err, message)
    assert str(stage / "adapter") in err
    monkeypatch.undo()
    assert any((stage / "checkpoints").glob("checkpoint-*")), "checkpoints kept"
    assert not (stage / "manifest.json").exists(), "the stage is not finished"

    train.run(job, stage)
    assert "continuing from checkpoint-" in capsys.readouterr().out
    assert (stage / "adapter" / "adapter_model.safetensors").is_file()


def test_read_only_run_dir_from_the_start_is_one_line(tmp_path, monkeypatch, capsys) -> None:
    """Running as root (as CI does), chmod stops no write, so the run directory's first write
    (the lock record) fails the way it does on a read-only mount: OSError(EROFS)."""
    import errno

    run_dir = tmp_path / "run"
    real_write = Path.write_text

    def write_text(self, *args, **kwargs):
        if run_dir in self.parents:
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", write_text)
    code, err = replicate_cli(
        monkeypatch, capsys, "--run-dir", str(run_dir), "midtrain.max_rows=4", "aft.max_rows=4"
    )
    assert_one_line(
        code, err, "Read-only file system; make it writable (or choose another --run-dir)"
    )


def test_run_dir_naming_a_file_is_one_line(tmp_path, monkeypatch, capsys) -> None:
    afile = tmp_path / "results.txt"
    afile.write_text("not a folder")
    code, err = replicate_cli(monkeypatch, capsys, "--run-dir", str(afile))
    assert_one_line(code, err, f"--run-dir {afile} is a file")
    code, err = replicate_cli(monkeypatch, capsys, "--run-dir", str(afile / "run"))
    assert_one_line(code, err, f"{afile} is a file where a folder belongs")
    assert afile.read_text() == "not a folder"


def test_a_folder_where_a_data_file_belongs_is_one_line(tmp_path, monkeypatch, capsys) -> None:
    folder = tmp_path / "aft"
    folder.mkdir()
    code, err = replicate_cli(monkeypatch, capsys, "--dry-run", f"data.aft={folder}")
    assert_one_line(code, err, f"{folder}: a folder where a file belongs")


def test_unwritable_home_for_the_embedded_model_names_the_cache_variable(
    tmp_path, monkeypatch
) -> None:
    """A HOME nobody can write, made real for root too: its path runs through a file."""
    from stages.config import ConfigError
    from stages.model_source import embedded_model_dir

    blocker = tmp_path / "home-is-a-file"
    blocker.write_text("")
    monkeypatch.setenv("HOME", str(blocker / "user"))
    monkeypatch.delenv("MSM_KIT_CACHE", raising=False)
    started = time.time()
    with pytest.raises(ConfigError) as refused:
        embedded_model_dir()
    message = str(refused.value)
    assert "set MSM_KIT_CACHE to a writable folder" in message and str(blocker) in message
    assert time.time() - started < 5, "refused before converting anything"


class _FakeGGUFModel:
    """Stands in for the GGUF-loaded model: saving takes a while, as the real 538 MB does."""

    def __init__(self, conversions) -> None:
        self.hf_quantizer = self
        with conversions.get_lock():
            conversions.value += 1

    def remove_quantization_config(self, model) -> None:
        pass

    def save_pretrained(self, folder) -> None:
        Path(folder).mkdir(parents=True, exist_ok=True)
        time.sleep(0.3)
        (Path(folder) / "model.safetensors").write_text("weights")


class _FakeTokenizer:
    def save_pretrained(self, folder) -> None:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / "tokenizer.json").write_text("{}")


def _first_run(cache: str, barrier, conversions, results) -> None:
    import os

    import transformers

    from stages.model_source import embedded_model_dir

    os.environ["MSM_KIT_CACHE"] = cache
    transformers.AutoModelForCausalLM.from_pretrained = lambda *a, **k: _FakeGGUFModel(conversions)
    transformers.AutoTokenizer.from_pretrained = lambda *a, **k: _FakeTokenizer()
    barrier.wait()
    try:
        results.put(str(embedded_model_dir()))
    except Exception as err:  # reported to the test, which fails on it
        results.put(f"{type(err).__name__}: {err}")


def test_two_first_runs_convert_the_embedded_model_once(tmp_path) -> None:
    import transformers  # noqa: F401  (imported before the fork, as a run has it)

    context = multiprocessing.get_context("fork")
    runs = 4
    barrier = context.Barrier(runs)
    conversions = context.Value("i", 0)
    results = context.Queue()
    cache = tmp_path / "cache"
    processes = [
        context.Process(target=_first_run, args=(str(cache), barrier, conversions, results))
        for _ in range(runs)
    ]
    for process in processes:
        process.start()
    found = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    target = cache / "SmolLM2-135M-Instruct"
    assert found == [str(target)] * runs, found
    assert conversions.value == 1, f"converted {conversions.value} times"
    assert (target / "model.safetensors").read_text() == "weights"
    assert (target / "tokenizer.json").is_file()


@pytest.mark.parametrize("exhaust", ["torch allocator", "MemoryError"])
def test_cpu_out_of_memory_gives_the_gpu_paths_hint(exhaust, monkeypatch, capsys) -> None:
    import torch

    from stages.cli import OUT_OF_MEMORY_HINT

    def main(argv: list[str]) -> int:
        if exhaust == "torch allocator":
            torch.empty(2**50, dtype=torch.uint8)  # 1 PiB: refused by the real allocator
        raise MemoryError

    code, err = cli(monkeypatch, capsys, main)
    assert_one_line(code, err, f"ran out of memory; {OUT_OF_MEMORY_HINT}", expected_code=3)
    assert "the machine (RAM)" in err


# ---- values the range table passed but the stack rejects --------------------------------------


def _trainer_accepts(scheduler: str, tmp_path: Path) -> bool:
    """Whether transformers, at the installed version, runs `scheduler` with the kit's trainer
    settings: TrainingArguments' checks (SFTConfig), then the scheduler built as
    Trainer.create_scheduler builds it."""
    import torch
    from transformers.optimization import get_scheduler

    from stages.config import LoraConfig, ModelConfig, TrainConfig
    from stages.train import TrainJob, sft_config

    job = TrainJob(
        "documents", ModelConfig(), LoraConfig(), TrainConfig(lr_scheduler=scheduler), [], 0
    )
    try:
        args = sft_config(job, tmp_path)
        optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1e-3)
        get_scheduler(
            scheduler,
            optimizer,
            num_warmup_steps=args.get_warmup_steps(10),
            num_training_steps=10,
            scheduler_specific_kwargs=args.lr_scheduler_kwargs,
        )
    except (ValueError, TypeError):  # TypeError: a required scheduler argument is missing
        return False
    return True


def test_config_takes_exactly_the_schedulers_the_trainer_runs(tmp_path) -> None:
    from transformers.trainer_utils import SchedulerType

    from experiments.cheese.config import CheeseConfig
    from stages.config import ConfigError, load_config

    for scheduler in [member.value for member in SchedulerType]:
        try:
            load_config(CheeseConfig, "cheese", "tiny", [f"midtrain.lr_scheduler={scheduler}"])
            config_accepts = True
        except ConfigError:
            config_accepts = False
        assert config_accepts == _trainer_accepts(scheduler, tmp_path), scheduler


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["midtrain.lr_scheduler=greedy"], "midtrain.lr_scheduler = 'greedy': choose one of"),
        (["midtrain.epochs=inf"], "midtrain.epochs = inf: must be a finite number"),
        (["aft.epochs=nan"], "aft.epochs = nan: must be a finite number"),
        (["aft.learning_rate=nan"], "aft.learning_rate = nan: must be a finite number"),
        (["lora.dropout=inf"], "lora.dropout = inf: must be a finite number"),
        (
            ["--experiments", "released", "--preset", "released", "bf16_min_gb=nan"],
            "bf16_min_gb = nan: must be a finite number",
        ),
        (['lora.target_modules=["q_proj", "qkv"]'], "lora.target_modules = 'qkv': choose one of"),
    ],
)
def test_values_the_stack_rejects_stop_the_dry_run(args, message, monkeypatch, capsys) -> None:
    code, err = replicate_cli(monkeypatch, capsys, "--dry-run", *args)
    assert_one_line(code, err, message)


def test_a_model_that_cannot_load_offline_stops_the_run_before_any_work(
    tmp_path, monkeypatch, capsys
) -> None:
    import huggingface_hub.constants

    from stages.config import ConfigError, ModelConfig
    from stages.model import load_model

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    run_dir = tmp_path / "run"
    name = "nobody-here/not-a-model"
    args = ["--run-dir", str(run_dir), f"model.name={name}", "midtrain.max_rows=4"]
    code, err = replicate_cli(monkeypatch, capsys, *args)
    assert_one_line(code, err, f"model {name!r} cannot be loaded (not in the local cache)")
    assert "HF_HUB_OFFLINE" in err and "embedded:SmolLM2-135M-Instruct" in err
    assert not run_dir.exists(), "stopped before any work"

    monkeypatch.setattr(sys, "argv", ["replicate.py"])
    import replicate

    assert replicate.main(["--experiments", "cheese", "--preset", "tiny", "--dry-run", *args]) == 0
    assert f"warning: model {name!r} cannot be loaded" in capsys.readouterr().out

    with pytest.raises(ConfigError, match="no model folder"):
        load_model(ModelConfig(name=str(tmp_path / "missing-model")))


@pytest.fixture
def small_disk(tmp_path):
    """A real 10 MiB tmpfs (room for two sealed checkpoints of the tiny model, not three), or a
    skip where this user may not mount one (mounting needs root with CAP_SYS_ADMIN)."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=10m", "tmpfs", str(mount_point)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


@pytest.mark.parametrize("trouble", ["full", "turns read-only"])
def test_a_real_small_disk_mid_stage_is_one_line_and_resumes(
    trouble, small_disk, tiny_model_config, corpora, monkeypatch, capsys
) -> None:
    """The real conditions behind the simulated ones above: the disk fills up at the third
    checkpoint, or is remounted read-only once the first is sealed."""
    from stages import callbacks, train
    from tests.faults.test_bad_state_and_input import documents_job

    job = documents_job(tiny_model_config, corpora, save_every_steps=1)
    stage = small_disk / "msm"
    if trouble == "turns read-only":
        real_seal = callbacks.seal

        def seal_then_remount(checkpoint: Path) -> None:
            real_seal(checkpoint)
            subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)

        monkeypatch.setattr(callbacks, "seal", seal_then_remount)
    code, err = cli(monkeypatch, capsys, lambda argv: bool(train.run(job, stage)) and 0)
    message = "No space left on device: free" if trouble == "full" else "Read-only file system;"
    assert_one_line(code, err, message)
    monkeypatch.undo()

    subprocess.run(["mount", "-o", "remount,rw,size=64m", str(small_disk)], check=True)
    train.run(job, stage)
    assert "continuing from checkpoint-" in capsys.readouterr().out
    assert (stage / "manifest.json").is_file()
