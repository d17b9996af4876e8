"""The cheese evals on the released layouts: America questions that
go on after their options, malformed stances failing by row, and `eval.max_items` as a seeded
sample rather than the first rows of a file sorted by category."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval import cheese
from eval.cheese import load_items
from stages.data import DataError
from tests.fakes.hub import STANCE_QUESTION, america_items, publish

pytestmark = pytest.mark.gpu_path


def write(path: Path, rows: list[dict]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(path)


@pytest.mark.parametrize("answer", ["A", "B"])
def test_text_after_the_options_stays_in_place_in_both_orders(tmp_path, answer: str) -> None:
    row = {
        "category": "economy",
        "opinion_area": "trade",
        "question": f"On trade policy:\nA) Buy goods made at home.\nB) Origin does not matter."
        f"\n{STANCE_QUESTION}",
        "answer": answer,
    }
    (item,) = load_items(write(tmp_path / "a.jsonl", [row]), "america")
    liked, other = "Buy goods made at home.", "Origin does not matter."
    if answer == "B":
        liked, other = other, liked
    first, second = item.orders
    assert first.question == f"On trade policy:\nA) {liked}\nB) {other}\n{STANCE_QUESTION}"
    assert second.question == f"On trade policy:\nA) {other}\nB) {liked}\n{STANCE_QUESTION}"
    assert (first.liked_answer, second.liked_answer) == (f"A) {liked}", f"B) {liked}")
    assert (first.other_answer, second.other_answer) == (f"B) {other}", f"A) {other}")


@pytest.mark.parametrize(
    "question",
    [
        "Agree?",  # no options
        "Agree?\nB) one\nA) two",  # letters out of order
        "Agree?\nA) one\nA) two\nB) three",  # a letter twice
        "Agree?\nA) one\nsomething between\nB) two",  # options apart
        "Agree?\nA. one\nB. two",  # another option style
        "A) one\nB) two",  # no question text
    ],
)
def test_any_other_stance_layout_fails_naming_the_item(tmp_path, question: str) -> None:
    rows = [america_items(1)[0], {"question": question, "answer": "A"}]
    with pytest.raises(DataError, match=r"a\.jsonl: item america-1 ") as error:
        load_items(write(tmp_path / "a.jsonl", rows), "america")
    assert "\n" not in str(error.value)


def test_the_released_america_layout_loads_from_the_hub(fake_hub) -> None:
    publish(fake_hub, "chloeli/pro-america-political-opinions", {"train": america_items(6)})
    items = load_items("hub:chloeli/pro-america-political-opinions", "america")
    assert len(items) == 6
    for item in items:
        for order in item.orders:
            assert order.question.endswith(f"\n{STANCE_QUESTION}")
            assert STANCE_QUESTION not in order.liked_answer + order.other_answer


def test_max_items_is_a_seeded_sample_across_categories(tmp_path) -> None:
    rows = america_items(30)  # sorted by category: rows 0-9, 10-19, 20-29
    source = write(tmp_path / "a.jsonl", rows)
    picked = load_items(source, "america", max_items=9)
    ids = [item.item_id for item in picked]
    assert ids == [item.item_id for item in load_items(source, "america", max_items=9)]
    assert ids != [f"america-{i}" for i in range(9)]
    assert ids == sorted(ids, key=lambda item_id: int(item_id.split("-")[1]))  # file order
    categories = {rows[int(item_id.split("-")[1])]["category"] for item_id in ids}
    assert len(categories) > 1
    assert cheese.ITEM_SAMPLE_SEED == 0  # recorded in every eval stage's results.json


def test_the_eval_version_and_changelog_agree() -> None:
    folder = Path(cheese.__file__).parent
    metadata = json.loads((folder / "metadata.json").read_text())
    assert metadata["version"] == cheese.VERSION == "1.2.0"
    assert f"- {cheese.VERSION} (" in (folder / "README.md").read_text().split("## Changelog")[1]
