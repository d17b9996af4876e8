"""How every command-line entry point ends: a user-fixable problem (a config or data error, or
OS trouble such as a full disk or a read-only folder) is one line on stderr and exit status 2,
never a traceback; running out of memory, on the GPU or in RAM, says what to change (exit 3);
Ctrl-C says how to resume. Use as `if __name__ == "__main__": run_cli(main)`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import NoReturn

from stages.config import ConfigError
from stages.data import DataError
from stages.oserrors import describe

# What torch's CPU allocator says when RAM runs out: "[enforce fail at alloc_cpu.cpp:127]
# ... DefaultCPUAllocator: can't allocate memory: you tried to allocate N bytes" (torch 2.13).
CPU_ALLOCATOR_FAILED = "DefaultCPUAllocator: can't allocate memory"
OUT_OF_MEMORY_HINT = (
    "finished stages are kept. Rerun with a smaller preset (--preset t4) or smaller batches, "
    "e.g. midtrain.batch_size=1 midtrain.grad_accum=32 aft.batch_size=2"
)


def run_cli(main: Callable[[list[str]], int]) -> NoReturn:
    try:
        sys.exit(main(sys.argv[1:]))
    except (ConfigError, DataError) as err:
        _fail(str(err), 2)
    except OSError as err:
        _fail(describe(err), 2)
    except (MemoryError, RuntimeError) as err:  # torch.OutOfMemoryError is a RuntimeError
        device = _out_of_memory(err)
        if device is None:
            raise
        _fail(f"{device} ran out of memory; {OUT_OF_MEMORY_HINT}", 3)
    except KeyboardInterrupt:
        print("\ninterrupted: finished work is kept; rerun the same command to resume")
        sys.exit(130)


def _fail(message: str, status: int) -> NoReturn:
    _close_progress_bars()
    print(f"error: {message}", file=sys.stderr)
    sys.exit(status)


def _close_progress_bars() -> None:
    """A stage stopped mid-way leaves its progress bar open, the cursor at the bar's end:
    closed first, the error gets a line of its own. tqdm is only looked up, never imported."""
    tqdm = sys.modules.get("tqdm")
    if tqdm is not None:
        for bar in list(tqdm.tqdm._instances):
            bar.close()


def _out_of_memory(err: BaseException) -> str | None:
    """What ran out of memory ("the GPU", "the machine (RAM)"), or None for another error."""
    if isinstance(err, MemoryError) or CPU_ALLOCATOR_FAILED in str(err):
        return "the machine (RAM)"
    return "the GPU" if "out of memory" in str(err).lower() else None
