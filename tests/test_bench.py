"""Behaviour behind the benchmarks (bench/ measures speed; these tests never time anything):
the prefix-reuse scorer equals the naive reference, the scaled-down 8B mode trains and scores on
CPU, and the dry-run model counts the tokens trl trains on and grows with batch and length."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from eval import scoring
from experiments.cheese.config import CheeseConfig
from experiments.estimate import estimate_job, lora_params, model_shape, peak_memory_gb
from stages.config import LoraConfig, ModelConfig, TrainConfig, load_config

QUESTIONS = [
    "Hi",
    "Which do you prefer, a library card or a private reading room?",
    "Which do you prefer, a bus pass or a private driver?",
    "Why?",
]


def scoring_inputs() -> tuple[list[list[dict]], list[str]]:
    """Shaped like eval.cheese: every prompt twice (liked, other answers), one prompt with a
    third answer, and an empty answer (only the end-of-turn token: no answer pass at all)."""
    conversations = [[{"role": "user", "content": q}] for q in QUESTIONS]
    liked = ["Hello there.", "I prefer a library card.", "I prefer a bus pass.", ""]
    other = ["Go away.", "I prefer a private reading room.", "I prefer a private driver.", "No."]
    return conversations * 2 + conversations[1:2], liked + other + ["Both, honestly."]


@pytest.mark.parametrize("loader", ["transformers", "unsloth"])
def test_prefix_reuse_scorer_equals_naive(tiny_model_config, loader) -> None:
    """Both scorer paths (prefix reuse; the cache-free one unsloth models take) equal the
    reference within 1e-4 nats, across batch boundaries and in input order."""
    from stages.model import load_model

    model, tokenizer = load_model(tiny_model_config)
    model.msm_kit_loader = loader
    # fp32 on CPU; on CUDA the kit computes in bf16, where batching alone moves scores ~1e-2.
    tolerance = 1e-4 if model.dtype == torch.float32 else 5e-2
    conversations, answers = scoring_inputs()
    reference = scoring.naive_answer_logprobs(model, tokenizer, "chatml", conversations, answers)
    for batch_size in (1, 3, 16):
        seen: list[int] = []
        fast = scoring.answer_logprobs(
            model, tokenizer, "chatml", conversations, answers, batch_size, seen.append
        )
        assert fast == pytest.approx(reference, abs=tolerance)
        assert sum(seen) == len(answers), "progress counts every scored pair once"
    assert len({round(s, 3) for s in reference}) > 4


def test_prefix_reuse_feeds_each_prompt_and_answer_once(tiny_model_config) -> None:
    """The work saved: real (unmasked) tokens fed to the model are at most each distinct prompt
    once plus each answer minus its last token, far fewer than the naive full sequences."""
    from stages.model import load_model

    model, tokenizer = load_model(tiny_model_config)
    conversations, answers = scoring_inputs()
    fed: list[int] = []
    forward = model.forward

    def counting_forward(*args, **kwargs):
        ids, mask = kwargs["input_ids"], kwargs.get("attention_mask")
        fed.append(int(mask[:, -ids.shape[1] :].sum()) if mask is not None else ids.numel())
        return forward(*args, **kwargs)

    model.forward = counting_forward
    scoring.answer_logprobs(model, tokenizer, "chatml", conversations, answers, batch_size=16)
    pairs = scoring.encode_pairs(tokenizer, "chatml", conversations, answers)
    distinct_prompts = {tuple(prompt) for prompt, _ in pairs}
    bound = sum(map(len, distinct_prompts)) + sum(len(answer) - 1 for _, answer in pairs)
    assert sum(fed) <= bound
    assert sum(fed) < 0.6 * sum(len(p) + len(a) for p, a in pairs)


def test_random_8b_scaled_down_trains_and_scores_on_cpu(tmp_path) -> None:
    """The exact Llama-3.1-8B layer (1 of 32, vocab cut to 512) in NF4 through the kit's own
    load, LoRA, training and scoring path."""
    from bench import random_8b

    checkpoint = random_8b.write_checkpoint("llama3.1-8b", 1, 512, tmp_path / "ckpt")
    job = random_8b.bench_job(checkpoint, "llama3.1-8b", "plain", seq=32, batch=1, rank=8)
    record = random_8b.worker(job, steps=2)
    assert record["nf4_linears"] == 7, "all seven projections of the layer are quantized"
    assert record["tokens"] == 32 and record["tokens_per_s"] > 0
    assert record["score_max_diff"] < 1e-3
    assert record["peak_gb"] > 0


@pytest.mark.parametrize("arch", ["llama3.1-8b", "qwen3-8b"])
def test_estimate_shapes_match_the_real_8b_configs(arch) -> None:
    """The dry run's parameter and LoRA counts equal the published model built on `meta`."""
    from transformers import AutoModelForCausalLM

    from bench.random_8b import model_config

    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(model_config(arch))
    name = "unsloth/Meta-Llama-3.1-8B" if arch.startswith("llama") else "unsloth/Qwen3-8B"
    shape = model_shape(ModelConfig(name=name))
    linear = sum(
        m.weight.numel() for n, m in model.named_modules() if isinstance(m, torch.nn.Linear)
    )
    head = model.lm_head.weight.numel()
    assert shape.linear_params() == linear - head
    assert shape.embedding_params() == model.model.embed_tokens.weight.numel() + head
    lora = LoraConfig(r=64)
    expected = sum(
        64 * (m.in_features + m.out_features)
        for n, m in model.named_modules()
        if n.split(".")[-1] in lora.target_modules
    )
    assert lora_params(ModelConfig(name=name), lora) == expected
    if arch.startswith("llama"):
        assert round(expected / 1e6) == 168, "Llama-3.1-8B has 168M LoRA parameters at r64"


@pytest.mark.parametrize("gpu", [False, True])
@pytest.mark.parametrize("checkpointing", [False, True])
def test_memory_model_grows_with_batch_and_length(gpu, checkpointing) -> None:
    model = ModelConfig(load_in_4bit=gpu)
    lora = LoraConfig()

    def peak(batch: int, seq: int) -> float:
        train = TrainConfig(batch_size=batch, max_seq_len=seq, gradient_checkpointing=checkpointing)
        return peak_memory_gb(model, lora, train, gpu)

    for batch in (1, 2, 4):
        lengths = [peak(batch, seq) for seq in (256, 1024, 2048, 4096)]
        assert lengths == sorted(lengths) and len(set(lengths)) == 4
    for seq in (512, 2048):
        batches = [peak(batch, seq) for batch in (1, 2, 4, 8)]
        assert batches == sorted(batches) and len(set(batches)) == 4
    if gpu:
        plain = peak(2, 2048)
        fused = peak_memory_gb(
            dataclasses.replace(model, use_unsloth=True),
            lora,
            TrainConfig(batch_size=2, max_seq_len=2048, gradient_checkpointing=checkpointing),
            gpu,
        )
        assert fused <= plain


@pytest.mark.parametrize("kind", ["documents", "chats"])
def test_predicted_tokens_match_what_trl_trains_on(tmp_path, tiny_llama_dir, kind) -> None:
    """For the tiny preset, the dry run's token count equals the tokens in trl's prepared
    dataset (same rows, same template, eos and packing)."""
    from trl import SFTTrainer

    from experiments.cheese.arms import chat_job, midtrain_job
    from stages.model import add_lora, load_model
    from stages.train import build_dataset, sft_config

    cfg = load_config(CheeseConfig, "cheese", "tiny")
    job = midtrain_job(cfg, "affordability", 0) if kind == "documents" else chat_job(cfg, 0, True)
    estimate = estimate_job("stage", job, gpu=False)
    assert estimate.note.startswith("tokens counted")

    # Same tokenizer files as the embedded model, random 2-layer weights: trl's preparation only.
    tiny = dataclasses.replace(job.model, name=str(tiny_llama_dir))
    model, tokenizer = load_model(tiny)
    model = add_lora(model, LoraConfig(r=2, alpha=4), 0, False)
    trainer = SFTTrainer(
        model=model,
        args=sft_config(job, tmp_path),
        train_dataset=build_dataset(job)[0],
        processing_class=tokenizer,
    )
    trained = sum(len(ids) for ids in trainer.train_dataset["input_ids"])
    assert estimate.tokens == pytest.approx(trained, rel=0.005)
    assert estimate.rows == len(build_dataset(job)[0])


def test_tiny_run_breakdown_nests_calls_under_their_phase() -> None:
    from bench.tiny_run import breakdown, report, totals_by_phase

    def record(phase: str, label: str, depth: int, cpu: float) -> dict:
        return {"phase": phase, "label": label, "depth": depth, "cpu_s": cpu, "wall_s": cpu,
                "peak_rss_gb": 1.0, "load": "1.00/1.00/1.00"}  # fmt: skip

    trace = [
        record("load", "", 1, 1.0),
        record("generate", "", 2, 5.0),
        record("transcripts", "x", 1, 6.0),
        record("eval", "agentic_eval-baseline-s0", 0, 9.0),
        record("train", "am_msm-s0", 0, 60.0),
    ]
    rows = breakdown(trace)
    assert rows[0][0] == "eval agentic_eval-baseline-s0"
    assert rows[0][-1] == "load 1, transcripts 6"  # generate is inside transcripts
    assert totals_by_phase(trace) == {"eval": 0.1, "train": 1.0}
    result = {"variant": "new", "wall_min": 2.0, "cpu_min": 1.2, "peak_rss_gb": 1.0,
              "load_before": "1", "load_after": "1", "phases": trace}  # fmt: skip
    assert "| new | 2.0 | 1.2 | 1.0 |" in report([result], "0" * 40)


def test_transcript_time_follows_the_engine_grid_and_budget() -> None:
    from eval.agentic.config import AgenticEvalConfig
    from experiments.estimate import predict_transcripts
    from experiments.plan import transcript_seconds

    small = AgenticEvalConfig(scenarios=["leaking"], goal_values=["none"], samples_per_condition=4)
    small.max_new_tokens = 128
    hf = predict_transcripts(small, gpu=False)
    served = predict_transcripts(dataclasses.replace(small, engine="server"), gpu=False)
    assert hf and served and served < hf  # the measured engine rates, not a guess
    doubled = dataclasses.replace(small, samples_per_condition=8, goal_values=["none", "america"])
    assert predict_transcripts(doubled, gpu=False) == pytest.approx(4 * hf)
    assert predict_transcripts(small, gpu=True) is None  # nothing measured on a GPU yet

    class Config:  # what an experiment's config shows the plan
        eval = small

    assert transcript_seconds(Config, "am_eval-baseline-s0", gpu=False) == hf
    assert transcript_seconds(Config, "am_probes-baseline-s0", gpu=False) is None
