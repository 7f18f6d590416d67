"""The training loop: ``fit`` a model with mini-batches, ``predict`` and ``evaluate`` it.

One epoch of :func:`fit` shuffles the training set, and for each mini-batch
runs forward, loss, backward, adds the regularizer's gradients and takes an
optimizer step; then it measures loss and accuracy on the whole training and
validation sets in evaluation mode and records them in a :class:`History`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

try:
    from tqdm.auto import tqdm
except ImportError:  # the in-browser app (Pyodide) has no tqdm: a plain progress line
    tqdm = None

from course_lib.clipping import clip_grad_norm
from course_lib.datasets.prepare import minibatches
from course_lib.metrics import accuracy
from course_lib.modules import Sequential
from course_lib.regularization import is_weight_matrix
from course_lib.validation import as_array, check_positive, check_rng, describe

__all__ = ["History", "fit", "predict", "evaluate"]

KEYS = ("train_loss", "val_loss", "train_accuracy", "val_accuracy", "lr")


class History(dict):
    """Per-epoch records of a training run: a dict of lists.

    Keys: ``train_loss``, ``val_loss``, ``train_accuracy``, ``val_accuracy``
    and ``lr``. Lists stay empty when they do not apply (no validation set,
    or a regression loss without accuracy).

    Examples
    --------
    >>> h = History()
    >>> h["val_loss"] += [0.9, 0.5, 0.7]
    >>> h.best_epoch("val_loss")
    1

    Taught in chapter 6, section 'The training loop'.
    """

    def __init__(self) -> None:
        super().__init__({key: [] for key in KEYS})

    def best_epoch(self, metric: str = "val_loss") -> int:
        """Epoch index with the lowest loss, or the highest accuracy, of ``metric``."""
        if metric not in self:
            raise ValueError(f"metric must be one of {', '.join(map(repr, self))}, got {metric!r}")
        values = self[metric]
        if not values:
            raise ValueError(f"metric {metric!r} has no recorded epochs")
        return int(np.argmax(values) if "accuracy" in metric else np.argmin(values))


def _check_model(model: object) -> None:
    for method in ("forward", "backward", "parameters", "train", "eval"):
        if not callable(getattr(model, method, None)):
            raise TypeError(f"model must be a Module (with .{method}()), got {describe(model)}")


def _check_set(data: object, name: str) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(f"{name} must be a pair (x, y), got {describe(data)}")
    x = as_array(data[0], f"{name}[0] (x)", ndim=2)
    y = np.asarray(data[1])
    if y.ndim == 0 or y.shape[0] != x.shape[0]:
        raise ValueError(f"{name}[1] (y) must have one entry per row of x ({x.shape[0]}), "
                         f"got shape {y.shape}")
    return x, y


def _is_labels(y: np.ndarray) -> bool:
    return y.ndim == 1 and np.issubdtype(y.dtype, np.integer)


def _forward(model, x: np.ndarray, batch_size: int) -> np.ndarray:
    return np.concatenate([model.forward(x[i:i + batch_size])
                           for i in range(0, x.shape[0], batch_size)])


def predict(model, x: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    """Model outputs (logits) for ``x`` (N, D), computed in evaluation mode and in batches.

    The model's training/evaluation mode is restored afterwards.

    Returns
    -------
    ndarray, shape (N, C)

    Taught in chapter 6, section 'The training loop'.
    """
    _check_model(model)
    x = as_array(x, "x", ndim=2)
    batch_size = check_positive(batch_size, "batch_size", integer=True)
    was_training = getattr(model, "training", False)
    model.eval()
    try:
        return _forward(model, x, batch_size)
    finally:
        model.train(was_training)


def evaluate(model, loss_fn: Callable, x: np.ndarray, y: np.ndarray,
             batch_size: int = 1024) -> dict:
    """Loss and accuracy of ``model`` on a whole data set, in evaluation mode.

    Returns
    -------
    dict
        ``loss`` (float, the mean over the N examples) and ``accuracy``
        (float, or ``None`` when ``y`` is not a vector of class labels).

    Taught in chapter 6, section 'The training loop'.
    """
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be a callable (logits, y) -> (loss, dlogits), "
                        f"got {describe(loss_fn)}")
    x, y = _check_set((x, y), "(x, y)")
    logits = predict(model, x, batch_size)
    loss, _ = loss_fn(logits, y)
    return {"loss": float(loss), "accuracy": accuracy(logits, y) if _is_labels(y) else None}


def _train_epoch(model, loss_fn, optimizer, x, y, batch_size, rng, regularizer,
                 clip=None, step_callbacks=(), step=0) -> int:
    """One epoch of mini-batch steps; returns the number of steps taken so far."""
    model.train()
    params = model.parameters()
    decayed = [p for p in params if is_weight_matrix(p.value)]
    sequential = isinstance(model, Sequential)  # checks dout itself, skips the input's grad
    for xb, yb in minibatches(x, y, batch_size, rng):
        optimizer.zero_grad()
        loss, dout = loss_fn(model.forward(xb), yb)
        if sequential:
            model.backward(dout, input_grad=False)  # no step uses the input batch's gradient
        else:
            model.backward(as_array(dout, "dout"))
        if regularizer is not None:
            _, grads = regularizer([p.value for p in decayed])
            for p, g in zip(decayed, grads):
                p.grad = p.grad + g
        grad_norm = None
        if clip is not None:
            clipped, grad_norm = clip_grad_norm([p.grad for p in params], clip)
            for p, g in zip(params, clipped):
                p.grad = g
        optimizer.step()
        for cb in step_callbacks:
            cb.on_step_end(step, {"loss": float(loss), "grad_norm": grad_norm}, model)
        step += 1
    return step


def _record(history: History, prefix: str, model, loss_fn, x, y, batch_size) -> None:
    result = evaluate(model, loss_fn, x, y, max(batch_size, 1024))
    history[f"{prefix}_loss"].append(result["loss"])
    if result["accuracy"] is not None:
        history[f"{prefix}_accuracy"].append(result["accuracy"])


def _check_hooks(**hooks: object) -> None:
    """loss_fn and optimizer are required; regularizer and schedule may be None."""
    needs = {"loss_fn": ("__call__",), "optimizer": ("step", "zero_grad"),
             "regularizer": ("__call__",), "schedule": ("__call__",)}
    for name, obj in hooks.items():
        if obj is None and name in ("regularizer", "schedule"):
            continue
        if not all(callable(getattr(obj, m, None)) for m in needs[name]):
            raise TypeError(f"{name} must have {', '.join(needs[name])}, got {describe(obj)}")


def fit(model, loss_fn: Callable, optimizer, train: tuple, val: tuple | None = None, *,
        epochs: int, batch_size: int, rng: np.random.Generator,
        regularizer: Callable | None = None, schedule: Callable | None = None,
        clip: float | None = None, callbacks: Sequence = (),
        progress: bool = True) -> History:
    """Train ``model`` with mini-batch gradient descent and record each epoch.

    Parameters
    ----------
    model : Module
        Its ``forward`` maps (B, D) to outputs; ``backward`` fills ``.grad``.
    loss_fn : callable
        ``loss_fn(outputs, y) -> (loss, doutputs)``, e.g. ``softmax_cross_entropy``.
    optimizer : Optimizer
        Built on ``model.parameters()``.
    train, val : (x, y)
        ``x`` (N, D); ``y`` labels (N,) or targets. ``val`` is optional.
    epochs, batch_size : int
    rng : numpy.random.Generator
        Shuffles the mini-batches; with the model's own generators it makes
        the run reproducible.
    regularizer : callable, optional
        ``regularizer(weights) -> (penalty, grads)`` such as
        ``lambda w: l2_penalty(w, 1e-4)``, applied to the weight matrices
        (``regularization.is_weight_matrix``); its gradients are added
        before each step.
    schedule : callable, optional
        ``schedule(epoch) -> lr``, set on ``optimizer.lr`` at the start of each epoch.
    clip : float, optional
        Clip the global norm of all the parameters' gradients to ``clip``
        before each step (``clipping.clip_grad_norm``, chapter 7, section
        'Gradient clipping'), after the regularizer's gradients are added.
    callbacks : sequence
        Objects with ``on_epoch_end(epoch, history, model) -> bool`` (True
        stops training) and optionally ``on_train_end(history, model)`` and
        ``on_step_end(step, info, model)``, called after every optimizer
        step with ``info = {"loss": batch loss, "grad_norm": global gradient
        norm before clipping, or None without clip}`` (``gradflow.Monitor``
        is one).
    progress : bool
        Show a ``tqdm`` progress bar (without tqdm installed, as in the
        browser app, one printed line per epoch).

    Returns
    -------
    History
        Losses are the data loss without the penalty, on the whole sets.

    Taught in chapter 6, section 'The training loop'.
    """
    _check_model(model)
    _check_hooks(loss_fn=loss_fn, optimizer=optimizer, regularizer=regularizer,
                 schedule=schedule)
    x, y = _check_set(train, "train")
    val = None if val is None else _check_set(val, "val")
    epochs = check_positive(epochs, "epochs", integer=True)
    batch_size = check_positive(batch_size, "batch_size", integer=True)
    rng = check_rng(rng)
    clip = None if clip is None else check_positive(clip, "clip")
    for cb in callbacks:
        if not callable(getattr(cb, "on_epoch_end", None)):
            raise TypeError(f"callbacks must have on_epoch_end(epoch, history, model), "
                            f"got {describe(cb)}")
    step_callbacks = [cb for cb in callbacks if callable(getattr(cb, "on_step_end", None))]
    history = History()
    bar = (_PlainBar if tqdm is None else tqdm)(range(epochs), desc="epochs",
                                                disable=not progress)
    step = 0
    for epoch in bar:
        if schedule is not None:
            optimizer.lr = check_positive(schedule(epoch), "schedule(epoch)", allow_zero=True)
        history["lr"].append(optimizer.lr)
        step = _train_epoch(model, loss_fn, optimizer, x, y, batch_size, rng, regularizer,
                            clip, step_callbacks, step)
        _record(history, "train", model, loss_fn, x, y, batch_size)
        if val is not None:
            _record(history, "val", model, loss_fn, *val, batch_size)
        bar.set_postfix({k: f"{v[-1]:.4f}" for k, v in history.items() if v and k != "lr"})
        stop = [cb.on_epoch_end(epoch, history, model) for cb in callbacks]
        if any(stop):
            break
    bar.close()
    for cb in callbacks:
        if callable(getattr(cb, "on_train_end", None)):
            cb.on_train_end(history, model)
    model.eval()
    return history


class _PlainBar:
    """The part of a tqdm bar that :func:`fit` uses, printing one line per epoch."""

    def __init__(self, iterable, desc: str, disable: bool):
        self.items, self.desc, self.disable = list(iterable), desc, disable
        self.n = 0

    def __iter__(self):
        for n, item in enumerate(self.items, start=1):
            self.n = n
            yield item

    def set_postfix(self, values: dict) -> None:
        if not self.disable:
            shown = ", ".join(f"{k}={v}" for k, v in values.items())
            print(f"{self.desc} {self.n}/{len(self.items)}: {shown}", flush=True)

    def close(self) -> None:
        pass
