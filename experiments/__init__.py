"""The experiments: one folder each, shaped alike, above `eval/` and `stages/`.

    experiments/<name>/config.py   the experiment's typed config (presets: configs/<name>/*.toml)
    experiments/<name>/arms.py     the arms and the training chain each one runs
    experiments/<name>/run.py      check inputs, train every arm, evaluate it
    experiments/<name>/report.py   results.json, report.md, tables and plots beside the paper
    experiments/chains.py          an arm's chain of LoRA stages, shared by both experiments
    experiments/estimate.py        the dry run: tokens, time and memory of every stage

May import `eval` and `stages`; only `replicate.py` and `bench/` import it (the layers contract
in pyproject.toml, checked by tests/test_layers.py).
"""
