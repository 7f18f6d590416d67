"""The figures' shared style: colours, figure sizes and argument checks.

Colours are the Okabe-Ito palette (readable with colour blindness):
training curves are always :data:`TRAIN_COLOR` (blue), validation curves
:data:`VAL_COLOR` (orange-red), class ``k`` is always ``PALETTE[k]``. The
functions below are shared by the figure modules of this package; a chapter
needs only the colours.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_lib.validation import as_array, check_positive, describe

#: Okabe-Ito colours; class ``k`` and the ``k``-th curve use ``PALETTE[k]``.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7",
           "#E69F00", "#56B4E9", "#F0E442", "#7F7F7F")
TRAIN_COLOR = PALETTE[0]
VAL_COLOR = PALETTE[1]
WRONG_COLOR = "#C00000"
FIGSIZE = (5.0, 3.6)


def get_axes(ax: object, figsize: tuple[float, float] = FIGSIZE) -> Axes:
    """``ax`` itself, or the Axes of a new figure when ``ax`` is None."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
        return ax
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {describe(ax)}")
    return ax


def get_figure(fig: object, figsize: tuple[float, float]) -> Figure:
    """``fig`` cleared for reuse, or a new figure when ``fig`` is None."""
    if fig is None:
        return plt.figure(figsize=figsize, layout="constrained")
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure or None, got {describe(fig)}")
    fig.clear()
    return fig


def class_colors(num_classes: int) -> list:
    """One colour per class: ``PALETTE`` for up to 8 classes, else matplotlib's tab20."""
    if num_classes <= len(PALETTE):
        return list(PALETTE[:num_classes])
    cmap = plt.get_cmap("tab20")
    return [cmap(k % 20) for k in range(num_classes)]


def check_callable(f: object, name: str, contract: str) -> None:
    """Raise ``TypeError`` naming ``name`` and its ``contract`` unless ``f`` is callable."""
    if not callable(f):
        raise TypeError(f"{name} must be a callable {contract}, got {describe(f)}")


def check_interval(value: object, name: str) -> tuple[float, float]:
    """``value`` as a window ``(low, high)`` with ``low < high``, or a ``ValueError``."""
    lims = as_array(value, name, ndim=1)
    if lims.shape != (2,) or not lims[0] < lims[1]:
        raise ValueError(f"{name} must be a pair (low, high) with low < high, got {value!r}")
    return float(lims[0]), float(lims[1])


def check_resolution(resolution: object) -> int:
    """A grid's points per side: an integer of at least 2."""
    resolution = check_positive(resolution, "resolution", integer=True)
    if resolution < 2:
        raise ValueError(f"resolution must be at least 2, got {resolution}")
    return resolution


def label_text(k: int, class_names: Sequence[str] | None) -> str:
    """Class ``k``'s name, or ``k`` itself when there are no names."""
    return str(k) if class_names is None else str(class_names[k])


def check_class_names(class_names: object, num_classes: int) -> list[str] | None:
    """``class_names`` as a list of ``str`` naming at least ``num_classes`` classes (or None)."""
    if class_names is None:
        return None
    if isinstance(class_names, str) or not isinstance(class_names, Sequence):
        raise TypeError(f"class_names must be a list of strings, got {describe(class_names)}")
    if len(class_names) < num_classes:
        raise ValueError(f"class_names must name all {num_classes} classes, "
                         f"got {len(class_names)} names")
    return [str(name) for name in class_names]
