"""Distributions: one histogram per layer, to see spreads shrink or grow with depth.

For the spread of activations or gradients layer by layer (initialization,
vanishing gradients).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from course_lib.validation import as_array, check_positive, describe
from course_lib.viz.plotting.style import PALETTE, get_figure

__all__ = ["layer_histograms"]


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
    fig = get_figure(fig, figsize=(min(2.3 * n, 12.0), 2.4))
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
