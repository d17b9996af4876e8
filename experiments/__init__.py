"""The experiments: one folder each, shaped alike, above `eval/` and `stages/`.

    experiments/<name>/__init__.py   the face replicate.py walks (experiments/face.py)
    experiments/<name>/config.py     the experiment's typed config (presets: configs/<name>/*.toml)
    experiments/<name>/paper.py      every number the paper reports for it
    experiments/<name>/arms.py       the arms and the training chain each one runs
    experiments/<name>/pipeline.py   check inputs, plan, train every arm, evaluate it
    experiments/<name>/reporting.py  results.json, report.md, tables and plots beside the paper
    experiments/chains.py            an arm's chain of LoRA stages, shared by the experiments
    experiments/estimate.py          tokens, time and memory of a training or scoring stage
    experiments/plan.py              the dry run: every stage, its cost and its status

May import `eval` and `stages`; only `replicate.py` and `bench/` import it (the layers contract
in pyproject.toml, checked by tests/test_layers.py).
"""
