"""Checks for chapter 6, *Putting it all together*: accuracy, confusion_matrix, train_classifier.

One module per exercise (or group of related exercises); this package
collects them in ``EXERCISES``, in the order the chapter teaches them.
"""

from __future__ import annotations

from course_lib.exercises.ch06.accuracy import ACCURACY
from course_lib.exercises.ch06.confusion_matrix import CONFUSION_MATRIX
from course_lib.exercises.ch06.train_classifier import TRAIN_CLASSIFIER

EXERCISES = (ACCURACY, CONFUSION_MATRIX, TRAIN_CLASSIFIER)
