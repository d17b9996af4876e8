"""`python -m stages.generate`: see the package docstring."""

from stages.cli import run_cli
from stages.generate import main

run_cli(main)
