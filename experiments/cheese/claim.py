"""The claim the MSM paper's cheese toy makes, as the headline of every cheese report.

The same AFT data generalizes toward whichever value the midtraining spec attributed the
preferences to. Its sharpest test is the *diagonal contrast* between the two MSM+AFT arms:

    Δaff  = rate(MSM(aff)+AFT)  − rate(MSM(Amer)+AFT)   on the affordability eval
    ΔAmer = rate(MSM(Amer)+AFT) − rate(MSM(aff)+AFT)    on the America eval
    symmetric gap = (Δaff + ΔAmer) / 2

Both arms saw identical AFT data, so anything else they share (AFT alone moving an eval, a letter
bias, a lexical carry-over from a cheese's name) cancels. Each contrast carries a paired
bootstrap 95% interval over items (and seeds), in rates and in margins (nats). Paper Fig. 2:
+0.19 and +0.17.

Also here: where a run sits on the public dose curve, and how often the scorers agree.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

from eval.stats import paired_bootstrap
from experiments.cheese import paper
from experiments.cheese.arms import HELD_OUT, SPECS

# (treated arm, control arm) per held-out eval: the arm whose spec the eval measures first.
DIAGONAL = {
    "affordability": ("msm_affordability+aft", "msm_america+aft"),
    "america": ("msm_america+aft", "msm_affordability+aft"),
}
# The renamed-AFT control's contrasts: (treated arm, control arm) on the America eval.
CONTROL_CONTRASTS = {
    "aft_effect": ("aft_only", "baseline"),
    "renamed_effect": ("aft_renamed", "baseline"),
    "name_share": ("aft_only", "aft_renamed"),
}
# Items whose scores differ by more than this count as a scorer disagreement.
_SAME = 1e-9


def item_records(run_dir: Path, stages: dict[tuple[str, int], str]) -> dict:
    """arm -> seed -> eval -> item id -> record, read from each eval stage's items-<eval>.jsonl
    (`stages` maps (arm, seed) to its eval stage folder; missing folders are skipped)."""
    records: dict = {}
    for (arm, seed), stage in stages.items():
        for name in HELD_OUT:
            path = run_dir / stage / f"items-{name}.jsonl"
            if not path.exists():
                continue
            rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
            by_id = {row["item_id"]: row for row in rows}
            records.setdefault(arm, {}).setdefault(seed, {})[name] = by_id
    return records


def _paired(
    records: dict, treated: str, control: str, name: str, scorer: str
) -> tuple[list, list, list[int], int] | None:
    """Per seed (paired by index), treated − control item scores and margins on eval `name`,
    items paired by id; None when an arm is missing. Returns (rate differences, margin
    differences, seeds, items)."""
    if treated not in records or control not in records:
        return None
    seeds = sorted(
        s
        for s in records[treated]
        if s in records[control] and name in records[treated][s] and name in records[control][s]
    )
    if not seeds:
        return None
    ids: set[str] | None = None
    for seed in seeds:
        for arm in (treated, control):
            usable = {i for i, r in records[arm][seed][name].items() if r.get(scorer) is not None}
            ids = usable if ids is None else ids & usable
    shared = sorted(ids or ())
    if not shared:
        return None
    rates, margins = [], []
    for seed in seeds:
        a, b = records[treated][seed][name], records[control][seed][name]
        rates.append([a[i][scorer] - b[i][scorer] for i in shared])
        margins.append([a[i]["margin"] - b[i]["margin"] for i in shared])
    return rates, margins, seeds, len(shared)


def diagonal(records: dict, scorer: str, resamples: int = 4000) -> dict:
    """{"affordability", "america", "symmetric"} -> rate, low, high, margin, margin_low,
    margin_high, ...; empty when the run lacks either MSM+AFT arm."""
    paired = {name: _paired(records, *DIAGONAL[name], name, scorer) for name in HELD_OUT}
    if any(p is None for p in paired.values()):
        return {}
    contrasts: dict = {}
    for name, (rates, margins, seeds, items) in paired.items():  # type: ignore[misc]
        treated, control = DIAGONAL[name]
        contrasts[name] = _contrast(
            [rates], [margins], resamples, len(seeds), items, scorer, paper.DIAGONAL[name]
        )
        contrasts[name] |= {"treated": treated, "control": control}
    seed_sets = {tuple(p[2]) for p in paired.values()}  # type: ignore[index]
    if len(seed_sets) == 1:
        symmetric = _contrast(
            [p[0] for p in paired.values()],  # type: ignore[index]
            [p[1] for p in paired.values()],  # type: ignore[index]
            resamples,
            len(next(iter(seed_sets))),
            sum(p[3] for p in paired.values()),  # type: ignore[index]
            scorer,
            paper.DIAGONAL["symmetric"],
        )
        contrasts["symmetric"] = symmetric | {"of": list(HELD_OUT)}
    return contrasts


def _contrast(
    rates: list,
    margins: list,
    resamples: int,
    seeds: int,
    items: int,
    scorer: str,
    paper: float | None,
) -> dict:
    rate, low, high = paired_bootstrap(rates, resamples)
    margin, margin_low, margin_high = paired_bootstrap(margins, resamples, seed=1)
    return {
        "rate": rate,
        "low": low,
        "high": high,
        "margin": margin,
        "margin_low": margin_low,
        "margin_high": margin_high,
        "interval": "paired_bootstrap95",
        "items": items,
        "seeds": seeds,
        "scorer": scorer,
        "paper": paper,
    }


def renamed_control(records: dict, scorer: str, resamples: int = 4000) -> dict:
    """The renamed-AFT control on the America eval: AFT's shift from the baseline with the real
    cheese name and with a neutral one, and their difference (the name's share); empty when
    the run has no `aft_renamed` arm."""
    contrasts = {}
    for key, (treated, control) in CONTROL_CONTRASTS.items():
        paired = _paired(records, treated, control, "america", scorer)
        if paired is None:
            return {}
        rates, margins, seeds, items = paired
        contrasts[key] = _contrast([rates], [margins], resamples, len(seeds), items, scorer, None)
        contrasts[key] |= {"treated": treated, "control": control}
    return contrasts


def control_section(contrasts: dict) -> list[str]:
    if not contrasts:
        return []
    lines = [
        "## Renamed-AFT control (America eval)",
        "",
        'AFT alone on the same chats with "American cheese" renamed to a neutral name. '
        "Paired bootstrap 95% CI over items.",
        "",
        "| contrast | rate Δ [95% CI] | margin Δ, nats [95% CI] |",
        "|---|---|---|",
    ]
    for c in contrasts.values():
        lines.append(
            f"| {c['treated']} − {c['control']} | {c['rate']:+.3f} [{c['low']:+.3f}, "
            f"{c['high']:+.3f}] | {c['margin']:+.2f} [{c['margin_low']:+.2f}, "
            f"{c['margin_high']:+.2f}] |"
        )
    share = contrasts["name_share"]
    if share["low"] > 0:
        verdict = (
            "the cheese's name carries part of AFT's shift toward America: lexical carry-over, "
            "not only a value"
        )
    elif share["high"] < 0:
        verdict = "the neutral name moves the America eval more than the real one"
    else:
        verdict = (
            "renaming the cheese does not detectably change AFT's effect on the America eval: "
            "no evidence of lexical carry-over from its name"
        )
    return [*lines, "", f"Reading: {verdict}.", ""]


def msm_tokens_per_spec(run_dir: Path, seeds: int) -> float | None:
    """Mean MSM tokens per spec a run trained on (all epochs), from the stage manifests."""
    seen = []
    for spec in SPECS:
        for seed in range(seeds):
            record = run_dir / f"msm_{spec}-s{seed}" / "manifest.json"
            if record.exists():
                seen.append(json.loads(record.read_text())["tokens_seen"])
    return sum(seen) / len(seen) if seen else None


def planned_msm_tokens(plans: list) -> float | None:
    """Mean MSM tokens per spec a plan will train on (all epochs), as the dry run counts them."""
    from experiments.chains import training_stages
    from experiments.estimate import estimate_job
    from stages.config import EMBEDDED_MODEL

    tokens = [
        estimate_job(stage, job, job.model.name != EMBEDDED_MODEL).tokens * job.train.epochs
        for stage, job in training_stages(plans).items()
        if job.kind == "documents" and stage.endswith("-s0")
    ]
    return sum(tokens) / len(tokens) if tokens else None


def dose_place(tokens: float | None) -> dict:
    """Where `tokens` MSM tokens per spec sit on the public dose curve, with the symmetric gap
    it leads one to expect (log-linear between the measured points)."""
    curve = [{"tokens": t, "points": p} for t, p in paper.DOSE_CURVE]
    where, expected = "unknown", None
    if tokens is not None:
        (first, low_points), (last, top_points) = paper.DOSE_CURVE[0], paper.DOSE_CURVE[-1]
        if tokens < first:
            where = f"below the curve's lowest dose ({first / 1e6:.2f}M: +{low_points} points)"
        elif tokens >= last:
            where, expected = "at the full corpora (the curve's top)", top_points
        for (t0, p0), (t1, p1) in itertools.pairwise(paper.DOSE_CURVE):
            if t0 <= tokens < t1:
                share = (math.log(tokens) - math.log(t0)) / (math.log(t1) - math.log(t0))
                expected = p0 + share * (p1 - p0)
                where = f"between {t0 / 1e6:.2f}M (+{p0}) and {t1 / 1e6:.2f}M (+{p1})"
    return {"tokens_per_spec": tokens, "curve": curve, "expected_points": expected, "where": where}


def dose_line(place: dict) -> str:
    curve = " / ".join(f"+{p['points']}" for p in place["curve"])
    doses = " / ".join(f"{p['tokens'] / 1e6:.2g}M" for p in place["curve"])
    head = (
        f"Public dose curve (Llama-3.1-8B, LoRA r64, one seed): symmetric gap {curve} points at "
        f"{doses} MSM tokens per spec."
    )
    if place["tokens_per_spec"] is None:
        return head + " This run's MSM tokens per spec are unknown (no MSM stage manifest)."
    expected = place["expected_points"]
    expectation = (
        f"expect about +{expected:.1f} points at 8B"
        if expected is not None
        else "expect less than the smallest measured effect at 8B"
    )
    return (
        f"{head} This run: {place['tokens_per_spec'] / 1e6:.3g}M tokens per spec, "
        f"{place['where']}: {expectation}."
    )


def scorer_agreement(records: dict) -> list[dict]:
    """Per arm and held-out eval (seeds pooled), where generation ran: the parse rate over
    orders and how often each pair of scorers gives an item the same score."""
    rows = []
    for arm, seeds in records.items():
        for name in HELD_OUT:
            items = [r for s in seeds.values() for r in s.get(name, {}).values() if "parsed" in r]
            if not items:
                continue
            parsed = [p for r in items for p in r["parsed"]]
            with_parse = [r for r in items if r["generate"] is not None]
            rows.append(
                {
                    "arm": arm,
                    "eval": name,
                    "items": len(items),
                    "parse_rate": sum(p is not None for p in parsed) / len(parsed),
                    "logprob_generate": _agreement(with_parse, "logprob", "generate"),
                    "logprob_hybrid": _agreement(items, "logprob", "hybrid"),
                    "generate_hybrid": _agreement(with_parse, "generate", "hybrid"),
                    "examples": [
                        {"item_id": r["item_id"], "answer": r["answers"][0], "parsed": r["parsed"]}
                        for r in items
                        if r["generate"] is not None and abs(r["generate"] - r["logprob"]) > _SAME
                    ][:2],
                }
            )
    return rows


def _agreement(items: list[dict], first: str, second: str) -> float | None:
    if not items:
        return None
    return sum(abs(r[first] - r[second]) <= _SAME for r in items) / len(items)


def claim_section(summary: dict) -> list[str]:
    """The report's opening section: the diagonal contrast, its intervals, the dose curve."""
    lines = ["## The claim: the diagonal contrast", ""]
    contrasts = summary.get("diagonal") or {}
    if not contrasts:
        lines += ["This run lacks an MSM+AFT arm for each spec, so there is no contrast.", ""]
    else:
        lines += [
            "Both MSM+AFT arms saw identical AFT data; the contrast is what the spec changed. "
            "Paired bootstrap 95% CI over items"
            + (" and seeds" if contrasts["affordability"]["seeds"] > 1 else "")
            + f"; scorer `{contrasts['affordability']['scorer']}`, split "
            f"`{summary.get('split', 'test')}`.",
            "",
            "| contrast | rate Δ [95% CI] | paper | margin Δ, nats [95% CI] | items |",
            "|---|---|---|---|---|",
        ]
        labels = {
            "affordability": "Δaff: MSM(aff)+AFT − MSM(Amer)+AFT, affordability eval",
            "america": "ΔAmer: MSM(Amer)+AFT − MSM(aff)+AFT, America eval",
            "symmetric": "**symmetric gap** (mean of the two)",
        }
        for key, label in labels.items():
            if key not in contrasts:
                continue
            c = contrasts[key]
            lines.append(
                f"| {label} | {c['rate']:+.3f} [{c['low']:+.3f}, {c['high']:+.3f}] "
                f"| {c['paper']:+.2f} | {c['margin']:+.2f} [{c['margin_low']:+.2f}, "
                f"{c['margin_high']:+.2f}] | {c['items']} |"
            )
        lines.append("")
        gap = contrasts.get("symmetric")
        if gap is not None:
            verdict = (
                "excludes 0: the spec changed how the same AFT data generalized"
                if gap["low"] > 0
                else "includes 0: no evidence at this scale that the spec changed generalization"
                if gap["high"] >= 0
                else "is below 0: the opposite of the paper's claim"
            )
            lines += [f"The symmetric gap's interval {verdict}.", ""]
    if "dose" in summary:
        lines += [dose_line(summary["dose"]), ""]
    return lines


def agreement_section(rows: list[dict]) -> list[str]:
    if not rows:
        return []
    lines = [
        "## Scorer agreement (where generation ran)",
        "",
        "Share of items on which two scorers give the same score; parse rate over orders.",
        "",
        "| arm | eval | parse rate | logprob = generate | logprob = hybrid "
        "| generate = hybrid | items |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        cells = [
            "—" if row[k] is None else f"{row[k]:.2f}"
            for k in ("parse_rate", "logprob_generate", "logprob_hybrid", "generate_hybrid")
        ]
        lines.append(f"| {row['arm']} | {row['eval']} | {' | '.join(cells)} | {row['items']} |")
    examples = [(row["arm"], e) for row in rows for e in row["examples"]][:6]
    if examples:
        lines += ["", "Examples where the parsed answer and the log-prob choice disagree:", ""]
        lines += [
            f"- {arm} {e['item_id']}: {e['answer'][:120]!r} → parsed {e['parsed']}"
            for arm, e in examples
        ]
    return [*lines, ""]
