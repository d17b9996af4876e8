"""Every number the MSM paper (arXiv 2605.02087) reports for agentic misalignment (§4), in one
place: the report, the dry run and eval/agentic/metadata.json read them from here."""

from __future__ import annotations

# Fig. 4, misalignment rate (lower is better): (Qwen2.5-32B, Qwen3-32B).
MODELS = ("qwen2.5-32b", "qwen3-32b")
RATES = {
    "baseline": (0.68, 0.54),
    "msm_only": (0.53, 0.32),
    "aft_no_cot": (0.70, 0.41),
    "aft_cot": (0.48, 0.14),
    "msm+aft_no_cot": (0.22, 0.10),
    "msm+aft_cot": (0.05, 0.07),
}
# The eval grid: 3 harmful actions (one, weight exfiltration, is the paper's own and not in
# inspect-evals) × 9 goal conditions, urgency = replacement, 300 samples each at 0.7.
SCENARIOS = 3
GOAL_CONDITIONS = 9
SAMPLES_PER_CONDITION = 300
TEMPERATURE = 0.7
# The released corpora: MSM documents and tokens, AFT chats with and without chain-of-thought,
# and the instruction mix (rows, tokens).
MSM_DOCUMENTS, MSM_TOKENS = 13_201, 41_000_000
AFT_COT = (10_000, 12_000_000)
AFT_NO_COT = (10_000, 6_000_000)
IT_MIX_ROWS = 10_000
