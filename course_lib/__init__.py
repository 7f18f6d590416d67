"""course_lib: the from-scratch numpy library of *How Deep Learning Models Are Trained*.

Every module is small and teaches one concept; each public function's
docstring names the chapter that builds it. Batch rows are examples: ``x`` has
shape (N, D), weights (D, M), and a dense layer computes ``x @ w + b``.
"""

__version__ = "0.1.0"
