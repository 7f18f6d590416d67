"""What a classifier does: its decision regions, its confusion matrix, its images.

Drawn in chapters 3, 5 and 6; every function returns the Axes (or Figure)
it drew on, so a chapter can add to it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from course_lib.validation import as_array, as_labels, check_positive, check_shape, describe
from course_lib.viz.plotting.style import (
    WRONG_COLOR,
    check_callable,
    check_class_names,
    check_resolution,
    class_colors,
    get_axes,
    get_figure,
    label_text,
)

__all__ = ["decision_boundary", "plot_confusion_matrix", "image_grid"]

_MAX_IMAGES = 200


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

    Taught in chapter 1, section 'Why the nonlinearity matters' (and chapter 5).
    """
    check_callable(predict, "predict", "(M, 2) -> scores (M, C) or labels (M,)")
    x = as_array(x, "x", ndim=2)
    check_shape(x, "x", (None, 2))
    y = as_labels(y, "y", n=x.shape[0])
    resolution = check_resolution(resolution)
    padding = check_positive(padding, "padding", allow_zero=True)
    ax = get_axes(ax, figsize=(4.5, 4.0))

    lo, hi = x.min(axis=0) - padding, x.max(axis=0) + padding
    hi = np.where(hi > lo, hi, lo + 1.0)
    g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    regions = _predicted_labels(predict, grid).reshape(resolution, resolution)

    num_classes = int(max(regions.max(), y.max(initial=0)) + 1)
    colors = class_colors(num_classes)
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

    Taught in chapter 6, section 'The confusion matrix'.
    """
    cm = as_array(cm, "cm", ndim=2)
    if cm.shape[0] != cm.shape[1] or cm.shape[0] == 0:
        raise ValueError(f"cm must be a square (C, C) matrix, got shape {cm.shape}")
    if np.any(cm < 0):
        raise ValueError(f"cm must hold non-negative counts, got minimum {cm.min()}")
    c = cm.shape[0]
    names = check_class_names(class_names, c)
    if normalize:
        totals = cm.sum(axis=1, keepdims=True)
        cm = np.divide(cm, totals, out=np.zeros_like(cm, dtype=np.float64), where=totals > 0)
    integer = not normalize and np.all(cm == np.round(cm))
    ax = get_axes(ax, figsize=(1.0 + 0.45 * max(c, 6), 0.6 + 0.45 * max(c, 6)))

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
    names = check_class_names(class_names, int(max(known, default=0)))
    annotated = labels is not None or predictions is not None
    two_lines = labels is not None and predictions is not None

    nrows = -(-n // ncols)
    cell_h = 1.0 + (0.25 if annotated else 0.0) + (0.2 if two_lines else 0.0)
    fig = get_figure(fig, figsize=(1.0 * ncols, cell_h * nrows))
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
            text = (f"true {label_text(labels[i], names)}\n"
                    f"pred {label_text(predictions[i], names)}")
            color = "black" if labels[i] == predictions[i] else WRONG_COLOR
        elif labels is not None:
            text = label_text(labels[i], names)
        else:
            text = f"pred {label_text(predictions[i], names)}"
        ax.text(0.5, 1.03, text, transform=ax.transAxes, ha="center", va="bottom",
                fontsize=7 if names else 8, color=color, linespacing=1.1)
    return fig

