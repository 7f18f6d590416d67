"""Tests for course_lib.datasets: synthetic sets, loaders, splits, scaling, batches."""

import gzip
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import datasets as data
from course_lib.datasets import fashion_mnist


def rng(seed=0):
    return np.random.default_rng(seed)


@pytest.mark.parametrize("make, n", [
    (lambda r: data.spirals(50, r, classes=3), 150),
    (lambda r: data.moons(101, r), 101),
    (lambda r: data.circles(100, r), 100),
])
def test_synthetic_classification_sets(make, n):
    x, y = make(rng())
    assert x.shape == (n, 2) and x.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert np.all(np.bincount(y) >= n // 3)
    x2, y2 = make(rng())
    np.testing.assert_array_equal(x, x2)
    assert not np.array_equal(x, make(rng(1))[0])


def test_circles_radii_without_noise():
    x, y = data.circles(40, rng(), noise=0.0, factor=0.3)
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), np.where(y == 0, 1.0, 0.3))


def test_regression_1d():
    x, y = data.regression_1d(64, rng())
    assert x.shape == y.shape == (64, 1) and x.dtype == y.dtype == np.float64
    assert np.all(np.diff(x[:, 0]) >= 0)
    residual = y - (np.sin(3 * x) + 0.5 * x)
    assert 0.05 < residual.std() < 0.15


def test_load_digits():
    x, y = data.load_digits()
    assert x.shape == (1797, 64) and x.dtype == np.float64
    assert x.min() == 0.0 and x.max() == 1.0
    assert y.dtype == np.int64 and set(np.unique(y)) == set(range(10))


# ---------------------------------------------------------------- IDX and Fashion-MNIST

def write_idx(path, array, code=0x08):
    header = bytes([0, 0, code, array.ndim]) + np.array(array.shape, ">u4").tobytes()
    payload = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as f:
        f.write(payload)


def test_read_idx_roundtrip(tmp_path):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    write_idx(tmp_path / "a-idx3-ubyte.gz", images)
    np.testing.assert_array_equal(data.read_idx(tmp_path / "a-idx3-ubyte.gz"), images)
    floats = np.linspace(-1, 1, 6).reshape(3, 2)
    write_idx(tmp_path / "f", floats, code=0x0E)
    out = data.read_idx(str(tmp_path / "f"))
    np.testing.assert_array_equal(out, floats)
    assert out.dtype.isnative


def test_read_idx_rejects_bad_files(tmp_path):
    (tmp_path / "bad").write_bytes(b"PK\x03\x04 not idx")
    with pytest.raises(ValueError, match="path .*not an IDX file"):
        data.read_idx(tmp_path / "bad")
    write_idx(tmp_path / "short", np.zeros((2, 2), np.uint8))
    (tmp_path / "short").write_bytes((tmp_path / "short").read_bytes()[:-1])
    with pytest.raises(ValueError, match="path .*header implies"):
        data.read_idx(tmp_path / "short")
    with pytest.raises(TypeError, match="^path"):
        data.read_idx(3)


def fake_fashion(folder, n_train=6, n_test=4):
    folder.mkdir(parents=True, exist_ok=True)
    r = rng()
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        write_idx(folder / f"{prefix}-images-idx3-ubyte.gz",
                  r.integers(0, 256, (n, 28, 28)).astype(np.uint8))
        write_idx(folder / f"{prefix}-labels-idx1-ubyte", np.arange(n, dtype=np.uint8) % 10)


def test_load_fashion_mnist_from_path(tmp_path):
    fake_fashion(tmp_path)
    assert data.fashion_mnist_available(tmp_path)
    ds = data.load_fashion_mnist(tmp_path)
    assert ds.x_train.shape == (6, 784) and ds.x_test.shape == (4, 784)
    assert ds.x_train.dtype == np.float32 and 0 <= ds.x_train.min() <= ds.x_train.max() <= 1
    assert ds.y_train.dtype == np.int64 and ds.y_test.tolist() == [0, 1, 2, 3]
    assert len(data.FASHION_MNIST_CLASSES) == 10


def test_load_fashion_mnist_from_env_and_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(fashion_mnist, "FASHION_MNIST_DEBIAN_DIR", tmp_path / "nodebian")
    fake_fashion(tmp_path / "env")
    monkeypatch.setenv("COURSE_FASHION_MNIST", str(tmp_path / "env"))
    assert data.load_fashion_mnist().x_train.shape == (6, 784)
    monkeypatch.delenv("COURSE_FASHION_MNIST")
    fake_fashion(tmp_path / "cache", n_train=3)
    assert data.load_fashion_mnist(cache_dir=tmp_path / "cache").x_train.shape == (3, 784)


def test_missing_fashion_mnist_says_where_and_how(tmp_path, monkeypatch):
    monkeypatch.setattr(fashion_mnist, "FASHION_MNIST_DEBIAN_DIR", tmp_path / "nodebian")
    monkeypatch.delenv("COURSE_FASHION_MNIST", raising=False)

    def no_network(*args, **kwargs):
        raise AssertionError("tried to download")

    monkeypatch.setattr(fashion_mnist.urllib.request, "urlopen", no_network)
    with pytest.raises(FileNotFoundError) as err:
        data.load_fashion_mnist(cache_dir=tmp_path / "cache")
    message = str(err.value)
    assert "nodebian" in message and "cache" in message
    assert "dataset-fashion-mnist" in message and "download=True" in message
    assert not data.fashion_mnist_available(tmp_path / "empty")
    with pytest.raises(TypeError, match="^download"):
        data.load_fashion_mnist(download="yes")
    with pytest.raises(TypeError, match="^path"):
        data.load_fashion_mnist(path=3)


@pytest.mark.skipif(not data.fashion_mnist_available(), reason="Fashion-MNIST not installed")
def test_real_fashion_mnist_shapes():
    ds = data.load_fashion_mnist()
    assert ds.x_train.shape == (60000, 784) and ds.x_test.shape == (10000, 784)
    assert np.bincount(ds.y_test).tolist() == [1000] * 10


# ---------------------------------------------------------------- splits and scaling

def test_split_is_stratified_and_disjoint():
    x = np.arange(200.0).reshape(100, 2)
    y = np.repeat([0, 1, 2, 3], 25)
    s = data.train_val_test_split(x, y, rng(), val_fraction=0.2, test_fraction=0.2)
    assert [len(p[0]) for p in s] == [60, 20, 20]
    for part in s:
        assert np.bincount(part[1]).tolist() == [len(part[1]) // 4] * 4
        np.testing.assert_array_equal(part[0][:, 0] // 50, part[1])
    ids = np.concatenate([p[0][:, 0] for p in s])
    assert sorted(ids.tolist()) == x[:, 0].tolist()
    assert s.train[0].shape[1] == 2


def test_split_without_stratify_accepts_regression_targets():
    x, y = data.regression_1d(50, rng())
    s = data.train_val_test_split(x, y, rng(), test_fraction=0.1, stratify=False)
    assert [len(p[0]) for p in s] == [35, 10, 5]


def test_standardizer():
    x = np.array([[1.0, 5.0], [3.0, 5.0], [5.0, 5.0]])
    s = data.Standardizer().fit(x)
    z = s.transform(x)
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=0), [1.0, 0.0])
    np.testing.assert_allclose(data.Standardizer().fit_transform(x), z)
    with pytest.raises(RuntimeError, match="before fit"):
        data.Standardizer().transform(x)
    with pytest.raises(ValueError, match="^x must have 2 columns"):
        s.transform(np.ones((2, 3)))


def test_standardizer_min_std_caps_the_amplification_of_near_constant_features():
    # one bright pixel in 1000 training images: std about 0.03, so a new image
    # with that pixel at 1 becomes an input of about 32 without the floor
    x = np.zeros((1000, 2))
    x[0, 0] = 1.0
    x[:, 1] = np.linspace(0.0, 1.0, 1000)
    new = np.array([[1.0, 0.5]])
    plain = data.Standardizer().fit(x).transform(new)
    floored = data.Standardizer(min_std=0.1).fit(x).transform(new)
    assert plain[0, 0] > 30
    np.testing.assert_allclose(floored[0, 0], (1.0 - 0.001) / 0.1)
    np.testing.assert_allclose(floored[0, 1], plain[0, 1])  # a normal feature is unchanged
    constant = data.Standardizer(min_std=0.5).fit(np.full((4, 1), 3.0))
    np.testing.assert_allclose(constant.transform(np.array([[4.0]])), [[2.0]])
    assert data.Standardizer(min_std=0.1).fit(x.astype(np.float32)).transform(
        new.astype(np.float32)).dtype == np.float32
    with pytest.raises(ValueError, match="^min_std"):
        data.Standardizer(min_std=-1.0)


@settings(max_examples=40)
@given(st.integers(1, 60), st.integers(1, 70), st.integers(0, 100))
def test_minibatches_cover_each_example_once(n, batch_size, seed):
    x = np.arange(2 * n, dtype=float).reshape(n, 2)
    y = np.arange(n)
    batches = list(data.minibatches(x, y, batch_size, rng(seed)))
    assert all(len(xb) == batch_size for xb, _ in batches[:-1])
    assert 1 <= len(batches[-1][0]) <= batch_size
    seen = np.concatenate([yb for _, yb in batches])
    assert sorted(seen.tolist()) == list(range(n))
    for xb, yb in batches:
        np.testing.assert_array_equal(xb[:, 0], 2 * yb)


def test_minibatches_shuffle_only_with_rng():
    x, y = np.zeros((50, 1)), np.arange(50)
    ordered = np.concatenate([yb for _, yb in data.minibatches(x, y, 8, None)])
    np.testing.assert_array_equal(ordered, y)
    shuffled = np.concatenate([yb for _, yb in data.minibatches(x, y, 8, rng())])
    assert not np.array_equal(shuffled, y)


def test_one_hot():
    np.testing.assert_array_equal(data.one_hot(np.array([1, 0, 2]), 3), np.eye(3)[[1, 0, 2]])


def test_augment_digits_shifts_and_keeps_shape():
    x, _ = data.load_digits()
    out = data.augment_digits(x[:50], rng(), max_shift=1)
    assert out.shape == (50, 64) and out.dtype == np.float64
    np.testing.assert_array_equal(data.augment_digits(x[:5], rng(), 0), x[:5])
    image = np.zeros((1, 64))
    image[0, 3 * 8 + 3] = 1.0
    moved = data.augment_digits(np.repeat(image, 200, axis=0), rng(), max_shift=2)
    assert np.all(moved.sum(axis=1) == 1.0)
    rows, cols = np.divmod(moved.argmax(axis=1), 8)
    assert set(rows.tolist()) == set(range(1, 6)) and set(cols.tolist()) == set(range(1, 6))


@pytest.mark.parametrize("call, error, name", [
    (lambda: data.spirals(0, rng()), ValueError, "n_per_class"),
    (lambda: data.spirals(10, 0), TypeError, "rng"),
    (lambda: data.spirals(10, rng(), classes=1), ValueError, "classes"),
    (lambda: data.spirals(10, rng(), noise=-1.0), ValueError, "noise"),
    (lambda: data.moons(2.5, rng()), TypeError, "n"),
    (lambda: data.moons(10, None), TypeError, "rng"),
    (lambda: data.circles(10, rng(), factor=1.0), ValueError, "factor"),
    (lambda: data.regression_1d(-3, rng()), ValueError, "n"),
    (lambda: data.train_val_test_split(np.ones((4, 2)), np.ones(3), rng()), ValueError, "y"),
    (lambda: data.train_val_test_split(np.ones(4), np.ones(4), rng()), ValueError, "x"),
    (lambda: data.train_val_test_split(np.ones((4, 2)), np.zeros(4, int), rng(), 0.5, 0.5),
     ValueError, "val_fraction"),
    (lambda: data.train_val_test_split(np.ones((4, 2)), np.zeros(4, int), rng(), 1.2),
     ValueError, "val_fraction"),
    (lambda: data.train_val_test_split(np.ones((4, 2)), np.full(4, 0.5), rng()),
     TypeError, "y"),
    (lambda: data.Standardizer().fit(np.ones(3)), ValueError, "x"),
    (lambda: data.minibatches(np.ones((4, 2)), np.ones(3), 2, None), ValueError, "x and y"),
    (lambda: data.minibatches(np.ones((4, 2)), np.ones(4), 0, None), ValueError, "batch_size"),
    (lambda: data.minibatches(np.ones((4, 2)), np.ones(4), 2, 42), TypeError, "rng"),
    (lambda: data.one_hot(np.array([0, 3]), 3), ValueError, "y"),
    (lambda: data.one_hot(np.array([0, 1]), 0), ValueError, "num_classes"),
    (lambda: data.augment_digits(np.ones((2, 63)), rng()), ValueError, "x"),
    (lambda: data.augment_digits(np.ones((2, 64)), rng(), max_shift=8), ValueError, "max_shift"),
    (lambda: data.augment_digits(np.ones((2, 64)), "rng"), TypeError, "rng"),
])
def test_bad_input_names_the_argument(call, error, name):
    with pytest.raises(error, match=rf"^{re.escape(name)}"):
        call()
