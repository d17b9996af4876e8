"""Which torch the GPU stack installs against, and whether torch can use the GPU here.

    python -m stages.gpu_env constraints FILE   # pip constraints that keep the torch present
    python -m stages.gpu_env check              # exit 1, saying what to do, unless CUDA works

`install.sh gpu|colab` runs both, before and after the stack's pip install, so importing this
module needs the standard library only; torch is imported inside the functions that ask it.

Why a constraint: unsloth accepts any torch >= 2.4, < 2.15, but pip, left alone, satisfies
unsloth's other requirements with their newest releases (xformers 0.0.35 needs torch >= 2.10,
torchvision 0.29 the newest torch) and replaces a working CUDA torch with the newest on the
package index: torch 2.14.1, a CUDA 13 build that needs an R580 driver. On a CUDA 12 driver
(Colab's T4 runtime, for one) that torch sees no GPU. Pinning the installed torch and torchvision
keeps the build that matches the machine; with no torch present, the newest CUDA 12 build on the
package index (FRESH_TORCH) is installed instead.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

# unsloth 2026.10.7's torch requirement (its wheel's METADATA: torch<2.15.0,>=2.4.0).
UNSLOTH_TORCH = ((2, 4), (2, 15))
# With no torch present: torch 2.10.0 is the newest build on the package index made for CUDA 12
# (12.8; from 2.11 on the index's builds are CUDA 13); torchvision 0.25.0 requires exactly it,
# and xformers 0.0.35, which pip then picks, was built against 2.10.0+cu128 (its cpp_lib.json).
FRESH_TORCH = {"torch": "2.10.0", "torchvision": "0.25.0"}
FRESH_TORCH_NAME = "torch 2.10.0 (CUDA 12.8)"
REINSTALL = (
    "pip uninstall -y torch torchvision xformers, then bash install.sh gpu again: it installs "
    f"{FRESH_TORCH_NAME}; or install a CUDA torch built for this machine's driver first "
    "(bash install.sh gpu keeps it)"
)


def installed(name: str) -> str | None:
    """The installed distribution's version, local label included (2.9.0+cu126), or None."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def release(version: str) -> tuple[int, int]:
    """(major, minor) of a version string such as 2.9.0+cu126."""
    major, minor = version.split("+")[0].split(".")[:2]
    return int(major), int(minor)


def torch_constraints(torch: str | None, torchvision: str | None) -> list[str]:
    """pip constraint lines: the installed torch (and torchvision) exactly, or FRESH_TORCH.

    Raises ValueError when the installed torch is outside unsloth's range: pip would have to
    replace it, and which build it would pick is the problem this module exists to avoid.
    """
    if torch is None:
        return [f"{name}=={version}" for name, version in FRESH_TORCH.items()]
    low, high = UNSLOTH_TORCH
    if not low <= release(torch) < high:
        raise ValueError(
            f"torch {torch} is installed, outside what unsloth 2026.10.7 accepts (>= 2.4, < 2.15): "
            f"{REINSTALL}"
        )
    pins = [f"torch=={torch}"]
    if torchvision is not None:
        pins.append(f"torchvision=={torchvision}")
    return pins


def nvidia_gpus() -> list[str]:
    """The NVIDIA GPUs the driver reports (`nvidia-smi -L` lines, or the kernel driver's
    /proc/driver/nvidia/gpus entries when nvidia-smi is missing); empty without a driver."""
    if shutil.which("nvidia-smi"):
        try:
            listing = subprocess.run(
                ["nvidia-smi", "-L"], capture_output=True, text=True, timeout=20, check=False
            ).stdout
        except (OSError, subprocess.TimeoutExpired):
            listing = ""
        gpus = [
            line.split(" (UUID")[0].strip()
            for line in listing.splitlines()
            if line.startswith("GPU ")
        ]
        if gpus:
            return gpus
    driver = Path("/proc/driver/nvidia/gpus")
    return [f"NVIDIA GPU at PCI {entry.name}" for entry in sorted(driver.glob("*"))]


def driver_version() -> str | None:
    """The NVIDIA driver's version from nvidia-smi, or None."""
    if not shutil.which("nvidia-smi"):
        return None
    try:
        answer = subprocess.run(
            ["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        ).stdout.split()
    except (OSError, subprocess.TimeoutExpired):
        return None
    return answer[0] if answer else None


def cuda_problem() -> str | None:
    """None when torch can use a CUDA GPU here; otherwise why not and what to do, in one line."""
    import torch

    if torch.cuda.is_available():
        return None
    gpus = nvidia_gpus()
    if torch.version.cuda is None:
        if not gpus:
            return f"torch {torch.__version__} is a CPU-only build and no NVIDIA GPU is here"
        return f"{gpus[0]} is here but torch {torch.__version__} is a CPU-only build: {REINSTALL}"
    if not gpus:
        return (
            f"torch {torch.__version__} (CUDA {torch.version.cuda}) finds no GPU, and no NVIDIA "
            "driver reports one (on Colab: Runtime > Change runtime type > T4 GPU)"
        )
    driver = driver_version()
    return (
        f"{gpus[0]} is here (driver {driver or 'version unknown'}) but torch {torch.__version__} "
        f"(built for CUDA {torch.version.cuda}) cannot use it; CUDA 13 builds need an R580 or "
        f"newer driver: {REINSTALL}"
    )


def main(argv: list[str]) -> int:
    if argv[:1] == ["constraints"] and len(argv) == 2:
        try:
            pins = torch_constraints(installed("torch"), installed("torchvision"))
        except ValueError as error:
            print(f"install.sh: {error}", file=sys.stderr)
            return 2
        Path(argv[1]).write_text("".join(f"{pin}\n" for pin in pins))
        print(f"install.sh: installing against {', '.join(pins)}")
        return 0
    if argv == ["check"]:
        problem = cuda_problem()
        if problem is not None:
            if not nvidia_gpus():
                problem += "; install it on a machine with an NVIDIA GPU (CPU: bash install.sh)"
            print(f"install.sh: the GPU stack is installed but CUDA does not work: {problem}")
            return 1
        import torch

        print(f"install.sh: torch {torch.__version__} uses {torch.cuda.get_device_name(0)}")
        return 0
    print("usage: python -m stages.gpu_env constraints FILE | check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
