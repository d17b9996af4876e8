"""`./kit run` and `./kit test` set up .venv only when it is missing or stale, then run the job
with the arguments given. Here in a copy of the kit whose python3, venv and install.sh record
their calls instead of installing anything."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from stages.config import REPO_ROOT


def executable(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


@pytest.fixture
def kit(tmp_path: Path) -> tuple[Path, Path, dict]:
    """A copy of the kit (its pins, a recording install.sh), a log of calls, and an environment
    whose python3 makes a recording .venv."""
    root = tmp_path / "kit"
    root.mkdir()
    for name in ("kit", "requirements.txt", "requirements-gpu.txt"):
        shutil.copy2(REPO_ROOT / name, root / name)
    log = tmp_path / "calls.txt"
    (root / "install.sh").write_text(f'echo "INSTALL $*" >>{log}\nexit "${{FAIL_INSTALL:-0}}"\n')
    venv_python = f'#!/usr/bin/env bash\necho "PY $*" >>{log}\n'
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    executable(
        bin_dir / "python3",
        "#!/usr/bin/env bash\n"
        'if [ "$1 $2" = "-m venv" ]; then\n'
        f'  echo "VENV $3" >>{log}\n'
        '  mkdir -p "$3/bin"\n'
        '  echo "export PATH=$PWD/$3/bin:\\$PATH" >"$3/bin/activate"\n'
        f"  printf '%s' '{venv_python}' >\"$3/bin/python\"\n"
        '  chmod +x "$3/bin/python"\n'
        "  exit 0\n"
        "fi\n"
        f'exec {sys.executable} "$@"\n',
    )
    env = os.environ | {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    env.pop("KIT_INSTALL", None)
    return root, log, env


def calls(root: Path, log: Path, env: dict, *args: str, **extra: str) -> list[str]:
    """The kit's calls for one command, after checking it succeeded."""
    log.unlink(missing_ok=True)
    done = subprocess.run(
        ["./kit", *args], cwd=root, env=env | extra, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return log.read_text().splitlines()


def test_set_up_runs_once_then_again_only_when_the_pins_change(kit) -> None:
    root, log, env = kit
    pip = "PY -m pip install --quiet --upgrade pip"
    first = calls(root, log, env, "test", "-k", "foo bar")
    assert first == ["VENV .venv", pip, "INSTALL cpu", "PY -m pytest -k foo bar"]
    assert calls(root, log, env, "test", "-x") == ["PY -m pytest -x"]
    assert calls(root, log, env, "run", "--dry-run") == ["PY replicate.py --dry-run"]
    with (root / "requirements.txt").open("a") as pins:
        pins.write("rich==99.0\n")
    assert calls(root, log, env, "run") == [pip, "INSTALL cpu", "PY replicate.py"]
    assert calls(root, log, env, "run") == ["PY replicate.py"]
    gpu = calls(root, log, env, "run", "--preset", "released", KIT_INSTALL="gpu")
    assert gpu == [pip, "INSTALL gpu", "PY replicate.py --preset released"]
    assert calls(root, log, env, "run") == [pip, "INSTALL cpu", "PY replicate.py"]


@pytest.mark.faults
def test_a_failed_install_runs_nothing_and_is_redone(kit) -> None:
    root, log, env = kit
    failed = subprocess.run(
        ["./kit", "test"], cwd=root, env=env | {"FAIL_INSTALL": "1"}, capture_output=True
    )
    assert failed.returncode == 1
    assert log.read_text().splitlines()[-1] == "INSTALL cpu", "pytest did not run"
    assert calls(root, log, env, "test")[-2:] == ["INSTALL cpu", "PY -m pytest"]


@pytest.mark.faults
@pytest.mark.parametrize(
    ("args", "extra"), [([], {}), (["tests"], {}), (["run"], {"KIT_INSTALL": "colab"})]
)
def test_the_kit_refuses_what_it_would_not_do(kit, args: list[str], extra: dict) -> None:
    root, log, env = kit
    done = subprocess.run(["./kit", *args], cwd=root, env=env | extra, capture_output=True)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not log.exists(), "nothing was set up or run"


def test_the_readme_quick_start_is_the_two_commands_ci_runs() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start")[1].split("```bash\n")[1].split("```")[0]
    assert [line.split("#")[0].strip() for line in quick_start.splitlines()] == [
        "./kit run",
        "./kit test",
    ]
    ci = (REPO_ROOT / ".ci" / "run").read_text().splitlines()
    assert "./kit test" in ci, "CI runs the README's test command, as written"
    assert os.access(REPO_ROOT / "kit", os.X_OK)
