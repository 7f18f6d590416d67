"""Checks for chapter 2, *Forward propagation*.

``linear_forward``, ``softmax``, ``cross_entropy`` and ``mlp_forward`` are
compared with the ``course_lib`` references on seeded cases; ``he_init`` draws
random weights, so its check tests shape, statistics and reproducibility
instead of exact values.

One module per exercise (or group of related exercises); this package
collects them in ``EXERCISES``, in the order the chapter teaches them.
"""

from __future__ import annotations

from course_lib.exercises.ch02.cross_entropy import CROSS_ENTROPY
from course_lib.exercises.ch02.he_init import HeInit
from course_lib.exercises.ch02.linear_forward import LINEAR_FORWARD
from course_lib.exercises.ch02.mlp_forward import MLP_FORWARD
from course_lib.exercises.ch02.softmax import SOFTMAX

EXERCISES = (LINEAR_FORWARD, SOFTMAX, CROSS_ENTROPY, MLP_FORWARD, HeInit())
