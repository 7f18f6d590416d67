"""A stub left in a solution notebook fails in strict mode; learners never see a crash."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from course_lib.exercises import MIME_TYPE

STUB = '''
def relu(z):
    # YOUR CODE HERE
    raise NotImplementedError
'''


def run(tmp_path, monkeypatch, strict: bool):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("from course_lib.exercises import check"),
        nbformat.v4.new_code_cell(STUB),
        nbformat.v4.new_code_cell('check("relu", relu)'),
        nbformat.v4.new_code_cell("after = 1"),
    ]
    if strict:
        monkeypatch.setenv("COURSE_STRICT", "1")
    else:
        monkeypatch.delenv("COURSE_STRICT", raising=False)
    NotebookClient(nb, timeout=60, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    return nb


@pytest.mark.slow
def test_stub_fails_in_strict_mode(tmp_path, monkeypatch):
    with pytest.raises(CellExecutionError, match="CheckFailed"):
        run(tmp_path, monkeypatch, strict=True)


@pytest.mark.slow
def test_stub_reports_not_implemented_and_the_notebook_goes_on(tmp_path, monkeypatch):
    nb = run(tmp_path, monkeypatch, strict=False)
    outputs = nb.cells[2].outputs
    assert outputs[0]["data"][MIME_TYPE]["status"] == "not_implemented"
    assert "not implemented yet" in outputs[0]["data"]["text/plain"]
    assert nb.cells[3].execution_count is not None
