"""Hub sources: `hub:OWNER/NAME@REVISION:SPLIT+SPLIT`, read from a fake hub
in the released layouts (tests/fakes/hub.py) through the same calls a real hub load makes."""

from __future__ import annotations

import pytest

from stages.data import DataError, HubSource, load_rows, mix_sources, parse_hub, source_revision
from tests.fakes.hub import (
    RELEASED,
    america_items,
    documents,
    it_mix_rows,
    publish,
    publish_released,
)

pytestmark = pytest.mark.gpu_path

CHEESE_MIX = "hub:chloeli/sft-it-mix:no_robots+mmlu_binary+mmlu_explain"


@pytest.mark.parametrize(
    ("source", "parsed"),
    [
        ("hub:chloeli/aft-llama-cheese", HubSource("chloeli/aft-llama-cheese", "main", ("train",))),
        ("hub:o/n@v1.2", HubSource("o/n", "v1.2", ("train",))),
        ("hub:o/n:train_clean", HubSource("o/n", "main", ("train_clean",))),
        ("hub:o/n@3f2a9c:a+b", HubSource("o/n", "3f2a9c", ("a", "b"))),
        ("hub:o/n@refs/convert/parquet:a", HubSource("o/n", "refs/convert/parquet", ("a",))),
    ],
)
def test_hub_source_names_revision_and_splits(source: str, parsed: HubSource) -> None:
    assert parse_hub(source) == parsed


@pytest.mark.parametrize("source", ["hub:just-a-name", "hub:o/n:", "hub:o/n@:a", "hub:o/n:a+"])
def test_malformed_hub_source_is_one_line(source: str) -> None:
    with pytest.raises(DataError, match=r"hub:OWNER/NAME\[@REVISION\]") as error:
        parse_hub(source)
    assert "\n" not in str(error.value)


def test_named_splits_are_read_and_concatenated(fake_hub) -> None:
    publish_released(fake_hub, count=4)
    rows = load_rows(CHEESE_MIX, "chats")
    assert sorted({row["source"] for row in rows}) == ["mmlu_binary", "mmlu_explain", "no_robots"]
    assert len(rows) == 12  # never the 'train' or 'train_clean' splits


def test_an_unknown_split_fails_naming_it(fake_hub) -> None:
    publish_released(fake_hub, count=2)
    with pytest.raises(DataError, match=r"Unknown split .*no_robot") as error:
        load_rows("hub:chloeli/sft-it-mix:no_robot", "chats")
    assert "\n" not in str(error.value)


def test_a_pinned_revision_reads_its_commit_after_a_reupload(fake_hub) -> None:
    name = "chloeli/pro-america-political-opinions"
    first = publish(fake_hub, name, {"train": america_items(6)})
    latest = publish(fake_hub, name, {"train": america_items(5)})  # re-uploaded, smaller
    assert len(load_rows(f"hub:{name}@{first}", "stances")) == 6
    assert len(load_rows(f"hub:{name}", "stances")) == 5
    assert source_revision(f"hub:{name}@main") == latest
    assert source_revision(f"hub:{name}@{first}") == first


def test_an_unknown_revision_fails_like_the_hub(fake_hub) -> None:
    publish_released(fake_hub, count=2)
    with pytest.raises(DataError, match=r"'chloeli/aft-llama-cheese' at revision 'v9'") as error:
        load_rows("hub:chloeli/aft-llama-cheese@v9", "chats")
    assert "\n" not in str(error.value)


def test_schema_drift_names_the_dataset_and_field(fake_hub) -> None:
    renamed = [{"text": "x", "domain": "y"} for _ in range(3)]  # 'messages' became 'text'
    publish(fake_hub, "chloeli/aft-llama-cheese", {"train": renamed})
    with pytest.raises(DataError) as error:
        load_rows("hub:chloeli/aft-llama-cheese", "chats")
    assert str(error.value).startswith("hub:chloeli/aft-llama-cheese: row 1 lacks field 'messages'")


@pytest.mark.parametrize("layout", ["parquet", "jsonl"])
def test_every_released_layout_loads_in_its_role(fake_hub, layout: str) -> None:
    publish_released(fake_hub, count=3, layout=layout)
    roles = {"msm": "documents", "aft": "chats", "item-comparisons": "pairs"}
    roles |= {"political-opinions": "stances", "sft-it-mix": "chats"}
    for name, splits in RELEASED.items():
        role = next((r for key, r in roles.items() if key in name), None)
        if role is None:
            continue  # spec-open-qa feeds no kit stage yet; its layout is served for the claim
        for split in splits:
            assert len(load_rows(f"hub:{name}:{split}", role, "Llama")) == 3, name


def test_a_mix_records_rows_and_commit_per_source(fake_hub) -> None:
    commits = publish_released(fake_hub, count=6)
    sources = [("hub:chloeli/aft-llama-cheese", 4), (CHEESE_MIX, 5)]
    rows, taken = mix_sources(sources, "chats", "Llama", seed=0)
    assert len(rows) == 9
    assert taken == [
        {"source": sources[0][0], "rows": 4, "revision": commits["chloeli/aft-llama-cheese"]},
        {"source": CHEESE_MIX, "rows": 5, "revision": commits["chloeli/sft-it-mix"]},
    ]
    assert it_mix_rows("no_robots", 1)[0]["source"] == "no_robots"


def test_a_root_dataset_jsonl_is_the_train_split(fake_hub) -> None:
    """The released repos' own layout: one `dataset.jsonl` at the root, read as split train."""
    name = "chloeli/msm-llama-pro-america"
    commit = publish(fake_hub, name, {"train": documents("America", 5)}, layout="jsonl")
    snapshot = fake_hub / f"datasets--{name.replace('/', '--')}" / "snapshots" / commit
    assert sorted(p.name for p in snapshot.iterdir()) == ["README.md", "dataset.jsonl"]
    rows = load_rows(f"hub:{name}", "documents", "Llama")
    assert [row["domain"] for row in rows] == [f"America-{i % 3}" for i in range(5)]
    assert source_revision(f"hub:{name}") == commit
    with pytest.raises(DataError, match="Unknown split"):
        load_rows(f"hub:{name}:test", "documents")
