"""Tests for course_lib.metrics."""

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_lib import metrics


def test_accuracy_known_value():
    logits = np.array([[2.0, 1.0, 0.0], [0.0, 0.0, 5.0], [1.0, 3.0, 0.0], [9.0, 0.0, 0.0]])
    assert metrics.accuracy(logits, np.array([0, 2, 0, 0])) == 0.75
    assert isinstance(metrics.accuracy(logits, np.array([0, 2, 1, 0])), float)


def test_predict_labels():
    labels = metrics.predict_labels(np.array([[0.1, 0.9], [0.8, 0.2]]))
    np.testing.assert_array_equal(labels, [1, 0])
    assert labels.dtype == np.int64


def test_confusion_matrix_known_value():
    cm = metrics.confusion_matrix(np.array([0, 0, 1, 2, 2]), np.array([0, 1, 1, 2, 0]), 3)
    np.testing.assert_array_equal(cm, [[1, 1, 0], [0, 1, 0], [1, 0, 1]])
    assert cm.dtype == np.int64


@given(st.integers(1, 6), st.lists(st.integers(0, 10**6), min_size=1, max_size=80))
def test_confusion_matrix_sums_and_matches_accuracy(c, seeds):
    y_true = np.array(seeds) % c
    y_pred = (np.array(seeds) // 7) % c
    cm = metrics.confusion_matrix(y_true, y_pred, c)
    assert cm.sum() == len(seeds)
    np.testing.assert_array_equal(cm.sum(axis=1), np.bincount(y_true, minlength=c))
    logits = np.eye(c)[y_pred]
    assert np.trace(cm) / len(seeds) == pytest.approx(metrics.accuracy(logits, y_true))


def test_precision_recall_known_value():
    # true 0: 3 right, 1 called 1; true 1: 4 right; true 2: never predicted
    cm = np.array([[3, 1, 0], [0, 4, 0], [1, 1, 0]])
    precision, recall = metrics.precision_recall(cm)
    np.testing.assert_allclose(precision[:2], [3 / 4, 4 / 6])
    np.testing.assert_allclose(recall, [3 / 4, 1.0, 0.0])
    assert np.isnan(precision[2])  # class 2 is never predicted
    assert precision.dtype == recall.dtype == np.float64


@given(st.integers(1, 6), st.lists(st.integers(0, 10**6), min_size=1, max_size=80))
def test_precision_recall_match_their_definitions(c, seeds):
    y_true = np.array(seeds) % c
    y_pred = (np.array(seeds) // 7) % c
    precision, recall = metrics.precision_recall(metrics.confusion_matrix(y_true, y_pred, c))
    for k in range(c):
        hit = np.sum((y_true == k) & (y_pred == k))
        if np.any(y_pred == k):
            assert precision[k] == pytest.approx(hit / np.sum(y_pred == k))
        else:
            assert np.isnan(precision[k])
        if np.any(y_true == k):
            assert recall[k] == pytest.approx(hit / np.sum(y_true == k))


@pytest.mark.parametrize("call, error, name", [
    (lambda: metrics.accuracy(np.zeros(3), np.zeros(3, int)), ValueError, "logits"),
    (lambda: metrics.accuracy(np.zeros((3, 2)), np.zeros(4, int)), ValueError, "y"),
    (lambda: metrics.accuracy(np.zeros((3, 2)), np.array([0, 1, 2])), ValueError, "y"),
    (lambda: metrics.accuracy(np.zeros((3, 2)), np.array([0.5, 1, 1])), TypeError, "y"),
    (lambda: metrics.accuracy(np.zeros((0, 2)), np.zeros(0, int)), ValueError, "y"),
    (lambda: metrics.predict_labels("abc"), TypeError, "logits"),
    (lambda: metrics.confusion_matrix([0, 1], [0], 2), ValueError, "y_pred"),
    (lambda: metrics.confusion_matrix([0, 3], [0, 1], 2), ValueError, "y_true"),
    (lambda: metrics.confusion_matrix([0, 1], [0, 1], 0), ValueError, "num_classes"),
    (lambda: metrics.precision_recall(np.ones((2, 3))), ValueError, "cm"),
    (lambda: metrics.precision_recall([[1, -1], [0, 1]]), ValueError, "cm"),
])
def test_bad_input_names_the_argument(call, error, name):
    with pytest.raises(error, match=rf"^{re.escape(name)}"):
        call()
