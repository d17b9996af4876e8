"""The house's floors: replicate.py and bench/ over experiments/ over eval/ over stages/. The
contract lives in pyproject.toml and is checked by import-linter (every import, lazy ones too)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LAYERS = ("bench", "experiments", "eval", "stages")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    command = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(command), "--no-cache"], cwd=root, capture_output=True, text=True, check=False
    )


def test_the_layers_contract_is_kept() -> None:
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_a_lower_floor_importing_a_higher_one_breaks_the_contract(tmp_path: Path) -> None:
    for name in (*LAYERS, "pyproject.toml"):
        source = REPO / name
        copy = shutil.copytree if source.is_dir() else shutil.copy
        copy(source, tmp_path / name)
    model = tmp_path / "stages" / "model.py"
    model.write_text(model.read_text() + "\n\ndef _upward() -> None:\n    import eval.stats\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "stages.model -> eval.stats" in result.stdout


def test_no_layer_imports_the_entry_point() -> None:
    for path in (REPO / layer for layer in LAYERS):
        for module in path.rglob("*.py"):
            for node in ast.walk(ast.parse(module.read_text())):
                names = (
                    [alias.name for alias in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else []
                )
                assert "replicate" not in names, f"{module} imports replicate.py"


def test_no_stage_module_is_over_500_lines() -> None:
    for module in (REPO / "stages").rglob("*.py"):
        lines = len(module.read_text().splitlines())
        assert lines <= 500, f"{module.relative_to(REPO)}: {lines} lines; split it by concern"


def test_the_code_is_ruff_clean() -> None:
    ruff = Path(sys.executable).with_name("ruff")
    for command in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run(
            [str(ruff), *command], cwd=REPO, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]
