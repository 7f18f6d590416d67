"""The grader's side of an answer: plain data only, and the learner's feedback unchanged."""

from __future__ import annotations

import importlib.util
import os
import tempfile
from pathlib import Path

import nbformat
import numpy as np
import pytest

from course_lib import layers, train
from course_lib.exercises import evaluate
from course_lib.tools.grading import codec, run, sandbox, wire
from course_lib.tools.grading.evaluate import evaluate_in_kernel

# Wrong (and some right) answers, as a learner would write them in one cell.
ANSWERS = '''import numpy as np
from course_lib import layers


def relu(z):
    z[z < 0] = 0
    return z


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def neuron(x, w, b):
    return np.dot(w, x) + b


def numerical_gradient(f, x, h=1e-5):
    g = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f(x)
        x[i] = old
        g[i] = (up - f(x)) / h
    return g


def minibatches(x, y, batch_size, rng):
    for start in range(0, len(x), batch_size):
        yield x[start:start + batch_size], y[start:start + batch_size]


def dropout_forward(x, p, training, rng):
    if not training:
        return x, layers.DropoutCache(None, p)
    mask = rng.random(x.shape) >= p
    return x * mask, layers.DropoutCache(mask, p)


def dropout_backward(dout, cache):
    return dout if cache.mask is None else dout * cache.mask


def he_init(fan_in, fan_out, rng):
    return np.random.normal(0.0, np.sqrt(2 / fan_in), size=(fan_in, fan_out))


xor_weights = {"w1": np.array([[20.0, 20.0], [20.0, 20.0]]), "b1": np.array([-10.0, -30.0]),
               "w2": np.array([[20.0], [-20.0]]), "b2": np.array([-10.0])}
'''
# Keep this module on one xdist worker (`--dist loadgroup`): its kernel starts once.
pytestmark = pytest.mark.xdist_group("grading-wire")

NAMES = ["relu", "sigmoid", "neuron", "numerical_gradient", "minibatches", "dropout_forward",
         "dropout_backward", "he_init", "xor_weights"]


@pytest.fixture(scope="module")
def in_kernel():
    """Each answer checked by the grader, its code running in a sandboxed kernel."""
    home = Path(tempfile.mkdtemp(prefix="course-grade-test-")) / "home"
    os.chmod(home.parent, 0o711)
    run._prepare_home(home)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(ANSWERS)]
    results = {}
    with sandbox.sandbox_user() as uid:
        manager = sandbox.kernel_manager("python3", home, uid, "wire-test", sandbox.Limits())
        client = run._LimitedClient(nb, km=manager, timeout=60, allow_errors=True,
                                    resources={"metadata": {"path": str(home)}})
        with client.setup_kernel(cleanup_kc=True):
            client.execute_cell(nb.cells[0], 0)
            for name in NAMES:
                results[name] = evaluate_in_kernel(client, home, uid, name, 60)[0]
        sandbox.end_processes(uid, "wire-test")
    return results


@pytest.fixture(scope="module")
def in_process(tmp_path_factory):
    """The same answers checked in this process, as the learner's own ``check`` does."""
    path = tmp_path_factory.mktemp("answers") / "learner_answers.py"
    path.write_text(ANSWERS)
    spec = importlib.util.spec_from_file_location("learner_answers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {name: evaluate(name, getattr(module, name)) for name in NAMES}


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_the_grader_says_what_the_learners_check_says(in_kernel, in_process, name):
    got, expected = in_kernel[name], in_process[name]
    assert (got.status, got.hint) == (expected.status, expected.hint)
    # the learner's line is quoted from the notebook's cell, not from a file
    assert got.message.split("\n(at")[0] == expected.message.split("\n(at")[0]


@pytest.mark.slow
def test_the_answers_fail_for_their_own_reasons(in_kernel):
    assert "changed its argument `z` in place" in in_kernel["relu"].message
    assert "RuntimeWarning" in in_kernel["sigmoid"].message
    assert in_kernel["neuron"].status == "error"
    assert "line" in in_kernel["neuron"].message
    assert in_kernel["dropout_backward"].status == "passed"
    assert in_kernel["xor_weights"].status == "passed"  # a value, not a function
    assert {r.status for n, r in in_kernel.items()
            if n not in ("dropout_backward", "xor_weights")} <= {"failed", "error"}


def test_values_cross_as_plain_data_and_come_back_equal():
    side = codec.Codec()
    rng = np.random.default_rng(3)
    rng.random(5)
    history = train.History()
    history["val_loss"] += [1.0, 0.5]
    value = {"a": [1, 2.5, None, True, "s", complex(1, 2), float("nan")],
             3: (np.arange(6, dtype=np.int32).reshape(2, 3), np.float32(1.5)),
             "cache": layers.DropoutCache(np.ones((2, 2)), 0.5), "history": history,
             "rng": rng, "objects": np.array([np.zeros(2), np.ones(2), None], dtype=object)}
    back = side.decode(side.encode(value))
    assert back.keys() == value.keys()
    assert back["a"][:6] == value["a"][:6] and np.isnan(back["a"][6])
    assert back[3][0].dtype == np.int32 and np.array_equal(back[3][0], value[3][0])
    assert type(back[3][1]) is np.float32
    assert isinstance(back["cache"], layers.DropoutCache) and back["cache"].p == 0.5
    assert isinstance(back["history"], train.History) and back["history"] == history
    assert back["rng"].random() == rng.random()
    assert back["objects"].dtype == object and np.array_equal(back["objects"][1], np.ones(2))


@pytest.mark.parametrize("data", [
    {"__nd__": ["|O", [1], ""]},                         # object arrays could hold anything
    {"__obj__": ["os:system", "dataclass", {"__dict__": []}]},  # only course classes
    {"__obj__": ["course_lib.tools.grade:main", "dataclass", {"__dict__": []}]},
    {"__rng__": ["Evil", {"__dict__": []}]},
    {"__pickle__": "gASV"},
    {"a": 1, "b": 2},
])
def test_anything_but_plain_data_is_refused(data):
    with pytest.raises(codec.ChannelClosed):
        codec.Codec().decode(data)


def test_objects_become_handles_and_the_grader_serves_no_attributes():
    learner = wire.Channel(None)
    encoded = learner.encode(lambda a, b=2: a + b)
    assert list(encoded) == ["__handle__"]
    grader = wire.Channel(None, trusted=True)
    grader.handles[1] = os
    with pytest.raises(codec.RemoteError):
        grader._serve({"op": "getattr", "target": 1, "name": "system"})
    handle = grader.decode(encoded)
    assert callable(handle)
    assert [p for p in __import__("inspect").signature(handle).parameters] == ["a", "b"]
