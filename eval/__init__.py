"""The evals: one folder each (code, config, metadata.json, README with a changelog), plus the
scoring and statistics they share.

    eval/cheese/            forced-choice value evals and mechanism probes (MSM paper §3)
    eval/agentic/           the agentic-misalignment scenarios and their judge (MSM paper §4)
    eval/pair_items.py      two-option items from the released schemas, dev/test splits
    eval/forced_choice.py   scoring those items: log-prob margin, parsed answer, hybrid
    eval/scoring.py         answer log-probabilities with a shared prompt prefix
    eval/stats.py           Wilson intervals, mean and SEM

May import `stages` (model loading, data, manifests); never `experiments` (the layers contract in
pyproject.toml, checked by tests/test_layers.py).
"""
