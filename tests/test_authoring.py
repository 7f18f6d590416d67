"""The generator that makes learner notebooks from solution notebooks."""

from __future__ import annotations

import nbformat
import pytest

from course_lib import authoring
from course_lib.authoring import AuthoringError, learner_version, strip_solutions


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def test_solution_block_becomes_stub_at_its_indentation():
    source = (
        "def f(x):\n"
        "    \"\"\"Docstring stays.\"\"\"\n"
        "    ### BEGIN SOLUTION\n"
        "    y = x + 1\n"
        "    return y\n"
        "    ### END SOLUTION\n"
    )
    assert strip_solutions(source, "nb, cell 0") == (
        "def f(x):\n"
        "    \"\"\"Docstring stays.\"\"\"\n"
        "    # YOUR CODE HERE\n"
        "    raise NotImplementedError\n"
    )


def test_two_blocks_and_code_between_them_are_kept():
    source = "a = 1\n### BEGIN SOLUTION\nb = 2\n### END SOLUTION\nc = 3\n" \
             "if c:\n        ### BEGIN SOLUTION\n        d = 4\n        ### END SOLUTION\n"
    out = strip_solutions(source, "nb")
    assert out.splitlines() == [
        "a = 1", "# YOUR CODE HERE", "raise NotImplementedError", "c = 3", "if c:",
        "        # YOUR CODE HERE", "        raise NotImplementedError",
    ]
    assert out.endswith("\n"), "the trailing newline is kept"


@pytest.mark.parametrize("source, problem", [
    ("### BEGIN SOLUTION\nx = 1\n", "never closed"),
    ("x = 1\n### END SOLUTION\n", "has no"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n", "nested"),
])
def test_bad_marker_layout_names_notebook_and_cell(source, problem):
    with pytest.raises(AuthoringError, match=problem) as info:
        strip_solutions(source, "07_demo.ipynb, cell 4")
    assert "07_demo.ipynb, cell 4" in str(info.value)


def test_solution_only_cells_dropped_outputs_cleared_labels_renamed():
    code = nbformat.v4.new_code_cell("x = 1\n### BEGIN SOLUTION\ny = 2\n### END SOLUTION")
    code.outputs = [nbformat.v4.new_output("stream", text="hello")]
    code.execution_count = 3
    code.metadata["mystnb"] = {"figure": {"name": "fig-ch9-demo", "caption": "c"}}
    secret = nbformat.v4.new_markdown_cell("the answer is 42")
    secret.metadata["tags"] = ["solution-only"]
    text = nbformat.v4.new_markdown_cell(
        "(sec-ch9-intro)=\n## Intro\nSee {eq}`eq-ch9-a` and {numref}`fig-ch9-demo`.\n"
        "$$ a = b $$ (eq-ch9-a)\n")
    nb = notebook(text, code, secret)
    labels = authoring.labels_defined(nb)
    assert labels == {"sec-ch9-intro", "eq-ch9-a", "fig-ch9-demo"}
    learner = learner_version(nb, "09_demo.ipynb", labels)
    assert len(learner.cells) == 2
    assert learner.cells[1].outputs == [] and learner.cells[1].execution_count is None
    assert "raise NotImplementedError" in learner.cells[1].source
    assert learner.cells[1].metadata["mystnb"]["figure"]["name"] == "learn-fig-ch9-demo"
    md = learner.cells[0].source
    assert "(learn-sec-ch9-intro)=" in md and "{eq}`learn-eq-ch9-a`" in md
    assert "$$ (learn-eq-ch9-a)" in md and "{numref}`learn-fig-ch9-demo`" in md
    assert nb.cells[1].outputs, "the solution notebook itself must not be modified"


def test_labels_without_known_prefix_are_refused():
    nb = notebook(nbformat.v4.new_markdown_cell("(intro)=\n# Intro"))
    with pytest.raises(AuthoringError, match="labels must start with"):
        authoring.check_label_names(authoring.labels_defined(nb), "x.ipynb")


def test_markers_in_markdown_are_refused():
    nb = notebook(nbformat.v4.new_markdown_cell("### BEGIN SOLUTION\nsecret\n### END SOLUTION"))
    with pytest.raises(AuthoringError, match="code cells"):
        learner_version(nb, "x.ipynb", set())


def test_exercises_link_to_their_solution_and_back():
    heading = nbformat.v4.new_markdown_cell("(ex-double)=\n### Exercise: double")
    code = nbformat.v4.new_code_cell(
        "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION")
    nb = notebook(heading, code)
    authoring.add_back_links(nb)
    authoring.add_back_links(nb)  # idempotent: one link, however often it runs
    back = [c for c in nb.cells if authoring.BACK_LINK in c.metadata.get("tags", [])]
    assert len(back) == 1 and "<learn-ex-double>" in back[0].source
    assert nb.cells.index(back[0]) == 1, "the link follows the exercise heading"
    learner = learner_version(nb, "09_demo.ipynb", authoring.labels_defined(nb))
    assert not any(authoring.BACK_LINK in c.metadata.get("tags", []) for c in learner.cells)
    assert "(learn-ex-double)=" in learner.cells[0].source
    assert "{ref}`solution to double <ex-double>`" in learner.cells[0].source
    assert learner.cells[1].metadata[authoring.EXERCISE_KEY] == "double"
