"""Gradient clipping by the global norm.

When the gradients of all parameters together are longer than
``max_norm``, every one of them is scaled by the same factor, so the step
keeps its direction and only its length is capped.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from course_lib.validation import as_array, check_positive, describe


def global_norm(grads: Sequence[np.ndarray]) -> float:
    """The L2 norm of several arrays taken together, as if concatenated.

    Parameters
    ----------
    grads : list of array_like
        Any shapes.

    Returns
    -------
    float
        :math:`\\sqrt{\\sum_i \\lVert g_i \\rVert^2}`.

    Examples
    --------
    >>> global_norm([np.array([3.0]), np.array([[4.0]])])
    5.0

    Taught in chapter 7, section 'Gradient clipping'.
    """
    arrays = _check_grads(grads)
    return _global_norm(arrays)


def clip_grad_norm(grads: Sequence[np.ndarray], max_norm: float
                   ) -> tuple[list[np.ndarray], float]:
    """Scale a list of gradients so that their global norm is at most ``max_norm``.

    Parameters
    ----------
    grads : list of array_like
        One gradient per parameter, any shapes. Not modified.
    max_norm : float, > 0
        The largest global norm let through.

    Returns
    -------
    clipped : list of numpy.ndarray
        New arrays, shaped like ``grads``: each ``g * max_norm / total_norm``
        when ``total_norm > max_norm``, otherwise a copy of ``g``.
    total_norm : float
        The global norm before clipping (see ``global_norm``).

    Notes
    -----
    :math:`g_i \\leftarrow g_i \\cdot \\min(1, c / \\lVert g \\rVert)` with
    :math:`\\lVert g \\rVert^2 = \\sum_i \\lVert g_i \\rVert^2` (Pascanu, Mikolov and
    Bengio, 2013). One factor for all arrays keeps the direction of the whole
    step; clipping each array on its own would change it.

    Examples
    --------
    >>> clipped, total = clip_grad_norm([np.array([3.0]), np.array([4.0])], 1.0)
    >>> total, [round(float(g[0]), 6) for g in clipped]
    (5.0, [0.6, 0.8])

    Taught in chapter 7, section 'Gradient clipping'.
    """
    arrays = _check_grads(grads)
    max_norm = check_positive(max_norm, "max_norm")
    return _clip(arrays, max_norm)


def _check_grads(grads: object) -> list[np.ndarray]:
    if isinstance(grads, np.ndarray) or not isinstance(grads, (list, tuple)) or not grads:
        raise TypeError(f"grads must be a non-empty list of arrays (one per parameter), "
                        f"got {describe(grads)}")
    return [as_array(g, f"grads[{i}]", finite=False) for i, g in enumerate(grads)]


def _global_norm(arrays: list[np.ndarray]) -> float:
    return float(np.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in arrays)))


def _clip(arrays: list[np.ndarray], max_norm: float) -> tuple[list[np.ndarray], float]:
    total = _global_norm(arrays)
    scale = max_norm / total if total > max_norm else 1.0
    return [g * scale for g in arrays], total  # new arrays, even when scale is 1
