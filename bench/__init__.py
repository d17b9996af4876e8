"""Benchmarks: the kit's fast paths against the plain alternatives, side by side in one run.

    python -m bench.train_speed --kind documents   # training tokens/s and peak memory
    python -m bench.eval_speed                     # forced-choice scoring and generation items/s
    python -m bench.stage_time                     # dry-run prediction vs a measured stage
    python -m bench.random_8b --arch llama3.1-8b   # 8B-shaped random model in NF4 (GPU)
    python -m bench.threads --contend              # torch threads x OpenMP wait policy

Results are appended to docs/benchmarks.md.
"""

import os

# On CPUs shared with other jobs, libgomp's default busy-waiting made 2-thread torch 1.8x slower
# than 1 thread, and 2.3x slower than passive waiting, while another process held a core
# (`bench.threads --contend`, docs/benchmarks.md); when the machine is quiet the two policies
# run equally fast. Set before torch loads, i.e. before any bench module imports it.
# OMP_WAIT_POLICY=ACTIVE on the command line restores the default.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
