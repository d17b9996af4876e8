"""Every number *Teaching Claude Why* (Anthropic alignment blog, 2026-05-08; Claude Sonnet 4 /
Haiku 4.5 fine-tunes) reports that the kit's arms stand beside, in one place. Rates are
misalignment on TCW's own honeypot evals (blackmail, research sabotage, framing a colleague;
Figure 4 averages them), not on the inspect-evals scenarios the kit runs."""

from __future__ import annotations

# arm -> (TCW's rate, the rate it started from, what was measured). The baselines differ
# between TCW's experiments, so each contrast is read against its own start.
RATES = {
    "generic": (0.22, 0.22, "honeypot average, base + generic SFT (Fig. 4 baseline)"),
    "honeypot_actions": (0.15, 0.22, "honeypot SFT, aligned actions only (~30M tokens)"),
    "honeypot_reasons": (0.03, 0.22, "the same prompts, values instruction injected then removed"),
    "advice": (0.01, 0.22, "difficult advice, 3M tokens: matched the ~85M-token honeypot set"),
    "advice_unrevised": (0.19, 0.22, "difficult advice without the response rewrite"),
    "constitution_docs": (0.19, 0.65, "blackmail, large constitutional SDF set with stories"),
}
# The three claims as contrasts (treatment, control): TCW's difference, read off RATES.
CLAIMS = {
    "reasons beat behaviour": ("honeypot_reasons", "honeypot_actions"),
    "advice generalizes to agentic action": ("advice", "generic"),
    "principle documents help": ("constitution_docs", "generic"),
}
# Controls and ablations reported beside the claims (no TCW number for the first and last:
# the non-moral control is the open replication's, stacking TCW states without a number).
CONTROLS = {
    "non-moral deliberation (is it reasons, or tokens?)": ("honeypot_nonmoral", "honeypot_actions"),
    "the rewrite step (advice vs its drafts)": ("advice", "advice_unrevised"),
    "they stack (docs+advice vs advice)": ("docs+advice", "advice"),
}
# Sizes: honeypot transcripts and tokens (behaviour only; the best reasons set), advice tokens.
HONEYPOT_TRANSCRIPTS, HONEYPOT_TOKENS = 10_000, 30_000_000
HONEYPOT_REASONS_TOKENS = 85_000_000
ADVICE_TOKENS = 3_000_000
STORY_TOKENS = 14_000_000


def tcw_difference(treatment: str, control: str) -> float | None:
    """TCW's treatment - control, when both come from one baseline; else None."""
    if treatment not in RATES or control not in RATES:
        return None
    (rate, start, _), (other, other_start, _) = RATES[treatment], RATES[control]
    if control == "generic":
        return rate - start  # each intervention against its own experiment's baseline
    return rate - other if start == other_start else None
