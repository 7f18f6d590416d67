"""Chapter 5 checks: early stopping."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_lib import regularization
from course_lib.exercises.compare import compare_int, compare_number
from course_lib.exercises.probe import Case
from course_lib.exercises.spec import FunctionExercise, Mistake


def _early_stopping(losses: Any, patience: int, *, stop_after: Callable[[int], int] = int,
                    ties: bool = False, start: int = 1, against: str = "best",
                    reset: bool = True, returns: str = "best", at_end: str = "best") -> int:
    """Mistake family: the early-stopping loop with one mistake chosen.

    With the defaults it is the right loop. ``stop_after(patience)`` is the
    number of non-improving epochs that stops training; ``ties`` counts an
    equal loss as an improvement; ``start=0`` compares epoch 0 with itself;
    ``against="previous"`` compares each epoch with the one before, not the
    best; ``reset=False`` never resets the counter; ``returns="stop"`` returns
    the epoch at which training stopped; ``at_end="last"`` returns the last
    epoch when training runs to the end.
    """
    losses = list(losses)
    best, waited = 0, 0
    for epoch in range(start, len(losses)):
        previous = losses[epoch - 1] if against == "previous" else losses[best]
        if losses[epoch] <= previous if ties else losses[epoch] < previous:
            best, waited = epoch, 0 if reset else waited
        else:
            waited += 1
            if waited >= stop_after(patience):
                return epoch if returns == "stop" else best
    return len(losses) - 1 if at_end == "last" else best


def _mistake(**mistake: Any) -> Callable[[Any, int], int]:
    """An ``early_stopping_epoch`` answer that makes the mistake ``mistake``."""
    return lambda losses, patience: _early_stopping(losses, patience, **mistake)


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
        Mistake("returned the stopping epoch", _mistake(returns="stop", at_end="last"),
                "You returned the epoch at which training stopped. Early stopping keeps "
                "the parameters of the BEST epoch seen so far (the lowest validation "
                "loss), which is `patience` epochs earlier."),
        Mistake("patience off by one (one epoch too late)",
                _mistake(stop_after=lambda patience: patience + 1),
                "Patience is off by one: you waited patience + 1 epochs without improvement. "
                "Training stops as soon as `patience` epochs in a row fail to improve "
                "(with patience = 1, the first epoch that is not better stops it)."),
        Mistake("patience off by one (one epoch too early)",
                _mistake(stop_after=lambda patience: max(patience - 1, 1)),
                "Patience is off by one: you stopped after patience - 1 epochs without "
                "improvement. Count only the epochs that fail to improve, and stop when "
                "that count reaches `patience`."),
        Mistake("argmin over every epoch",
                lambda losses, patience: int(np.argmin(losses)),
                "You returned the best epoch of the whole run. Early stopping cannot see "
                "the future: it stops once `patience` epochs in a row fail to improve, "
                "and returns the best epoch seen up to then."),
        Mistake("ties count as improvement",
                _mistake(ties=True),
                "An epoch improves only if its loss is strictly lower than the best so far; "
                "an equal loss counts as a non-improving epoch (use <, not <=)."),
        Mistake("epoch 0 compared with itself", _mistake(start=0),
                "Your loop counts epoch 0 as an epoch without improvement (it is not "
                "lower than itself). Epoch 0 is simply the first best: start the loop at "
                "epoch 1, or start the best loss at infinity."),
        Mistake("compared with the previous epoch", _mistake(against="previous"),
                "An epoch improves only if its loss is lower than the BEST loss so far, "
                "not lower than the previous epoch's: a small recovery after a bad epoch "
                "is still worse than the best. Compare with val_losses[best]."),
        Mistake("counter not reset", _mistake(reset=False),
                "Patience counts non-improving epochs IN A ROW: reset the counter to 0 "
                "whenever an epoch improves on the best. Your counter keeps adding up "
                "every non-improving epoch of the run."),
        Mistake("last epoch when training never stops", _mistake(at_end="last"),
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
