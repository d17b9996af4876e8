"""The kit's tests. Folders mirror the packages they pin (stages/, eval/, experiments/, data/);
beside them faults/ (bad state, bad input, OS trouble, stale results), gpu_path/ (the GPU path
rehearsed on CPU) and fakes/ (every stand-in for a library, the model hub or an API, in one
place); the house-wide tests (layers, replicate.py as a user runs it, the workshop notebook,
benchmarks' behaviour, ./kit) sit at the top."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
