"""Checks for chapter 3, *Backpropagation*.

Five exercises: ``numerical_gradient``, ``relu_backward``, ``linear_backward``,
``softmax_cross_entropy`` and ``mlp_loss_and_grads``. Every backward exercise
is compared with the ``course_lib`` reference on seeded cases and then
gradient-checked against central differences; when the output matches a known
mistake (a transposed ``dw``, a forgotten ``/ N``, a skipped ReLU mask...),
the check says so.

One module per exercise (or group of related exercises); this package
collects them in ``EXERCISES``, in the order the chapter teaches them.
"""

from __future__ import annotations

from course_lib.exercises.ch03.linear_backward import LINEAR_BACKWARD
from course_lib.exercises.ch03.mlp_loss_and_grads import MLP_LOSS_AND_GRADS
from course_lib.exercises.ch03.numerical_gradient import NUMERICAL_GRADIENT
from course_lib.exercises.ch03.relu_backward import RELU_BACKWARD
from course_lib.exercises.ch03.softmax_cross_entropy import SOFTMAX_CROSS_ENTROPY

EXERCISES = (NUMERICAL_GRADIENT, RELU_BACKWARD, LINEAR_BACKWARD, SOFTMAX_CROSS_ENTROPY,
             MLP_LOSS_AND_GRADS)

# The helpers the former single module ``ch03`` offered, for exercise modules
# written against it (``from course_lib.exercises.ch03 import _seeded``).
from course_lib.exercises.ch03._shared import _away_from_zero, _seeded  # noqa: E402
from course_lib.exercises.gradient import TOLERANCE as GRADCHECK_TOL  # noqa: E402
from course_lib.exercises.gradient import report as _report_gradcheck  # noqa: E402
from course_lib.exercises.probe import call as _analytic  # noqa: E402

__all__ = ["EXERCISES", "GRADCHECK_TOL", "_analytic", "_away_from_zero", "_report_gradcheck",
           "_seeded"]
