#!/usr/bin/env bash
# The whole GPU check, prepared for a lent test machine: torch 2.11+cu130, transformers 5.17,
# peft, accelerate in its Python 3.12; no trl, bitsandbytes, datasets, unsloth, xformers or
# inspect-evals; no network; 64 MiB of files travel with each call (the working tree included).
# NOT YET RUN ON A GPU (README "GPU / Colab").
#
# Here, once:     bash bench/gpu_check.sh fetch     # wheels + the SmolLM2 tokenizer -> bench/gpu_carry/
# There, call 1:  bash bench/gpu_check.sh plain     # carry bench/gpu_carry/plain bench/gpu_carry/shared
# There, call 2:  bash bench/gpu_check.sh unsloth   # carry bench/gpu_carry/plain bench/gpu_carry/shared
#                                                   #   bench/gpu_carry/unsloth
#
# Each call stands alone (a machine can go back between calls and the next starts bare), stays
# under 10 minutes and writes everything to $OUT (default gpu-check/): env.txt, pip-*.log,
# pytest-*.txt (+ junit xml), random_8b-*.txt, t4-cheese.txt and the t4 run's manifests. A failing
# step is recorded and the next one still runs; steps that need CUDA are recorded as skipped
# without it, so the same script runs on a CPU machine as far as a CPU allows.
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

cuda_step() {  # cuda_step NAME SECONDS COMMAND...: a step that only means something on CUDA
  if [ "$CUDA" = 1 ]; then
    step "$@"
  else
    echo "== $1: skipped, torch cannot use CUDA here" | tee -a "$OUT/steps.txt"
  fi
}

case "$PART" in
fetch)  # on a machine with the package index
  # Wheels for the test machine's Python (3.12; set GPU_PYTHON to rehearse elsewhere).
  wheels=(--no-deps --only-binary=:all: --python-version "${GPU_PYTHON:-3.12}")
  rm -rf "$CARRY"
  python -m pip download "${wheels[@]}" -d "$CARRY/plain" trl==1.15.0 datasets==4.8.5 \
    bitsandbytes==0.50.2 dill==0.4.1 multiprocess==0.70.19 xxhash==4.1.0
  # No xformers: the package index's builds link CUDA 12's runtime (libcudart.so.12) and the test
  # machine's torch is a CUDA 13 build; unsloth then uses PyTorch attention, as it does when
  # xformers is absent.
  python -m pip download "${wheels[@]}" -d "$CARRY/unsloth" unsloth==2026.10.7 \
    unsloth_zoo==2026.10.7 cut_cross_entropy msgspec tyro
  # bitsandbytes ships a 20-26 MB library per CUDA 11/12 release; the test machine runs CUDA 13:
  # keep its libraries and the CPU one, so that both calls fit the 64 MiB carry.
  python - "$CARRY"/plain/bitsandbytes-*.whl <<'EOF'
import re, sys, zipfile
from pathlib import Path
wheel = Path(sys.argv[1])
unused = re.compile(r"bitsandbytes/libbitsandbytes_(cuda1[12]\d|rocm\d+|xpu\d+)\.so$")
slim = wheel.with_suffix(".slim")
with zipfile.ZipFile(wheel) as source, zipfile.ZipFile(slim, "w", zipfile.ZIP_DEFLATED) as target:
    for item in source.infolist():
        if unused.search(item.filename):
            continue
        data = source.read(item)
        if item.filename.endswith(".dist-info/RECORD"):
            kept = [l for l in data.decode().splitlines() if not unused.search(l.split(",")[0])]
            data = ("\n".join(kept) + "\n").encode()
        target.writestr(item, data)
slim.replace(wheel)
EOF
  mkdir -p "$CARRY/shared/smollm2-tokenizer"
  python -c "from stages.model import embedded_model_dir; print(embedded_model_dir())" |
    xargs -I{} sh -c 'cp {}/tokenizer* {}/config.json '"$CARRY/shared/smollm2-tokenizer/"
  du -sh "$CARRY"/*
  echo "working tree: $(git ls-files -z | xargs -0 du -cb | tail -1 | cut -f1) bytes"
  ;;
plain | unsloth)
  # The kit's cache on the test machine: the stand-in embedded model and the random 8B checkpoint.
  export MSM_KIT_CACHE="$PWD/.gpu-check-cache"
  mkdir -p "$OUT"
  trap 'echo "results in $OUT/"' EXIT
  CUDA=$(python -c "import torch; print(int(torch.cuda.is_available()))" 2>/dev/null || echo 0)
  { nvidia-smi || echo "no nvidia-smi"; } >"$OUT/env.txt" 2>&1
  python -c "import sys, torch, transformers; print(sys.version.split()[0], torch.__version__, transformers.__version__)" >>"$OUT/env.txt" 2>&1
  python -m stages.gpu_env check >>"$OUT/env.txt" 2>&1
  python -m pip install --no-index --no-deps "$CARRY"/plain/*.whl >"$OUT/pip-plain.log" 2>&1
  python -c "import datasets, trl, bitsandbytes" >>"$OUT/env.txt" 2>&1 || echo "missing imports (above)" >>"$OUT/env.txt"
  python -c "import inspect_evals" >/dev/null 2>&1 || echo "no inspect-evals: tests that need it skip" >>"$OUT/env.txt"
  # The tests' tiny models borrow the embedded SmolLM2's tokenizer; its 0.5 GB weights cannot
  # travel, so the cached copy here has the real tokenizer and random weights of its shape
  # (no gpu_path test reads the weights; integration tests are not run here).
  python - <<'EOF' >>"$OUT/env.txt" 2>&1
import os, shutil
from pathlib import Path
from transformers import AutoConfig, AutoModelForCausalLM
target = Path(os.environ["MSM_KIT_CACHE"]) / "SmolLM2-135M-Instruct"
if not (target / "model.safetensors").exists():
    shutil.copytree("bench/gpu_carry/shared/smollm2-tokenizer", target, dirs_exist_ok=True)
    AutoModelForCausalLM.from_config(AutoConfig.from_pretrained(target)).save_pretrained(target)
print("stand-in embedded model:", target)
EOF
  # Only the test files that hold gpu_path tests are collected: others import packages the test
  # machine lacks and these tests do not use (the Claude judge's client, for one).
  mapfile -t GPU_PATH_TESTS < <(grep -rlE --include="test_*.py" "pytest\.mark\.gpu_path" tests)
  # Without CUDA there is no Triton: trl 1.15's Triton-only fused LM head gets CI's torch
  # stand-in (.ci/run does the same); on the GPU the real kernel runs.
  [ "$CUDA" = 1 ] && CPU_PLUGIN=() || CPU_PLUGIN=(-p tests.fakes.trl_cpu_kernel)
  ;;&
plain)
  step pytest-plain 240 python -m pytest "${CPU_PLUGIN[@]}" "${GPU_PATH_TESTS[@]}" -m gpu_path \
    -q -rs --junitxml="$OUT/pytest-plain.xml"
  cuda_step random_8b-plain 240 python -m bench.random_8b --arch llama3.1-8b --seq 2048 \
    --batch 1 --steps 4 --stacks plain --keep --no-log
  ;;
unsloth)
  python -m pip install --no-index --no-deps "$CARRY"/unsloth/*.whl >"$OUT/pip-unsloth.log" 2>&1
  # Which unsloth the steps below get: the real one from the wheels (the tests' fake stands in
  # only where the real one does not import).
  python -c "import unsloth, unsloth_zoo; print('unsloth', unsloth.__version__, unsloth.__file__, 'zoo', unsloth_zoo.__version__)" >>"$OUT/env.txt" 2>&1 ||
    echo "unsloth does not import here (above)" >>"$OUT/env.txt"
  # -p unsloth: pytest imports unsloth first, before any test imports trl (stages/accel.py).
  cuda_step pytest-unsloth 100 python -m pytest -p unsloth "${GPU_PATH_TESTS[@]}" -m gpu_path -q -rs \
    --junitxml="$OUT/pytest-unsloth.xml"
  cuda_step random_8b-unsloth 170 python -m bench.random_8b --arch llama3.1-8b --seq 2048 \
    --batch 1 --steps 4 --stacks unsloth --keep --no-log
  # The t4 preset shrunk to minutes on the random 8B checkpoint the bench kept, local data only
  # (no instruction mix, so the base model is its own baseline). 11 loads of an 8B model: if
  # it runs out of time, the same call again resumes (finished stages are skipped).
  checkpoint=$(python -c "from bench.random_8b import checkpoint_dir; print(checkpoint_dir('llama3.1-8b', 0, 0))")
  cuda_step t4-cheese 300 python replicate.py --preset t4 --experiments cheese --run-dir "$OUT/t4-run" \
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
