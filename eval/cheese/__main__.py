"""Score your own items against every arm of a finished cheese run.

    python -m eval.cheese --run-dir runs/cheese-tiny --items my_items.jsonl --kind affordability

Items use the released schemas: `question`, `liked_item`, `disliked_item` for affordability-style
pairs (the question names both items), `question` + `answer` letter for America-style stances
(the question ends with lines `A) ...` and `B) ...`). Prints a table and writes
`RUN_DIR/custom_evals/<items>-<kind>.json`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from eval.cheese.config import VERSION, EvalConfig
from eval.forced_choice import score_items, scorers_for, summarize
from eval.pair_items import KINDS, load_items
from stages import manifest
from stages.cli import run_cli
from stages.config import ConfigError, ModelConfig, from_dict


def arms_of(run_dir: Path) -> list[tuple[str, Path | None]]:
    """(eval stage name, adapter folder or None for the untouched base) of each finished arm."""
    arms = []
    for record in sorted(run_dir.glob("eval-*/manifest.json")):
        stage_config = json.loads((record.parent / "config.json").read_text())["config"]
        adapter = stage_config["adapter"]
        arms.append(
            (record.parent.name.removeprefix("eval-"), run_dir / adapter if adapter else None)
        )
    return arms


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--run-dir", type=Path, required=True)
    parser.add_argument("--items", required=True, help="JSONL in a released schema")
    parser.add_argument("--kind", choices=KINDS[:2], required=True)
    parser.add_argument("--scorer", choices=("logprob", "hybrid"), default="hybrid")
    args = parser.parse_args(argv)

    config_file = args.run_dir / "config.json"
    if not config_file.exists():
        raise ConfigError(f"{args.run_dir} holds no finished cheese run (no config.json)")
    recorded = json.loads(config_file.read_text())
    model_cfg = from_dict(ModelConfig, recorded["model"], f"{config_file} [model]")
    eval_cfg = from_dict(EvalConfig, recorded["eval"], f"{config_file} [eval]")
    items = load_items(args.items, args.kind, model_cfg.display_name)
    arms = arms_of(args.run_dir)
    if not arms:
        raise ConfigError(f"{args.run_dir} has no evaluated arms yet; run replicate.py first")

    from rich.table import Table

    from stages.console import table_console
    from stages.model import EvalModels

    scorers = scorers_for(args.scorer)
    results = {"items": args.items, "kind": args.kind, "eval_version": VERSION, "arms": {}}
    models = EvalModels(model_cfg)  # one base model, each arm's adapter swapped in
    for arm, adapter in arms:
        model, tokenizer = models.model_for(adapter)
        records = score_items(
            model,
            tokenizer,
            model_cfg.chat_template,
            items,
            scorers,
            eval_cfg.batch_size,
            eval_cfg.max_new_tokens,
        )
        results["arms"][arm] = summarize(records)

    table = Table(title=f"{args.items} ({args.kind}, {len(items)} items, scorer {args.scorer})")
    for column in ("arm", "rate", "95% CI", "n", "margin (nats)"):
        table.add_column(column, justify="left" if column == "arm" else "right")
    for arm, summary in results["arms"].items():
        headline = summary[args.scorer]
        low, high = headline["ci"]
        table.add_row(
            arm,
            f"{headline['rate']:.2f}",
            f"[{low:.2f}, {high:.2f}]",
            str(headline["n"]),
            f"{summary['margin']['mean']:+.2f} ± {summary['margin']['sem']:.2f}",
        )
    table_console().print(table)
    out = args.run_dir / "custom_evals" / f"{Path(args.items).stem}-{args.kind}.json"
    manifest.write_json(out, results)
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    run_cli(main)
