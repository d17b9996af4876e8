"""The GPU path on CPU, through the fake unsloth: what `replicate.py --preset t4` does for one
arm (MSM, then AFT continuing its adapter, then the eval load and a log-prob score), on a tiny
random Llama in NF4. Run in its own process (unsloth must come before trl, which an earlier
test may already have imported):  python tests/fakes/rehearsal.py TINY_MODEL_DIR OUT_DIR
Writes OUT_DIR/rehearsal.json for tests/test_gpu_path.py to check."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import replace
from pathlib import Path

os.environ["UNSLOTH_ALLOW_CPU"] = "1"  # unsloth's own CPU switch: the kit's unsloth path on CPU
sys.path.insert(0, str(Path(__file__).parent))
REPO = Path(__file__).parents[2]
sys.path.insert(0, str(REPO))

from stages import accel  # noqa: E402
from stages.config import LoraConfig, ModelConfig  # noqa: E402


def main(tiny: str, out: Path) -> None:
    model_cfg = ModelConfig(
        name=tiny, display_name="Tiny", chat_template="chatml", is_base=False, load_in_4bit=True
    )
    accel.import_unsloth_first(model_cfg)  # what replicate.py does first
    import unsloth

    from stages import train
    from stages.train import TrainJob
    from tests.test_train import quick_train

    quick = quick_train(save_every_steps=50)
    lora = LoraConfig(r=4, alpha=8)
    aft_rows = str(REPO / "data" / "cheese" / "aft.jsonl")
    docs = str(REPO / "data" / "cheese" / "msm_america.jsonl")
    msm_job = TrainJob("documents", model_cfg, lora, replace(quick, max_rows=6), [(docs, 6)], 0)
    aft_job = TrainJob("chats", model_cfg, lora, quick, [(aft_rows, 6)], 0, init_adapter="msm")
    run_dir = out / "run"
    os.environ["UNSLOTH_RETURN_LOGITS"] = "1"  # as an earlier eval stage leaves it
    train.run(msm_job, run_dir / "msm")
    after_msm = os.environ.get("UNSLOTH_RETURN_LOGITS")
    train.run(aft_job, run_dir / "aft")

    import torch

    from eval.scoring import answer_logprobs
    from stages.model import EvalModels, load_model

    base, tokenizer = load_model(model_cfg, 64)
    ids = tokenizer("Colby is a cheese.", return_tensors="pt")["input_ids"]
    with torch.no_grad():
        withheld = type(base(input_ids=ids, labels=ids).logits).__name__
    del base
    model, tokenizer = EvalModels(model_cfg).model_for(run_dir / "aft")  # as the experiments do
    chats = [[{"role": "user", "content": "Do you like Colby?"}]] * 2
    scores = answer_logprobs(model, tokenizer, "chatml", chats, ["Yes.", "No."])
    manifests = {
        stage: json.loads((run_dir / stage / "manifest.json").read_text())
        for stage in ("msm", "aft")
    }
    report = {
        "imported_before_unsloth": unsloth.IMPORTED_BEFORE,
        "calls": unsloth.FastLanguageModel.calls,
        "return_logits_during_training": after_msm,
        "return_logits_after_eval_load": os.environ.get("UNSLOTH_RETURN_LOGITS"),
        "logits_under_labels": withheld,
        "eval_loader": getattr(model, "msm_kit_loader", ""),
        "scores": scores,
        "manifests": manifests,
    }
    (out / "rehearsal.json").write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
