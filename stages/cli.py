"""How every command-line entry point ends: a user-fixable problem is one line on stderr and
exit status 2, never a traceback; running out of memory says what to change; Ctrl-C says how to
resume. Use as `if __name__ == "__main__": run_cli(main)`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import NoReturn

from stages.config import ConfigError
from stages.data import DataError

OUT_OF_MEMORY_HINT = (
    "finished stages are kept. Rerun with a smaller preset (--preset t4) or smaller batches, "
    "e.g. midtrain.batch_size=1 midtrain.grad_accum=32 aft.batch_size=2"
)


def run_cli(main: Callable[[list[str]], int]) -> NoReturn:
    try:
        sys.exit(main(sys.argv[1:]))
    except (ConfigError, DataError) as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    except MemoryError:
        print(f"error: out of memory; {OUT_OF_MEMORY_HINT}", file=sys.stderr)
        sys.exit(3)
    except RuntimeError as err:  # torch.OutOfMemoryError is a RuntimeError
        if "out of memory" not in str(err).lower():
            raise
        print(f"error: the GPU ran out of memory; {OUT_OF_MEMORY_HINT}", file=sys.stderr)
        sys.exit(3)
    except KeyboardInterrupt:
        print("\ninterrupted: finished work is kept; rerun the same command to resume")
        sys.exit(130)
