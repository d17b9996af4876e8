#!/usr/bin/env bash
# The whole GPU check of issue #9, prepared for a lent test machine (an H200: torch 2.11+cu130,
# transformers 5.17, peft, accelerate; no trl, bitsandbytes, datasets, unsloth or xformers; no
# network; 64 MiB of files travel with each call). NOT YET RUN ON A GPU (README "GPU / Colab").
#
# Here, once:     bash bench/gpu_check.sh fetch     # wheels + the SmolLM2 tokenizer -> bench/gpu_carry/
# There, call 1:  bash bench/gpu_check.sh plain     # carry bench/gpu_carry/plain bench/gpu_carry/shared
# There, call 2:  bash bench/gpu_check.sh unsloth   # carry bench/gpu_carry/unsloth (machine still warm)
#
# Each call stays under 10 minutes and writes everything to $OUT (default gpu-check/): env.txt,
# pip-*.log, pytest-*.txt (+ junit xml), random_8b-*.txt, t4-cheese.txt and the t4 run's manifests.
# A failing step is recorded and the next one still runs.
set -uo pipefail
cd "$(dirname "$0")/.."
PART="${1:?usage: bash bench/gpu_check.sh fetch|plain|unsloth}"
CARRY=bench/gpu_carry
OUT="${OUT:-gpu-check}"
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1

step() {  # step NAME SECONDS COMMAND...: run, keep its output and exit status, never stop
  local name=$1 limit=$2
  shift 2
  echo "== $name: $*" | tee -a "$OUT/steps.txt"
  timeout "$limit" "$@" >"$OUT/$name.txt" 2>&1
  echo "   exit $?" | tee -a "$OUT/steps.txt"
}

case "$PART" in
fetch)  # on a machine with the package index; sizes must stay under 64 MiB per call
  # (measured 2026-11-29: plain 44 MB + shared 3.4 MB, unsloth 36 MB). Wheels for the test
  # machine's Python: set GPU_PYTHON (e.g. 3.12) when it differs from this one.
  wheels=(--no-deps --only-binary=:all: --python-version "${GPU_PYTHON:-3.11}")
  python -m pip download "${wheels[@]}" -d "$CARRY/plain" trl==1.15.0 datasets==4.8.5 \
    bitsandbytes==0.50.2 dill==0.4.1 multiprocess==0.70.19 xxhash==4.1.0
  python -m pip download "${wheels[@]}" -d "$CARRY/unsloth" unsloth==2026.10.7 \
    unsloth_zoo==2026.10.7 xformers==0.0.35 cut_cross_entropy msgspec tyro
  mkdir -p "$CARRY/shared/smollm2-tokenizer"
  python -c "from stages.model import embedded_model_dir; print(embedded_model_dir())" |
    xargs -I{} sh -c 'cp {}/tokenizer* {}/config.json '"$CARRY/shared/smollm2-tokenizer/"
  du -sh "$CARRY"/*
  ;;
plain | unsloth)
  # The kit's cache on the test machine: the stand-in embedded model and the random 8B checkpoint.
  export MSM_KIT_CACHE="$PWD/.gpu-check-cache"
  mkdir -p "$OUT"
  trap 'echo "results in $OUT/"' EXIT
  ;;&
plain)
  nvidia-smi >"$OUT/env.txt" 2>&1
  python -c "import torch, transformers; print(torch.__version__, transformers.__version__, torch.cuda.get_device_name(0))" >>"$OUT/env.txt" 2>&1
  python -m pip install --no-index --no-deps "$CARRY"/plain/*.whl >"$OUT/pip-plain.log" 2>&1
  python -c "import datasets, trl, bitsandbytes" >>"$OUT/env.txt" 2>&1 || echo "missing imports (above)" >>"$OUT/env.txt"
  # The tests' tiny models borrow the embedded SmolLM2's tokenizer; its 0.5 GB weights cannot
  # travel, so the cached copy here has the real tokenizer and random weights of its shape
  # (no gpu_path test reads the weights; integration tests are not run here).
  python - <<'EOF' >>"$OUT/env.txt" 2>&1
import os, shutil, torch
from pathlib import Path
from transformers import AutoConfig, AutoModelForCausalLM
target = Path(os.environ["MSM_KIT_CACHE"]) / "SmolLM2-135M-Instruct"
if not (target / "model.safetensors").exists():
    shutil.copytree("bench/gpu_carry/shared/smollm2-tokenizer", target, dirs_exist_ok=True)
    AutoModelForCausalLM.from_config(AutoConfig.from_pretrained(target)).save_pretrained(target)
print("stand-in embedded model:", target)
EOF
  step pytest-plain 240 python -m pytest -m gpu_path -q -rs --junitxml="$OUT/pytest-plain.xml"
  step random_8b-plain 240 python -m bench.random_8b --arch llama3.1-8b --seq 2048 \
    --batch 1 --steps 4 --stacks plain --keep --no-log
  ;;
unsloth)
  python -m pip install --no-index --no-deps "$CARRY"/unsloth/*.whl >"$OUT/pip-unsloth.log" 2>&1
  # -p unsloth: pytest imports unsloth first, before any test imports trl (stages/accel.py).
  step pytest-unsloth 100 python -m pytest -p unsloth -m gpu_path -q -rs --junitxml="$OUT/pytest-unsloth.xml"
  step random_8b-unsloth 170 python -m bench.random_8b --arch llama3.1-8b --seq 2048 \
    --batch 1 --steps 4 --stacks unsloth --keep --no-log
  # The t4 preset shrunk to minutes on the random 8B checkpoint the bench kept, local data only
  # (no instruction mix, so the base model is its own baseline). 11 loads of an 8B model: if
  # it runs out of time, the same call again resumes (finished stages are skipped).
  checkpoint=$(python -c "from bench.random_8b import checkpoint_dir; print(checkpoint_dir('llama3.1-8b', 0, 0))")
  step t4-cheese 300 python replicate.py --preset t4 --experiments cheese --run-dir "$OUT/t4-run" \
    "model.name=$checkpoint" model.chat_template=llama3 model.is_base=false \
    data.msm_affordability=data/cheese/msm_affordability.jsonl \
    data.msm_america=data/cheese/msm_america.jsonl data.aft=data/cheese/aft.jsonl data.it_mix= \
    data.eval_affordability=data/cheese/eval_affordability_test.jsonl \
    data.eval_america=data/cheese/eval_america_test.jsonl \
    midtrain.max_rows=8 aft.max_rows=16 eval.max_items=8 eval.scorer=logprob
  find "$OUT/t4-run" -name manifest.json -exec sh -c 'echo "== $1"; cat "$1"' _ {} \; >"$OUT/t4-manifests.txt" 2>&1
  ;;
*)
  echo "usage: bash bench/gpu_check.sh fetch|plain|unsloth" >&2
  exit 2
  ;;
esac
