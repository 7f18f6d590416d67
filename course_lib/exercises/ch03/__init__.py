"""Checks for chapter 3, *Backpropagation*.

Six exercises: ``numerical_gradient``, ``relu_backward``, ``linear_backward``,
``softmax_cross_entropy``, ``mlp_loss_and_grads`` and ``sigmoid_backward``.
Every backward exercise is compared with the ``course_lib`` reference on
seeded cases and then gradient-checked against central differences
(``gradient.check_answer_backward`` or ``check_answer_gradient``); when the output matches a known
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
from course_lib.exercises.ch03.sigmoid_backward import SIGMOID_BACKWARD
from course_lib.exercises.ch03.softmax_cross_entropy import SOFTMAX_CROSS_ENTROPY

EXERCISES = (NUMERICAL_GRADIENT, RELU_BACKWARD, LINEAR_BACKWARD, SOFTMAX_CROSS_ENTROPY,
             MLP_LOSS_AND_GRADS, SIGMOID_BACKWARD)
