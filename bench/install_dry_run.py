"""What `bash install.sh gpu` would install, resolved by pip without installing anything.

    python -m bench.install_dry_run        # ~4 min; needs the package index

Each case is a throwaway venv under the system temp folder, with the torch a machine might
already have standing in as metadata only (a `torch-<version>.dist-info` folder: pip's resolver
reads installed metadata, never the files), resolved with `pip install --dry-run --report`:
through install.sh (its torch constraint), and once with plain `pip install -r
requirements-gpu.txt`, what the kit did before the constraint. This machine's own pip settings
(local mirrors, caps) are switched off (PIP_CONFIG_FILE=/dev/null): a fresh cloud machine or
Colab runtime has none. The result is appended to docs/benchmarks.md.
"""

from __future__ import annotations

import ensurepip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import append_log, command_line, load_average, markdown_table
from stages.config import REPO_ROOT

# (case, installed distributions standing in for the machine's, resolve through install.sh).
# Colab's T4 runtime as of the torch 2.9 era and the lent test machine (torch 2.11.0+cu130,
# triton 3.6.0 in its image); the stand-ins require what those releases pin (torch its
# triton, torchvision its torch).
COLAB = {"torch": "2.9.0+cu126", "torchvision": "0.24.0+cu126", "triton": "3.5.0"}
DEVICE = {"torch": "2.11.0+cu130", "torchvision": "0.26.0+cu130", "triton": "3.6.0"}
CASES = [
    ("fresh venv, no torch", {}, True),
    ("Colab-like torch 2.9.0+cu126", COLAB, True),
    ("Colab-like torch 2.9.0+cu126, plain pip -r (before)", COLAB, False),
    ("test machine's torch 2.11.0+cu130", DEVICE, True),
]
# Each of these releases requires exactly one version of another stand-in.
PINNED_DEPENDENCY = {"torch": "triton", "torchvision": "torch"}
SHOWN = ("torch", "torchvision", "xformers", "triton", "unsloth", "unsloth_zoo")


def stand_in(site_packages: Path, name: str, version: str, requires: list[str]) -> None:
    """An installed distribution as pip sees one: metadata only."""
    info = site_packages / f"{name}-{version}.dist-info"
    info.mkdir()
    lines = [f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"]
    lines += [f"Requires-Dist: {requirement}\n" for requirement in requires]
    (info / "METADATA").write_text("".join(lines))
    (info / "INSTALLER").write_text("pip\n")
    (info / "RECORD").write_text("")


def cuda_family(installs: list[dict]) -> str:
    """Which CUDA the resolved NVIDIA libraries are for, from their names and versions."""
    names = {item["metadata"]["name"].lower(): item["metadata"]["version"] for item in installs}
    if (
        any(name.endswith("-cu13") for name in names)
        or names.get("nvidia-cuda-runtime", "")[:3] == "13."
    ):
        return "CUDA 13"
    if any(name.endswith("-cu12") for name in names):
        return "CUDA 12"
    return "none (the torch present)"


def resolve(case: str, present: dict[str, str], through_install_sh: bool, venv: Path) -> dict:
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    site_packages = next((venv / "lib").glob("python*/site-packages"))
    for name, version in present.items():
        dependency = PINNED_DEPENDENCY.get(name)
        requires = [f"{dependency}=={present[dependency].split('+')[0]}"] if dependency else []
        stand_in(site_packages, name, version, requires)
    report = venv / "report.json"
    env = os.environ | {
        "PIP_CONFIG_FILE": os.devnull,
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(venv),
    }
    env.pop("PIP_FIND_LINKS", None)
    options = ["--dry-run", "--quiet", "--report", str(report)]
    if through_install_sh:
        command = ["bash", "install.sh", "gpu", *options]
    else:
        command = [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "-r",
            "requirements-gpu.txt",
        ]
        command += options
    started = time.time()
    done = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    seconds = time.time() - started
    if done.returncode != 0:
        raise SystemExit(f"{case}: exit {done.returncode}\n{done.stdout}\n{done.stderr}")
    installs = json.loads(report.read_text())["install"]
    versions = {
        item["metadata"]["name"].lower().replace("-", "_"): item["metadata"]["version"]
        for item in installs
    }
    row = {"case": case, "torch present": present.get("torch", "none")}
    for name in SHOWN:
        if name in versions:
            row[name] = versions[name]
        else:
            row[name] = f"kept {present[name]}" if name in present else "-"
    row["CUDA libraries pulled"] = cuda_family(installs)
    row["resolve s"] = f"{seconds:.0f}"
    print(row, flush=True)
    return row


def main() -> None:
    loads = [load_average()]
    with tempfile.TemporaryDirectory(prefix="install-dry-run-") as folder:
        rows = [resolve(*case, Path(folder) / f"case-{n}") for n, case in enumerate(CASES)]
    header = list(rows[0])
    table = markdown_table(header, [[row[key] for key in header] for row in rows])
    print(table)
    body = (
        f"pip {ensurepip.version()} (bundled with Python {sys.version.split()[0]}), "
        "resolution only (`--dry-run --report`), the package index only; `kept`: the installed "
        "version stays. The torch, torchvision and triton present are metadata-only stand-ins "
        "(a `dist-info` folder each, requiring what those releases pin).\n\n"
        f"{table}"
    )
    append_log(
        "`bash install.sh gpu` resolved beside each torch (dry run)", command_line(), body, loads
    )


if __name__ == "__main__":
    main()
