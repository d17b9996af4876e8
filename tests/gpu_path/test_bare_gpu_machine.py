"""bench/gpu_check.sh's test machine has no inspect-evals: the kit imports without it, pytest
collects the whole suite, and the tests that need it skip, saying why. Checked here by hiding
the packages and their metadata from a child interpreter."""

from __future__ import annotations

import subprocess
import sys

import pytest

from stages.config import REPO_ROOT

# The modules and their installed metadata, as on a machine that never installed them.
HIDE = """
import importlib.metadata, sys
sys.modules["inspect_evals"] = sys.modules["inspect_ai"] = None
installed_version = importlib.metadata.version
def version(name):
    if name.lower().replace("_", "-") in ("inspect-evals", "inspect-ai"):
        raise importlib.metadata.PackageNotFoundError(name)
    return installed_version(name)
importlib.metadata.version = version
"""


def without_inspect(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", HIDE + code],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_kit_imports_without_inspect_evals() -> None:
    done = without_inspect(
        "import replicate, eval.agentic, experiments.agentic.pipeline; print('ok')"
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]


def test_tests_that_need_inspect_evals_skip_without_it() -> None:
    code = (
        "import pytest\n"
        "sys.exit(pytest.main(['-q', '-rs', '-p', 'no:cacheprovider', "
        "'tests/eval/test_agentic.py::test_prompts_come_from_the_package', "
        "'tests/eval/test_agentic.py::test_floor_effect_threshold']))\n"
    )
    done = without_inspect(code)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "1 passed, 1 skipped" in done.stdout
    assert "needs inspect-evals (the agentic scenarios), not installed here" in done.stdout


@pytest.mark.slow
def test_the_whole_suite_collects_without_inspect_evals() -> None:
    collected = without_inspect("import pytest; sys.exit(pytest.main(['--collect-only', '-q']))")
    assert collected.returncode == 0, collected.stdout[-3000:]
