"""Checks for chapter 7, *Making training work*: clip_grad_norm,
batchnorm_forward, batchnorm_backward and layernorm_forward.

One module per exercise (the two forward normalizations share theirs):
``clip_grad_norm``, ``normalization_forward`` and ``batchnorm_backward``.
Each holds its cases, its comparison and its known mistakes, written as one
parameterised function per family. Results must be new arrays, never an
input returned unchanged; the backward check ends with a numerical gradient
check (``gradient.check_answer_backward``).
"""

from __future__ import annotations

from course_lib.exercises.ch07.batchnorm_backward import BATCHNORM_BACKWARD
from course_lib.exercises.ch07.clip_grad_norm import CLIP_GRAD_NORM
from course_lib.exercises.ch07.normalization_forward import BATCHNORM_FORWARD, LAYERNORM_FORWARD

EXERCISES = (CLIP_GRAD_NORM, BATCHNORM_FORWARD, BATCHNORM_BACKWARD, LAYERNORM_FORWARD)
