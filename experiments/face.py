"""The face every experiment shows `replicate.py`: the same six names in each experiment's
`__init__.py`, so the walk over experiments is one loop and a new experiment is a new folder plus
one row in replicate.py's table.

    Config                        the typed config; presets are configs/<experiment>/<preset>.toml
    check_inputs(cfg)             fail before any work on a bad spec, data file or setting
    plan(cfg, run_dir)            the dry run: every stage, its cost, what is already done
    run(cfg, run_dir) -> results  the walk over stages; finished stages are skipped
    report(cfg, run_dir, results) -> summary
                                  results.json, report.md and plots in the run directory
    show(summary)                 the tables on the terminal
    rescore(cfg, run_dir) -> results
                                  score the saved outputs again (a judge's verdicts), nothing new

`paper.py` beside them holds every number the paper reports for that experiment.
"""

# The names each experiment's package exports (checked by tests/experiments/test_face.py).
FACE = ("Config", "check_inputs", "plan", "run", "report", "show", "rescore")
