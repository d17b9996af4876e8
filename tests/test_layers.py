"""The house's floors: replicate.py and bench/ over experiments/ over eval/ over stages/. The
contract lives in pyproject.toml and is checked by import-linter (every import, lazy ones too)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import REPO

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


def test_no_module_is_over_500_lines() -> None:
    for floor in ("stages", "eval", "experiments"):
        for module in (REPO / floor).rglob("*.py"):
            lines = len(module.read_text().splitlines())
            assert lines <= 500, f"{module.relative_to(REPO)}: {lines} lines; split it by concern"


def test_eval_packages_only_re_export() -> None:
    """An eval package's `__init__.py` holds its docstring, imports and `__all__`; the code lives
    in modules named for what they do."""
    packages = [REPO / "eval" / "__init__.py", *sorted((REPO / "eval").glob("*/__init__.py"))]
    assert len(packages) >= 3  # eval, eval/agentic, eval/cheese
    for package in packages:
        body = ast.parse(package.read_text()).body
        for index, node in enumerate(body):
            docstring = (
                index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            )
            exports = isinstance(node, ast.Assign) and [
                getattr(t, "id", "") for t in node.targets
            ] == ["__all__"]
            assert docstring or exports or isinstance(node, ast.Import | ast.ImportFrom), (
                f"{package.relative_to(REPO)} line {node.lineno}: only imports and __all__ here"
            )


# Heavy libraries the help text and the configs never need: they load when a model does.
HEAVY = ("torch", "transformers", "peft", "trl")


def imported_modules(args: list[str]) -> set[str]:
    """Every module a fresh interpreter imports running `args` (from -X importtime)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    rows = [line for line in result.stderr.splitlines() if line.startswith("import time:")]
    return {row.rsplit("|", 1)[-1].strip() for row in rows[1:]}  # the first row is the header


@pytest.mark.parametrize(
    "args",
    [
        ["replicate.py", "--help"],
        ["-c", "import experiments.cheese.config, experiments.agentic.config"],
        ["-c", "import eval.agentic, eval.cheese, eval.agentic.probes, stages.accel"],
    ],
    ids=["replicate-help", "configs", "eval-packages"],
)
def test_help_configs_and_eval_packages_load_no_model_libraries(args: list[str]) -> None:
    modules = imported_modules(args)
    assert "stages.config" in modules  # the parse saw the kit's own imports
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert not heavy, f"{' '.join(args)} imports {heavy[:5]}"


def test_the_code_is_ruff_clean() -> None:
    ruff = Path(sys.executable).with_name("ruff")
    for command in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run(
            [str(ruff), *command], cwd=REPO, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]
