"""Checks for chapter 1, *Neural networks*.

Exercises: ``sigmoid``, ``relu``, ``neuron``, ``xor_weights`` and
``count_parameters``.

One module per exercise (or group of related exercises); this package
collects them in ``EXERCISES``, in the order the chapter teaches them.
"""

from __future__ import annotations

from course_lib.exercises.ch01.count_parameters import COUNT_PARAMETERS
from course_lib.exercises.ch01.neuron import NEURON
from course_lib.exercises.ch01.sigmoid_relu import RELU, SIGMOID
from course_lib.exercises.ch01.xor_weights import XOR_WEIGHTS

EXERCISES = (SIGMOID, RELU, NEURON, XOR_WEIGHTS, COUNT_PARAMETERS)
