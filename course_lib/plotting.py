"""The book's common figures, drawn with matplotlib.

Every function draws into ``ax`` (or ``fig`` for multi-panel figures) when
given one, and otherwise makes a new figure; it returns the Axes (or the
Figure) so a chapter can add to it. Axis labels are lowercase and no function
sets a title: the figure's caption says what it shows. Colours come from
:data:`PALETTE` (the Okabe-Ito colours, readable with colour blindness):
training curves are always blue, validation curves orange-red, class ``k``
is always ``PALETTE[k]``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap, LogNorm
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from course_lib.validation import (
    as_array,
    as_labels,
    check_positive,
    check_shape,
    describe,
)

__all__ = [
    "PALETTE", "TRAIN_COLOR", "VAL_COLOR", "WRONG_COLOR",
    "decision_boundary", "plot_history", "loss_surface", "plot_trajectory",
    "layer_histograms", "image_grid", "plot_confusion_matrix", "plot_curve_fit",
]

#: Okabe-Ito colours; class ``k`` and the ``k``-th curve use ``PALETTE[k]``.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7",
           "#E69F00", "#56B4E9", "#F0E442", "#7F7F7F")
TRAIN_COLOR = PALETTE[0]
VAL_COLOR = PALETTE[1]
WRONG_COLOR = "#C00000"
FIGSIZE = (5.0, 3.6)

_MAX_IMAGES = 200
_SURFACE_GID = "course_lib.loss_surface"
_TRAJECTORY_GID = "course_lib.trajectory"


# --- helpers -----------------------------------------------------------------

def _axes(ax: object, figsize: tuple[float, float] = FIGSIZE) -> Axes:
    """``ax`` itself, or the Axes of a new figure when ``ax`` is None."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
        return ax
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {describe(ax)}")
    return ax


def _figure(fig: object, figsize: tuple[float, float]) -> Figure:
    """``fig`` cleared for reuse, or a new figure when ``fig`` is None."""
    if fig is None:
        return plt.figure(figsize=figsize, layout="constrained")
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure or None, got {describe(fig)}")
    fig.clear()
    return fig


def _class_colors(num_classes: int) -> list:
    if num_classes <= len(PALETTE):
        return list(PALETTE[:num_classes])
    cmap = plt.get_cmap("tab20")
    return [cmap(k % 20) for k in range(num_classes)]


def _check_callable(f: object, name: str, contract: str) -> None:
    if not callable(f):
        raise TypeError(f"{name} must be a callable {contract}, got {describe(f)}")


def _check_interval(value: object, name: str) -> tuple[float, float]:
    lims = as_array(value, name, ndim=1)
    if lims.shape != (2,) or not lims[0] < lims[1]:
        raise ValueError(f"{name} must be a pair (low, high) with low < high, got {value!r}")
    return float(lims[0]), float(lims[1])


def _check_resolution(resolution: object) -> int:
    resolution = check_positive(resolution, "resolution", integer=True)
    if resolution < 2:
        raise ValueError(f"resolution must be at least 2, got {resolution}")
    return resolution


def _label_text(k: int, class_names: Sequence[str] | None) -> str:
    return str(k) if class_names is None else str(class_names[k])


def _check_class_names(class_names: object, num_classes: int) -> list[str] | None:
    if class_names is None:
        return None
    if isinstance(class_names, str) or not isinstance(class_names, Sequence):
        raise TypeError(f"class_names must be a list of strings, got {describe(class_names)}")
    if len(class_names) < num_classes:
        raise ValueError(f"class_names must name all {num_classes} classes, "
                         f"got {len(class_names)} names")
    return [str(name) for name in class_names]


# --- classification ----------------------------------------------------------

def _predicted_labels(predict: Callable, grid: np.ndarray) -> np.ndarray:
    """Labels (M,) from ``predict(grid)``: scores (M, C), labels or probabilities (M,)."""
    out = np.asarray(predict(grid))
    out = out.astype(np.int64) if out.dtype == bool else out
    m = grid.shape[0]
    if out.ndim == 2 and out.shape[0] == m and out.shape[1] >= 2:
        return np.argmax(out, axis=1)
    if out.ndim == 1 and out.shape[0] == m and np.issubdtype(out.dtype, np.number):
        if np.all(out == np.round(out)) and out.min() >= 0:
            return out.astype(np.int64)
        if out.min() >= 0 and out.max() <= 1:
            return (out >= 0.5).astype(np.int64)
    raise ValueError(
        f"predict must map points (M, 2) to class scores (M, C) with C >= 2, to labels (M,), "
        f"or to probabilities of class 1 (M,); for M={m} it returned {describe(out)}"
    )


def decision_boundary(predict: Callable, x: np.ndarray, y: np.ndarray, ax: Axes | None = None,
                      resolution: int = 200, padding: float = 0.5) -> Axes:
    """Colour the plane by the class a classifier predicts, and show the data on top.

    Parameters
    ----------
    predict : callable
        ``predict(points)`` with points of shape (M, 2) returns class scores
        (M, C) (the predicted class is the argmax), integer or boolean labels
        (M,), or probabilities of class 1 (M,) in [0, 1] (thresholded at 0.5).
    x : array_like, shape (N, 2)
        The inputs.
    y : array_like of int, shape (N,)
        Their class labels.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    resolution : int
        The grid has ``resolution`` by ``resolution`` points.
    padding : float
        Margin added around the data on every side.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> x = np.array([[0.0, 0.0], [1.0, 1.0]])
    >>> ax = decision_boundary(lambda p: (p.sum(axis=1) > 1).astype(int), x, [0, 1])
    >>> len(ax.images), len(ax.collections)
    (1, 2)
    >>> plt.close("all")

    Taught in chapter 1, section 'Why the nonlinearity matters' (and chapter 5).
    """
    _check_callable(predict, "predict", "(M, 2) -> scores (M, C) or labels (M,)")
    x = as_array(x, "x", ndim=2)
    check_shape(x, "x", (None, 2))
    y = as_labels(y, "y", n=x.shape[0])
    resolution = _check_resolution(resolution)
    padding = check_positive(padding, "padding", allow_zero=True)
    ax = _axes(ax, figsize=(4.5, 4.0))

    lo, hi = x.min(axis=0) - padding, x.max(axis=0) + padding
    hi = np.where(hi > lo, hi, lo + 1.0)
    g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    regions = _predicted_labels(predict, grid).reshape(resolution, resolution)

    num_classes = int(max(regions.max(), y.max(initial=0)) + 1)
    colors = _class_colors(num_classes)
    ax.imshow(regions, origin="lower", extent=(lo[0], hi[0], lo[1], hi[1]), aspect="auto",
              cmap=ListedColormap(colors), vmin=-0.5, vmax=num_classes - 0.5,
              alpha=0.25, interpolation="nearest")
    for k in np.unique(y):
        ax.scatter(*x[y == k].T, s=18, color=colors[k], edgecolors="white",
                   linewidths=0.5, label=f"class {k}", zorder=3)
    ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]), xlabel="$x_1$", ylabel="$x_2$")
    return ax


def plot_confusion_matrix(cm: np.ndarray, class_names: Sequence[str] | None = None,
                          ax: Axes | None = None, normalize: bool = False) -> Axes:
    """Draw a confusion matrix as a heat map with the count in each cell.

    Parameters
    ----------
    cm : array_like, shape (C, C)
        ``cm[i, j]`` counts examples of true class ``i`` predicted as ``j``
        (rows true, columns predicted), as from ``metrics.confusion_matrix``.
    class_names : list of str, optional
        Tick labels; the class indices when None.
    ax : matplotlib Axes, optional
    normalize : bool
        Show each row as fractions of that class (rows sum to 1) instead of counts.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_confusion_matrix([[5, 1], [0, 4]])
    >>> [t.get_text() for t in ax.texts]
    ['5', '1', '0', '4']
    >>> plt.close("all")

    Taught in chapter 6, section 'The confusion matrix'.
    """
    cm = as_array(cm, "cm", ndim=2)
    if cm.shape[0] != cm.shape[1] or cm.shape[0] == 0:
        raise ValueError(f"cm must be a square (C, C) matrix, got shape {cm.shape}")
    if np.any(cm < 0):
        raise ValueError(f"cm must hold non-negative counts, got minimum {cm.min()}")
    c = cm.shape[0]
    names = _check_class_names(class_names, c)
    if normalize:
        totals = cm.sum(axis=1, keepdims=True)
        cm = np.divide(cm, totals, out=np.zeros_like(cm, dtype=np.float64), where=totals > 0)
    integer = not normalize and np.all(cm == np.round(cm))
    ax = _axes(ax, figsize=(1.0 + 0.45 * max(c, 6), 0.6 + 0.45 * max(c, 6)))

    ax.imshow(cm, cmap="Blues", vmin=0, vmax=1.0 if normalize else max(cm.max(), 1))
    if c <= 20:
        threshold = 0.5 * (1.0 if normalize else max(cm.max(), 1))
        size = 9 if c <= 10 else 7
        for i in range(c):
            for j in range(c):
                text = f"{int(cm[i, j])}" if integer else f"{cm[i, j]:.2f}"
                ax.text(j, i, text, ha="center", va="center", fontsize=size,
                        color="white" if cm[i, j] > threshold else "black")
    ticks = np.arange(c)
    labels = names if names is not None else [str(k) for k in ticks]
    ax.set_xticks(ticks, labels, rotation=45 if names is not None else 0,
                  ha="right" if names is not None else "center")
    ax.set_yticks(ticks, labels)
    ax.set(xlabel="predicted", ylabel="true")
    return ax


def image_grid(images: np.ndarray, labels: np.ndarray | None = None,
               predictions: np.ndarray | None = None, shape: tuple[int, int] = (8, 8),
               ncols: int = 10, class_names: Sequence[str] | None = None,
               fig: Figure | None = None) -> Figure:
    """Show grayscale images in a grid, each annotated with its label and prediction.

    Parameters
    ----------
    images : array_like, shape (N, H * W) or (N, H, W)
        Flattened images are reshaped to ``shape``. At most 200 images.
    labels : array_like of int, shape (N,), optional
        True classes, written above each image.
    predictions : array_like of int, shape (N,), optional
        Predicted classes; with ``labels``, a wrong prediction is written in red.
    shape : (int, int)
        Height and width (H, W) of a flattened image: (8, 8) for scikit-learn
        digits, (28, 28) for Fashion-MNIST.
    ncols : int
        Images per row.
    class_names : list of str, optional
        Names to write instead of class indices.
    fig : matplotlib Figure, optional
        Cleared and reused; a new figure when None.

    Returns
    -------
    matplotlib.figure.Figure
        One Axes per image.

    Taught in chapter 6, section 'The misclassified examples'.
    """
    images = as_array(images, "images", ndim=(2, 3))
    n = images.shape[0]
    if not 1 <= n <= _MAX_IMAGES:
        raise ValueError(f"images must hold between 1 and {_MAX_IMAGES} images, got {n}; "
                         "pass a slice such as images[:50]")
    if images.ndim == 2:
        shape = tuple(int(s) for s in as_array(shape, "shape", ndim=1))
        if len(shape) != 2 or shape[0] * shape[1] != images.shape[1]:
            raise ValueError(f"shape must be (H, W) with H * W = {images.shape[1]} pixels "
                             f"per image, got {shape}")
        images = images.reshape(n, *shape)
    labels = None if labels is None else as_labels(labels, "labels", n=n)
    predictions = None if predictions is None else as_labels(predictions, "predictions", n=n)
    ncols = min(check_positive(ncols, "ncols", integer=True), n)
    known = [a.max() + 1 for a in (labels, predictions) if a is not None]
    names = _check_class_names(class_names, int(max(known, default=0)))
    annotated = labels is not None or predictions is not None
    two_lines = labels is not None and predictions is not None

    nrows = -(-n // ncols)
    cell_h = 1.0 + (0.25 if annotated else 0.0) + (0.2 if two_lines else 0.0)
    fig = _figure(fig, figsize=(1.0 * ncols, cell_h * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    vmin, vmax = float(images.min()), float(images.max())
    for i, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if i >= n:
            continue
        ax.imshow(images[i], cmap="gray_r", vmin=vmin, vmax=vmax, interpolation="nearest")
        if not annotated:
            continue
        color = "black"
        if two_lines:
            text = (f"true {_label_text(labels[i], names)}\n"
                    f"pred {_label_text(predictions[i], names)}")
            color = "black" if labels[i] == predictions[i] else WRONG_COLOR
        elif labels is not None:
            text = _label_text(labels[i], names)
        else:
            text = f"pred {_label_text(predictions[i], names)}"
        ax.text(0.5, 1.03, text, transform=ax.transAxes, ha="center", va="bottom",
                fontsize=7 if names else 8, color=color, linespacing=1.1)
    return fig


# --- training curves ---------------------------------------------------------

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
    >>> plt.close("all")

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

    ax = _axes(ax)
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
    >>> plt.close("all")

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
    ax = _axes(ax)
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


# --- loss surfaces and optimizer paths -----------------------------------------

def loss_surface(f: Callable, xlim: tuple[float, float], ylim: tuple[float, float],
                 ax: Axes | None = None, levels: int | Sequence[float] = 30,
                 log_levels: bool = False, resolution: int = 200,
                 minimum: np.ndarray | None = None) -> Axes:
    """Draw the contour lines of a loss of two parameters.

    Parameters
    ----------
    f : callable
        ``f(w)`` with ``w`` of shape (..., 2) returns the loss, shape (...):
        it is called once on the whole (R, R, 2) grid, so write it with
        ``w[..., 0]`` and ``w[..., 1]`` (as every ``course_lib.surfaces`` loss is).
    xlim, ylim : (float, float)
        The window in the first and second parameter.
    ax : matplotlib Axes, optional
    levels : int or sequence of float
        Number of contour levels, or the levels themselves.
    log_levels : bool
        Space the levels geometrically (for losses like Rosenbrock's, whose
        valley is invisible with even spacing). Needs ``f >= 0``.
    resolution : int
        The grid has R = ``resolution`` points per side.
    minimum : array_like, shape (2,), optional
        Marked with a star.

    Returns
    -------
    matplotlib.axes.Axes
        Later :func:`plot_trajectory` calls keep this window.

    Examples
    --------
    >>> ax = loss_surface(lambda w: w[..., 0] ** 2 + 4 * w[..., 1] ** 2, (-2, 2), (-1, 1),
    ...                   minimum=[0, 0])
    >>> [float(v) for v in ax.get_xlim()]
    [-2.0, 2.0]
    >>> plt.close("all")

    Taught in chapter 4, section 'Descent in two dimensions: bowls and ravines'.
    """
    _check_callable(f, "f", "w (..., 2) -> loss (...)")
    (x0, x1), (y0, y1) = _check_interval(xlim, "xlim"), _check_interval(ylim, "ylim")
    resolution = _check_resolution(resolution)
    if minimum is not None:
        minimum = as_array(minimum, "minimum", ndim=1)
        check_shape(minimum, "minimum", (2,))
    g1, g2 = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = np.stack([g1, g2], axis=-1)
    z = np.asarray(f(grid), dtype=np.float64)
    if z.shape != g1.shape:
        raise ValueError(f"f(w) must return shape {g1.shape} for w of shape {grid.shape} "
                         f"(index with w[..., 0] and w[..., 1]), got shape {z.shape}")
    if not np.any(np.isfinite(z)):
        raise ValueError("f(w) is NaN or infinite everywhere in the window")
    z = np.ma.masked_invalid(z)
    if log_levels:
        if z.min() < 0:
            raise ValueError(f"log_levels needs f(w) >= 0 in the window, got minimum {z.min():g}")
        if not isinstance(levels, int):
            raise TypeError(f"levels must be an int with log_levels=True, got {describe(levels)}")
        lo = z[z > 0].min() if np.any(z > 0) else 1e-12
        levels = np.geomspace(max(lo, z.max() * 1e-8), z.max(), check_positive(
            levels, "levels", integer=True))
        z = np.ma.maximum(z, 0.5 * levels[0])  # a log colour scale cannot take zeros
    elif isinstance(levels, int):
        check_positive(levels, "levels", integer=True)

    ax = _axes(ax, figsize=(5.0, 4.0))
    norm = LogNorm(levels[0], levels[-1]) if log_levels else None
    contours = ax.contour(g1, g2, z, levels=levels, cmap="viridis", norm=norm, linewidths=0.8)
    contours.set_gid(_SURFACE_GID)
    if minimum is not None:
        ax.plot(*minimum, marker="*", markersize=12, color="black", linestyle="none",
                label="minimum", zorder=4)
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="$w_1$", ylabel="$w_2$")
    return ax


def plot_trajectory(path: np.ndarray, ax: Axes | None = None, label: str | None = None,
                    color: str | None = None) -> Axes:
    """Draw the path an optimizer took in a 2-D parameter space.

    Parameters
    ----------
    path : array_like, shape (T, 2)
        The parameters at steps 0..T-1, as from ``surfaces.trajectory``.
        Rows after the first NaN or infinite one (a diverged run) are dropped.
    ax : matplotlib Axes, optional
        Typically from :func:`loss_surface`, whose window is then kept so a
        diverging path does not zoom the contours away.
    label : str, optional
        Legend entry; the legend is (re)drawn when given.
    color : matplotlib colour, optional
        Defaults to the next colour of :data:`PALETTE` for each path on ``ax``.

    Returns
    -------
    matplotlib.axes.Axes
        The path is one line with small markers; a hollow circle marks the
        start and a filled square the end.

    Examples
    --------
    >>> ax = plot_trajectory([[1.0, 1.0], [0.5, 0.2], [0.1, 0.0]], label="gd")
    >>> len(ax.lines)
    3
    >>> plt.close("all")

    Taught in chapter 4, section 'Descent in two dimensions: bowls and ravines'.
    """
    path = as_array(path, "path", ndim=2, finite=False)
    check_shape(path, "path", (None, 2))
    finite = np.all(np.isfinite(path), axis=1)
    if path.shape[0] == 0 or not finite[0]:
        raise ValueError(f"path must start with a finite point, got {describe(path)}")
    if not finite.all():
        path = path[:np.argmin(finite)]
    ax = _axes(ax, figsize=(5.0, 4.0))
    keep = any(c.get_gid() == _SURFACE_GID for c in ax.collections)
    window = ax.get_xlim(), ax.get_ylim()
    if color is None:
        count = sum(line.get_gid() == _TRAJECTORY_GID for line in ax.lines)
        color = PALETTE[count % len(PALETTE)]
    ax.plot(*path.T, "-o", color=color, markersize=2.5, linewidth=1.2, label=label,
            gid=_TRAJECTORY_GID, zorder=5)
    ax.plot(*path[0], "o", markersize=8, markerfacecolor="white", markeredgecolor=color,
            markeredgewidth=1.5, zorder=6)
    ax.plot(*path[-1], "s", markersize=6, color=color, zorder=6)
    if keep:
        ax.set(xlim=window[0], ylim=window[1])
    else:
        ax.set(xlabel="$w_1$", ylabel="$w_2$")
    if label is not None:
        ax.legend(frameon=True, framealpha=0.9)
    return ax


# --- distributions -------------------------------------------------------------

def layer_histograms(values_by_layer: Sequence[np.ndarray] | Mapping[str, np.ndarray],
                     bins: int = 50, xlabel: str = "activation", fig: Figure | None = None,
                     sharex: bool = True) -> Figure:
    """One histogram per layer in a row, each annotated with its standard deviation.

    Parameters
    ----------
    values_by_layer : list of arrays, or dict of name -> array
        Values of each layer (activations, gradients, weights), any shape;
        they are flattened. Panels are named ``layer 1``, ``layer 2``... or
        by the dict's keys.
    bins : int
        Bins per histogram.
    xlabel : str
        What the values are, written once under the row.
    fig : matplotlib Figure, optional
        Cleared and reused; a new figure when None.
    sharex : bool
        Same x range and bins for every layer, so shrinking or growing
        spreads are visible at a glance.

    Returns
    -------
    matplotlib.figure.Figure
        One Axes per layer.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> fig = layer_histograms([rng.normal(size=100), 0.1 * rng.normal(size=100)])
    >>> len(fig.axes)
    2
    >>> plt.close("all")

    Taught in chapter 2, section 'Initialization' (and chapter 3, vanishing gradients).
    """
    if isinstance(values_by_layer, Mapping):
        names = [str(k) for k in values_by_layer]
        arrays = list(values_by_layer.values())
    elif isinstance(values_by_layer, Sequence) and not isinstance(values_by_layer, str):
        arrays = list(values_by_layer)
        names = [f"layer {i + 1}" for i in range(len(arrays))]
    else:
        raise TypeError("values_by_layer must be a list of arrays (one per layer), "
                        f"got {describe(values_by_layer)}")
    if not arrays:
        raise ValueError("values_by_layer must hold at least one layer, got none")
    arrays = [as_array(a, f"values_by_layer[{i}]").ravel() for i, a in enumerate(arrays)]
    for i, a in enumerate(arrays):
        if a.size == 0:
            raise ValueError(f"values_by_layer[{i}] is empty")
    bins = check_positive(bins, "bins", integer=True)
    if not isinstance(xlabel, str):
        raise TypeError(f"xlabel must be a str, got {describe(xlabel)}")

    n = len(arrays)
    fig = _figure(fig, figsize=(min(2.3 * n, 12.0), 2.4))
    axes = fig.subplots(1, n, sharex=sharex, squeeze=False)[0]
    edges = None
    if sharex:
        lo = min(a.min() for a in arrays)
        hi = max(a.max() for a in arrays)
        lo, hi = (lo - 0.5, hi + 0.5) if lo == hi else (lo, hi)
        edges = np.linspace(lo, hi, bins + 1)
    for ax, a, name in zip(axes, arrays, names):
        ax.hist(a, bins=edges if edges is not None else bins, color=PALETTE[0], alpha=0.85)
        ax.text(0.03, 0.97, name, transform=ax.transAxes, ha="left", va="top", fontsize=8)
        ax.text(0.97, 0.97, f"std {a.std():.3g}", transform=ax.transAxes, ha="right",
                va="top", fontsize=8)
        ax.margins(y=0.25)
        ax.tick_params(labelsize=7)
        ax.set_yticks([])
    axes[0].set_ylabel("count")
    fig.supxlabel(xlabel, fontsize=10)
    return fig
