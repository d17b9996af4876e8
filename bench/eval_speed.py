"""Eval items/s: the kit's forced-choice scorer and generation vs the plain alternatives.

    python -m bench.eval_speed                       # ~2-3 min on 2 CPU cores
    python -m bench.eval_speed --items 40 --no-log   # a quick look

Items are the cheese eval's held-out affordability pairs
(`data/cheese/eval_affordability_test.jsonl`), each asked in both option orders with both answers
scored, exactly as `eval.cheese.score_items` asks them (conversations repeated once per answer).
- Scoring: `eval.scoring.answer_logprobs` (prefix reuse, answer-position log-probs, length
  batches) vs `naive_answer_logprobs` (one full forward and full log-softmax per pair). Items are
  split into chunks; each chunk is scored by both, alternating which goes first, and the scores
  must agree within 1e-4 nats.
- Generation: `stages.model.generate` (length-sorted left-padded batches) vs one
  `model.generate` call per prompt, greedy, the tiny preset's `max_new_tokens`.
Both run in one process on the same weights, fp32, as the eval stage runs them.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from typing import Any

from bench.common import (
    append_log,
    command_line,
    load_average,
    markdown_table,
    ratio_text,
)

ITEMS = "data/cheese/eval_affordability_test.jsonl"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--preset", default="tiny", help="preset whose model and eval settings")
    parser.add_argument("--items", type=int, default=100, help="items to score (2 orders each)")
    parser.add_argument("--chunks", type=int, default=4, help="alternations of the two scorers")
    parser.add_argument("--generate", type=int, default=24, help="prompts to generate for")
    parser.add_argument("--no-log", action="store_true", help="print only; leave docs alone")
    return parser.parse_args(argv)


def scoring_inputs(preset: Any, count: int) -> tuple[list[list[dict]], list[str]]:
    """(conversations, answers) as score_items builds them: every order, liked then other."""
    from eval.cheese import load_items

    items = load_items(ITEMS, "affordability", preset.model.display_name, count)
    orders = [order for item in items for order in item.orders]
    conversations = [[{"role": "user", "content": o.question}] for o in orders]
    answers = [o.liked_answer for o in orders] + [o.other_answer for o in orders]
    return conversations * 2, answers


def timed(function: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def bench_scoring(model: Any, tokenizer: Any, cfg: Any, items: int, chunks: int) -> dict:
    from eval.scoring import answer_logprobs, naive_answer_logprobs

    conversations, answers = scoring_inputs(cfg, items)
    family = cfg.model.chat_template
    half = len(conversations) // 2  # pair i and pair i + half share a prompt
    bounds = [round(half * k / chunks) for k in range(chunks + 1)]
    rows, ratios, loads, worst = [], [], [], 0.0
    totals = {"ours": 0.0, "naive": 0.0}
    for chunk, (start, stop) in enumerate(itertools.pairwise(bounds)):
        picked = list(range(start, stop)) + list(range(half + start, half + stop))
        convs = [conversations[i] for i in picked]
        answers_chunk = [answers[i] for i in picked]
        loads.append(load_average())
        runs = {}
        for name in ("ours", "naive") if chunk % 2 == 0 else ("naive", "ours"):
            if name == "ours":
                runs[name] = timed(
                    answer_logprobs,
                    model,
                    tokenizer,
                    family,
                    convs,
                    answers_chunk,
                    batch_size=cfg.eval.batch_size,
                )
            else:
                runs[name] = timed(
                    naive_answer_logprobs, model, tokenizer, family, convs, answers_chunk
                )
        (ours, ours_s), (naive, naive_s) = runs["ours"], runs["naive"]
        worst = max([worst] + [abs(a - b) for a, b in zip(ours, naive, strict=True)])
        totals["ours"] += ours_s
        totals["naive"] += naive_s
        ratios.append(naive_s / ours_s)
        pairs_scored = len(picked)
        rows.append(
            [
                chunk,
                loads[-1],
                pairs_scored,
                f"{pairs_scored / ours_s:.2f}",
                f"{pairs_scored / naive_s:.2f}",
            ]
        )
    scored = len(conversations)
    return {
        "table": markdown_table(["chunk", "load", "pairs", "ours pairs/s", "naive pairs/s"], rows),
        "ratios": ratios,
        "max_abs_diff": worst,
        "items": items,
        "pairs": scored,
        "ours_items_per_s": items / totals["ours"],
        "naive_items_per_s": items / totals["naive"],
        "loads": loads,
    }


def bench_generation(model: Any, tokenizer: Any, cfg: Any, count: int) -> dict:
    """Batched generation vs per-prompt generation on the same prompts, ABBA over two halves."""
    import torch

    from stages.model import end_of_turn_ids, generate

    conversations, _ = scoring_inputs(cfg, count)
    conversations = conversations[:count]
    family, new_tokens = cfg.model.chat_template, cfg.eval.max_new_tokens
    stop = end_of_turn_ids(tokenizer, family)

    def one_by_one(convs: list[list[dict]]) -> list[str]:
        tokenizer.padding_side = "left"
        outputs = []
        for conv in convs:
            text = tokenizer.apply_chat_template(conv, tokenize=False, add_generation_prompt=True)
            encoded = tokenizer(text, return_tensors="pt", add_special_tokens=False)
            with torch.no_grad():
                out = model.generate(
                    **encoded,
                    max_new_tokens=new_tokens,
                    do_sample=False,
                    eos_token_id=stop,
                    pad_token_id=tokenizer.pad_token_id,
                )
            outputs.append(tokenizer.decode(out[0, encoded["input_ids"].shape[1] :]))
        return outputs

    halves = [conversations[: count // 2], conversations[count // 2 :]]
    ratios, loads, totals = [], [], {"ours": 0.0, "plain": 0.0}
    for index, convs in enumerate(halves):
        loads.append(load_average())
        times = {}
        for name in ("ours", "plain") if index % 2 == 0 else ("plain", "ours"):
            if name == "ours":
                _, times[name] = timed(
                    generate, model, tokenizer, family, convs, new_tokens, 0.0, cfg.eval.batch_size
                )
            else:
                _, times[name] = timed(one_by_one, convs)
            totals[name] += times[name]
        ratios.append(times["plain"] / times["ours"])
    return {
        "ratios": ratios,
        "ours_items_per_s": count / totals["ours"],
        "plain_items_per_s": count / totals["plain"],
        "loads": loads,
        "max_new_tokens": new_tokens,
        "batch_size": cfg.eval.batch_size,
    }


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    from experiments.cheese.config import CheeseConfig
    from stages.config import load_config
    from stages.model import load_model

    cfg = load_config(CheeseConfig, "cheese", args.preset)
    model, tokenizer = load_model(cfg.model)
    scoring = bench_scoring(model, tokenizer, cfg, args.items, args.chunks)
    generation = bench_generation(model, tokenizer, cfg, args.generate)
    body = (
        f"Scoring: {scoring['items']} affordability items × 2 orders × 2 answers = "
        f"{scoring['pairs']} scored pairs, batch {cfg.eval.batch_size}, fp32.\n\n"
        f"{scoring['table']}\n\n"
        f"**ours/naive items/s: {ratio_text(scoring['ratios'])}**; ours "
        f"{scoring['ours_items_per_s']:.2f} items/s, naive {scoring['naive_items_per_s']:.2f} "
        f"items/s; max |ours - naive| = {scoring['max_abs_diff']:.1e} nats.\n\n"
        f"Generation: {args.generate} prompts, greedy, {generation['max_new_tokens']} new tokens, "
        f"batch {generation['batch_size']} vs one prompt at a time.\n\n"
        f"**batched/per-prompt items/s: {ratio_text(generation['ratios'])}**; batched "
        f"{generation['ours_items_per_s']:.2f} items/s, per-prompt "
        f"{generation['plain_items_per_s']:.2f} items/s."
    )
    print(body)
    if not args.no_log:
        append_log("eval speed", command_line(), body, scoring["loads"] + generation["loads"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
