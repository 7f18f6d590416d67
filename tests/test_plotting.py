"""course_lib.viz.plotting: every figure draws on small inputs, returns the right type,
has the expected artists and rejects bad input with a message naming the argument."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course_lib.train import History  # noqa: E402
from course_lib.viz import plotting  # noqa: E402

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def blobs():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 2))
    y = (x[:, 0] > 0).astype(int) + (x[:, 1] > 1)
    return x, y


def bowl(w):
    return w[..., 0] ** 2 + 4 * w[..., 1] ** 2


# --- decision_boundary ---------------------------------------------------------

def test_decision_boundary_from_scores(blobs):
    x, y = blobs
    ax = plotting.decision_boundary(lambda p: np.c_[-p[:, 0], p[:, 0], p[:, 1] - 1], x, y,
                                    resolution=20)
    assert isinstance(ax, Axes)
    assert len(ax.images) == 1
    assert ax.images[0].get_array().shape == (20, 20)
    assert len(ax.collections) == len(np.unique(y))  # one scatter per class
    assert ax.get_xlabel() == "$x_1$" and ax.get_title() == ""


def test_decision_boundary_from_labels_and_probabilities(blobs):
    x, y = blobs
    _, ax = plt.subplots()
    out = plotting.decision_boundary(lambda p: (p[:, 0] > 0).astype(int), x, y, ax=ax,
                                     resolution=10)
    assert out is ax
    ax2 = plotting.decision_boundary(lambda p: 1 / (1 + np.exp(-p[:, 0])), x, (y > 0).astype(int),
                                     resolution=10)
    assert set(np.unique(ax2.images[0].get_array())) == {0, 1}
    ax3 = plotting.decision_boundary(lambda p: p[:, 1] > 0, x, y, resolution=10)
    assert set(np.unique(ax3.images[0].get_array())) == {0, 1}


def test_decision_boundary_padding_sets_window():
    x = np.array([[0.0, 0.0], [1.0, 2.0]])
    ax = plotting.decision_boundary(lambda p: np.zeros(len(p), int), x, [0, 0],
                                    resolution=5, padding=1.0)
    assert ax.get_xlim() == pytest.approx((-1.0, 2.0))
    assert ax.get_ylim() == pytest.approx((-1.0, 3.0))


def test_decision_boundary_rejects_bad_input(blobs):
    x, y = blobs
    with pytest.raises(ValueError, match="x must have shape"):
        plotting.decision_boundary(lambda p: p[:, 0] > 0, x[:, :1], y)
    with pytest.raises(ValueError, match="y must have length"):
        plotting.decision_boundary(lambda p: p[:, 0] > 0, x, y[:-1])
    with pytest.raises(TypeError, match="predict"):
        plotting.decision_boundary("model", x, y)
    with pytest.raises(ValueError, match="predict must map"):
        plotting.decision_boundary(lambda p: p[:, 0] * 3, x, y, resolution=5)
    with pytest.raises(ValueError, match="resolution"):
        plotting.decision_boundary(lambda p: p[:, 0] > 0, x, y, resolution=1)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plotting.decision_boundary(lambda p: p[:, 0] > 0, x, y, ax="left")


# --- plot_history ----------------------------------------------------------------

def test_plot_history_from_history_object():
    h = History()
    h["train_loss"] += [1.0, 0.6, 0.4]
    h["val_loss"] += [1.1, 0.8, 0.9]
    ax = plotting.plot_history(h)
    assert isinstance(ax, Axes)
    assert [line.get_label() for line in ax.lines] == ["train loss", "validation loss"]
    assert list(ax.lines[0].get_xdata()) == [1, 2, 3]
    assert ax.lines[0].get_color() == plotting.TRAIN_COLOR
    assert ax.lines[1].get_color() == plotting.VAL_COLOR
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss"
    assert ax.get_legend() is not None


def test_plot_history_several_metrics_and_dicts():
    history = {"train_loss": [1.0, 0.5], "val_loss": [1.2, 0.7],
               "train_accuracy": [0.5, 0.8], "val_accuracy": [], "lr": [0.1, 0.05]}
    ax = plotting.plot_history(history, metrics=("loss", "accuracy"))
    assert len(ax.lines) == 3  # the empty val_accuracy is skipped
    assert ax.get_ylabel() == "value"
    ax = plotting.plot_history(history, metrics="lr")
    assert [line.get_label() for line in ax.lines] == ["lr"]


def test_plot_history_rejects_bad_input():
    with pytest.raises(ValueError, match="metrics must be among"):
        plotting.plot_history({"train_loss": [1.0]}, metrics=("acc",))
    with pytest.raises(ValueError, match="no recorded epochs"):
        plotting.plot_history(History())
    with pytest.raises(TypeError, match="history must be"):
        plotting.plot_history([1.0, 0.5])


# --- loss_surface and plot_trajectory --------------------------------------------

def test_loss_surface_draws_contours_and_minimum():
    ax = plotting.loss_surface(bowl, (-2, 2), (-1, 1), levels=10, resolution=30,
                               minimum=[0, 0])
    assert isinstance(ax, Axes)
    assert len(ax.collections) == 1  # the contour set
    assert [line.get_label() for line in ax.lines] == ["minimum"]
    assert ax.get_xlim() == (-2, 2) and ax.get_ylim() == (-1, 1)
    assert ax.get_xlabel() == "$w_1$"


def test_loss_surface_log_levels():
    ax = plotting.loss_surface(bowl, (-2, 2), (-1, 1), levels=8, log_levels=True,
                               resolution=31)
    levels = ax.collections[0].levels
    assert len(levels) == 8 and np.all(levels > 0)
    assert np.allclose(np.diff(np.log(levels)), np.log(levels[1] / levels[0]))


def test_loss_surface_rejects_bad_input():
    with pytest.raises(ValueError, match=r"f\(w\) must return shape \(10, 10\)"):
        plotting.loss_surface(lambda w: w[0] ** 2, (-1, 1), (-1, 1), resolution=10)
    with pytest.raises(ValueError, match="xlim must be a pair"):
        plotting.loss_surface(bowl, (1, -1), (-1, 1))
    with pytest.raises(ValueError, match="log_levels needs"):
        plotting.loss_surface(lambda w: w[..., 0] - 5, (-1, 1), (-1, 1), log_levels=True,
                              resolution=10)
    with pytest.raises(ValueError, match="minimum must have shape"):
        plotting.loss_surface(bowl, (-1, 1), (-1, 1), resolution=10, minimum=[0, 0, 0])


def test_plot_trajectory_markers_colours_and_legend():
    path = np.array([[1.0, 1.0], [0.5, 0.4], [0.2, 0.1], [0.0, 0.0]])
    ax = plotting.plot_trajectory(path, label="gd")
    assert isinstance(ax, Axes)
    assert len(ax.lines) == 3  # path, start, end
    assert np.allclose(ax.lines[0].get_xydata(), path)
    assert ax.lines[1].get_xydata().tolist() == [[1.0, 1.0]]
    assert ax.lines[2].get_xydata().tolist() == [[0.0, 0.0]]
    plotting.plot_trajectory(path * 2, ax=ax, label="momentum")
    assert ax.lines[3].get_color() != ax.lines[0].get_color()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["gd", "momentum"]
    ax = plotting.plot_trajectory(path, color="black")
    assert ax.get_legend() is None and ax.lines[0].get_color() == "black"


def test_plot_trajectory_keeps_the_surface_window_and_drops_divergence():
    ax = plotting.loss_surface(bowl, (-2, 2), (-1, 1), resolution=10)
    path = np.array([[1.0, 0.5], [-3.0, 1.5], [90.0, -40.0], [np.inf, np.nan]])
    plotting.plot_trajectory(path, ax=ax)
    assert ax.get_xlim() == (-2, 2) and ax.get_ylim() == (-1, 1)
    assert len(ax.lines[0].get_xdata()) == 3


def test_plot_trajectory_rejects_bad_paths():
    with pytest.raises(ValueError, match=r"path must have shape \(any, 2\)"):
        plotting.plot_trajectory(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="path must have 2 dimensions"):
        plotting.plot_trajectory(np.zeros(4))
    with pytest.raises(ValueError, match="path must start with a finite point"):
        plotting.plot_trajectory(np.zeros((0, 2)))


# --- layer_histograms ---------------------------------------------------------------

def test_layer_histograms_one_panel_per_layer_with_std():
    rng = np.random.default_rng(0)
    values = [rng.normal(size=(20, 5)), 0.1 * rng.normal(size=50), np.zeros(10)]
    fig = plotting.layer_histograms(values, bins=10)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 3
    for ax, v in zip(fig.axes, values):
        assert len(ax.patches) == 10
        texts = [t.get_text() for t in ax.texts]
        assert f"std {v.std():.3g}" in texts
    assert fig.axes[0].get_xlim() == fig.axes[2].get_xlim()  # shared x
    assert fig.get_supxlabel() == "activation"


def test_layer_histograms_dict_and_reused_figure():
    fig = plt.figure()
    plt.gca().plot([0, 1])
    out = plotting.layer_histograms({"w1": [1.0, 2.0, 3.0], "w2": [0.0, 1.0]}, fig=fig,
                                    xlabel="weight", sharex=False)
    assert out is fig and len(fig.axes) == 2
    assert fig.axes[1].texts[0].get_text() == "w2"


def test_layer_histograms_rejects_bad_input():
    with pytest.raises(ValueError, match="at least one layer"):
        plotting.layer_histograms([])
    with pytest.raises(ValueError, match=r"values_by_layer\[1\] must be finite"):
        plotting.layer_histograms([np.ones(3), np.array([1.0, np.inf])])
    with pytest.raises(TypeError, match="values_by_layer must be a list"):
        plotting.layer_histograms(np.ones(3))


# --- image_grid ------------------------------------------------------------------

def test_image_grid_shapes_labels_and_wrong_predictions():
    images = np.arange(7 * 64, dtype=float).reshape(7, 64)
    labels = np.array([0, 1, 2, 3, 4, 5, 6])
    predictions = np.array([0, 1, 9, 3, 4, 5, 0])
    fig = plotting.image_grid(images, labels, predictions, ncols=4)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 8  # 2 rows of 4
    drawn = [ax for ax in fig.axes if ax.images]
    assert len(drawn) == 7 and drawn[0].images[0].get_array().shape == (8, 8)
    texts = [ax.texts[0] for ax in drawn]
    assert texts[2].get_text() == "true 2\npred 9"
    red = [i for i, t in enumerate(texts) if t.get_color() == plotting.WRONG_COLOR]
    assert red == [2, 6]


def test_image_grid_3d_images_class_names_and_no_labels():
    images = np.zeros((3, 5, 4))
    fig = plotting.image_grid(images, labels=[0, 1, 1], class_names=["cat", "dog"])
    assert [ax.texts[0].get_text() for ax in fig.axes] == ["cat", "dog", "dog"]
    fig = plotting.image_grid(images)
    assert all(not ax.texts for ax in fig.axes)


def test_image_grid_rejects_bad_input():
    with pytest.raises(ValueError, match="shape must be"):
        plotting.image_grid(np.zeros((3, 10)))
    with pytest.raises(ValueError, match="labels must have length 3"):
        plotting.image_grid(np.zeros((3, 64)), labels=[1, 2])
    with pytest.raises(ValueError, match="class_names must name all 3 classes"):
        plotting.image_grid(np.zeros((3, 64)), labels=[0, 1, 2], class_names=["a"])
    with pytest.raises(ValueError, match="at most|between 1 and"):
        plotting.image_grid(np.zeros((1000, 64)))


# --- plot_confusion_matrix ---------------------------------------------------------

def test_confusion_matrix_counts_and_axes():
    cm = np.array([[5, 1, 0], [2, 7, 1], [0, 0, 9]])
    ax = plotting.plot_confusion_matrix(cm, class_names=["a", "b", "c"])
    assert isinstance(ax, Axes)
    assert len(ax.images) == 1 and len(ax.texts) == 9
    assert ax.texts[3].get_text() == "2"  # row 1 (true b), column 0 (predicted a)
    assert ax.get_xlabel() == "predicted" and ax.get_ylabel() == "true"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]


def test_confusion_matrix_normalized_rows():
    ax = plotting.plot_confusion_matrix([[3, 1], [0, 0]], normalize=True)
    assert [t.get_text() for t in ax.texts] == ["0.75", "0.25", "0.00", "0.00"]


def test_confusion_matrix_rejects_bad_input():
    with pytest.raises(ValueError, match="cm must be a square"):
        plotting.plot_confusion_matrix(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="non-negative"):
        plotting.plot_confusion_matrix([[1, -1], [0, 1]])


# --- plot_curve_fit ----------------------------------------------------------------

def test_curve_fit_callables_and_arrays():
    x = np.linspace(-1, 1, 12)
    y = x**2
    ax = plotting.plot_curve_fit(x, y, {"parabola": lambda t: t**2, "values": y[::-1] * 0})
    assert isinstance(ax, Axes)
    assert len(ax.collections) == 1 and len(ax.lines) == 2
    assert len(ax.lines[0].get_xdata()) == 400
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["data", "parabola", "values"]


def test_curve_fit_column_inputs_reach_the_model_as_columns():
    x = np.linspace(0, 1, 5).reshape(-1, 1)
    seen = []

    def model(t):
        seen.append(t.shape)
        return 2 * t

    ax = plotting.plot_curve_fit(x, 2 * x, {"model": model})
    assert seen == [(400, 1)] and len(ax.lines) == 1


def test_curve_fit_rejects_bad_input():
    x = np.linspace(0, 1, 5)
    with pytest.raises(ValueError, match="y must have one value per point"):
        plotting.plot_curve_fit(x, x[:3], {})
    with pytest.raises(ValueError, match=r"fits\['bad'\] must hold one value"):
        plotting.plot_curve_fit(x, x, {"bad": np.ones(3)})
    with pytest.raises(TypeError, match="fits must be a dict"):
        plotting.plot_curve_fit(x, x, [lambda t: t])
