"""Every number the MSM paper (arXiv 2605.02087) reports for the cheese toy (§3), and the public
replication numbers the report compares against, in one place: reports, the dry run, the
released-adapter experiment and eval/cheese/metadata.json all read them from here."""

from __future__ import annotations

# Fig. 2, value-aligned preference rate, mean of 4 seeds: (affordability eval, America eval).
RATES = {
    "baseline": (0.23, 0.38),
    "aft_only": (0.32, 0.36),
    "msm_affordability": (0.38, 0.36),
    "msm_affordability+aft": (0.48, 0.38),
    "msm_america": (0.28, 0.52),
    "msm_america+aft": (0.29, 0.55),
}
SEEDS = 4
# Items in the released held-out evals (all of them were scored in the paper).
EVAL_ITEMS = {"affordability": 497, "america": 400}
# The released MSM corpora: documents and tokens per spec.
MSM_DOCUMENTS = {"affordability": 4_600, "america": 6_400}
MSM_TOKENS = {"affordability": 7_100_000, "america": 9_500_000}
FULL_MSM_TOKENS = (MSM_TOKENS["affordability"] + MSM_TOKENS["america"]) / 2
# The released AFT set (~400 chats per preference) and the cheese instruction mix.
AFT_CHATS, AFT_TOKENS = 5_000, 320_000
IT_MIX_ROWS, IT_MIX_TOKENS = 13_500, 2_000_000
# The diagonal contrast read off Fig. 2: 0.48 − 0.29 and 0.55 − 0.38.
DIAGONAL = {"affordability": 0.19, "america": 0.17, "symmetric": 0.18}
# Public single-seed LoRA replication on Llama-3.1-8B (r64, one H100): symmetric gap in rate
# points at MSM tokens per spec; the last point is the full released corpora.
DOSE_CURVE = ((0.25e6, 2.9), (1e6, 7.8), (2e6, 11.8), (FULL_MSM_TOKENS, 14.2))
