"""Curves: training and validation curves per epoch, and fitted curves through data.

Training curves are solid :data:`~course_lib.viz.plotting.style.TRAIN_COLOR`,
validation curves dashed :data:`~course_lib.viz.plotting.style.VAL_COLOR`.
Chapters 5, 6 and 7 draw their learning curves with :func:`plot_history`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from course_lib.validation import as_array, check_shape, describe
from course_lib.viz.plotting.style import PALETTE, TRAIN_COLOR, VAL_COLOR, get_axes

__all__ = ["plot_history", "plot_curve_fit"]


def plot_history(history: Mapping[str, Sequence[float]], metrics: str | Sequence[str] = ("loss",),
                 ax: Axes | None = None) -> Axes:
    """Plot training and validation curves per epoch.

    Parameters
    ----------
    history : course_lib.train.History or dict of lists
        Per-epoch values under keys ``train_<metric>`` and ``val_<metric>``
        (e.g. ``train_loss``, ``val_accuracy``), or a plain key such as ``lr``.
        Empty lists are skipped.
    metrics : str or sequence of str
        Which metrics to draw on the same axes: ``"loss"``, ``"accuracy"``...
        Training curves are solid blue, validation curves dashed orange-red;
        a second metric uses dotted lines.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Entry ``i`` of each list is drawn at epoch ``i + 1`` (the value after
    the first epoch is at 1), so mark ``History.best_epoch()`` at ``best + 1``.

    Examples
    --------
    >>> ax = plot_history({"train_loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.7, 0.8]})
    >>> [line.get_label() for line in ax.lines]
    ['train loss', 'validation loss']

    Taught in chapter 5, section 'Overfitting, shown' (and chapter 6, 'Learning curves').
    """
    if not isinstance(history, Mapping):
        raise TypeError(f"history must be a History or a dict of lists, got {describe(history)}")
    metrics = (metrics,) if isinstance(metrics, str) else tuple(metrics)
    if not metrics:
        raise ValueError("metrics must name at least one metric, got an empty sequence")
    plotted = []
    for metric in metrics:
        keys = [k for k in (f"train_{metric}", f"val_{metric}", metric) if k in history]
        if not keys:
            available = sorted({k.removeprefix("train_").removeprefix("val_") for k in history})
            raise ValueError(f"metrics must be among {available}, got {metric!r}")
        plotted += [(metric, key) for key in keys if len(history[key])]
    if not plotted:
        raise ValueError(f"history has no recorded epochs for metrics {list(metrics)}")

    ax = get_axes(ax)
    for metric, key in plotted:
        values = as_array(history[key], f"history[{key!r}]", ndim=1, finite=False)
        style = "-" if metric == metrics[0] else ":"
        if key.startswith("val_"):
            color, name, style = VAL_COLOR, "validation", "--" if style == "-" else "-."
        elif key.startswith("train_"):
            color, name = TRAIN_COLOR, "train"
        else:
            color, name = PALETTE[2], ""
        label = f"{name} {metric}".strip()
        marker = "o" if len(values) <= 20 else None
        ax.plot(np.arange(1, len(values) + 1), values, style, color=color, label=label,
                marker=marker, markersize=3)
    ax.set_xlabel("epoch")
    ax.set_ylabel(metrics[0].replace("_", " ") if len(metrics) == 1 else "value")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(frameon=False)
    return ax


def plot_curve_fit(x: np.ndarray, y: np.ndarray, fits: Mapping[str, object],
                   ax: Axes | None = None) -> Axes:
    """Scatter the data and draw one or more fitted curves through it.

    Parameters
    ----------
    x, y : array_like, shape (N,) or (N, 1)
        The data points.
    fits : dict
        Legend label -> the curve, either a callable evaluated on 400 points
        spanning ``x`` (given an array shaped like ``x``: (M,) or (M, 1),
        e.g. ``lambda t: predict(model, t)``) and returning (M,) or (M, 1)
        values, or an array of N values at ``x``. May be empty.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One collection for the data, one line per fit.

    Examples
    --------
    >>> x = np.linspace(0, 1, 5)
    >>> ax = plot_curve_fit(x, 2 * x, {"line": lambda t: 2 * t})
    >>> len(ax.lines)
    1

    Taught in chapter 1, section 'Universal approximation' (and chapter 5).
    """
    x_in = as_array(x, "x", ndim=(1, 2))
    if x_in.ndim == 2:
        check_shape(x_in, "x", (None, 1))
    xs = x_in.ravel()
    ys = as_array(y, "y", ndim=(1, 2)).ravel()
    if ys.shape != xs.shape or np.ndim(y) == 2 and np.shape(y)[1] != 1:
        raise ValueError(f"y must have one value per point of x ({xs.size}), got shape "
                         f"{np.shape(y)}")
    if not isinstance(fits, Mapping):
        raise TypeError(f"fits must be a dict of label -> curve, got {describe(fits)}")
    ax = get_axes(ax)
    ax.scatter(xs, ys, s=14, color="#333333", alpha=0.7, label="data", zorder=3)
    dense = np.linspace(xs.min(), xs.max(), 400)
    order = np.argsort(xs)
    for i, (label, fit) in enumerate(fits.items()):
        if callable(fit):
            values = np.asarray(fit(dense.reshape(-1, 1) if x_in.ndim == 2 else dense))
            where = dense
            if values.size != dense.size:
                raise ValueError(f"fits[{label!r}] must return one value per input point "
                                 f"({dense.size}), got {describe(values)}")
        else:
            values = as_array(fit, f"fits[{label!r}]", ndim=(1, 2))
            if values.size != xs.size:
                raise ValueError(f"fits[{label!r}] must hold one value per point of x "
                                 f"({xs.size}), got {describe(values)}")
            values, where = values.ravel()[order], xs[order]
        ax.plot(where, values.ravel(), color=PALETTE[i % len(PALETTE)], label=str(label),
                linewidth=2)
    ax.set(xlabel="x", ylabel="y")
    ax.legend(frameon=False)
    return ax
