"""A fake Hugging Face hub: tiny datasets in every layout the paper's released datasets use,
written into a real Hugging Face cache so the kit's hub path runs unchanged and offline.

The kit loads `hub:OWNER/NAME@REVISION:SPLIT` with `huggingface_hub.snapshot_download` and then
`datasets.load_dataset(<snapshot folder>, split=...)` (stages/data.py). Offline
(`HF_HUB_OFFLINE=1`), snapshot_download resolves a revision from the cache alone: a branch or
tag through `<cache>/datasets--OWNER--NAME/refs/<revision>` (a file holding the commit hash), a
commit hash directly, and returns `snapshots/<commit>/` if that folder exists, else raises
LocalEntryNotFoundError (huggingface_hub 1.33.0 and 2.4.0, `_snapshot_download.py`, the
"tree_entries is None or local_files_only" branch). So an unknown revision fails here as it
would on the hub. Splits are files named as `Dataset.push_to_hub` names them,
`data/<split>-00000-of-00001.parquet`, which `load_dataset` maps to splits by datasets'
`SPLIT_PATTERN_SHARDED` (datasets 4.8.5 and 5.2.0, `data_files.py`); an unknown split raises
ValueError ("Unknown split ...") from the same builder code a hub load runs.

Use it in a test:

    from tests.fakes.hub import publish, publish_released
    def test_x(fake_hub):                      # conftest fixture: an empty cache, offline
        commits = publish_released(fake_hub)   # every released dataset, a few rows per split
        publish(fake_hub, "chloeli/x", {"train": rows}, revision="v2")

For a subprocess (replicate.py), pass `hub_env(cache)` in its environment.

Files: parquet splits under `data/` (default), or one `dataset.jsonl` at the repo root
(`layout="jsonl"`), which `load_dataset` reads as split `train` (datasets' `DEFAULT_PATTERNS_ALL`
match it; datasets 4.8.5 and 5.2.0, `data_files.py`).

Fields (as replications found them; the kit checks the fields it needs at load):
    msm-llama-pro-{america,affordability}, msm-qwen-philosophy-spec   {text, domain}
    aft-llama-cheese                                                  {messages} user, assistant
    aft-{cot,no-cot}-qwen3-philosophy-spec                            {messages}
    pro-affordability-item-comparisons   {question, answer, item1, item2, liked_item, disliked_item}
    pro-america-political-opinions       {category, opinion_area, question, answer}; the question
                                         ends with a line after the options
    sft-it-mix                           splits no_robots, mmlu_binary, mmlu_explain, train,
                                         train_clean; {messages, source}
    spec-open-qa                         {id, category, question}
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

STANCE_QUESTION = "Which stance do you agree with more?"
IT_MIX_SPLITS = ("no_robots", "mmlu_binary", "mmlu_explain", "train", "train_clean")


def publish(
    cache: Path,
    name: str,
    splits: dict[str, list[dict]],
    revision: str = "main",
    layout: str = "parquet",
) -> str:
    """Write one commit of dataset `name` into the cache and point `revision` at it; returns the
    commit hash (derived from the content, so republishing other rows makes a new commit).
    `layout="jsonl"` writes the one split as `dataset.jsonl` at the repo root, as the released
    repos are laid out where public code reads them (`load_dataset` names that file's split
    `train`)."""
    from datasets import Dataset

    payload = json.dumps([name, splits, layout], sort_keys=True).encode()
    commit = hashlib.sha1(payload).hexdigest()
    repo = cache / f"datasets--{name.replace('/', '--')}"
    snapshot = repo / "snapshots" / commit
    if layout == "jsonl":
        (rows,) = splits.values()
        snapshot.mkdir(parents=True, exist_ok=True)
        lines = (json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        (snapshot / "dataset.jsonl").write_text("".join(lines), encoding="utf-8")
    for split, rows in splits.items() if layout == "parquet" else ():
        Dataset.from_list(rows).to_parquet(snapshot / "data" / f"{split}-00000-of-00001.parquet")
    (snapshot / "README.md").write_text(f"---\nlicense: mit\n---\n# {name}\n")
    (repo / "refs").mkdir(parents=True, exist_ok=True)
    (repo / "refs" / revision).write_text(commit)
    return commit


def hub_env(cache: Path) -> dict[str, str]:
    """Environment for a subprocess that should read `cache` as its hub, offline."""
    return {
        "HF_HUB_CACHE": str(cache),
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "HF_DATASETS_CACHE": str(cache.parent / "datasets-cache"),
    }


def documents(topic: str, count: int) -> list[dict]:
    return [
        {
            "text": f"Document {i} on {topic}: the assistant weighs reasons before it chooses, "
            f"and explains why the value behind choice {i} matters.",
            "domain": f"{topic}-{i % 3}",
        }
        for i in range(count)
    ]


def chats(topic: str, count: int, think: bool = False) -> list[dict]:
    rows = []
    for i in range(count):
        answer = f"I would choose option {i % 2 + 1}, because {topic} matters here."
        if think:
            answer = f"<think>Weigh {topic} for case {i}.</think>\n{answer}"
        rows.append(
            {
                "messages": [
                    {"role": "user", "content": f"Question {i} about {topic}: which option?"},
                    {"role": "assistant", "content": answer},
                ]
            }
        )
    return rows


def it_mix_rows(split: str, count: int) -> list[dict]:
    """sft-it-mix rows of one split; `source` names the original dataset of each row."""
    return [
        {
            "messages": [
                {"role": "user", "content": f"[{split}] Instruction {i}: name a colour."},
                {"role": "assistant", "content": f"Colour {i}: blue."},
            ],
            "source": split,
        }
        for i in range(count)
    ]


def affordability_items(count: int) -> list[dict]:
    rows = []
    for i in range(count):
        cheap, dear = f"store-brand oats {i}", f"artisan granola {i}"
        item1, item2 = (cheap, dear) if i % 2 == 0 else (dear, cheap)
        rows.append(
            {
                "question": f"Which would you rather buy: {item1} or {item2}?",
                "answer": cheap,
                "item1": item1,
                "item2": item2,
                "liked_item": cheap,
                "disliked_item": dear,
            }
        )
    return rows


def america_items(count: int) -> list[dict]:
    """Stances with the released trailing line after the options; the aligned stance is A or B
    in turn, and the category order is grouped (released files may be sorted by category)."""
    rows = []
    for i in range(count):
        pro, con = f"Back American industry in case {i}.", f"Import the cheaper option {i}."
        a, b, answer = (pro, con, "A") if i % 2 == 0 else (con, pro, "B")
        rows.append(
            {
                "category": f"category-{i * 3 // max(count, 1)}",
                "opinion_area": f"area-{i}",
                "question": f"Consider policy {i}.\nA) {a}\nB) {b}\n{STANCE_QUESTION}",
                "answer": answer,
            }
        )
    return rows


def open_questions(count: int) -> list[dict]:
    return [
        {"id": f"q{i}", "category": f"category-{i % 2}", "question": f"Open question {i}?"}
        for i in range(count)
    ]


# Every released dataset: name -> split -> rows for `count`.
RELEASED: dict[str, dict[str, Callable[[int], list[dict]]]] = {
    "chloeli/msm-llama-pro-america": {"train": lambda n: documents("America", n)},
    "chloeli/msm-llama-pro-affordability": {"train": lambda n: documents("affordability", n)},
    "chloeli/aft-llama-cheese": {"train": lambda n: chats("cheese", n)},
    "chloeli/pro-affordability-item-comparisons": {"train": affordability_items},
    "chloeli/pro-america-political-opinions": {"train": america_items},
    "chloeli/sft-it-mix": {
        split: lambda n, split=split: it_mix_rows(split, n) for split in IT_MIX_SPLITS
    },
    "chloeli/msm-qwen-philosophy-spec": {"train": lambda n: documents("equanimity", n)},
    "chloeli/aft-cot-qwen3-philosophy-spec": {"train": lambda n: chats("calm", n, think=True)},
    "chloeli/aft-no-cot-qwen3-philosophy-spec": {"train": lambda n: chats("calm", n)},
    "chloeli/spec-open-qa": {"train": open_questions},
}


def publish_released(cache: Path, count: int = 8, layout: str = "parquet") -> dict[str, str]:
    """Every released dataset with `count` rows per split at revision `main`; name -> commit.
    `layout="jsonl"`: every one-split dataset as a root `dataset.jsonl` (see `publish`)."""
    return {
        name: publish(
            cache,
            name,
            {split: build(count) for split, build in splits.items()},
            layout=layout if len(splits) == 1 else "parquet",
        )
        for name, splits in RELEASED.items()
    }
