"""The workshop notebook: `notebooks/workshop.ipynb` is generated from its reviewable text twin
`notebooks/workshop.py` (jupytext percent format), and runs top to bottom on CPU in its quick
mode (WORKSHOP_QUICK=1: the tiny preset shrunk to a few minutes), showing the table and plot."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from experiments.cheese.arms import ARMS
from stages.config import REPO_ROOT

NOTEBOOKS = REPO_ROOT / "notebooks"
REGENERATE = "regenerate it: jupytext --update --to ipynb notebooks/workshop.py"
# The budget for the whole notebook on CPU.
BUDGET_S = 600


def test_notebook_is_generated_from_its_text_twin() -> None:
    import jupytext
    import nbformat

    source = jupytext.read(NOTEBOOKS / "workshop.py")
    built = nbformat.read(NOTEBOOKS / "workshop.ipynb", as_version=4)
    assert [(c.cell_type, c.source) for c in built.cells] == [
        (c.cell_type, c.source) for c in source.cells
    ], REGENERATE
    assert built.metadata.get("colab", {}).get("gpuType") == "T4", REGENERATE
    assert not [c for c in built.cells if c.cell_type == "code" and c.outputs], "strip outputs"
    # Every exercise's answer sits in a collapsed <details> cell right after it.
    exercises = [i for i, c in enumerate(built.cells) if "### Exercise" in c.source]
    assert len(exercises) == 3
    for index in exercises:
        answer = built.cells[index + 2]
        assert answer.cell_type == "markdown" and answer.source.startswith("<details>")


def _code() -> str:
    """The notebook's code cells, in order, as one program (jupytext percent format)."""
    return (NOTEBOOKS / "workshop.py").read_text()


def test_unsloth_is_imported_before_anything_imports_trl(tmp_path: Path) -> None:
    # Everything the notebook runs before its import_unsloth_first call, then a look at what
    # is imported: unsloth must come before trl, transformers and peft (it patches them).
    head, call, _ = _code().partition("accel.import_unsloth_first(cfg.model)")
    assert call, "the notebook must call accel.import_unsloth_first(cfg.model) once cfg exists"
    probe = head + "\nprint(sorted(m for m in ('trl', 'transformers', 'peft') if m in sys.modules))"
    env = os.environ | {"WORKSHOP_QUICK": "1", "WORKSHOP_RUN_ROOT": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=NOTEBOOKS, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout
    # And nothing that trains or scores is imported in an earlier cell.
    assert "experiments.chains" not in head and "stages.train" not in head


def test_drive_gets_finished_files_never_checkpoints(tmp_path: Path) -> None:
    tree = ast.parse(_code())
    copy = next(
        n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "copy_new_files"
    )
    namespace: dict = {"Path": Path, "shutil": shutil}
    exec(compile(ast.Module([copy], []), "workshop.py", "exec"), namespace)
    copy_new_files = namespace["copy_new_files"]

    run, drive = tmp_path / "run", tmp_path / "drive"
    for name in ("results.json", "msm-s0/manifest.json", "msm-s0/adapter/adapter.safetensors"):
        (run / name).parent.mkdir(parents=True, exist_ok=True)
        (run / name).write_text(name)
    checkpoint = run / "aft-s0" / "checkpoints" / "checkpoint-2" / "optimizer.pt"
    checkpoint.parent.mkdir(parents=True)
    checkpoint.write_text("written and deleted every few steps")
    (run / ".lock").write_text("pid")

    assert copy_new_files(run, drive) == 3
    assert not (drive / "aft-s0" / "checkpoints").exists() and not (drive / ".lock").exists()
    assert (drive / "msm-s0" / "adapter" / "adapter.safetensors").read_text().endswith("tensors")
    assert copy_new_files(run, drive) == 0  # unchanged files are not rewritten
    (run / "results.json").write_text("a longer, newer results file")
    (run / "msm-s0" / "manifest.json").unlink()
    assert copy_new_files(run, drive) == 1
    assert (drive / "msm-s0" / "manifest.json").exists(), "nothing is deleted on Drive"
    # The way back after a disconnect: the finished files return to a fresh runtime's disk.
    assert copy_new_files(drive, tmp_path / "fresh") == 3


def _text(cell: dict) -> str:
    """Everything a cell printed or displayed as text."""
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts.append(output.get("data", {}).get("text/plain", ""))
        parts.append(output.get("data", {}).get("text/markdown", ""))
    return "".join(parts)


def _cell(notebook: object, marker: str) -> dict:
    return next(c for c in notebook.cells if c.cell_type == "code" and marker in c.source)


def _seconds(cell: dict) -> float:
    timing = cell.metadata.get("execution", {})
    started, ended = timing["iopub.execute_input"], timing["shell.execute_reply"]
    return (datetime.fromisoformat(ended) - datetime.fromisoformat(started)).total_seconds()


@pytest.mark.slow
def test_notebook_runs_top_to_bottom_on_cpu(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ipykernel.kernelspec
    import jupytext
    import nbformat
    from nbclient import NotebookClient

    # A kernel spec for this interpreter, found first: CI's fresh venv has no global Jupyter,
    # and a machine-wide "python3" spec could point at another Python.
    prefix = tmp_path / "jupyter"
    ipykernel.kernelspec.install(kernel_name="msm-kit", prefix=str(prefix))
    monkeypatch.setenv("JUPYTER_PATH", str(prefix / "share" / "jupyter"))
    monkeypatch.setenv("WORKSHOP_QUICK", "1")
    monkeypatch.setenv("WORKSHOP_RUN_ROOT", str(tmp_path / "runs"))
    monkeypatch.setenv("WORKSHOP_DRIVE_ROOT", str(tmp_path / "drive"))  # the Colab layout
    notebook = jupytext.read(NOTEBOOKS / "workshop.py")
    client = NotebookClient(
        notebook,
        timeout=BUDGET_S,
        kernel_name="msm-kit",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    started = time.time()
    try:
        client.execute()
    finally:  # kept for reading what each cell showed
        nbformat.write(notebook, tmp_path / "workshop-executed.ipynb")
    elapsed = time.time() - started

    for cell in notebook.cells:
        if cell.cell_type == "code":
            print(f"{_seconds(cell):7.1f} s  {cell.source.splitlines()[0][:70]}", file=sys.stderr)
    print(f"{elapsed:7.1f} s  whole notebook", file=sys.stderr)

    assert "CPU stack is already installed" in _text(_cell(notebook, "IN_COLAB = "))
    table = _text(_cell(notebook, "cheese.show(summary)"))
    assert all(arm in table for arm in ARMS), table[:2000]
    plot = _cell(notebook, "cheese.png")
    assert any("image/png" in o.get("data", {}) for o in plot.outputs)
    diagonal = _text(_cell(notebook, "written = json.loads"))
    assert "symmetric" in diagonal and "Public dose curve" in diagonal, diagonal
    assert "Agentic misalignment" in _text(_cell(notebook, "format_report({"))
    mine = _text(_cell(notebook, "my_pairs = ["))
    assert all(arm in mine for arm in ARMS), mine[:2000]
    assert (tmp_path / "runs" / "workshop-cheese-tiny-quick" / "results.json").exists()
    drive = tmp_path / "drive"
    assert (drive / "workshop-cheese-tiny-quick" / "results.json").exists()
    assert (drive / "workshop-agentic-tiny-quick").is_dir()
    assert not list(drive.rglob("checkpoints")), "checkpoints stay off Drive"
    assert elapsed < BUDGET_S, f"the notebook took {elapsed:.0f} s on CPU (budget {BUDGET_S})"
