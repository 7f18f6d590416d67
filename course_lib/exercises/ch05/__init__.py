"""Checks for chapter 5, *Regularization*: l2_penalty, dropout_forward,
dropout_backward and early_stopping_epoch.

``l2_penalty`` and ``early_stopping_epoch`` are deterministic and compared
with the ``course_lib`` reference. The two dropout exercises are random, so
their checks look at what any correct implementation must satisfy: the
fraction of entries dropped, the scale of the kept ones, that evaluation
mode is the identity, that the same generator state gives the same mask and
that the backward pass reuses the mask stored in the cache.

One module per exercise (or group of related exercises); this package
collects them in ``EXERCISES``, in the order the chapter teaches them.
"""

from __future__ import annotations

from course_lib.exercises.ch05.dropout_backward import DropoutBackward
from course_lib.exercises.ch05.dropout_forward import DropoutForward
from course_lib.exercises.ch05.early_stopping import EARLY_STOPPING_EPOCH
from course_lib.exercises.ch05.l2_penalty import L2_PENALTY

EXERCISES = (L2_PENALTY, DropoutForward(), DropoutBackward(), EARLY_STOPPING_EPOCH)
