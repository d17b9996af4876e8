"""Teaching Claude Why (Anthropic, 2026-05-08): its interventions (honeypot SFT with and
without reasons, difficult advice, constitution documents) as arms on one base and one generic
mix, judged on the agentic-misalignment scenarios. The face replicate.py walks
(experiments/face.py)."""

from experiments.tcw.config import TcwConfig as Config
from experiments.tcw.pipeline import check_inputs, plan, rescore, run
from experiments.tcw.reporting import report, show

__all__ = ["Config", "check_inputs", "plan", "report", "rescore", "run", "show"]
