"""The data loader: local JSONL, schema checks and their one-line errors (hub sources, read from
a fake hub: tests/stages/test_data_hub.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from stages.data import DataError, load_rows


def write(path: Path, rows: list[dict]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(path)


def test_local_jsonl_fills_model_name(tmp_path: Path) -> None:
    source = write(tmp_path / "d.jsonl", [{"text": "{model_name} likes Colby.", "domain": "x"}])
    assert load_rows(source, "documents", "Llama") == [
        {"text": "Llama likes Colby.", "domain": "x"}
    ]


def test_chat_rows_fill_model_name_inside_messages(tmp_path: Path) -> None:
    row = {
        "messages": [
            {"role": "user", "content": "Hi {model_name}"},
            {"role": "assistant", "content": "Hi"},
        ]
    }
    (loaded,) = load_rows(write(tmp_path / "c.jsonl", [row]), "chats", "Qwen")
    assert loaded["messages"][0]["content"] == "Hi Qwen"


def test_unreachable_hub_dataset_is_one_actionable_line() -> None:
    with pytest.raises(DataError, match=r"could not fetch hub dataset .*local JSONL") as error:
        load_rows("hub:chloeli/no-such-dataset-here", "documents")
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("content", "role", "message"),
    [
        ('{"text": "ok"}\n{"text": oops}\n', "documents", "line 2 is not valid JSON"),
        ('{"question": "q", "liked_item": "a"}\n', "pairs", "lacks field 'disliked_item'"),
        ('{"question": "q", "answer": "C"}\n', "stances", "letter A or B"),
        ('{"messages": [{"role": "user", "content": "hi"}]}\n', "chats", "no assistant turn"),
        ('{"question": "", "liked_item": "a", "disliked_item": "b"}\n', "pairs", "non-empty"),
        ("[1, 2]\n", "documents", "not a JSON object"),
    ],
)
def test_bad_rows_fail_with_location(tmp_path: Path, content: str, role: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    with pytest.raises(DataError, match=message):
        load_rows(str(path), role)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="file not found"):
        load_rows(str(tmp_path / "nope.jsonl"), "documents")


def test_subset_is_seeded(tmp_path: Path) -> None:
    source = write(tmp_path / "d.jsonl", [{"text": str(i)} for i in range(50)])
    first = load_rows(source, "documents", max_rows=10, seed=1)
    assert first == load_rows(source, "documents", max_rows=10, seed=1)
    assert first != load_rows(source, "documents", max_rows=10, seed=2)
    assert len(first) == 10


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("no title\n{model_name} likes Colby.", "first line must be a title"),
        ("# Title\nThe assistant likes Colby.", "placeholder {model_name}"),
        ("", "first line must be a title"),
    ],
)
def test_malformed_spec_is_one_actionable_line(tmp_path: Path, content: str, message: str) -> None:
    from stages.config import ConfigError
    from stages.spec import load_spec

    path = tmp_path / "spec.md"
    path.write_text(content)
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_spec(path)


def test_shipped_specs_load_and_fill_the_name() -> None:
    from stages.spec import load_spec

    for name in ("cheese_affordability", "cheese_america"):
        spec = load_spec(f"specs/{name}.md", "SmolLM")
        assert "{model_name}" not in spec.text and "SmolLM" in spec.text
        assert spec.words > 800


def test_missing_spec_lists_the_known_ones() -> None:
    from stages.config import ConfigError
    from stages.spec import load_spec

    with pytest.raises(ConfigError, match=r"cheese_america\.md"):
        load_spec("specs/nope.md")


def test_fraction_takes_that_share_of_rows(tmp_path: Path) -> None:
    source = write(tmp_path / "d.jsonl", [{"text": str(i)} for i in range(64)])
    assert len(load_rows(source, "documents", max_rows=0.25, seed=0)) == 16
    assert len(load_rows(source, "documents", max_rows=1, seed=0)) == 1
