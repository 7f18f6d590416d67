"""Classification metrics: predicted labels, accuracy, confusion matrix, precision, recall."""

from __future__ import annotations

import numpy as np

from course_lib.validation import as_array, as_labels, check_positive

__all__ = ["predict_labels", "accuracy", "confusion_matrix", "precision_recall"]


def predict_labels(logits: np.ndarray) -> np.ndarray:
    """The predicted class of each example: the argmax of its row.

    Parameters
    ----------
    logits : ndarray, shape (N, C)
        Scores, logits or probabilities (the argmax is the same).

    Returns
    -------
    ndarray, shape (N,), int64

    >>> predict_labels(np.array([[0.1, 2.0], [3.0, -1.0]]))
    array([1, 0])

    Taught in chapter 6, section 'Measuring a classifier: accuracy'.
    """
    logits = as_array(logits, "logits", ndim=2)
    return np.argmax(logits, axis=1).astype(np.int64)


def accuracy(logits: np.ndarray, y: np.ndarray) -> float:
    """Fraction of examples whose highest score is the true class.

    Parameters
    ----------
    logits : ndarray, shape (N, C)
        Logits or any per-class scores.
    y : ndarray of int, shape (N,)
        True labels in ``[0, C)``.

    Returns
    -------
    float
        :math:`\\frac1N \\sum_i [\\arg\\max_c z_{ic} = y_i]`, in [0, 1].

    >>> accuracy(np.array([[0.1, 2.0], [3.0, -1.0]]), np.array([1, 1]))
    0.5

    Taught in chapter 6, section 'Measuring a classifier: accuracy'.
    """
    labels = predict_labels(logits)
    y = as_labels(y, "y", n=labels.shape[0], num_classes=np.shape(logits)[1])
    if y.size == 0:
        raise ValueError("y must hold at least one example, got 0")
    return float(np.mean(labels == y))


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> np.ndarray:
    """Count how often each true class was predicted as each class.

    Returns
    -------
    ndarray, shape (C, C), int64
        Entry ``[i, j]`` counts examples of true class ``i`` predicted as ``j``;
        the diagonal holds the correct predictions and the total is N.

    >>> confusion_matrix(np.array([0, 1, 1]), np.array([0, 0, 1]), 2)
    array([[1, 0],
           [1, 1]])

    Taught in chapter 6, section 'The confusion matrix'.
    """
    num_classes = check_positive(num_classes, "num_classes", integer=True)
    y_true = as_labels(y_true, "y_true", num_classes=num_classes)
    y_pred = as_labels(y_pred, "y_pred", n=y_true.size, num_classes=num_classes)
    # bincount takes only np.intp, which is int32 in the browser (Pyodide, 32-bit WebAssembly).
    pairs = (y_true * num_classes + y_pred).astype(np.intp)
    counts = np.bincount(pairs, minlength=num_classes**2)
    return counts.reshape(num_classes, num_classes).astype(np.int64)


def precision_recall(cm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-class precision and recall from a confusion matrix.

    Parameters
    ----------
    cm : array_like, shape (C, C)
        Counts, rows true classes, columns predicted classes (as from
        :func:`confusion_matrix`).

    Returns
    -------
    precision, recall : ndarray, shape (C,), float64
        ``precision[c]`` is the fraction of the examples predicted as ``c``
        that are ``c`` (the diagonal over the column sums); ``recall[c]`` the
        fraction of the examples of class ``c`` predicted as ``c`` (the
        diagonal over the row sums). NaN where the denominator is 0 (a class
        never predicted, or absent).

    Notes
    -----
    :math:`P_c = M_{cc} / \\sum_i M_{ic}`, :math:`R_c = M_{cc} / \\sum_j M_{cj}`.

    >>> precision_recall(np.array([[3, 1], [0, 4]]))
    (array([1. , 0.8]), array([0.75, 1.  ]))

    Taught in chapter 6, section 'Precision and recall'.
    """
    cm = as_array(cm, "cm", ndim=2)
    if cm.shape[0] != cm.shape[1] or cm.shape[0] == 0:
        raise ValueError(f"cm must be a square (C, C) matrix, got shape {cm.shape}")
    if np.any(cm < 0):
        raise ValueError(f"cm must hold non-negative counts, got minimum {cm.min()}")
    diag = np.diag(cm).astype(np.float64)
    predicted, actual = cm.sum(axis=0), cm.sum(axis=1)
    precision = np.divide(diag, predicted, out=np.full(diag.shape, np.nan), where=predicted > 0)
    recall = np.divide(diag, actual, out=np.full(diag.shape, np.nan), where=actual > 0)
    return precision, recall
