"""pytest plugin for CI's GPU-pins environment only (`.ci/run`: `-p tests.fakes.trl_cpu_kernel`).

trl 1.15.0's SFTTrainer always installs its fused LM head, whose chunked log-prob kernel is
Triton-only: without triton `trl.trainer.utils._ChunkedLogProbFunction` is None (trl 1.15.0
`trainer/utils.py:504-509`) and every training step fails at `utils.py:1638` with "'NoneType'
object has no attribute 'apply'". No SFTConfig option avoids it (/work/notes/trl.md §2.2); trl
1.16.0 added a torch fallback. This plugin supplies the same function in plain torch, so the
kit's training tests run against trl 1.15 on CPU. A no-op on trl 1.16 and wherever triton exists.
"""

from __future__ import annotations

from typing import Any

import torch
import trl.trainer.utils as trl_utils


class TorchChunkedLogProb:
    """trl 1.15.0 `kernels/chunked_logprob.py:186-265` `ChunkedLogProbFunction`: same call and
    5-tuple result (log_probs, entropy, log_sum_sq_probs, mean_logits, is_top1; None for what
    is not asked), from the full logits with ordinary autograd."""

    @staticmethod
    def apply(
        hidden: torch.Tensor,
        weight: torch.Tensor,
        bias: torch.Tensor | None,
        targets: torch.Tensor,
        temperature: float,
        chunk_size: int,
        softcap: float | None = None,
        logit_scale: float = 1.0,
        outputs: Any = ("log_probs",),
    ) -> tuple:
        logits = torch.nn.functional.linear(hidden, weight, bias).float() * logit_scale
        if softcap is not None:
            logits = softcap * torch.tanh(logits / softcap)
        log_probs_all = torch.log_softmax(logits / temperature, dim=-1)
        log_probs = log_probs_all.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
        entropy = None
        if "entropy" in outputs:
            entropy = -(log_probs_all.exp() * log_probs_all).sum(-1)
        with torch.no_grad():
            sum_sq = None
            if "log_sum_sq_probs" in outputs:
                sum_sq = torch.logsumexp(2 * log_probs_all, -1)
            mean = logits.mean(-1) if "mean_logits" in outputs else None
            top1 = (logits.argmax(-1) == targets) if "is_top1" in outputs else None
        return log_probs, entropy, sum_sq, mean, top1


if getattr(trl_utils, "_ChunkedLogProbFunction", object()) is None:
    trl_utils._ChunkedLogProbFunction = TorchChunkedLogProb
