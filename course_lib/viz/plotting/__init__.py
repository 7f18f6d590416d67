"""The book's common figures, drawn with matplotlib, one module per topic.

- :mod:`~course_lib.viz.plotting.classification`: decision regions, confusion
  matrices, grids of images (chapters 3, 5, 6);
- :mod:`~course_lib.viz.plotting.curves`: training curves (chapters 5, 6, 7)
  and fitted curves;
- :mod:`~course_lib.viz.plotting.landscapes`: loss contours and optimizer paths
  (chapter 4);
- :mod:`~course_lib.viz.plotting.distributions`: per-layer histograms;
- :mod:`~course_lib.viz.plotting.style`: the colours and the checks they share.

A chapter imports the package (``from course_lib.viz import plotting``) and
calls ``plotting.decision_boundary(...)``: every figure is named here. Every
function draws into ``ax`` (or ``fig`` for multi-panel figures) when given
one, and otherwise makes a new figure; it returns the Axes (or the Figure) so
a chapter can add to it. Axis labels are lowercase and no function sets a
title: the figure's caption says what it shows. Colours come from
``PALETTE`` (the Okabe-Ito colours, readable with colour blindness): training
curves are always blue, validation curves orange-red, class ``k`` is always
``PALETTE[k]``.
"""

from course_lib.viz.plotting.classification import (
    decision_boundary,
    image_grid,
    plot_confusion_matrix,
)
from course_lib.viz.plotting.curves import plot_curve_fit, plot_history
from course_lib.viz.plotting.distributions import layer_histograms
from course_lib.viz.plotting.landscapes import loss_surface, plot_trajectory
from course_lib.viz.plotting.style import PALETTE, TRAIN_COLOR, VAL_COLOR, WRONG_COLOR

__all__ = [
    "PALETTE", "TRAIN_COLOR", "VAL_COLOR", "WRONG_COLOR",
    "decision_boundary", "plot_history", "loss_surface", "plot_trajectory",
    "layer_histograms", "image_grid", "plot_confusion_matrix", "plot_curve_fit",
]
