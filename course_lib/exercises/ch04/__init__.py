"""Checks for chapter 4, *Gradient descent*: gd_step, momentum_step, adam_step, minibatches.

One module per exercise (or group of related exercises); this package
collects them in ``EXERCISES``, in the order the chapter teaches them.
"""

from __future__ import annotations

from course_lib.exercises.ch04.adam_step import ADAM_STEP
from course_lib.exercises.ch04.gd_step import GD_STEP
from course_lib.exercises.ch04.minibatches import MINIBATCHES
from course_lib.exercises.ch04.momentum_step import MOMENTUM_STEP

EXERCISES = (GD_STEP, MOMENTUM_STEP, ADAM_STEP, MINIBATCHES)
