"""The generator that makes learner notebooks from solution notebooks."""

from __future__ import annotations

import nbformat
import pytest

from course_lib.tools import authoring
from course_lib.tools.authoring import AuthoringError, learner_version, strip_solutions


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


def test_solution_only_cells_dropped_outputs_cleared_labels_kept():
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
    assert authoring.labels_defined(nb) == {"sec-ch9-intro", "eq-ch9-a", "fig-ch9-demo"}
    learner = learner_version(nb, "09_demo.ipynb")
    assert len(learner.cells) == 2
    assert learner.cells[1].outputs == [] and learner.cells[1].execution_count is None
    assert "raise NotImplementedError" in learner.cells[1].source
    assert "y = 2" not in learner.cells[1].source
    assert learner.cells[1].metadata["mystnb"]["figure"]["name"] == "fig-ch9-demo"
    assert learner.cells[0].source == text.source, "one label scheme: labels are kept"
    assert nb.cells[1].outputs, "the solution notebook itself must not be modified"


def test_labels_without_known_prefix_are_refused():
    nb = notebook(nbformat.v4.new_markdown_cell("(intro)=\n# Intro"))
    with pytest.raises(AuthoringError, match="labels must start with"):
        authoring.check_label_names(authoring.labels_defined(nb), "x.ipynb")


def test_markers_in_markdown_are_refused():
    nb = notebook(nbformat.v4.new_markdown_cell("### BEGIN SOLUTION\nsecret\n### END SOLUTION"))
    with pytest.raises(AuthoringError, match="code cells"):
        learner_version(nb, "x.ipynb")
    with pytest.raises(AuthoringError, match="code cells"):
        authoring.book_version(nb, "x.ipynb")


def exercise_notebook():
    heading = nbformat.v4.new_markdown_cell("(ex-double)=\n### Exercise: double")
    back = nbformat.v4.new_markdown_cell("*Back to the exercise in Part I.*")
    back.metadata["tags"] = ["solution-only", "back-link"]
    code = nbformat.v4.new_code_cell(
        "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION")
    plot = nbformat.v4.new_code_cell("plt.plot([1, 2])\nplt.show()")
    plot.metadata["mystnb"] = {"figure": {"name": "fig-ch9-line", "caption": "A line."}}
    shown = nbformat.v4.new_code_cell("plt.plot([1, 2])")
    shown.metadata["mystnb"] = {"figure": {"name": "fig-ch9-shown", "caption": "Shown."}}
    shown.metadata["tags"] = ["show-input"]
    anim = nbformat.v4.new_code_cell("widgets.animation_html(fig, frame, frames=3)")
    return notebook(heading, back, code, plot, shown, anim)


def test_learner_exercise_says_where_the_solution_is():
    learner = learner_version(exercise_notebook(), "09_demo.ipynb")
    assert len(learner.cells) == 5, "the back link (solution-only) is dropped"
    assert "(ex-double)=" in learner.cells[0].source
    assert "a solution is folded under the exercise" in learner.cells[0].source
    assert "Part II" not in learner.cells[0].source
    assert learner.cells[1].metadata[authoring.EXERCISE_KEY] == "double"
    assert authoring.BOOK_KEY not in learner.cells[1].metadata


def test_book_version_executes_the_solution_and_carries_stub_and_solution():
    nb = exercise_notebook()
    book = authoring.book_version(nb, "09_demo.ipynb")
    assert [c.source for c in book.cells] == [
        c.source for c in nb.cells if "solution-only" not in c.metadata.get("tags", [])]
    exercise = book.cells[1]
    assert exercise.metadata[authoring.EXERCISE_KEY] == "double"
    views = exercise.metadata[authoring.BOOK_KEY]
    assert views["stub"] == strip_solutions(exercise.source, "x")
    assert views["solution"] == "def double(x):\n    return 2 * x"
    assert "BEGIN" not in views["solution"] and "return 2 * x" not in views["stub"]
    plot, shown, anim = book.cells[2:]
    assert "hide-input" in plot.metadata["tags"], "figure code is folded"
    assert shown.metadata["tags"] == ["show-input"], "unless the author shows it"
    assert "hide-input" in anim.metadata["tags"], "animation code is folded"
    assert "tags" not in nb.cells[3].metadata, "the source notebook is not modified"


def test_solution_code_keeps_code_around_the_blocks():
    source = "a = 1\n    ### BEGIN SOLUTION\n    b = 2\n    ### END SOLUTION\nc = 3"
    assert authoring.solution_code(source) == "a = 1\n    b = 2\nc = 3"
    with pytest.raises(AuthoringError, match="never closed"):
        authoring.solution_code("### BEGIN SOLUTION\nb = 2")


def test_normalising_drops_the_retired_back_links(tmp_path):
    path = tmp_path / "09_demo.ipynb"
    nbformat.write(exercise_notebook(), path)
    authoring.normalise(path)
    cells = nbformat.read(path, as_version=4).cells
    assert len(cells) == 5 and not any(authoring.is_back_link(c) for c in cells)
