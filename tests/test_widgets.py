"""course_lib.viz.widgets: animations embed every frame, explorations build sliders that
redraw, small multiples draw one labelled panel per value."""

import re

import matplotlib

matplotlib.use("Agg")

import ipywidgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from IPython.display import HTML  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course_lib.viz import widgets  # noqa: E402

# Warnings are errors, but for one from ipywidgets before 8.1.6 (the floor is 8.0):
# its interact imports ipykernel's deprecated inline-backend module on each redraw.
pytestmark = [pytest.mark.filterwarnings("error"), pytest.mark.filterwarnings(
    "ignore:`ipykernel.pylab.backend_inline` is deprecated:DeprecationWarning")]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def line_animation(frames, **kwargs):
    fig, ax = plt.subplots(figsize=(2, 1.5), dpi=40)
    (line,) = ax.plot([], [])
    ax.set(xlim=(0, 1), ylim=(-1, 1))
    x = np.linspace(0, 1, 20)
    return fig, widgets.animation_html(fig, lambda k: line.set_data(x, np.sin(k * x)),
                                       frames, **kwargs)


def embedded_frames(html):
    return len(re.findall(r'frames\[\d+\] = "data:image/jpeg', html))


def test_animation_html_embeds_every_frame_and_closes_the_figure():
    fig, html = line_animation(5, interval=100)
    assert isinstance(html, HTML)
    assert embedded_frames(html.data) == 5
    assert "new Array(5)" in html.data
    assert not plt.fignum_exists(fig.number)


def test_animation_html_takes_frame_values():
    _, html = line_animation(v / 2 for v in range(3))
    assert embedded_frames(html.data) == 3


def test_animation_html_is_self_contained_with_labelled_icon_buttons():
    """No request leaves the page (matplotlib links Font Awesome from a CDN), and
    every button shows an icon drawn inline and is named for screen readers."""
    _, html = line_animation(3)
    assert not re.findall(r"https?://", html.data), "the animation links outside the page"
    assert "<link" not in html.data and 'class="fa' not in html.data
    buttons = re.findall(r"<button ([^>]*)>(.*?)</button>", html.data, re.DOTALL)
    assert len(buttons) == 9
    for attributes, content in buttons:
        label = re.search(r'aria-label="([^"]+)"', attributes)
        assert label and re.search(rf'title="{label.group(1)}"', attributes), attributes
        assert re.fullmatch(r'\s*<svg [^>]*aria-hidden="true"[^>]*><path fill="currentColor" '
                            r'd="M[^"]+"/></svg>\s*', content), content
    paths = re.findall(r' d="([^"]+)"', html.data)
    assert len(set(paths)) == 9, "two buttons share an icon"


def test_animation_html_refuses_to_exceed_the_embed_limit():
    with plt.rc_context({"animation.embed_limit": 0.001}):
        with pytest.raises(ValueError, match="embed_limit"):
            line_animation(4)


def test_animation_html_rejects_bad_input():
    fig = plt.figure()
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        widgets.animation_html(plt.gca(), lambda k: None, 3)
    with pytest.raises(TypeError, match="update must be a callable"):
        widgets.animation_html(fig, None, 3)
    with pytest.raises(ValueError, match="frames must be > 0"):
        widgets.animation_html(fig, lambda k: None, 0)


def test_explore_builds_sliders_that_redraw(capsys):
    calls = []

    def draw(ax, slope=1.0, kind="line"):
        calls.append((slope, kind))
        ax.plot([0, 1], [0, slope])

    w = widgets.explore(draw, slope=(0.0, 2.0, 0.5), kind=["line", "dots"])
    assert isinstance(w, ipywidgets.interactive)
    slider, dropdown = w.kwargs_widgets
    assert isinstance(slider, ipywidgets.FloatSlider)
    assert slider.value == 1.0 and slider.continuous_update is False
    assert isinstance(dropdown, ipywidgets.Dropdown)
    slider.value = 1.5
    assert calls == [(1.0, "line"), (1.5, "line")]
    assert plt.get_fignums() == []  # each drawing is shown, then closed


def test_explore_without_ax_and_with_given_widgets():
    calls = []

    def show(n):
        calls.append(n)
        plt.figure()

    slider = ipywidgets.IntSlider(value=2, min=1, max=4)
    w = widgets.explore(show, n=slider)
    assert w.kwargs_widgets[0] is slider and slider.continuous_update is True
    assert calls == [2] and plt.get_fignums() == []


def test_explore_rejects_bad_input():
    with pytest.raises(TypeError, match="plot must be a callable"):
        widgets.explore("plot", a=(0, 1))
    with pytest.raises(TypeError, match=r"controls \['b'\] are not parameters of plot"):
        widgets.explore(lambda ax, a=0: None, a=(0, 1), b=(0, 1))


def test_small_multiples_one_labelled_panel_per_value():
    def draw(ax, lr):
        ax.plot([0, 1], [0, lr])

    fig = widgets.small_multiples(draw, [0.01, 0.1, 1.0, 10.0, 100.0], "lr", ncols=2)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 5  # the sixth cell is removed
    assert [ax.texts[0].get_text() for ax in fig.axes] == [
        "lr = 0.01", "lr = 0.1", "lr = 1", "lr = 10", "lr = 100"]
    assert all(len(ax.lines) == 1 for ax in fig.axes)


def test_small_multiples_rejects_bad_input():
    with pytest.raises(ValueError, match="at least one value"):
        widgets.small_multiples(lambda ax, v: None, [], "v")
    with pytest.raises(TypeError, match="param must be"):
        widgets.small_multiples(lambda ax, v: None, [1], 3)
    with pytest.raises(TypeError, match="values must be a list"):
        widgets.small_multiples(lambda ax, v: None, 5, "v")
