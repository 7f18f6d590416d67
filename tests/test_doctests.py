"""Run the examples in course_lib docstrings. Add your module to MODULES."""

import doctest
import importlib

import pytest

MODULES = [
    "course_lib.activations",
    "course_lib.layers",
    "course_lib.losses",
    "course_lib.init",
    "course_lib.network",
    "course_lib.gradcheck",
    "course_lib.modules",
    "course_lib.autograd",
    "course_lib.plotting",
    "course_lib.widgets",
    "course_lib.surfaces",
    "course_lib.gradflow",
    "course_lib.shallow",
    "course_lib.normalization",
    "course_lib.blocks",
    "course_lib.clipping",
    "course_lib.update_rules",
    "course_lib.optim",
    "course_lib.regularization",
    "course_lib.validation",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest example(s) failed in {name}"
