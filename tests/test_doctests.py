"""Run the examples in course_lib docstrings. Add your module to MODULES."""

import doctest
import importlib

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

MODULES = [
    "course_lib.activations",
    "course_lib.layers",
    "course_lib.losses",
    "course_lib.init",
    "course_lib.network",
    "course_lib.gradcheck",
    "course_lib.modules",
    "course_lib.autograd",
    "course_lib.viz.plotting.classification",
    "course_lib.viz.plotting.curves",
    "course_lib.viz.plotting.landscapes",
    "course_lib.viz.plotting.distributions",
    "course_lib.viz.widgets",
    "course_lib.viz.surfaces",
    "course_lib.viz.gradflow",
    "course_lib.shallow",
    "course_lib.normalization",
    "course_lib.blocks",
    "course_lib.clipping",
    "course_lib.update_rules",
    "course_lib.optim",
    "course_lib.regularization",
    "course_lib.validation",
    "course_lib.datasets.prepare",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    try:
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    finally:
        plt.close("all")  # the figures' examples leave their figures open
    assert result.failed == 0, f"{result.failed} doctest example(s) failed in {name}"
