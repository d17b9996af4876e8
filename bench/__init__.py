"""Benchmarks: the kit's fast paths against the plain alternatives, side by side in one run.

    python -m bench.train_speed --kind documents   # training tokens/s and peak memory
    python -m bench.eval_speed                     # forced-choice scoring and generation items/s
    python -m bench.stage_time                     # dry-run prediction vs a measured stage
    python -m bench.random_8b --arch llama3.1-8b   # 8B-shaped random model in NF4 (GPU)

Results are appended to docs/benchmarks.md.
"""

import os

# On CPUs shared with other jobs, libgomp's default busy-waiting makes 2-thread torch up to ~2.6x
# slower than 1 thread whenever another process holds a core (docs/benchmarks.md); passive
# waiting removes that. Set before torch loads, i.e. before any bench module imports it.
# OMP_WAIT_POLICY=ACTIVE on the command line restores the default.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
