"""OS trouble as one actionable line: a full disk, a read-only folder, a file where a folder
belongs (or a folder where a file belongs).

Python's own writes raise OSError with an errno. The libraries that write checkpoints and
adapters do not (measured on a full and on a read-only tmpfs, torch 2.13 and safetensors 0.8.0):
safetensors raises SafetensorError("... I/O error: No space left on device (os error 28) ...")
and torch.save a RuntimeError, either naming the error ("open file failed with strerror:
Read-only file system") or not at all ("unexpected pos 576 vs 534" after a short write).
`library_writes` turns those into an OSError naming the folder, so `describe` can say what
went wrong in one line for every entry point (stages/cli.py).
"""

from __future__ import annotations

import errno
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RESUME = "then rerun the same command: finished stages and sealed checkpoints are kept"
# Below this much free space, a short write by torch is taken for a full disk.
NEARLY_FULL_BYTES = 64 * 2**20
_BY_STRERROR = {os.strerror(code): code for code in errno.errorcode}
_SHORT_WRITE = ("unexpected pos", "PytorchStreamWriter failed writing")


@contextmanager
def library_writes(folder: Path) -> Iterator[None]:
    """Run library code that writes into `folder`; a failed write leaves as an OSError with
    its errno and a file name (the folder, where the library gave none)."""
    try:
        yield
    except OSError as err:
        if err.filename is None and err.errno is not None:
            raise OSError(err.errno, err.strerror, str(folder)) from err
        raise
    except Exception as err:  # SafetensorError and RuntimeError share no narrower base
        code = _library_errno(err, folder)
        if code is None:
            raise
        raise OSError(code, os.strerror(code), str(folder)) from err


def _library_errno(err: Exception, folder: Path) -> int | None:
    text = str(err)
    if found := re.search(r"\(os error (\d+)\)", text):
        return int(found.group(1))
    if found := re.search(r"strerror: (.+?)\s*$", text):
        return _BY_STRERROR.get(found.group(1))
    if any(marker in text for marker in _SHORT_WRITE):
        return errno.ENOSPC if _free_bytes(folder) < NEARLY_FULL_BYTES else errno.EIO
    return None


def _free_bytes(folder: Path) -> int:
    for place in (folder, *folder.parents):
        if place.exists():
            return shutil.disk_usage(place).free
    return 0


def describe(err: OSError) -> str:
    """One line: what happened, where (when the error names a file), and what to do."""
    if err.errno is None:  # raised by a library with a message of its own
        return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    what = err.strerror or os.strerror(err.errno)
    # A short write reported at close names no file.
    where = f"{err.filename}: " if err.filename else ""
    code = err.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        return f"{where}{what}: free some space (or choose a --run-dir on another disk), {RESUME}"
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{where}{what}; make it writable (or choose another --run-dir), {RESUME}"
    if code == errno.EISDIR:
        return f"{where}a folder where a file belongs: give the path of the file itself"
    if code in (errno.ENOTDIR, errno.EEXIST) and err.filename:
        path = Path(err.filename)
        blocker = next((p for p in (path, *path.parents) if p.is_file()), path)
        return f"{blocker} is a file where a folder belongs; move it or choose another path"
    return f"{where}{what}"
