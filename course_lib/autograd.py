"""A micrograd-sized scalar autograd, and a matplotlib drawing of its graph.

Each ``Value`` remembers the values it was computed from and how to pass a
gradient back to them; ``backward`` visits the graph in reverse topological
order applying the chain rule. Nothing else in ``course_lib`` depends on it.
"""

from __future__ import annotations

import math

from course_lib.validation import describe


class Value:
    """A scalar that records the operations that produced it.

    Parameters
    ----------
    data : float
    children : tuple of Value
        The operands this value was computed from.
    op : str
        The operation's symbol, shown in the graph.
    label : str
        A name to show in the graph.

    Examples
    --------
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> c = a * b + a
    >>> c.backward()
    >>> c.data, a.grad, b.grad
    (-4.0, -2.0, 2.0)

    Taught in chapter 3, section 'Computational graphs'.
    """

    def __init__(self, data: float, children: tuple = (), op: str = "", label: str = ""):
        if isinstance(data, bool) or not isinstance(data, (int, float)) or not math.isfinite(data):
            raise TypeError(f"data must be a finite number, got {describe(data)}")
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(children)
        self._op = op
        self.label = label
        self._backward = lambda: None

    @staticmethod
    def _wrap(other: object) -> Value:
        return other if isinstance(other, Value) else Value(other)

    def __add__(self, other: object) -> Value:
        other = self._wrap(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward() -> None:
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other: object) -> Value:
        other = self._wrap(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, exponent: float) -> Value:
        if isinstance(exponent, bool) or not isinstance(exponent, (int, float)):
            raise TypeError(f"exponent must be a number, got {describe(exponent)}")
        out = Value(self.data**exponent, (self,), f"**{exponent:g}")

        def _backward() -> None:
            self.grad += exponent * self.data ** (exponent - 1) * out.grad
        out._backward = _backward
        return out

    def _unary(self, data: float, local_grad: float, op: str) -> Value:
        out = Value(data, (self,), op)

        def _backward() -> None:
            self.grad += local_grad * out.grad
        out._backward = _backward
        return out

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return self._unary(t, 1 - t * t, "tanh")

    def sigmoid(self) -> Value:
        x = self.data
        s = 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))
        return self._unary(s, s * (1 - s), "sigmoid")

    def relu(self) -> Value:
        return self._unary(max(self.data, 0.0), float(self.data > 0), "relu")

    def exp(self) -> Value:
        e = math.exp(self.data)
        return self._unary(e, e, "exp")

    def log(self) -> Value:
        if self.data <= 0:
            raise ValueError(f"log needs a positive value, got {self.data}")
        return self._unary(math.log(self.data), 1 / self.data, "log")

    def __neg__(self) -> Value:
        return self * -1

    def __sub__(self, other: object) -> Value:
        return self + (-self._wrap(other))

    def __truediv__(self, other: object) -> Value:
        return self * self._wrap(other) ** -1

    def __radd__(self, other: object) -> Value:
        return self + other

    def __rmul__(self, other: object) -> Value:
        return self * other

    def __rsub__(self, other: object) -> Value:
        return self._wrap(other) - self

    def __rtruediv__(self, other: object) -> Value:
        return self._wrap(other) / self

    def backward(self) -> None:
        """Set ``.grad`` of every value in the graph to d self / d value (reset first)."""
        order, seen = [], set()

        def visit(v: Value) -> None:
            if id(v) not in seen:
                seen.add(id(v))
                for child in v._prev:
                    visit(child)
                order.append(v)
        visit(self)
        for v in order:
            v.grad = 0.0
        self.grad = 1.0
        for v in reversed(order):
            v._backward()

    def __repr__(self) -> str:
        return f"Value(data={self.data:.4g}, grad={self.grad:.4g})"


# How an operation is written in its node of the graph: short, so the node stays small.
_OP_SYMBOLS = {"sigmoid": "σ"}
_FONT_SIZE = 10          # points; the figure is sized so the text keeps this size
_LINE_HEIGHT = 0.19      # inches per line of text
_GAP = 0.22              # inches between a node and the next


def _value_text(v: Value) -> str:
    """Two lines: ``label | data ...`` and ``grad ...``; unlabelled leaves are constants."""
    if v.label:
        name = f"{v.label} | "
    elif not v._prev:
        name = "const | "
    else:
        name = ""
    return f"{name}data {v.data:.4g}\ngrad {v.grad:.4g}"


def _width(text: str) -> float:
    """Width in inches of ``text`` drawn in a box (measured with the default font)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    font = FontProperties(size=_FONT_SIZE)
    points = max(TextToPath().get_text_width_height_descent(line, font, ismath=False)[0]
                 for line in text.split("\n"))
    return points / 72 + 0.2  # the box's padding on both sides


def draw_graph(root: Value, ax=None):
    """Draw the computational graph that produced ``root``, left to right.

    Values are boxes showing label, data and grad (an unlabelled input is a
    ``const``); operations are small nodes between them, each sized to its
    symbol (``*``, ``+``, ``σ`` for sigmoid, ``tanh``...). Columns are depths: inputs on
    the left, ``root`` on the right. The columns are as wide as their widest
    box, so nothing overlaps, and a new figure is sized to keep the text at
    10 points.

    Parameters
    ----------
    root : Value
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure of the right size is made when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Taught in chapter 3, section 'Computational graphs'.
    """
    import matplotlib.pyplot as plt

    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value, got {describe(root)}")
    depth: dict[int, int] = {}
    nodes: dict[int, Value] = {}

    def place(v: Value, d: int) -> None:  # depth = longest path to root
        if depth.get(id(v), -1) < d:
            depth[id(v)], nodes[id(v)] = d, v
            for child in v._prev:
                place(child, d + 1)
    place(root, 0)
    max_d = max(depth.values())
    columns: dict[int, list[int]] = {}
    for key in nodes:  # insertion order: a parent's operands stay next to each other
        columns.setdefault(max_d - depth[key], []).append(key)
    texts = {key: _value_text(v) for key, v in nodes.items()}
    symbols = {key: _OP_SYMBOLS.get(v._op, v._op) for key, v in nodes.items() if v._op}
    # x: each column of values is as wide as its widest box, preceded by its operations
    centre, x = {}, 0.0
    for col in range(max_d + 1):
        keys = columns.get(col, [])
        ops = [_width(symbols[k]) for k in keys if k in symbols]
        op_width = max(ops, default=0.0)
        if col > 0:
            x += _GAP + op_width + _GAP if ops else _GAP
        box_width = max((_width(texts[k]) for k in keys), default=0.0)
        centre[col] = (x + box_width / 2, op_width, box_width)
        x += box_width
    row_step = 2 * _LINE_HEIGHT + 0.3
    pos = {}
    for col, keys in columns.items():
        for row, key in enumerate(keys):
            pos[key] = (centre[col][0], ((len(keys) - 1) / 2 - row) * row_step)
    rows = max(map(len, columns.values()))
    height = rows * row_step + 0.2
    if ax is None:
        fig = plt.figure(figsize=(x + 0.2, height))
        ax = fig.add_axes((0, 0, 1, 1))
    box = {"boxstyle": "round,pad=0.3", "fc": "white", "ec": "0.3"}
    arrow = {"arrowstyle": "->", "shrinkA": 1, "shrinkB": 1, "color": "0.25"}
    boxes = {}
    for key in nodes:
        boxes[key] = ax.text(*pos[key], texts[key], ha="center", va="center", bbox=box,
                             fontsize=_FONT_SIZE, linespacing=1.3, zorder=3)
    for key, v in nodes.items():
        if v._op:  # the operation sits in the gap left of its result
            cx, y = pos[key]
            col = max_d - depth[key]
            op_x = cx - centre[col][2] / 2 - _GAP - centre[col][1] / 2
            symbol = symbols[key]
            style = "circle,pad=0.2" if len(symbol) <= 2 else "round,pad=0.25"
            op = ax.text(op_x, y, symbol, ha="center", va="center", fontsize=_FONT_SIZE,
                         bbox={"boxstyle": style, "fc": "0.9", "ec": "0.3"}, zorder=3)
            ax.annotate("", (0, 0.5), (1, 0.5), xycoords=boxes[key], textcoords=op,
                        arrowprops=arrow)
            for child in v._prev:
                ax.annotate("", (0, 0.5), (1, 0.5), xycoords=op,
                            textcoords=boxes[id(child)], arrowprops=arrow)
    ax.set_xlim(-0.1, x + 0.1)
    ax.set_ylim(-height / 2, height / 2)
    ax.set_axis_off()
    return ax
