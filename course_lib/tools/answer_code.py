"""A fingerprint of an answer's code, so a saved check result can be dated.

``check`` stores the fingerprint of the function it checked next to its
result; ``progress`` compares it with the fingerprint of the function the
notebook defines now, and flags a result whose code changed after the check
ran. The fingerprint is a digest of the function's syntax tree: comments
and blank lines do not change it, any change to the code does.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import textwrap
from typing import Any


def _digest(node: ast.AST) -> str:
    return hashlib.sha256(ast.dump(node).encode()).hexdigest()[:16]


def _parse(source: str) -> ast.Module | None:
    """Parse a cell, ignoring IPython's ``%magic`` and ``!shell`` lines."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line
             for line in source.splitlines()]
    try:
        return ast.parse(textwrap.dedent("\n".join(lines)))
    except SyntaxError:
        return None


def of_function(fn: Any) -> str | None:
    """The fingerprint of a function defined with ``def`` (``None`` if unknown)."""
    if not inspect.isfunction(fn):
        return None
    try:
        tree = _parse(inspect.getsource(fn))
    except (OSError, TypeError):
        return None
    node = next((n for n in tree.body if isinstance(n, ast.FunctionDef)), None) if tree else None
    return _digest(node) if node is not None else None


def in_source(source: str, name: str) -> str | None:
    """The fingerprint of the last top-level ``def name`` in ``source``, if any."""
    tree = _parse(source)
    nodes = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name] \
        if tree else []
    return _digest(nodes[-1]) if nodes else None
