"""Regularization: weight penalties and early stopping.

Penalties take a *list* of weight matrices (biases are not penalised, by the
course's convention) and return ``(penalty, grads)``, so they add to a loss
and its gradients the same way a loss function does. What counts as a weight
matrix is defined once, by :func:`is_weight_matrix`, which ``train.fit`` (to
choose what a regularizer sees) and the optimizers' ``weight_decay`` use.
"""

from __future__ import annotations

import numpy as np

from course_lib.validation import as_array, check_positive, describe

__all__ = ["is_weight_matrix", "l2_penalty", "l1_penalty", "early_stopping_epoch", "EarlyStopping"]


def is_weight_matrix(value: object) -> bool:
    """Whether a parameter's value is a weight matrix: two or more dimensions.

    The course's one meaning of "weight matrix": the weights of ``Linear``
    (and any higher-dimensional kernel) are; biases and the ``gamma`` /
    ``beta`` of normalization layers, one-dimensional, are not. Penalties and
    weight decay apply to weight matrices only.

    Examples
    --------
    >>> is_weight_matrix(np.zeros((3, 2))), is_weight_matrix(np.zeros(2))
    (True, False)

    Taught in chapter 5, section 'L2 regularization and weight decay'.
    """
    return np.ndim(value) >= 2


def _weights(weights: object) -> list[np.ndarray]:
    """Check that ``weights`` is a list (or tuple) of arrays; return them as arrays."""
    if not isinstance(weights, (list, tuple)):
        raise TypeError(
            "weights must be a list of weight arrays such as [w1, w2] (one per layer), "
            f"got {describe(weights)}; wrap a single array as [w]"
        )
    return [as_array(w, f"weights[{i}]") for i, w in enumerate(weights)]


def l2_penalty(weights: list[np.ndarray], lam: float) -> tuple[float, list[np.ndarray]]:
    """L2 penalty (weight decay) over a list of weight matrices.

    Parameters
    ----------
    weights : list of ndarray
        The weight matrices, e.g. ``[w1, w2]`` with shapes (D, H) and (H, C).
    lam : float
        Regularization strength, ``>= 0``.

    Returns
    -------
    penalty : float
        :math:`\\tfrac12 \\lambda \\sum_\\ell \\|W_\\ell\\|^2`.
    grads : list of ndarray
        :math:`\\lambda W_\\ell`, one per weight array, same shapes.

    Examples
    --------
    >>> penalty, grads = l2_penalty([np.array([[1.0, 2.0]])], lam=0.1)
    >>> round(penalty, 6), grads[0]
    (0.25, array([[0.1, 0.2]]))

    Taught in chapter 5, section 'L2 regularization and weight decay'.
    """
    weights = _weights(weights)
    lam = check_positive(lam, "lam", allow_zero=True)
    penalty = 0.5 * lam * sum(float(np.sum(w * w)) for w in weights)
    return penalty, [lam * w for w in weights]


def l1_penalty(weights: list[np.ndarray], lam: float) -> tuple[float, list[np.ndarray]]:
    """L1 penalty over a list of weight matrices, with its subgradient.

    Returns
    -------
    penalty : float
        :math:`\\lambda \\sum_\\ell \\sum |W_\\ell|`.
    grads : list of ndarray
        :math:`\\lambda \\, \\mathrm{sign}(W_\\ell)` (0 where a weight is exactly 0).

    Examples
    --------
    >>> penalty, grads = l1_penalty([np.array([-2.0, 0.0, 3.0])], lam=0.5)
    >>> penalty, grads[0]
    (2.5, array([-0.5,  0. ,  0.5]))

    Taught in chapter 5, section 'L1 regularization and sparsity'.
    """
    weights = _weights(weights)
    lam = check_positive(lam, "lam", allow_zero=True)
    penalty = lam * sum(float(np.sum(np.abs(w))) for w in weights)
    return penalty, [lam * np.sign(w) for w in weights]


def early_stopping_epoch(val_losses: object, patience: int) -> int:
    """Index of the best epoch seen at the moment early stopping halts training.

    Training stops once ``patience`` epochs in a row fail to improve on the
    best validation loss so far; if that never happens, the best epoch
    overall is returned.

    Parameters
    ----------
    val_losses : array_like, shape (E,)
        Validation loss after each epoch, E >= 1.
    patience : int
        Epochs without improvement tolerated, ``>= 1``.

    Returns
    -------
    int
        Index (from 0) of the epoch whose parameters early stopping keeps.

    Examples
    --------
    >>> early_stopping_epoch([1.0, 0.8, 0.9, 0.95, 0.5], patience=2)
    1
    >>> early_stopping_epoch([1.0, 0.8, 0.9, 0.95, 0.5], patience=3)
    4

    Taught in chapter 5, section 'Early stopping'.
    """
    losses = as_array(val_losses, "val_losses", ndim=1)
    if losses.size == 0:
        raise ValueError("val_losses must hold at least one epoch's loss, got an empty sequence")
    patience = check_positive(patience, "patience", integer=True)
    best, waited = 0, 0
    for epoch in range(1, losses.size):
        if losses[epoch] < losses[best]:
            best, waited = epoch, 0
        else:
            waited += 1
            if waited >= patience:
                break
    return best


class EarlyStopping:
    """Callback for :func:`course_lib.train.fit` that stops when validation stalls.

    Parameters
    ----------
    patience : int
        Epochs without improvement tolerated, ``>= 1``.
    min_delta : float
        An epoch improves only if its loss is below the best by more than this.
    restore_best : bool
        Copy the best epoch's parameters back into the model when training ends.

    Attributes
    ----------
    best_epoch : int or None
        Epoch with the lowest monitored loss so far.
    stopped_epoch : int or None
        Epoch at which it asked ``fit`` to stop, or ``None``.

    Notes
    -----
    It monitors ``history["val_loss"]`` (or ``train_loss`` when ``fit`` got
    no validation set) and keeps a copy of the parameters of the best epoch.

    Taught in chapter 5, section 'Early stopping'.
    """

    def __init__(self, patience: int, min_delta: float = 0.0, restore_best: bool = True) -> None:
        self.patience = check_positive(patience, "patience", integer=True)
        self.min_delta = check_positive(min_delta, "min_delta", allow_zero=True)
        if not isinstance(restore_best, bool):
            raise TypeError(f"restore_best must be True or False, got {describe(restore_best)}")
        self.restore_best = restore_best
        self.best_loss = np.inf
        self.best_epoch: int | None = None
        self.stopped_epoch: int | None = None
        self.waited = 0
        self._best_values: list[np.ndarray] = []

    def on_epoch_end(self, epoch: int, history, model) -> bool:
        """Record this epoch's loss; return True when training should stop."""
        key = "val_loss" if history.get("val_loss") else "train_loss"
        loss = float(history[key][-1])
        if loss < self.best_loss - self.min_delta:
            self.best_loss, self.best_epoch, self.waited = loss, epoch, 0
            self._best_values = [p.value.copy() for p in model.parameters()]
            return False
        self.waited += 1
        if self.waited >= self.patience:
            self.stopped_epoch = epoch
            return True
        return False

    def on_train_end(self, history, model) -> None:
        """Restore the best parameters (when ``restore_best``)."""
        if self.restore_best and self._best_values:
            for p, value in zip(model.parameters(), self._best_values):
                p.value = value.copy()
