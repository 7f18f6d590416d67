"""Loss landscapes: the contours of a loss of two parameters, and optimizer paths on them.

Drawn in chapter 4, with the test surfaces of :mod:`course_lib.viz.surfaces`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LogNorm

from course_lib.validation import as_array, check_positive, check_shape, describe
from course_lib.viz.plotting.style import (
    PALETTE,
    check_callable,
    check_interval,
    check_resolution,
    get_axes,
)

__all__ = ["loss_surface", "plot_trajectory"]

_SURFACE_GID = "course_lib.loss_surface"
_TRAJECTORY_GID = "course_lib.trajectory"


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
        ``w[..., 0]`` and ``w[..., 1]`` (as every ``course_lib.viz.surfaces`` loss is).
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

    Taught in chapter 4, section 'Descent in two dimensions: bowls and ravines'.
    """
    check_callable(f, "f", "w (..., 2) -> loss (...)")
    (x0, x1), (y0, y1) = check_interval(xlim, "xlim"), check_interval(ylim, "ylim")
    resolution = check_resolution(resolution)
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

    ax = get_axes(ax, figsize=(5.0, 4.0))
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

    Taught in chapter 4, section 'Descent in two dimensions: bowls and ravines'.
    """
    path = as_array(path, "path", ndim=2, finite=False)
    check_shape(path, "path", (None, 2))
    finite = np.all(np.isfinite(path), axis=1)
    if path.shape[0] == 0 or not finite[0]:
        raise ValueError(f"path must start with a finite point, got {describe(path)}")
    if not finite.all():
        path = path[:np.argmin(finite)]
    ax = get_axes(ax, figsize=(5.0, 4.0))
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
