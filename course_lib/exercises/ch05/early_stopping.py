"""Chapter 5 checks: early stopping."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_lib import regularization
from course_lib.exercises.compare import (
    compare_int,
    compare_number,
)
from course_lib.exercises.probe import Case
from course_lib.exercises.spec import FunctionExercise, Mistake


def _stopped_epoch(losses: Any, patience: int) -> int:
    """Mistake: the epoch at which training stopped."""
    losses = list(losses)
    best, waited = 0, 0
    for epoch in range(1, len(losses)):
        if losses[epoch] < losses[best]:
            best, waited = epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch
    return len(losses) - 1


def _best_with(losses: Any, patience: int, *, stop_after: int, ties: bool = False) -> int:
    """Early stopping that stops after ``stop_after`` non-improving epochs."""
    losses = list(losses)
    best, waited = 0, 0
    for epoch in range(1, len(losses)):
        better = losses[epoch] <= losses[best] if ties else losses[epoch] < losses[best]
        if better:
            best, waited = epoch, 0
        else:
            waited += 1
            if waited >= stop_after:
                break
    return best


def _epoch_zero_counted(losses: Any, patience: int) -> int:
    """Mistake: the loop starts at epoch 0 and compares it with itself."""
    losses = list(losses)
    best, waited = 0, 0
    for epoch in range(len(losses)):
        if losses[epoch] < losses[best]:
            best, waited = epoch, 0
        else:
            waited += 1
            if waited >= patience:
                break
    return best


def _versus_previous(losses: Any, patience: int) -> int:
    """Mistake: an epoch "improves" when it beats the previous epoch, not the best."""
    losses = list(losses)
    best, waited = 0, 0
    for epoch in range(1, len(losses)):
        if losses[epoch] < losses[epoch - 1]:
            best, waited = epoch, 0
        else:
            waited += 1
            if waited >= patience:
                break
    return best


def _counter_not_reset(losses: Any, patience: int) -> int:
    """Mistake: every non-improving epoch counts, not only those in a row."""
    losses = list(losses)
    best, bad = 0, 0
    for epoch in range(1, len(losses)):
        if losses[epoch] < losses[best]:
            best = epoch
        else:
            bad += 1
            if bad >= patience:
                break
    return best


def _last_if_never_stopped(losses: Any, patience: int) -> int:
    """Mistake: the last epoch returned when training runs to the end."""
    losses = list(losses)
    best, waited = 0, 0
    for epoch in range(1, len(losses)):
        if losses[epoch] < losses[best]:
            best, waited = epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return best
    return len(losses) - 1


def _best_loss(losses: Any, patience: int) -> float:
    """Mistake: the best loss returned instead of its epoch."""
    return float(list(losses)[regularization.early_stopping_epoch(losses, patience)])


def _compare_epoch(got: Any, expected: Any, what: str = "your result") -> str | None:
    """An epoch index is compared exactly; a mistake that returns a loss, as a number."""
    if isinstance(expected, float):
        return compare_number(got, expected, what=what)
    return compare_int(got, expected, what=what)


def _early_cases() -> list[Case]:
    rng = np.random.default_rng(531)
    epochs = np.arange(40)
    u_shape = 0.3 + 0.002 * (epochs - 15) ** 2 + 0.03 * rng.standard_normal(40)
    return [
        Case("val_losses = [1.0, 0.8, 0.9, 0.95, 0.5], patience = 2",
             ([1.0, 0.8, 0.9, 0.95, 0.5], 2)),
        Case("val_losses = [1.0, 0.8, 0.9, 0.95, 0.5], patience = 3",
             ([1.0, 0.8, 0.9, 0.95, 0.5], 3)),
        Case("val_losses = [1.0, 0.9, 0.95, 0.3], patience = 1",
             ([1.0, 0.9, 0.95, 0.3], 1)),
        Case("val_losses = [1.0, 0.7, 0.8, 0.75, 0.72, 0.6], patience = 3",
             ([1.0, 0.7, 0.8, 0.75, 0.72, 0.6], 3)),
        Case("val_losses = [1.0, 0.8, 0.9, 0.95, 0.99, 0.5], patience = 2",
             ([1.0, 0.8, 0.9, 0.95, 0.99, 0.5], 2)),
        Case("val_losses = [1.0, 0.8, 0.9, 0.7], patience = 2",
             ([1.0, 0.8, 0.9, 0.7], 2)),
        Case("a loss that improves every epoch, [0.9, 0.7, 0.6, 0.55], patience = 1",
             ([0.9, 0.7, 0.6, 0.55], 1)),
        Case("a single epoch, [0.5], patience = 3", ([0.5], 3)),
        Case("training that never stops although the last epoch is not the best: "
             "[1.0, 0.6, 0.7, 0.65], patience = 5", ([1.0, 0.6, 0.7, 0.65], 5)),
        Case("ties: [1.0, 0.7, 0.7, 0.7, 0.6], patience = 2 (equal is not better)",
             ([1.0, 0.7, 0.7, 0.7, 0.6], 2)),
        Case("a noisy U-shaped numpy array of 40 epochs, patience = 5",
             (u_shape, 5)),
        Case("the same 40 epochs, patience = 10", (u_shape, 10)),
        Case("improvements of only 1e-9 per epoch (each is still strictly lower): "
             "[1.0, 0.5, 0.5 - 1e-9, 0.5 - 2e-9, 0.5 - 3e-9, 0.6, 0.7], patience = 1",
             ([1.0, 0.5, 0.5 - 1e-9, 0.5 - 2e-9, 0.5 - 3e-9, 0.6, 0.7], 1)),
        Case("a tie after tiny improvements: [0.3, 0.3 - 1e-12, 0.3 - 1e-12, 0.2], "
             "patience = 1", ([0.3, 0.3 - 1e-12, 0.3 - 1e-12, 0.2], 1)),
    ]


# Two mistakes can agree on the case that fails first (stopping one epoch late
# and the argmin over every epoch both give 4 on one list): a mistake is named
# only if it explains every case.
EARLY_STOPPING_EPOCH = FunctionExercise(
    name="early_stopping_epoch",
    chapter=5,
    reference=regularization.early_stopping_epoch,
    cases=_early_cases,
    compare=_compare_epoch,
    mistake_match="every_case",
    mistakes=(
        Mistake("returned the stopping epoch", _stopped_epoch,
                "You returned the epoch at which training stopped. Early stopping keeps "
                "the parameters of the BEST epoch seen so far (the lowest validation "
                "loss), which is `patience` epochs earlier."),
        Mistake("patience off by one (one epoch too late)",
                lambda losses, patience: _best_with(losses, patience, stop_after=patience + 1),
                "Patience is off by one: you waited patience + 1 epochs without improvement. "
                "Training stops as soon as `patience` epochs in a row fail to improve "
                "(with patience = 1, the first epoch that is not better stops it)."),
        Mistake("patience off by one (one epoch too early)",
                lambda losses, patience: _best_with(losses, patience,
                                                    stop_after=max(patience - 1, 1)),
                "Patience is off by one: you stopped after patience - 1 epochs without "
                "improvement. Count only the epochs that fail to improve, and stop when "
                "that count reaches `patience`."),
        Mistake("argmin over every epoch",
                lambda losses, patience: int(np.argmin(losses)),
                "You returned the best epoch of the whole run. Early stopping cannot see "
                "the future: it stops once `patience` epochs in a row fail to improve, "
                "and returns the best epoch seen up to then."),
        Mistake("ties count as improvement",
                lambda losses, patience: _best_with(losses, patience, stop_after=patience,
                                                    ties=True),
                "An epoch improves only if its loss is strictly lower than the best so far; "
                "an equal loss counts as a non-improving epoch (use <, not <=)."),
        Mistake("epoch 0 compared with itself", _epoch_zero_counted,
                "Your loop counts epoch 0 as an epoch without improvement (it is not "
                "lower than itself). Epoch 0 is simply the first best: start the loop at "
                "epoch 1, or start the best loss at infinity."),
        Mistake("compared with the previous epoch", _versus_previous,
                "An epoch improves only if its loss is lower than the BEST loss so far, "
                "not lower than the previous epoch's: a small recovery after a bad epoch "
                "is still worse than the best. Compare with val_losses[best]."),
        Mistake("counter not reset", _counter_not_reset,
                "Patience counts non-improving epochs IN A ROW: reset the counter to 0 "
                "whenever an epoch improves on the best. Your counter keeps adding up "
                "every non-improving epoch of the run."),
        Mistake("last epoch when training never stops", _last_if_never_stopped,
                "When patience is never used up, training runs to the end, and early "
                "stopping still keeps the best epoch seen, which need not be the last "
                "one: return the best epoch, not len(val_losses) - 1."),
        Mistake("returned the loss", _best_loss,
                "You returned the best validation loss itself; the exercise asks for its "
                "index, the epoch number (from 0) at which that loss was reached."),
        Mistake("counted from 1",
                lambda losses, patience: regularization.early_stopping_epoch(
                    losses, patience) + 1,
                "Epochs are numbered from 0 (index into val_losses); you are one too high."),
    ),
    hint="Keep the best epoch so far and a counter of epochs without improvement; reset the "
         "counter when an epoch is strictly better, stop when it reaches patience, and "
         "return the best epoch.",
    hints={
        "mutation": "Do not sort or change val_losses; read it.",
    },
)
