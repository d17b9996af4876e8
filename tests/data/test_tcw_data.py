"""The Teaching-Claude-Why data (data/tcw/): schemas and counts, the arms' shared prompts, length
and token ratios, disjoint probe splits, no leakage into training, byte-identical rebuilds, and
the constitution. See data/tcw/README.md."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from data.tcw.build_advice import FRAGMENTS as ADVICE_FRAGMENTS
from data.tcw.common import check_training, row_text, runs, tokens
from eval.pair_items import load_items
from stages.data import load_rows
from stages.spec import load_spec
from tests import REPO
from tests.data.test_manifest import assert_rebuilds_byte_identical

TCW = REPO / "data" / "tcw"
TRAINING = {
    "honeypot_actions.jsonl": ("chats", 60),
    "honeypot_reasons.jsonl": ("chats", 60),
    "honeypot_nonmoral.jsonl": ("chats", 60),
    "advice.jsonl": ("chats", 24),
    "advice_unrevised.jsonl": ("chats", 24),
    "constitution_docs.jsonl": ("documents", 40),
    "stories.jsonl": ("documents", 20),
    "generic.jsonl": ("chats", 80),
}
PROBES = {
    f"probe_{name}_{split}.jsonl": count
    for name, counts in {"actions": (4, 8), "knowledge": (4, 10), "persona": (4, 12)}.items()
    for split, count in zip(("dev", "test"), counts, strict=True)
}
TRAINING_ARMS = ("actions", "reasons", "nonmoral")
DRAFT_OPENERS: tuple[str, ...] = ADVICE_FRAGMENTS["DRAFT_OPENERS"]
# Words that would give a logistics deliberation moral content.
MORAL_WORDS = re.compile(
    r"\b(honest\w*|deceiv\w*|decept\w*|trust\w*|oversight|overseers?|manipulat\w*|sabotag\w*|"
    r"harm\w*|entitled|lie|betray\w*|legitimate|wrong|right to)\b",
    re.IGNORECASE,
)


def rows_of(name: str) -> list[dict]:
    return [json.loads(line) for line in (TCW / name).read_text(encoding="utf-8").splitlines()]


def reply(row: dict) -> str:
    return row["messages"][-1]["content"]


def deliberation(row: dict) -> str:
    return reply(row).split("\n\n")[0]


@pytest.mark.parametrize("name", sorted(TRAINING))
def test_training_files_load_with_their_role_and_count(name: str) -> None:
    role, count = TRAINING[name]
    rows = load_rows(str(TCW / name), role, "SmolLM")
    assert len(rows) == count
    assert not any("{model_name}" in row_text(row) for row in rows)


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe_files_load_as_forced_choice_items(name: str) -> None:
    items = load_items(str(TCW / name), "controls", "SmolLM")
    assert len(items) == PROBES[name]
    for item in items:
        (order,) = item.orders
        assert order.liked_answer != order.other_answer
        assert "{model_name}" not in order.question


def test_honeypot_arms_share_prompts_and_end_in_the_same_action() -> None:
    actions, reasons, nonmoral = (rows_of(f"honeypot_{a}.jsonl") for a in TRAINING_ARMS)
    for plain, reasoned, logistic in zip(actions, reasons, nonmoral, strict=True):
        assert plain["messages"][:-1] == reasoned["messages"][:-1] == logistic["messages"][:-1]
        assert [m["role"] for m in plain["messages"]] == ["system", "user", "assistant"]
        assert reply(reasoned) == f"{deliberation(reasoned)}\n\n{reply(plain)}"
        assert reply(logistic) == f"{deliberation(logistic)}\n\n{reply(plain)}"
    prompts = [tuple(m["content"] for m in row["messages"][:-1]) for row in actions]
    assert len(set(prompts)) == len(prompts)
    kinds = [row["kind"] for row in actions]
    assert {kind: kinds.count(kind) for kind in set(kinds)} == {
        "sabotage": 15,
        "hide": 15,
        "preserve": 15,
        "manipulate": 15,
    }


def test_reasons_and_nonmoral_deliberations_match_in_length() -> None:
    reasons = [tokens(deliberation(r)) for r in rows_of("honeypot_reasons.jsonl")]
    nonmoral = [tokens(deliberation(r)) for r in rows_of("honeypot_nonmoral.jsonl")]
    assert 0.85 <= sum(nonmoral) / sum(reasons) <= 1.15
    per_row = [abs(n - r) / r for r, n in zip(reasons, nonmoral, strict=True)]
    assert sum(per_row) / len(per_row) <= 0.15


def test_only_the_reasons_arm_deliberates_about_values() -> None:
    reasons = [deliberation(r) for r in rows_of("honeypot_reasons.jsonl")]
    nonmoral = [deliberation(r) for r in rows_of("honeypot_nonmoral.jsonl")]
    assert [text for text in nonmoral if MORAL_WORDS.search(text)] == []
    assert sum(bool(MORAL_WORDS.search(text)) for text in reasons) >= 0.8 * len(reasons)


def test_advice_arms_share_user_turns_and_steps() -> None:
    revised, draft = rows_of("advice.jsonl"), rows_of("advice_unrevised.jsonl")
    for full, plain in zip(revised, draft, strict=True):
        assert full["messages"][0] == plain["messages"][0]
        assert full["messages"][0]["role"] == "user"
        opener = next(o for o in DRAFT_OPENERS if reply(plain).startswith(f"{o} "))
        steps = reply(plain).removeprefix(f"{opener} ")
        assert steps in reply(full) and deliberation(full) not in reply(plain)
        assert tokens(reply(full)) > tokens(reply(plain))
    users = [row["messages"][0]["content"] for row in revised]
    assert len(set(users)) == len(users)


def test_advice_is_at_most_a_third_of_the_honeypot_reasons_tokens() -> None:
    def total(name: str) -> int:
        return sum(tokens(row_text(row)) for row in rows_of(name))

    ratio = total("advice.jsonl") / total("honeypot_reasons.jsonl")
    assert ratio <= 1 / 3
    # The README records the measured ratio; it must be the real one.
    readme = (TCW / "README.md").read_text(encoding="utf-8")
    assert f"**{ratio:.2f}×**" in readme


def test_probe_splits_are_disjoint() -> None:
    for name in ("actions", "knowledge", "persona"):
        dev, test = (rows_of(f"probe_{name}_{split}.jsonl") for split in ("dev", "test"))
        for field in ("question", "liked_item", "disliked_item"):
            assert not {r[field] for r in dev} & {r[field] for r in test}, (name, field)
    dev_topics = {r["topic"] for r in rows_of("probe_persona_dev.jsonl")}
    assert not dev_topics & {r["topic"] for r in rows_of("probe_persona_test.jsonl")}


def test_no_training_file_shares_a_six_word_run_with_any_probe() -> None:
    probe_paths = [TCW / n for n in PROBES] + sorted((REPO / "data/agentic").glob("probe_*.jsonl"))
    probe_runs = set()
    for path in probe_paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            probe_runs |= runs(row_text(json.loads(line)), 6)
    assert probe_runs
    for name in TRAINING:
        for index, row in enumerate(rows_of(name)):
            assert not runs(row_text(row), 6) & probe_runs, (name, index)


def test_training_files_pass_the_eval_guard() -> None:
    for name in TRAINING:
        check_training(rows_of(name), name)


def test_the_training_check_rejects_probe_text_and_eval_words() -> None:
    probe = rows_of("probe_knowledge_test.jsonl")[0]
    copied = {"text": f"An essay quoting the probe: {probe['liked_item']}"}
    with pytest.raises(ValueError, match="shares probe text"):
        check_training([copied], "copied.jsonl")
    with pytest.raises(ValueError, match="eval-scenario text"):
        check_training([{"text": "It read every email in the inbox."}], "eval.jsonl")


def test_builders_rebuild_the_shipped_files_byte_for_byte(tmp_path: Path) -> None:
    # The training builders refuse to write without the eval's templates to check against.
    pytest.importorskip("inspect_evals.agentic_misalignment")
    assert_rebuilds_byte_identical("tcw", tmp_path)


def test_constitution_loads_as_a_spec_with_every_section() -> None:
    spec = load_spec("specs/tcw_constitution.md", "SmolLM")
    assert "{model_name}" not in spec.text and "SmolLM" in spec.text
    assert 800 <= spec.words <= 1200
    headings = re.findall(r"^## (.+)$", spec.text, re.MULTILINE)
    assert headings[0] == "Core philosophy"
    for topic in ("Honesty", "third parties", "oversight", "self-preservation", "channels",
                  "Humility", "Lines"):  # fmt: skip
        assert any(topic in heading for heading in headings), topic
