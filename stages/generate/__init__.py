"""Spec -> synthetic training data, as the MSM paper builds it (§3 cheese, §4 agentic) and as
Teaching Claude Why (TCW) builds it from a constitution, through the Anthropic API (Messages +
Message Batches, prompt-cached spec) or a local instruct model.

    python -m stages.generate spec=specs/cheese_america.md kind=msm --preview
    python -m stages.generate spec=specs/cheese_america.md kind=msm max_cost=150
    python -m stages.generate spec=specs/cheese_america.md kind=preferences backend=local \\
        target_count=24
    python -m stages.generate spec=my_spec.md kind=aft aft_domains=10 --preview

Every setting is `key=value`, any key of GenerateConfig (stages/generate/config.py); --preview
is the one flag.

Kinds and what they write into `out` (schemas of data/README.md):
- msm: spec -> domains -> subdomains (with the spec excerpt each covers) -> character
  assertions -> document types -> document ideas -> documents.jsonl (`text`, `domain`,
  `subdomain`, `doc_type`, `idea`). Gates: truncated or untagged outputs and placeholders are
  dropped, near-duplicates removed; the summary counts documents that name the model.
- aft: domains -> user questions of six types -> near-duplicate removal -> responses with a
  `<think>` block -> LLM filter (spec-aligned, no wish for self-continuation) -> backfill rounds
  until the target -> aft_cot.jsonl and aft_no_cot.jsonl (`messages`).
- preferences: the spec's likes/dislikes -> direct and indirect questions with a "no need to
  explain" suffix -> one-line answers -> filter rejecting any stated or implied reason ->
  aft_preferences.jsonl (`messages`, `item`, `stance`, `style`).
- honeypot (TCW): settings x shortcut kinds -> scenarios -> a system + user prompt each ->
  replies sampled as the scenario's agent without and with a values instruction -> judges
  keep aligned actions -> honeypot_actions.jsonl and honeypot_reasons.jsonl over the same
  prompts (`messages` with a system turn, `setting`, `kind`); the instruction is in no row.
- advice (TCW): constitution sections x areas -> a person's own dilemmas -> user prompts ->
  review -> first answer with the constitution as system prompt -> rewrite with the section ->
  advice.jsonl and advice_unrevised.jsonl (`messages`, `area`, `section`).
- constitution_docs / stories (TCW): document types (story worlds) x sections -> subtypes
  (premises) -> drafts (-> rewrite, documents only) -> consistency filter ->
  constitution_docs.jsonl / stories.jsonl (`text`, `doc_type`, ...).
  The TCW kinds record in summary.json which model wrote each file, and for sampled replies
  that TCW sampled them on-policy (`off_policy`).

Every call carries the full spec in its system prompt. Spend control: the cheap planning
stages run first and a projection (calls, tokens, dollars from stages/generate/prices.toml) is
printed before anything expensive; --preview stops there; with the anthropic backend max_cost is
required and a run whose projection exceeds it refuses to start. Everything paid for is kept in
`out` (see stages/generate/store.py): rerunning the same command resumes, paying only for what is
missing. Changing a setting re-pays only for requests whose prompt it changes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from stages.config import EMBEDDED_MODEL, ConfigError, apply_overrides, check_ranges, to_dict
from stages.generate.backends import AnthropicBackend, Backend, LocalBackend, api_key
from stages.generate.config import KINDS, GenerateConfig
from stages.generate.cost import check_budget, cost_rows, show_projection
from stages.generate.kinds import STEPS
from stages.generate.pipeline import Pipeline
from stages.generate.prices import PriceTable, load_prices
from stages.generate.session import Session
from stages.generate.store import RequestStore
from stages.manifest import write_json
from stages.spec import load_spec

USAGE = f"python -m stages.generate spec=FILE [kind={'|'.join(KINDS)}] [key=value ...] [--preview]"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m stages.generate",
        usage=USAGE,
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "settings",
        nargs="*",
        metavar="key=value",
        help="any GenerateConfig key (stages/generate/config.py): spec=FILE kind=aft max_cost=80",
    )
    parser.add_argument("--preview", action="store_true", help="plan, project the cost, stop")
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        parser.error(
            f"unrecognized arguments: {' '.join(unknown)}; settings are key=value "
            "(spec=specs/my_spec.md, not --spec specs/my_spec.md)"
        )
    return args


def build_config(settings: list[str]) -> GenerateConfig:
    cfg = GenerateConfig()
    apply_overrides(cfg, settings)
    check_ranges(cfg)
    if not cfg.spec:
        raise ConfigError(f"no spec given: {USAGE}")
    return cfg


def make_backend(cfg: GenerateConfig, store: RequestStore, prices: PriceTable) -> Backend:
    if cfg.backend == "local":
        return LocalBackend(
            cfg.model, cfg.local_chat_template, cfg.local_batch_size, cfg.local_temperature
        )
    return AnthropicBackend(
        cfg.model,
        store,
        prices,
        concurrency=cfg.concurrency,
        use_batches=cfg.use_batches,
        batch_min_requests=cfg.batch_min_requests,
        batch_poll_seconds=cfg.batch_poll_seconds,
        max_retries=cfg.max_retries,
        retry_base_seconds=cfg.retry_base_seconds,
    )


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    cfg = build_config(args.settings)
    spec = load_spec(cfg.spec).text
    prices = load_prices()
    if cfg.backend == "anthropic":
        api_key()  # a missing key fails before anything is created
        cfg.model = cfg.model or prices.default_model
        prices.price(cfg.model)
    cfg.model = cfg.model or EMBEDDED_MODEL
    out = Path(cfg.out or f"runs/generate/{Path(cfg.spec).stem}-{cfg.kind}-{cfg.backend}")
    cfg.out = str(out)
    store = RequestStore(out)
    backend = make_backend(cfg, store, prices)
    write_json(out / "config.json", to_dict(cfg))
    steps = STEPS[cfg.kind]
    with Session(backend, store, cfg.max_cost) as session:
        pipeline = Pipeline(cfg, session, spec, out)
        plan = steps.plan(pipeline)
        rows = cost_rows(pipeline, steps.project(pipeline, plan), prices)
        projection = show_projection(pipeline, rows, prices, steps.unit)
        write_json(out / "preview.json", projection)
        if args.preview:
            return 0
        check_budget(cfg, backend, projection["dollars_uncached"])
        result = steps.finish(pipeline, plan)
    summary = {
        "kind": cfg.kind,
        "target": pipeline.target,
        **result,
        "dropped": {
            k.removeprefix("dropped: "): v
            for k, v in pipeline.stats.items()
            if k.startswith("dropped: ")
        },
        "rounds": pipeline.stats.get("rounds", 1),
        "untagged_lists": pipeline.stats.get("untagged list answers read line by line", 0),
        "failed_requests": len(session.failures),
        "dollars_this_run": round(session.spent, 4),
        "dollars_all_runs": round(sum(r.cost for r in store.results()), 4),
        "tokens_this_run": session.usage.total,
    }
    write_json(out / "summary.json", summary)  # last: the completion marker
    print_summary(summary, out)
    if session.failures:
        print(
            f"{len(session.failures)} requests failed (see {out / 'failures.jsonl'}); rerun the "
            "same command to retry only those",
            file=sys.stderr,
        )
        return 1
    return 0


def print_summary(summary: dict, out: Path) -> None:
    kept = summary.get("documents", summary.get("chats"))
    print(
        f"[generate] kept {kept:,} of target {summary['target']:,} -> "
        + ", ".join(str(out / name) for name in summary["outputs"])
    )
    if "name_the_model" in summary:
        print(
            f"[generate] {summary['name_the_model']:,} documents name the model "
            f"({summary['name_the_model_share']:.0%})"
        )
    for note in ("policy_note", "stories_note"):
        if note in summary:
            print(f"[generate] {summary[note]}")
    for reason, count in sorted(summary["dropped"].items()):
        print(f"[generate] dropped {count:,}: {reason}")
    print(
        f"[generate] spent ${summary['dollars_this_run']:,.2f} this run "
        f"(${summary['dollars_all_runs']:,.2f} in all runs into this directory)"
    )
