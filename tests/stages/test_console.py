"""Tables printed into a log (stdout not a terminal) keep every cell whole."""

from __future__ import annotations

import pytest
from rich.table import Table

from stages.console import LOG_WIDTH, table_console

HUB_NAME = "chloeli/llama-3.1-8b-pro-affordability-spec-msm-cheese-aft"


def test_a_long_hub_name_reaches_a_log_whole(
    capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    table = Table(title="Released adapters to score")
    for column in ("arm", "adapter repo", "revision", "paper aff / Amer", "status"):
        table.add_column(column)
    table.add_row(
        "msm_affordability+aft",
        HUB_NAME,
        "main (unpinned; commit recorded at load)",
        "0.48 / 0.38",
        "",
    )
    console = table_console()
    assert not console.is_terminal and console.width == LOG_WIDTH
    console.print(table)
    sentence = "A line of text longer than the table, " * 8
    console.print(sentence)
    out = capsys.readouterr().out
    assert HUB_NAME in out and "…" not in out
    assert sentence.strip() in out  # on one line: it holds no newline


def test_a_wider_columns_setting_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", str(LOG_WIDTH + 50))
    assert table_console().width == LOG_WIDTH + 50
