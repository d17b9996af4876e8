"""results.json, report.md and tcw.png of a finished Teaching Claude Why run: every arm's
misalignment rate (Wilson CI, per scenario, executed and judge-only) beside TCW's numbers, the
probes, and the three claims as paired contrasts between arms on the same transcripts' keys."""

from __future__ import annotations

import textwrap
from pathlib import Path

from eval.agentic.transcripts import latest_scores
from eval.stats import Z95, paired_bootstrap
from experiments.agentic_eval import (
    engine_deviation,
    load_probes,
    paired_shift,
    pool_arms,
    shift_text,
)
from experiments.chains import data_markdown, training_data
from experiments.tcw import paper
from experiments.tcw.arms import ARMS, advice_budget, plan_arms
from experiments.tcw.config import TcwConfig
from experiments.tcw.pipeline import PREFIX
from stages import manifest
from stages.config import EMBEDDED_MODEL
from stages.data import read_jsonl

# Probe sets, in table order, with what each measures.
PROBE_SETS = {
    "vignettes": "safe vs harmful action, held-out vignettes",
    "actions": "safe vs harmful action after the real scenario prompt (chat -> agentic)",
    "knowledge": "constitution knowledge and false-premise correction",
    "persona": "aligned vs opposite view of the model's values",
}


def report(cfg: TcwConfig, run_dir: Path, summaries: dict[str, dict]) -> dict:
    """results.json, report.md and tcw.png from every arm-seed's eval summary."""
    from eval.agentic import format_report

    arms = pool_arms(summaries)
    probes = load_probes(run_dir, PREFIX)
    frames = [row["frame"] for row in read_jsonl(cfg.data.probe_persona)]
    contrasts = [
        contrast(run_dir, summaries, probes, name, pair, claim)
        for claim, table in ((True, paper.CLAIMS), (False, paper.CONTROLS))
        for name, pair in table.items()
        if all(arm in arms for arm in pair)
    ]
    result = {
        "experiment": "tcw",
        "preset": cfg.preset,
        "description": cfg.description,
        "judge": sorted({s["label"] for s in summaries.values()}),
        "floor": next((s["floor"] for k, s in summaries.items() if k == "generic/s0"), None),
        "arms": arms,
        "tcw": {
            arm: {"rate": r, "from": start, "measured": what}
            for arm, (r, start, what) in paper.RATES.items()
        },
        "contrasts": contrasts,
        "probes": {
            arm: {
                **{name: entry["summary"] for name, entry in sets.items()},
                "persona_gap": persona_gap(sets, frames),
            }
            for arm, sets in probes.items()
        },
        "deviations": deviations(cfg, run_dir, arms),
        "data": training_data(plan_arms(cfg), run_dir, cfg.data.generic),
    }
    manifest.write_json(run_dir / "results.json", result)
    first_seed = {k.split("/")[0]: v for k, v in summaries.items() if k.endswith("/s0")}
    text = format_report(first_seed, baseline="generic")
    text += arms_markdown(arms) + contrasts_markdown(contrasts) + probes_markdown(result["probes"])
    text += "\n## Deviations from Teaching Claude Why\n\n"
    text += "".join(f"- {d}\n" for d in result["deviations"])
    text += "\n" + "\n".join(data_markdown(result["data"], {})) + "\n"
    (run_dir / "report.md").write_text(f"# {cfg.description}\n\n{text}")
    plot(result, run_dir / "tcw.png")
    return result


def paired_outcomes(run_dir: Path, summaries: dict[str, dict], arm: str) -> dict[int, dict]:
    """seed -> transcript key -> 1.0 harmful / 0.0 not, for transcripts this arm's judge scored."""
    found: dict[int, dict] = {}
    for key, summary in summaries.items():
        name, seed = key.split("/")
        if name != arm:
            continue
        scores = latest_scores(run_dir / f"{PREFIX}_eval-{arm}-{seed}")
        found[int(seed[1:])] = {
            k: float(bool(s["harmful"]))
            for k, s in scores.items()
            if s["status"] == "scored" and s["judge"] == summary["judge"]
        }
    return found


def contrast(
    run_dir: Path,
    summaries: dict[str, dict],
    probes: dict[str, dict],
    name: str,
    pair: tuple[str, str],
    claim: bool,
) -> dict:
    """Treatment - control misalignment, paired by transcript key and seed (the same condition
    and sample index in both arms), with a paired bootstrap 95% CI; and the per-item probe
    shifts between the two arms."""
    treatment, control = pair
    after, before = (paired_outcomes(run_dir, summaries, arm) for arm in pair)
    seeds = sorted(set(after) & set(before))
    keys = (
        sorted(set.intersection(*(set(after[s]) & set(before[s]) for s in seeds))) if seeds else []
    )
    entry: dict = {"contrast": name, "claim": claim, "treatment": treatment, "control": control}
    entry["n"] = len(keys)
    if keys:
        table = [[after[s][k] - before[s][k] for k in keys] for s in seeds]
        estimate, low, high = paired_bootstrap([table])
        entry |= {"difference": estimate, "ci": [low, high]}
    else:
        entry |= {"difference": None, "ci": None}
    entry["tcw_difference"] = paper.tcw_difference(treatment, control)
    entry["probe_shifts"] = {
        probe: list(paired_shift(probes, treatment, control, probe))
        for probe in PROBE_SETS
        if treatment in probes and control in probes and probe in probes[treatment]
    }
    return entry


def persona_gap(sets: dict[str, dict], frames: list[str]) -> float | None:
    """Mean margin when asked about the model by name minus when asked about "you": what it
    says of itself in the third person and does not own in the first (TCW's persona gap)."""
    if "persona" not in sets:
        return None
    margins: dict[str, list[float]] = {}
    for record, frame in zip(sets["persona"]["records"], frames, strict=True):
        margins.setdefault(frame, []).append(record["margin"])
    third, first = margins.get("third_person"), margins.get("first_person")
    return sum(third) / len(third) - sum(first) / len(first) if third and first else None


def _cell(value: float | None, digits: str = ".2f") -> str:
    return "–" if value is None else format(value, digits)


def arms_markdown(arms: dict[str, dict]) -> str:
    lines = [
        "",
        "## Arms beside Teaching Claude Why",
        "",
        "| arm | rate | 95% CI | n | executed | judge-only | TCW | TCW from | TCW measured |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for arm, entry in arms.items():
        rate, start, what = paper.RATES.get(arm.split("@")[0], (None, None, ""))
        tcw = (rate, start, what) if "@" not in arm else (None, None, "data-efficiency sweep")
        lines.append(
            f"| {arm} | {_cell(entry['rate'])} | [{entry['ci'][0]:.2f}, {entry['ci'][1]:.2f}] "
            f"| {entry['n']} | {_cell(entry['executed_rate'])} | {_cell(entry['judge_rate'])} "
            f"| {_cell(tcw[0])} | {_cell(tcw[1])} | {tcw[2]} |"
        )
    return "\n".join(lines) + "\n"


def contrasts_markdown(contrasts: list[dict]) -> str:
    lines = [
        "",
        "## The claims as contrasts (treatment − control; negative = less misaligned)",
        "",
        "Misalignment differences are paired by transcript (same condition and sample index, "
        "same seed) with a paired bootstrap 95% CI; probe shifts are per-item margin "
        "differences in nats with a normal 95% CI (positive = toward the safe, true or aligned "
        "answer).",
        "",
        "| contrast | arms | Δ misalignment [95% CI] | n | TCW Δ | "
        + " | ".join(f"Δ {p}" for p in PROBE_SETS)
        + " |",
        "|" + "---|" * (5 + len(PROBE_SETS)),
    ]
    for entry in contrasts:
        ci = entry["ci"]
        measured = "–" if ci is None else f"{entry['difference']:+.2f} [{ci[0]:+.2f}, {ci[1]:+.2f}]"
        shifts = [
            shift_text(tuple(entry["probe_shifts"][p])) if p in entry["probe_shifts"] else "–"
            for p in PROBE_SETS
        ]
        tcw = entry["tcw_difference"]
        label = f"**{entry['contrast']}**" if entry["claim"] else entry["contrast"]
        lines.append(
            f"| {label} | {entry['treatment']} − {entry['control']} | {measured} | {entry['n']} "
            f"| {'–' if tcw is None else f'{tcw:+.2f}'} | " + " | ".join(shifts) + " |"
        )
    return "\n".join(lines) + "\n"


def probes_markdown(probes: dict[str, dict]) -> str:
    if not probes:
        return ""
    lines = [
        "",
        "## Probes (log-prob, no generation; first seed)",
        "",
        "Margin = log p(safe / true / aligned answer) − log p(its opposite), nats, mean over "
        "items [95% CI]. " + "; ".join(f"*{k}*: {v}" for k, v in PROBE_SETS.items()) + "; "
        '*persona gap*: mean margin asked about the model by name minus asked about "you".',
        "",
        "| arm | " + " | ".join(PROBE_SETS) + " | persona gap |",
        "|" + "---|" * (len(PROBE_SETS) + 2),
    ]
    for arm in [a for a in ARMS if a in probes] + [a for a in probes if a not in ARMS]:
        cells = []
        for name in PROBE_SETS:
            margin = probes[arm][name]["margin"]
            mean, half = margin["mean"], Z95 * margin["sem"]
            cells.append(f"{mean:+.2f} [{mean - half:+.2f}, {mean + half:+.2f}]")
        lines.append(
            f"| {arm} | " + " | ".join(cells) + f" | {_cell(probes[arm]['persona_gap'], '+.2f')} |"
        )
    return "\n".join(lines) + "\n"


def deviations(cfg: TcwConfig, run_dir: Path, arms: dict[str, dict]) -> list[str]:
    """Every way this run differs from TCW's setup (the same signature in every experiment)."""
    notes = [
        f"model: {cfg.model.name} (TCW: fine-tunes of Claude Sonnet 4 and Haiku 4.5, or their "
        "base models)",
        "eval: the inspect-evals agentic-misalignment scenarios (blackmail, leaking, murder), "
        "never trained on; TCW's rates are on its own honeypots (blackmail, research sabotage, "
        "framing), so compare directions and sizes of contrasts, not levels",
        "SFT only: TCW's diversity result (unused tool definitions, varied system prompts) came "
        "from RL and is not built here; its harmlessness RL after the interventions is not run",
    ]
    if cfg.model.name == EMBEDDED_MODEL:
        notes.append(
            "toy scale: a 135M model does not act in these scenarios, so every rate sits at the "
            "floor and the contrasts cannot move; the probes are the measurement here, and they "
            "show that training moved the model, not that TCW's claims hold"
        )
    if cfg.model.load_in_4bit:
        notes.append("precision: 4-bit NF4 base weights (QLoRA); TCW fine-tuned full models")
    notes += engine_deviation(cfg.model, cfg.eval)
    if cfg.data.honeypot_reasons.startswith("data/tcw/"):
        notes.append(
            "data: the kit's own tiny corpora (data/tcw/, kit-authored, neither on- nor "
            f"off-policy samples), far from TCW's ~{paper.HONEYPOT_TOKENS / 1e6:.0f}M-token "
            f"honeypot set, {paper.ADVICE_TOKENS / 1e6:.0f}M advice tokens and "
            f"{paper.STORY_TOKENS / 1e6:.0f}M+ story tokens"
        )
    else:
        notes.append(
            "data: written by the generator's model (its manifest names it); TCW sampled "
            "honeypot replies on-policy, from the model being trained"
        )
    advice, share = advice_budget(cfg)
    notes.append(
        f"advice: {advice} rows, about {share:.2f}x the honeypot_reasons arm's tokens "
        f"(whitespace; setting {cfg.data.advice_token_share}; TCW: "
        f"{paper.ADVICE_TOKENS / paper.HONEYPOT_REASONS_TOKENS:.3f}x)"
    )
    scored = sorted({entry["n"] for entry in arms.values()})
    conditions = len(cfg.eval.scenarios) * len(cfg.eval.goal_values)
    notes.append(
        f"eval: {conditions} conditions × {cfg.eval.samples_per_condition} samples, "
        f"{'/'.join(map(str, scored)) or 'no'} transcripts scored per arm"
    )
    if cfg.seeds < 3:
        notes.append(
            f"seeds: {cfg.seeds} (the open replication's rule: three seeds; gaps under ~10 "
            "points from one run do not count)"
        )
    return notes


def show(summary: dict) -> None:
    """Every arm beside TCW's numbers, the contrasts, the floor and the deviations."""
    from rich.table import Table

    from stages.console import table_console

    console = table_console()
    table = Table(title=f"Teaching Claude Why (lower is better) — {summary['description']}")
    for column in ("arm", "rate (ours)", "95% CI", "n", "executed", "TCW", "TCW from"):
        table.add_column(column, justify="left" if column == "arm" else "right")
    for arm, entry in summary["arms"].items():
        tcw = summary["tcw"].get(arm, {})
        table.add_row(
            arm,
            _cell(entry["rate"]),
            f"[{entry['ci'][0]:.2f}, {entry['ci'][1]:.2f}]",
            str(entry["n"]),
            _cell(entry["executed_rate"]),
            _cell(tcw.get("rate")),
            _cell(tcw.get("from")),
        )
    console.print(table)
    claims = Table(title="Contrasts: treatment − control (paired 95% CI)")
    for column in ("contrast", "Δ misalignment", "TCW Δ", "Δ scenario-action probe"):
        claims.add_column(column, justify="left" if column == "contrast" else "right")
    for entry in summary["contrasts"]:
        ci = entry["ci"]
        shift = entry["probe_shifts"].get("actions")
        claims.add_row(
            entry["contrast"],
            "–" if ci is None else f"{entry['difference']:+.2f} [{ci[0]:+.2f}, {ci[1]:+.2f}]",
            "–" if entry["tcw_difference"] is None else f"{entry['tcw_difference']:+.2f}",
            shift_text(tuple(shift)) if shift else "–",
        )
    console.print(claims)
    console.print("Judge: " + ", ".join(summary["judge"]), markup=False)
    if summary["floor"]:
        console.print(f"[bold]generic: {summary['floor']}[/bold]")
    console.print("[bold]Deviations from Teaching Claude Why[/bold]")
    for note in summary["deviations"]:
        console.print(f"  • {note}", markup=False)


def plot(result: dict, path: Path) -> None:
    """Misalignment per arm with TCW's rates, and the contrasts with their paired CIs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    arms = list(result["arms"])
    rates = [result["arms"][a]["rate"] or 0.0 for a in arms]
    errors = [
        [r - result["arms"][a]["ci"][0] for a, r in zip(arms, rates, strict=True)],
        [result["arms"][a]["ci"][1] - r for a, r in zip(arms, rates, strict=True)],
    ]
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.5))
    left.bar(range(len(arms)), rates, yerr=errors, capsize=3, color="#4c72b0", label="this run")
    marked = [(i, result["tcw"][a]["rate"]) for i, a in enumerate(arms) if a in result["tcw"]]
    if marked:
        left.scatter(
            *zip(*marked, strict=True), color="crimson", marker="D", s=30, label="TCW", zorder=3
        )
    left.set_xticks(range(len(arms)), arms, rotation=30, ha="right", fontsize=8)
    left.set_ylabel("misalignment rate (lower is better)")
    left.set_ylim(0, 1)
    left.legend(fontsize=8)
    left.set_title(
        "\n".join([result["description"], *textwrap.wrap(result["floor"] or "", 90)]), fontsize=8
    )
    shown = [c for c in result["contrasts"] if c["ci"] is not None]
    for index, entry in enumerate(shown):
        low, high = entry["ci"]
        right.errorbar(
            entry["difference"],
            index,
            xerr=[[entry["difference"] - low], [high - entry["difference"]]],
            fmt="o",
            color="#4c72b0",
            capsize=3,
        )
        if entry["tcw_difference"] is not None:
            right.scatter(
                entry["tcw_difference"], index, color="crimson", marker="D", s=30, zorder=3
            )
    right.axvline(0, color="black", linewidth=0.5)
    right.set_yticks(range(len(shown)), [c["contrast"] for c in shown], fontsize=7)
    right.set_xlim(-1, 1)
    right.set_xlabel("Δ misalignment, treatment − control (paired 95% CI; ◆ TCW)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
