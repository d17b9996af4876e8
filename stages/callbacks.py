"""The trainer callbacks of a training stage (stages/train.py): its own progress bar, and the
seal that marks a checkpoint as whole. Apart from train.py because they subclass transformers'
callbacks, and importing train.py (for `TrainJob`, by every dry run) must not load transformers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from transformers.trainer_callback import ProgressCallback, TrainerCallback
from transformers.trainer_utils import PREFIX_CHECKPOINT_DIR

from stages.rundir import seal


class StageProgress(ProgressCallback):
    """The trainer's progress bar (steps, ETA) named after the stage, with the loss as a
    postfix instead of a printed dict per logging step."""

    def __init__(self, stage: str) -> None:
        super().__init__()
        self.stage = stage

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        super().on_train_begin(args, state, control, **kwargs)
        if self.training_bar is not None:
            self.training_bar.set_description(self.stage)

    def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kwargs: Any) -> None:
        if self.training_bar is not None and logs and "loss" in logs:
            self.training_bar.set_postfix(loss=f"{float(logs['loss']):.3f}")


class SealCheckpoints(TrainerCallback):
    """Seal each checkpoint once the trainer has written all of it: transformers calls
    `on_save` right after `_save_checkpoint` returns (trainer.py, `_maybe_log_save_evaluate`,
    5.23.0), so a checkpoint without a seal was cut off mid-save and is never resumed from.
    Under data parallel only rank 0 seals: it is the one writer of the checkpoint's files
    (stages/distributed.py), so its seal covers every file once it has written them."""

    def on_save(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if not state.is_world_process_zero:
            return
        checkpoint = Path(args.output_dir) / f"{PREFIX_CHECKPOINT_DIR}-{state.global_step}"
        if checkpoint.is_dir():
            seal(checkpoint)
