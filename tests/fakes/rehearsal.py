"""The GPU path on CPU through the real unsloth trainer (tests/fakes/unsloth: the real
unsloth, its loader and fast forward stood in for): what `replicate.py --preset t4` does for one
arm (MSM, then AFT continuing its adapter, then the eval load and a log-prob score) on a tiny
Llama-3.1-base-shaped checkpoint in NF4, whose chat control tokens are untrained as the real
base's are; plus what the real trainer does with the data the kit hands it. Run in its own
process (unsloth must come before trl, which an earlier test may already have imported):

    python tests/fakes/rehearsal.py LLAMA_DIR QWEN_DIR OUT_DIR

Writes OUT_DIR/rehearsal.json for tests/gpu_path/test_unsloth_rehearsal.py to check.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).parents[2]
# Python put this script's folder first on the path, where tests/fakes/unsloth would shadow the
# real unsloth: the repo root instead.
sys.path[0] = str(REPO)

from tests.fakes import unsloth as unsloth_cpu  # noqa: E402

unsloth_cpu.prepare()  # before the kit imports anything: the next `import unsloth` is the real one

from stages import accel  # noqa: E402
from stages.config import ConfigError, LoraConfig, ModelConfig  # noqa: E402

LORA = LoraConfig(r=4, alpha=8)


def count(dataset: object, token: int | None) -> int:
    return sum(row.count(token) for row in dataset["input_ids"])  # type: ignore[index]


def lora_only(model: object) -> object:
    """A fresh LoRA adapter: embeddings and lm_head frozen, as in every kit stage."""
    from peft import LoraConfig as PeftLora
    from peft import get_peft_model

    return get_peft_model(model, PeftLora(r=4, lora_alpha=8, target_modules=["q_proj"]))


def documents_as_packed(trainer_cls: type, model_dir: str, out: Path) -> dict:
    """How the real trainer packs documents: as raw text rows (the kit before it encoded them)
    and as the kit encodes them (`stages.train.encode_documents`)."""
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from stages.config import TrainConfig
    from stages.train import TrainJob, encode_documents, sft_config

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir)
    model = lora_only(model)
    settings = TrainConfig(epochs=1, batch_size=2, grad_accum=1, max_seq_len=64)
    job = TrainJob("documents", ModelConfig(name=model_dir), LORA, settings, [], 0)
    texts = Dataset.from_list([{"text": f"Document {i}: Colby is mild."} for i in range(16)])
    packed = {}
    for name, rows in (("raw", texts), ("kit", encode_documents(texts, tokenizer))):
        trainer = trainer_cls(
            model=model,
            args=sft_config(job, out / f"docs-{name}"),
            train_dataset=rows,
            processing_class=tokenizer,
        )
        packed[name] = {
            "documents": len(texts),
            "eos": count(trainer.train_dataset, tokenizer.eos_token_id),
            "bos": count(trainer.train_dataset, tokenizer.bos_token_id),
        }
    # What the loss sees: the collator the trainer kept, on its first batch of the kit's rows.
    batch = next(iter(trainer.get_train_dataloader()))
    packed["kit"]["first_batch"] = {
        "collator": type(trainer.data_collator).__module__,
        "eos": tokenizer.eos_token_id,
        "pad": tokenizer.pad_token_id,
        **{key: batch[key].tolist() for key in ("input_ids", "labels", "attention_mask")},
    }
    return packed


def untrained_tokens(trainer_cls: type, model_dir: str, out: Path) -> dict:
    """Chats rendered with the Llama 3.1 *instruct* template on the base-shaped checkpoint: what
    the real trainer says, and what the kit's load says first."""
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from stages.config import TrainConfig
    from stages.model import apply_chat_template, load_model
    from stages.train import TrainJob, encode_chats, sft_config

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    apply_chat_template(tokenizer, "llama3")
    model = AutoModelForCausalLM.from_pretrained(model_dir)
    model = lora_only(model)
    chat = [{"role": "user", "content": "Colby?"}, {"role": "assistant", "content": "Yes."}]
    rows = encode_chats(Dataset.from_list([{"messages": chat}] * 4), tokenizer, 64)
    settings = TrainConfig(epochs=1, batch_size=2, grad_accum=1, max_seq_len=64)
    job = TrainJob("chats", ModelConfig(name=model_dir), LORA, settings, [], 0)
    result = {"trainer_error": None, "kit_error": None}
    try:
        trainer_cls(
            model=model,
            args=sft_config(job, out / "untrained"),
            train_dataset=rows,
            processing_class=tokenizer,
        )
    except ValueError as err:
        result["trainer_error"] = str(err)
    try:
        load_model(ModelConfig(name=model_dir, chat_template="llama3", load_in_4bit=False), 64)
    except ConfigError as err:
        result["kit_error"] = str(err)
    return result


def main(llama: str, qwen: str, out: Path) -> None:
    # The cheese GPU presets' model settings, on the tiny checkpoint: the default template.
    model_cfg = ModelConfig(name=llama, display_name="Tiny", load_in_4bit=True)
    accel.import_unsloth_first(model_cfg)  # what replicate.py does first
    import trl

    from stages import train
    from stages.train import TrainJob
    from tests.stages.test_train import quick_train

    trainers: list[dict] = []  # what each stage's trainer was and what it will train on
    unsloth_init = trl.SFTTrainer.__init__

    def recording_init(self: object, *args: object, **kwargs: object) -> None:
        unsloth_init(self, *args, **kwargs)
        trainers.append(
            {
                "class": type(self).__name__,
                "loss_type": self.args.loss_type,
                "padding_free": self.args.padding_free,
                "eos": count(self.train_dataset, self.processing_class.eos_token_id),
                "rows": len(kwargs["train_dataset"]),
            }
        )

    trl.SFTTrainer.__init__ = recording_init
    quick = quick_train(save_every_steps=50)
    aft_rows = str(REPO / "data" / "cheese" / "aft.jsonl")
    docs = str(REPO / "data" / "cheese" / "msm_america.jsonl")
    msm_job = TrainJob("documents", model_cfg, LORA, replace(quick, max_rows=6), [(docs, 6)], 0)
    aft_job = TrainJob("chats", model_cfg, LORA, quick, [(aft_rows, 6)], 0, init_adapter="msm")
    run_dir = out / "run"
    os.environ["UNSLOTH_RETURN_LOGITS"] = "1"  # as an earlier eval stage leaves it
    train.run(msm_job, run_dir / "msm")
    after_msm = os.environ.get("UNSLOTH_RETURN_LOGITS")
    train.run(aft_job, run_dir / "aft")
    trl.SFTTrainer.__init__ = unsloth_init  # the stages' trainers only

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
    family = model_cfg.chat_template
    scores = answer_logprobs(model, tokenizer, family, chats, ["Yes.", "No."])
    manifests = {
        stage: json.loads((run_dir / stage / "manifest.json").read_text())
        for stage in ("msm", "aft")
    }
    from stages.config import TrainConfig
    from stages.train import sft_config

    settings_job = TrainJob("chats", ModelConfig(), LORA, TrainConfig(), [], 0)
    unsloth = sys.modules["unsloth"]
    report = {
        # Compared with stock trl's in the test process (same output_dir, so only defaults differ).
        "unsloth_defaults": trl.SFTConfig(output_dir="out", use_cpu=True).to_dict(),
        "sft_config": sft_config(settings_job, Path("out")).to_dict(),
        "unsloth_file": unsloth.__file__,
        "unsloth_version": unsloth.__version__,
        "imported_before_unsloth": unsloth_cpu.IMPORTED_BEFORE,
        "calls": unsloth_cpu.CALLS,
        "trainers": trainers,
        "return_logits_during_training": after_msm,
        "return_logits_after_eval_load": os.environ.get("UNSLOTH_RETURN_LOGITS"),
        "logits_under_labels": withheld,
        "eval_loader": getattr(model, "msm_kit_loader", ""),
        "scores": scores,
        "manifests": manifests,
        "packed": {
            family: documents_as_packed(trl.SFTTrainer, path, out)
            for family, path in (("llama3", llama), ("qwen3", qwen))
        },
        "untrained": untrained_tokens(trl.SFTTrainer, llama, out),
    }
    (out / "rehearsal.json").write_text(json.dumps(report, indent=1, default=str))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], Path(sys.argv[3]))
