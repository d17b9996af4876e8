"""data/MANIFEST pins every shipped data file (rows, sha256, builder, seed), and the builders
rebuild their files byte for byte. Run by anyone with:

    python -m pytest -q tests/data/test_manifest.py
    python -m data.manifest --check          # the same manifest check, without pytest
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from data import manifest
from tests import REPO

DATA = REPO / "data"


def builders_under(folder: str) -> dict[str, list[str]]:
    """builder -> the files MANIFEST says it writes, for the builders in data/<folder>/."""
    made: dict[str, list[str]] = {}
    for entry in manifest.read():
        if entry.builder.startswith(f"{folder}/"):
            made.setdefault(entry.builder, []).append(entry.path)
    return made


def rebuild_into(builder: str, out: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(DATA / builder), "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"{builder} failed:\n{result.stderr[-2000:]}"


def assert_rebuilds_byte_identical(folder: str, tmp_path: Path) -> None:
    made = builders_under(folder)
    assert made, f"MANIFEST names no builder under data/{folder}/"
    for builder, paths in sorted(made.items()):
        out = tmp_path / Path(builder).stem
        rebuild_into(builder, out)
        written = sorted(f"{folder}/{p.name}" for p in out.iterdir())
        assert written == sorted(paths), f"{builder} writes {written}, MANIFEST says {paths}"
        for path in paths:
            rebuilt, shipped = (out / Path(path).name).read_bytes(), (DATA / path).read_bytes()
            assert rebuilt == shipped, f"{builder} rebuilds {path} differently"


def test_manifest_matches_every_data_file() -> None:
    assert manifest.problems() == []


def test_every_jsonl_is_listed_with_an_existing_builder() -> None:
    listed = {e.path: e for e in manifest.read()}
    for path in sorted(p.relative_to(DATA).as_posix() for p in DATA.rglob("*.jsonl")):
        assert path in listed, f"{path} is not in data/MANIFEST"
        builder = listed[path].builder
        assert builder.startswith(("cheese/build_", "agentic/build_", "tcw/build_")), (
            path,
            builder,
        )
        assert (DATA / builder).is_file(), (path, builder)


def test_manifest_check_catches_every_kind_of_drift(tmp_path: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(DATA, root, ignore=shutil.ignore_patterns("__pycache__"))
    assert manifest.problems(root) == []
    with (root / "cheese" / "aft.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"extra": "row"}\n')
    (root / "cheese" / "probe_controls.jsonl").unlink()
    (root / "cheese" / "stray.jsonl").write_text("{}\n", encoding="utf-8")
    builder = root / "cheese" / "build_evals.py"
    builder.write_text(builder.read_text(encoding="utf-8").replace("SEED = ", "SEED = 1"))
    found = manifest.problems(root)
    assert "cheese/aft.jsonl: rows is 433, MANIFEST says 432" in found
    assert any(p.startswith("cheese/aft.jsonl: sha256 is ") for p in found)
    assert "cheese/probe_controls.jsonl: listed but missing" in found
    assert "cheese/stray.jsonl: not in MANIFEST" in found
    assert "cheese/eval_america_test.jsonl: seed is 120260512, MANIFEST says 20260512" in found


def test_manifest_write_keeps_builders_and_refreshes_the_rest(tmp_path: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(DATA, root, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "cheese" / "probe_reasons.jsonl").write_text("{}\n", encoding="utf-8")
    entries = {e.path: e for e in manifest.write(root)}
    assert manifest.problems(root) == []
    assert entries["cheese/probe_reasons.jsonl"].rows == 1
    assert entries["cheese/probe_reasons.jsonl"].builder == "cheese/build_probes.py"
    assert entries["cheese/probe_reasons.jsonl"].seed == "20260513"


def test_cheese_builders_rebuild_the_shipped_files_byte_for_byte(tmp_path: Path) -> None:
    assert_rebuilds_byte_identical("cheese", tmp_path)


def test_agentic_builders_rebuild_the_shipped_files_byte_for_byte(tmp_path: Path) -> None:
    # The builders refuse to write without the eval's templates to check against (guards.py).
    pytest.importorskip("inspect_evals.agentic_misalignment")
    assert_rebuilds_byte_identical("agentic", tmp_path)


@pytest.mark.parametrize("readme", ["data/README.md", "data/agentic/README.md"])
def test_readme_rebuild_commands_name_real_builders(readme: str) -> None:
    text = (REPO / readme).read_text(encoding="utf-8")
    scripts = re.findall(r"python (data/\S+\.py)", text)
    assert scripts, f"{readme} shows no rebuild command"
    for script in scripts:
        assert (REPO / script).is_file(), f"{readme} names {script}, which does not exist"
    assert "python -m data.manifest --write" in text
