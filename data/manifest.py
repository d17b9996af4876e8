"""data/MANIFEST: every shipped data file under data/, with its rows, sha256, builder and seed.

One tab-separated line per file: `path` (relative to data/), `rows` (JSON records for a .jsonl,
lines for any other file), `sha256`, `builder` (the script under data/ that writes the file, or
`hand-written`) and `seed` (the builder's `SEED`, `-` where it has none). Python files and
READMEs are code and prose, not data, and are not listed.

    python -m data.manifest --check   # exit 1 and one line per mismatch
    python -m data.manifest --write   # refresh rows, sha256 and seed after a rebuild

`--write` keeps each file's builder; a file new to the manifest gets `hand-written` unless
`--builder PATH` names its builder. tests/data/test_manifest.py runs the check.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent
MANIFEST = DATA / "MANIFEST"
HAND_WRITTEN = "hand-written"
NO_SEED = "-"
COLUMNS = ("path", "rows", "sha256", "builder", "seed")
HEADER = (
    "# Every shipped data file under data/ (python -m data.manifest --check; --write to refresh).\n"
    "# rows: JSON records for .jsonl, lines otherwise; seed: the builder's SEED ('-' if none).\n"
    "# " + "\t".join(COLUMNS) + "\n"
)
_SEED = re.compile(r"^SEED = (\d+)$", re.MULTILINE)


@dataclass(frozen=True)
class Entry:
    path: str
    rows: int
    sha256: str
    builder: str
    seed: str

    def line(self) -> str:
        return "\t".join((self.path, str(self.rows), self.sha256, self.builder, self.seed))


def data_files(root: Path = DATA) -> list[str]:
    """Every data file under `root`, relative and sorted: all but code, READMEs and MANIFEST."""
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file()
        and path.suffix not in (".py", ".pyc")
        and path.name not in ("README.md", "MANIFEST")
        and "__pycache__" not in path.parts
    )


def count_rows(path: Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return sum(1 for line in lines if line.strip()) if path.suffix == ".jsonl" else len(lines)


def builder_seed(builder: str, root: Path = DATA) -> str:
    """The `SEED = <int>` a builder declares, or '-' for a builder without one."""
    if builder == HAND_WRITTEN:
        return NO_SEED
    match = _SEED.search((root / builder).read_text(encoding="utf-8"))
    return match[1] if match else NO_SEED


def entry(path: str, builder: str, root: Path = DATA) -> Entry:
    file = root / path
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    return Entry(path, count_rows(file), digest, builder, builder_seed(builder, root))


def read(manifest: Path = MANIFEST) -> list[Entry]:
    entries = []
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != len(COLUMNS):
            raise ValueError(f"{manifest}:{number}: expected {len(COLUMNS)} tab-separated fields")
        path, rows, sha256, builder, seed = fields
        entries.append(Entry(path, int(rows), sha256, builder, seed))
    return entries


def problems(root: Path = DATA) -> list[str]:
    """Every way the files under `root` differ from `root`/MANIFEST; empty when they agree."""
    listed = read(root / "MANIFEST")
    paths = [e.path for e in listed]
    found = [f"{p}: listed twice" for p in sorted({p for p in paths if paths.count(p) > 1})]
    found += [f"{p}: not in MANIFEST" for p in data_files(root) if p not in paths]
    for expected in listed:
        if expected.builder != HAND_WRITTEN and not (root / expected.builder).is_file():
            found.append(f"{expected.path}: builder {expected.builder} does not exist")
            continue
        if not (root / expected.path).is_file():
            found.append(f"{expected.path}: listed but missing")
            continue
        actual = entry(expected.path, expected.builder, root)
        for column in ("rows", "sha256", "seed"):
            want, got = getattr(expected, column), getattr(actual, column)
            if want != got:
                found.append(f"{expected.path}: {column} is {got}, MANIFEST says {want}")
    return found


def write(root: Path = DATA, new_builder: str = HAND_WRITTEN) -> list[Entry]:
    """Rewrite `root`/MANIFEST from the files; keeps each listed file's builder."""
    manifest = root / "MANIFEST"
    builders = {e.path: e.builder for e in read(manifest)} if manifest.exists() else {}
    entries = [entry(p, builders.get(p, new_builder), root) for p in data_files(root)]
    manifest.write_text(HEADER + "".join(e.line() + "\n" for e in entries), encoding="utf-8")
    return entries


def main() -> None:
    parser = argparse.ArgumentParser(description="Check or refresh data/MANIFEST.")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--check", action="store_true", help="report every mismatch; exit 1")
    action.add_argument("--write", action="store_true", help="refresh rows, sha256 and seed")
    parser.add_argument(
        "--builder",
        default=HAND_WRITTEN,
        help="with --write: the builder (path under data/) of files new to the manifest",
    )
    args = parser.parse_args()
    if args.write:
        entries = write(new_builder=args.builder)
        print(f"wrote {MANIFEST}: {len(entries)} files")
        return
    found = problems()
    for problem in found:
        print(problem)
    if found:
        sys.exit(1)
    print(f"{MANIFEST}: {len(read())} files match")


if __name__ == "__main__":
    main()
