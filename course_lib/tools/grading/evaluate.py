"""Evaluate one exercise's answer: the learner's code runs there, the check runs here.

After the learner's cells have run, the grader asks the kernel to fork a
child that holds the answer (the value of the exercise's contract name) and
serves calls to it over a private socket (see ``wire``). The registered
check runs in the grader's own process with a handle in place of the answer:
each call computes the answer's output in the child, and the comparison
with the reference, the diagnosis and the message happen here. A child that
runs past its time or dies costs this exercise only.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import struct
import time
from pathlib import Path

import nbformat

from course_lib.exercises import CheckResult, evaluate
from course_lib.tools.grading import codec, wire

#: The sources of codec and wire, read once when the grader starts (before
#: any submission runs), and sent to each kernel.
SOURCES = (Path(codec.__file__).read_text(), Path(wire.__file__).read_text())

# Run in the kernel: codec then wire in one fresh namespace, then wire.start.
_START = ('(lambda b, g: ([b.exec(b.compile(s, "<course-grader>", "exec"), g) '
          'for s in {sources!r}], g["start"]({path!r}, b.globals())))('
          '__import__("builtins"), {{"__name__": "__course_grader__"}});')


class Unreachable(Exception):
    """The kernel did not start the answer's server: no exercise can be checked."""


def _peer_pid(conn: socket.socket) -> int | None:
    """The process id of a Unix socket's other end, as the kernel (not it) says."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:  # pragma: no cover - Linux has it
        return None
    pid, _, _ = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, option, 12))
    return pid


def _stop(pid: int | None) -> None:
    if pid:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _connect(client, home: Path, uid: int | None, wait: float) -> tuple[socket.socket, int | None]:
    """Make the kernel fork a server for the grader; return the connection."""
    path = home / f".grader-{secrets.token_hex(6)}.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(str(path))
        if uid is not None:
            os.chown(path, uid, uid)
        listener.listen(1)
        listener.settimeout(wait)
        cell = nbformat.v4.new_code_cell(_START.format(sources=SOURCES, path=str(path)))
        cell_timeout, client.timeout = client.timeout, wait
        try:
            client.execute_cell(cell, len(client.nb.cells) - 1)
        finally:
            client.timeout = cell_timeout
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        if errors:
            raise OSError(f"{errors[0].get('ename')}: {str(errors[0].get('evalue'))[:200]}")
        conn, _ = listener.accept()
    finally:
        listener.close()
        with contextlib.suppress(OSError):
            path.unlink()
    return conn, _peer_pid(conn)


def evaluate_in_kernel(client, home: Path, uid: int | None, name: str,
                       timeout: float) -> tuple[CheckResult | None, str]:
    """Check the answer to ``name`` defined in the kernel of ``client``.

    Returns
    -------
    result : CheckResult or None
        ``None`` when the notebook does not define ``name``.
    note : str
        Why there is no result, or ``""``.

    Raises
    ------
    Unreachable
        When the kernel does not answer (it died, or is still busy).
    """
    try:
        conn, pid = _connect(client, home, uid, wait=min(timeout, 20))
    except Exception as exc:  # the kernel is dead, busy, or its namespace broke the request
        raise Unreachable(f"the grader could not reach the notebook's kernel "
                          f"({type(exc).__name__}: {exc})") from None
    channel = wire.Channel(conn, deadline=time.monotonic() + timeout, trusted=True)
    try:
        missing, answer, library = channel.answer(name)
        if missing:
            return None, (f"the notebook does not define `{name}` (its exercise cell was "
                          "removed, renamed, or did not run)")
        if library:
            return CheckResult(
                name, "failed",
                f"`{name}` is the library's own {library}, not your code: the grade counts "
                "only an implementation written in the notebook.",
                f"Write `{name}` yourself in its exercise cell."), ""
        return evaluate(name, answer), ""
    except codec.AnswerTimeout:
        return CheckResult(
            name, "error",
            f"Checking your answer took more than {timeout:g} s, so it was stopped "
            "(an endless loop, or far too slow for the check's cases).",
            "Run the check cell yourself and see which case does not finish."), ""
    except codec.ChannelClosed as exc:
        return CheckResult(
            name, "error",
            "Your code ended its Python process while it was being checked (it crashed, "
            f"exited or ran out of memory): {exc}.",
            "Run the check cell yourself: the kernel will die at the same point."), ""
    finally:
        with contextlib.suppress(Exception):
            channel.send({"op": "bye"})
        conn.close()
        _stop(pid)
