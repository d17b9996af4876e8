"""Local input files enter stage hashes by content, not by path.

A stage's config names its inputs (spec, corpus, chats, eval and probe items, chat template) by
path; a file edited under the same path would leave the hash, and so the finished stage, as it
was. `local_inputs` gives each local file's size and sha256, which the stage puts in its config
("inputs"), so an edit changes the hash and the stage is redone, the changed file named.

Hub sources are left out: their source string is already in the config, and the commit their
revision resolved to is recorded in every training manifest (`rows_per_source`) and report.
Each file is hashed once per process while its path, size and modification time stay the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from stages.config import REPO_ROOT
from stages.data import is_hub, resolve_path
from stages.rundir import sha256_of

_digests: dict[tuple[str, int, int], str] = {}


def file_record(path: Path) -> dict:
    """{size, sha256} of a file; {"missing": true} when there is none (loading it reports that)."""
    try:
        stat = path.stat()
    except OSError:
        return {"missing": True}
    if not path.is_file():
        return {"missing": True}
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _digests:
        _digests[key] = sha256_of(path)
    return {"size": stat.st_size, "sha256": _digests[key]}


def local_inputs(sources: Iterable[str], chat_template: str = "") -> dict[str, dict]:
    """Source as written -> {size, sha256} for every local file among `sources` (hub sources
    and empty ones are skipped), plus the chat template file of family `chat_template`."""
    found = {
        source: file_record(resolve_path(source))
        for source in sources
        if source and not is_hub(source)
    }
    if chat_template:
        from stages.model import TEMPLATE_DIR  # here: stages.model imports torch

        path = TEMPLATE_DIR / f"{chat_template}.jinja"  # as stages.model.apply_chat_template
        found[path.relative_to(REPO_ROOT).as_posix()] = file_record(path)
    return dict(sorted(found.items()))


def changed_inputs(recorded: dict, current: dict) -> list[str]:
    """The inputs whose record differs (edited, added or gone), sorted."""
    return sorted(
        name for name in recorded.keys() | current.keys() if recorded.get(name) != current.get(name)
    )
