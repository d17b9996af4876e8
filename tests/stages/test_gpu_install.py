"""The GPU install keeps the torch it finds (install.sh + stages/gpu_env.py), and says loudly when
CUDA does not work afterwards. What pip really resolves from the package index beside each torch
is bench/install_dry_run.py's job (it needs the network); here, the constraint logic and
install.sh's wiring, with pip replaced by a recorder."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import types
from pathlib import Path

import pytest
import torch

from stages import gpu_env
from stages.config import REPO_ROOT


def test_an_installed_torch_and_torchvision_are_pinned_exactly() -> None:
    assert gpu_env.torch_constraints("2.9.0+cu126", "0.24.0+cu126") == [
        "torch==2.9.0+cu126",
        "torchvision==0.24.0+cu126",
    ]
    assert gpu_env.torch_constraints("2.11.0+cu130", None) == ["torch==2.11.0+cu130"]


def test_without_torch_a_cuda_12_build_is_chosen() -> None:
    assert gpu_env.torch_constraints(None, None) == ["torch==2.10.0", "torchvision==0.25.0"]
    # A torchvision left from an earlier torch would not fit the fresh pair.
    assert gpu_env.torch_constraints(None, "0.24.0") == ["torch==2.10.0", "torchvision==0.25.0"]


@pytest.mark.faults
@pytest.mark.parametrize("version", ["2.3.1+cu121", "2.15.0", "3.0.0"])
def test_a_torch_outside_unsloths_range_stops_the_install(version: str) -> None:
    with pytest.raises(ValueError, match=r"outside what unsloth 2026\.10\.7 accepts.*uninstall"):
        gpu_env.torch_constraints(version, None)


def recording_python(tmp_path: Path) -> tuple[dict, Path]:
    """A `python` first on PATH that records each `-m pip` call, and the text of each file it
    names as `NAME: line` (install.sh deletes its temporary files), and runs everything else
    with this interpreter."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.txt"
    script = bin_dir / "python"
    script.write_text(
        "#!/usr/bin/env bash\n"
        'if [ "$1 $2" = "-m pip" ]; then\n'
        f'  echo "PIP $*" >>{log}\n'
        '  for arg in "$@"; do [ -f "$arg" ] && '
        f'sed "s/^/$(basename "$arg"): /" "$arg" >>{log}; done\n'
        "  exit 0\n"
        "fi\n"
        f'exec {sys.executable} "$@"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    env = os.environ | {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    return env, log


def test_install_sh_gpu_dry_run_constrains_pip_to_the_torch_present(tmp_path: Path) -> None:
    env, log = recording_python(tmp_path)
    done = subprocess.run(
        ["bash", "install.sh", "gpu", "--dry-run", "--report", "r.json"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    pips = [line for line in calls if line.startswith("PIP ")]
    assert len(pips) == 1, calls  # a dry run installs nothing else and skips the CUDA check
    assert "-r requirements-gpu.txt -c " in pips[0] and pips[0].endswith(
        "--dry-run --report r.json"
    )
    assert f"constraints.txt: torch=={torch.__version__}" in calls


def test_install_sh_colab_leaves_the_notebook_runner_out(tmp_path: Path) -> None:
    env, log = recording_python(tmp_path)
    command = ["bash", "install.sh", "colab", "--dry-run"]
    done = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    colab = [line for line in calls if line.startswith("requirements-colab.txt: ")]
    assert any("unsloth==" in line for line in colab)
    assert not any("nbclient" in line or "# notebook runner" in line for line in colab)


@pytest.mark.faults
@pytest.mark.parametrize(
    "args",
    [["--dry-run"], ["cpu", "--dry-run"], ["gpus"]],
    ids=["flag-as-mode", "cpu-args", "typo"],
)
def test_install_sh_refuses_what_it_would_not_do(tmp_path: Path, args: list[str]) -> None:
    # A dry run that installs for real, or a mistyped mode taken for the CPU stack, would be
    # worse than one line.
    env, log = recording_python(tmp_path)
    done = subprocess.run(
        ["bash", "install.sh", *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not log.exists(), "pip was not called"


def fake_machine(monkeypatch: pytest.MonkeyPatch, cuda_build: str | None, gpus: list[str]) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch, "version", types.SimpleNamespace(cuda=cuda_build))
    monkeypatch.setattr(gpu_env, "nvidia_gpus", lambda: gpus)
    monkeypatch.setattr(gpu_env, "driver_version", lambda: "550.54.15")


@pytest.mark.faults
def test_a_cuda_13_torch_on_an_older_driver_is_named_with_the_fix(monkeypatch, capsys) -> None:
    fake_machine(monkeypatch, "13.0", ["GPU 0: Tesla T4"])
    assert gpu_env.main(["check"]) == 1
    message = capsys.readouterr().out
    assert "GPU 0: Tesla T4 is here (driver 550.54.15)" in message
    assert "built for CUDA 13.0" in message and "R580" in message
    assert "pip uninstall -y torch torchvision xformers" in message
    assert "torch 2.10.0 (CUDA 12.8)" in message
    assert len(message.strip().splitlines()) == 1


@pytest.mark.faults
def test_a_cpu_torch_beside_a_gpu_and_no_gpu_at_all_say_different_things(monkeypatch) -> None:
    fake_machine(monkeypatch, None, ["GPU 0: Tesla T4"])
    assert "is here but torch" in gpu_env.cuda_problem() and "CPU-only" in gpu_env.cuda_problem()
    fake_machine(monkeypatch, None, [])
    assert gpu_env.cuda_problem().endswith("CPU-only build and no NVIDIA GPU is here")
    fake_machine(monkeypatch, "12.6", [])
    assert "Change runtime type" in gpu_env.cuda_problem()


def test_a_working_gpu_passes_the_check(monkeypatch, capsys) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda *a: "Tesla T4")
    assert gpu_env.main(["check"]) == 0
    assert "uses Tesla T4" in capsys.readouterr().out


def test_nvidia_gpus_falls_back_to_the_kernel_driver(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(gpu_env.shutil, "which", lambda name: None)
    monkeypatch.setattr(gpu_env, "Path", lambda path: tmp_path)
    (tmp_path / "0000:00:04.0").mkdir()
    assert gpu_env.nvidia_gpus() == ["NVIDIA GPU at PCI 0000:00:04.0"]
