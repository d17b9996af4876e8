"""Agentic misalignment (MSM paper §4): MSM on the equanimity spec, AFT with and without
chain-of-thought, then the inspect-evals scenarios judged per transcript."""
