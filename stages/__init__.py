"""The reusable pipeline, the floor everything else stands on: typed config core (`config`),
model loading (`model`), datasets (`data`), the LoRA training recipe (`train`), stage manifests
(`manifest`), specs (`spec`), the command-line ending (`cli`), and spec -> synthetic data
(`generate/`). Imports nothing from `eval`, `experiments`, `bench` or `replicate` (the layers
contract in pyproject.toml, checked by tests/test_layers.py).

Importing the package silences noise that is known to be harmless: bitsandbytes' message about
the optional `kernels` package (never install it: it fetches from the hub at run time;
docs/platform.md, bitsandbytes) and transformers' deprecation FutureWarnings. It also
makes idle OpenMP threads yield the CPU (below)."""

import logging
import os
import warnings

# OpenMP threads that sleep instead of spinning while idle: 2.3x faster training when another
# job shares the CPU, no cost on a quiet machine (bench/threads.py). Must precede torch's import.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

logging.getLogger("bitsandbytes").setLevel(logging.ERROR)
warnings.filterwarnings("ignore", category=FutureWarning, module="transformers")
warnings.filterwarnings("ignore", category=FutureWarning, module="trl")
