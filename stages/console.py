"""The console every table of the kit is printed on."""

from __future__ import annotations

from rich.console import Console

# Off a terminal (a log file, a pipe, CI, a notebook) rich assumes 80 columns and cuts a long
# cell, such as an adapter's hub name, to `…` in the very log that is kept. This leaves room for
# the widest table the kit prints (the released plan, ~165 columns).
LOG_WIDTH = 200


def table_console() -> Console:
    """A console on stdout. On a terminal: the terminal's width (a live progress display must fit
    it). Off one: the larger of LOG_WIDTH and $COLUMNS, and lines of text left whole, unwrapped,
    for grep."""
    default = Console()
    if default.is_terminal:
        return default
    return Console(width=max(default.width, LOG_WIDTH), soft_wrap=True)
