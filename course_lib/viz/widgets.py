"""Interactive explorations and their static counterparts for the website.

A chapter explores with :func:`explore` (sliders, with a kernel) and shows
the same idea without a kernel with :func:`animation_html` (a scrubbable
animation embedded in the page) or :func:`small_multiples` (one panel per
value). Write the drawing once as ``draw(ax, **values)`` and pass it to both::

    def draw(ax, lr=0.1):
        ax = plotting.loss_surface(surfaces.ravine.f, (-2, 2), (-1, 1), ax=ax)
        plotting.plot_trajectory(path_for(lr), ax=ax)

    widgets.explore(draw, lr=(0.01, 0.5, 0.01))         # in the notebook
    widgets.small_multiples(draw, [0.01, 0.1, 0.4], "lr")  # in the book
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from tempfile import TemporaryDirectory

import ipywidgets
import matplotlib.pyplot as plt
from IPython.display import HTML, display
from matplotlib.animation import FuncAnimation, HTMLWriter
from matplotlib.figure import Figure

from course_lib.validation import check_positive, describe

__all__ = ["animation_html", "explore", "small_multiples"]


def _check_callable(f: object, name: str, contract: str) -> None:
    if not callable(f):
        raise TypeError(f"{name} must be a callable {contract}, got {describe(f)}")


def animation_html(fig: Figure, update: Callable, frames: int | Iterable,
                   interval: int = 200) -> HTML:
    """Render an animation as HTML with a slider and play buttons, for a static page.

    Parameters
    ----------
    fig : matplotlib Figure
        Drawn into by ``update``; closed afterwards so that it is not also
        shown as a still image below the animation.
    update : callable
        ``update(frame)`` redraws ``fig`` for one frame (set data on existing
        artists, or clear the axes and draw again).
    frames : int or iterable
        The number of frames (``update`` gets 0, 1, ...) or the values to pass.
    interval : int
        Milliseconds between frames when playing.

    Returns
    -------
    IPython.display.HTML
        The JavaScript player with every frame embedded as a JPEG (a third to
        a tenth of the size of PNG frames, so pages stay light); plays once.

    Raises
    ------
    ValueError
        When the frames add up to more than ``plt.rcParams["animation.embed_limit"]``
        megabytes, instead of silently dropping the frames past it as
        matplotlib does. Keep pages light: a small figure (about 4 by 3 inches)
        and a few dozen frames make well under 2 MB.

    Notes
    -----
    ``FuncAnimation(fig, update, frames, interval).to_jshtml(default_mode="once")``,
    with JPEG frames at quality ``FRAME_QUALITY``.

    Taught in chapter 4, section 'Descent in two dimensions: bowls and ravines'.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {describe(fig)}")
    _check_callable(update, "update", "update(frame) that redraws the figure")
    if isinstance(frames, Iterable) and not isinstance(frames, (str, bytes)):
        frames = list(frames)
        if not frames:
            raise ValueError("frames must hold at least one frame, got an empty sequence")
    else:
        frames = check_positive(frames, "frames", integer=True)
    interval = check_positive(interval, "interval", integer=True)

    limit_mb = float(plt.rcParams["animation.embed_limit"])
    try:
        # Render everything, then check the size ourselves: past the limit
        # matplotlib drops frames with only a log message.
        with plt.rc_context({"animation.embed_limit": max(limit_mb, 1.0) * 64,
                             "animation.frame_format": "jpeg"}):
            animation = FuncAnimation(fig, update, frames=frames, interval=interval,
                                      repeat=False)
            html = _jshtml(animation, 1000 / interval)
    finally:
        plt.close(fig)
    size_mb = len(html) / 2**20
    if size_mb > limit_mb:
        raise ValueError(
            f"the animation takes {size_mb:.1f} MB, more than "
            f"plt.rcParams['animation.embed_limit'] = {limit_mb:g} MB: use fewer frames, "
            "a smaller figure or a lower fig.dpi"
        )
    return HTML(html)


#: JPEG quality of animation frames: plots stay crisp, pages stay light.
FRAME_QUALITY = 65


def _jshtml(animation: FuncAnimation, fps: float) -> str:
    """``animation.to_jshtml(default_mode="once")`` with JPEG frames of ``FRAME_QUALITY``,
    and its buttons' icons drawn inline (see ``_self_contained``)."""
    with TemporaryDirectory() as tmpdir:
        path = Path(tmpdir, "animation.html")
        writer = HTMLWriter(fps=fps, embed_frames=True, default_mode="once")
        animation.save(str(path), writer=writer,
                       savefig_kwargs={"pil_kwargs": {"quality": FRAME_QUALITY}})
        return _self_contained(path.read_text())


# matplotlib's player links Font Awesome 4 from a CDN and draws each button's icon
# with it (an empty ``<i class="fa fa-...">``): offline (the in-browser app, a
# reader without internet) the buttons are blank. Each icon is drawn here as a small
# inline SVG in the text colour instead; the buttons keep matplotlib's title and
# aria-label ("Play", "Next frame", ...), which name them for screen readers.
_FONT_AWESOME_LINK = re.compile(r'<link rel="stylesheet"\s+href="[^"]*font-awesome[^"]*"\s*/?>\s*')
_ICON = re.compile(r'<i class="fa (fa-[a-z-]+(?: fa-flip-horizontal)?)"></i>')
_ICON_PATHS = {  # 16 x 16 view box
    "fa-minus": "M3 7h10v2H3z",
    "fa-plus": "M7 3h2v4h4v2H9v4H7V9H3V7h4z",
    "fa-play": "M4 2l10 6-10 6z",
    "fa-play fa-flip-horizontal": "M12 2L2 8l10 6z",
    "fa-pause": "M3 2h4v12H3zM9 2h4v12H9z",
    "fa-step-forward": "M2 2l9 6-9 6zM12 2h2v12h-2z",
    "fa-step-backward": "M14 2L5 8l9 6zM2 2h2v12H2z",
    "fa-fast-forward": "M1 2l6 6-6 6zM7 2l6 6-6 6zM13 2h2v12h-2z",
    "fa-fast-backward": "M15 2L9 8l6 6zM9 2L3 8l6 6zM1 2h2v12H1z",
}


def _svg_icon(match: re.Match) -> str:
    path = _ICON_PATHS.get(match.group(1))
    if path is None:  # an icon this version of matplotlib added: left as it is
        return match.group(0)
    return ('<svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" '
            f'focusable="false"><path fill="currentColor" d="{path}"/></svg>')


def _self_contained(html: str) -> str:
    """The player's HTML without the Font Awesome link, with inline SVG icons."""
    return _ICON.sub(_svg_icon, _FONT_AWESOME_LINK.sub("", html))


def _draw_function(plot: Callable) -> Callable:
    """Wrap ``plot`` for ipywidgets.interactive: draw, display new figures, close them."""
    params = list(inspect.signature(plot).parameters.values())
    wants_ax = bool(params) and params[0].name == "ax"

    def draw(**values):
        before = set(plt.get_fignums())
        if wants_ax:
            _, ax = plt.subplots(figsize=(5.0, 3.6), layout="constrained")
            plot(ax, **values)
        else:
            plot(**values)
        for number in plt.get_fignums():
            if number not in before:
                figure = plt.figure(number)
                display(figure)
                plt.close(figure)

    draw.__signature__ = inspect.Signature(params[1:] if wants_ax else params)
    draw.__name__ = getattr(plot, "__name__", "draw")
    return draw


def explore(plot: Callable, **controls: object) -> ipywidgets.Widget:
    """Controls that redraw a figure whenever their values change.

    Parameters
    ----------
    plot : callable
        Draws a figure from the control values. If its first parameter is
        named ``ax``, it gets a fresh Axes each time: ``plot(ax, **values)``
        (the same function then works with :func:`small_multiples`);
        otherwise ``plot(**values)`` makes its own figure(s). Each redraw
        shows the new figures and closes them.
    **controls
        One per parameter of ``plot``, as for ``ipywidgets.interact``: a
        widget, a ``(min, max)`` or ``(min, max, step)`` tuple for a slider
        (an int slider when all are ints), a list of choices, a bool for a
        checkbox, or ``ipywidgets.fixed(value)``. Sliders made from tuples
        redraw when released (``continuous_update=False``), so slow plots
        stay responsive. Default slider values come from ``plot``'s defaults.

    Returns
    -------
    ipywidgets.interactive
        A ``VBox`` of the controls and the output; display it as the last
        expression of a cell. Widgets need a running kernel: the website
        does not show them, so give every exploration a static counterpart
        (``animation_html`` or ``small_multiples``).

    Examples
    --------
    >>> def draw(ax, slope=1.0):
    ...     ax.plot([0, 1], [0, slope])
    >>> explore(draw, slope=(0.0, 2.0, 0.1))  # doctest: +SKIP

    Taught in chapter 1, section 'One neuron as a classifier' (used in every chapter).
    """
    _check_callable(plot, "plot", "that draws a figure from the control values")
    try:
        signature = inspect.signature(plot)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"plot must be a Python function, got {describe(plot)}") from exc
    params = signature.parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    names = list(params)
    names = names[1:] if names[:1] == ["ax"] else names
    unknown = [name for name in controls if name not in names]
    if unknown and not takes_any:
        raise TypeError(f"controls {unknown} are not parameters of plot; it takes {names}")

    widget = ipywidgets.interactive(_draw_function(plot), **controls)
    for control in widget.kwargs_widgets:
        made_here = not isinstance(controls.get(control._kwarg), ipywidgets.Widget)
        if made_here and hasattr(control, "continuous_update"):
            control.continuous_update = False
    return widget


def small_multiples(plot: Callable, values: Sequence, param: str, ncols: int = 4,
                    figsize: tuple[float, float] | None = None) -> Figure:
    """Draw the same plot for several values of one parameter, side by side.

    Parameters
    ----------
    plot : callable
        ``plot(ax, **{param: value})`` draws one panel into ``ax``.
    values : sequence
        One panel per value, in order, each labelled ``param = value`` above it.
    param : str
        The keyword under which ``plot`` receives each value.
    ncols : int
        Panels per row.
    figsize : (float, float), optional
        Defaults to 3 by 2.6 inches per panel.

    Returns
    -------
    matplotlib.figure.Figure
        One Axes per value (spare cells of the last row are removed).

    Examples
    --------
    >>> def draw(ax, slope=1.0):
    ...     ax.plot([0, 1], [0, slope])
    >>> fig = small_multiples(draw, [0.5, 1.0, 2.0], "slope")
    >>> len(fig.axes)
    3
    >>> plt.close("all")

    Taught in chapter 2, section 'Initialization' (the static form of an exploration).
    """
    _check_callable(plot, "plot", "plot(ax, **{param: value}) that draws one panel")
    if not isinstance(param, str) or not param.isidentifier():
        raise TypeError(f"param must be the name of plot's keyword argument, got {describe(param)}")
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"values must be a list of values for {param}, got {describe(values)}")
    if len(values) == 0:
        raise ValueError("values must hold at least one value, got an empty sequence")
    ncols = min(check_positive(ncols, "ncols", integer=True), len(values))
    nrows = -(-len(values) // ncols)
    if figsize is None:
        figsize = (3.0 * ncols, 2.6 * nrows)
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False, layout="constrained")
    for i, ax in enumerate(axes.flat):
        if i >= len(values):
            ax.remove()
            continue
        value = values[i]
        plot(ax, **{param: value})
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        ax.text(0.5, 1.02, f"{param} = {shown}", transform=ax.transAxes, ha="center",
                va="bottom", fontsize=9)
    return fig
