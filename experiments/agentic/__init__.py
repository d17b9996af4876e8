"""Agentic misalignment (MSM paper §4): MSM on the equanimity spec, AFT with and without
chain-of-thought, then the inspect-evals scenarios judged per transcript. The face replicate.py
walks (experiments/face.py)."""

from experiments.agentic.config import AgenticConfig as Config
from experiments.agentic.pipeline import check_inputs, plan, rescore, run
from experiments.agentic.reporting import report, show

__all__ = ["Config", "check_inputs", "plan", "report", "rescore", "run", "show"]
