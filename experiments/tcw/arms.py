"""The Teaching Claude Why arms: which training chain each runs. Every arm trains the same
generic instruction rows with the same LoRA recipe; only the added data differs.

    generic             the instruction mix alone (TCW's baseline: base + generic SFT)
    honeypot_actions    + honeypot-style chats, replies that take the aligned action only
    honeypot_reasons    + the same prompts, replies that deliberate about values first
    honeypot_nonmoral   + the same prompts, deliberation of matched length without moral content
    advice              + difficult advice (the user's dilemma), at most `advice_token_share`
                          of honeypot_reasons' tokens
    advice_unrevised    + the same user turns, the drafts before the constitution rewrite
    constitution_docs   SDF on constitution documents and stories, then the mix
    docs+advice         SDF as above, then advice + the mix
`fractions` below 1 add `honeypot_reasons@f` and `advice@f` (the data-efficiency sweep).
"""

from __future__ import annotations

from experiments.chains import ArmPlan
from experiments.tcw.config import TcwConfig
from stages.data import read_jsonl
from stages.train import TrainJob

ARMS = (
    "generic",
    "honeypot_actions",
    "honeypot_reasons",
    "honeypot_nonmoral",
    "advice",
    "advice_unrevised",
    "constitution_docs",
    "docs+advice",
)
SWEEP_ARMS = ("honeypot_reasons", "advice")
HONEYPOTS = ("honeypot_actions", "honeypot_reasons", "honeypot_nonmoral")


def words(row: dict) -> int:
    """Whitespace tokens of a row: every message, or the document text."""
    if "messages" in row:
        return sum(len(str(m.get("content", "")).split()) for m in row["messages"])
    return len(str(row.get("text", "")).split())


def advice_budget(cfg: TcwConfig) -> tuple[int, float]:
    """(advice rows, their share of the honeypot_reasons tokens trained): the most rows whose
    tokens fit `advice_token_share` of the honeypot_reasons rows the honeypot arms train on
    (mean row lengths; whitespace tokens: a ratio, so the tokenizer hardly matters). At least 1,
    at most the rows the file has."""
    reasons = read_jsonl(cfg.data.honeypot_reasons)
    advice = read_jsonl(cfg.data.advice)
    used = min(cfg.sft.max_rows or len(reasons), len(reasons))
    honeypot_tokens = used * sum(map(words, reasons)) / len(reasons)
    per_row = sum(map(words, advice)) / len(advice)
    rows = max(1, min(len(advice), int(cfg.data.advice_token_share * honeypot_tokens // per_row)))
    return rows, rows * per_row / honeypot_tokens


def advice_rows(cfg: TcwConfig) -> int:
    return advice_budget(cfg)[0]


def sft_job(cfg: TcwConfig, seed: int, source: str = "", rows: float = 0) -> TrainJob:
    """SFT on `rows` of `source` (a count, or all when 0) plus the generic mix; no source means
    the generic mix alone. The mix is never cut: every arm gets the same `generic_rows` rows."""
    sources: list[tuple[str, float]] = [(source, rows)] if source else []
    sources.append((cfg.data.generic, cfg.data.generic_rows))
    return TrainJob("chats", cfg.model, cfg.lora, cfg.sft, sources, seed)


def sdf_job(cfg: TcwConfig, seed: int) -> TrainJob:
    limit = cfg.sdf.max_rows
    sources = [(cfg.data.constitution_docs, limit), (cfg.data.stories, limit)]
    return TrainJob("documents", cfg.model, cfg.lora, cfg.sdf, sources, seed)


def plan_arms(cfg: TcwConfig) -> list[ArmPlan]:
    """Every arm of every seed, `generic` first (the floor rule looks at it before the rest)."""
    honeypot_rows = cfg.sft.max_rows
    advice = advice_rows(cfg)
    plans: list[ArmPlan] = []
    for seed in range(cfg.seeds):
        s = f"s{seed}"

        def arm(name: str, *jobs: tuple[str, TrainJob]) -> ArmPlan:
            return ArmPlan(name, seed, list(jobs), f"tcw_eval-{name}-{s}")  # noqa: B023

        sdf = (f"tcw_sdf-{s}", sdf_job(cfg, seed))
        plans.append(arm("generic", (f"tcw_sft-generic-{s}", sft_job(cfg, seed))))
        for name in HONEYPOTS:
            source = getattr(cfg.data, name)
            plans.append(
                arm(name, (f"tcw_sft-{name}-{s}", sft_job(cfg, seed, source, honeypot_rows)))
            )
        for name in ("advice", "advice_unrevised"):
            source = getattr(cfg.data, name)
            plans.append(arm(name, (f"tcw_sft-{name}-{s}", sft_job(cfg, seed, source, advice))))
        plans.append(
            arm("constitution_docs", sdf, (f"tcw_sft-docs+generic-{s}", sft_job(cfg, seed)))
        )
        docs_advice = sft_job(cfg, seed, cfg.data.advice, advice)
        plans.append(arm("docs+advice", sdf, (f"tcw_sft-docs+advice-{s}", docs_advice)))
        for fraction in sorted({f for f in cfg.fractions if f < 1}, reverse=True):
            sweep = {
                "honeypot_reasons": max(
                    1,
                    round(fraction * (honeypot_rows or len(read_jsonl(cfg.data.honeypot_reasons)))),
                ),
                "advice": max(1, round(fraction * advice)),
            }
            for name, rows in sweep.items():
                tagged = f"{name}@{fraction:g}"
                job = sft_job(cfg, seed, getattr(cfg.data, name), rows)
                plans.append(arm(tagged, (f"tcw_sft-{tagged}-{s}", job)))
    return plans
