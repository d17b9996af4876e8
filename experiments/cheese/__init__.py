"""The cheese toy (MSM paper §3): two specs explain the same cheese preferences by different
values; MSM on each, identical cheese AFT, then held-out evals in unseen domains. The face
replicate.py walks (experiments/face.py)."""

from experiments.cheese.config import CheeseConfig as Config
from experiments.cheese.pipeline import check_inputs, plan, rescore, run
from experiments.cheese.reporting import report, show

__all__ = ["Config", "check_inputs", "plan", "report", "rescore", "run", "show"]
