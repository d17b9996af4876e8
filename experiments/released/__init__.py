"""The MSM paper's own cheese adapters (§3, Fig. 2), as released on the Hugging Face hub,
scored on the cheese evals without training: the claim checked in minutes on one GPU. The face
replicate.py walks (experiments/face.py)."""

from experiments.released.config import ReleasedConfig as Config
from experiments.released.pipeline import check_inputs, plan, rescore, run
from experiments.released.reporting import report, show

__all__ = ["Config", "check_inputs", "plan", "report", "rescore", "run", "show"]
