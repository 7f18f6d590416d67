"""Plain-data calls between the grader and the learner's process.

The grader never trusts an object from the learner's kernel: the learner's
answer stays in that process, and the grader holds a handle to it. Calling
the handle sends the arguments as plain data (see ``codec``); the learner's
process calls the function and sends back its result, its arguments as they
are after the call (so a check sees an input mutated in place), its
warnings and its exception, all as plain data again.

This module and ``codec`` are also sent, as source text, to the learner's
kernel, where they serve the grader's requests: they import only the
standard library and numpy, and there ``codec`` runs first, in the same
namespace.
"""

from __future__ import annotations

import inspect
import json
import os
import socket
import struct
import sys
import time
import warnings

import numpy as np

if "Codec" not in globals():  # imported as a module (in the kernel, codec ran first)
    from course_lib.tools.grading.codec import (
        _LIBRARY,
        AnswerTimeout,
        ChannelClosed,
        Codec,
        RemoteError,
        _describe_error,
        _rebuild_error,
        _warning_class,
        _write_back,
    )

#: Largest message accepted (bytes): a runaway answer cannot exhaust the grader.
MAX_MESSAGE = 200_000_000


class Channel(Codec):
    """One connection: length-prefixed JSON messages, calls in both directions."""

    def __init__(self, sock: socket.socket, deadline: float | None = None,
                 trusted: bool = False) -> None:
        self.sock = sock
        self.deadline = deadline
        #: The grader's side serves calls of the functions it sent, never attributes
        #: (which could reach its modules).
        self.trusted = trusted
        super().__init__()
        self.namespace: dict = {}

    # ------------------------------------------------------------------ framing
    def send(self, message: dict) -> None:
        data = json.dumps(message).encode()
        self.sock.sendall(struct.pack("!Q", len(data)) + data)

    def _read(self, size: int) -> bytes:
        chunks, left = [], size
        while left:
            if self.deadline is not None:
                remaining = self.deadline - time.monotonic()
                if remaining <= 0:
                    raise AnswerTimeout()
                self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(min(left, 1 << 20))
            except TimeoutError:
                raise AnswerTimeout() from None
            except OSError as exc:
                raise ChannelClosed(str(exc)) from None
            if not chunk:
                raise ChannelClosed("the other process closed the connection")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def receive(self) -> dict:
        (size,) = struct.unpack("!Q", self._read(8))
        if size > MAX_MESSAGE:
            raise ChannelClosed(f"a message of {size:,} bytes (more than {MAX_MESSAGE:,})")
        message = json.loads(self._read(size))
        if not isinstance(message, dict):
            raise ChannelClosed("a message that is not an object")
        return message

    # ------------------------------------------------------------------ requests
    def request(self, message: dict):
        """Send a request, serve the other side's requests meanwhile, return the value."""
        self.send(message)
        while True:
            reply = self.receive()
            if reply.get("op") != "reply":
                self.serve_one(reply)
                continue
            for category, text in reply.get("warnings", []):
                warnings.warn(str(text), _warning_class(category), stacklevel=3)
            if reply.get("error"):
                raise _rebuild_error(reply["error"])
            return self.decode(reply.get("value"))

    def answer(self, name: str) -> tuple[bool, object, str]:
        """Ask the learner's process for ``name``: (missing, value or handle, library name)."""
        self.send({"op": "answer", "name": name})
        reply = self.receive()
        if reply.get("op") != "reply" or reply.get("error"):
            raise ChannelClosed(f"no answer for {name!r}: {reply.get('error')}")
        if reply.get("missing"):
            return True, None, ""
        return False, self.decode(reply.get("value")), str(reply.get("library", ""))

    def call(self, ident: int, args: tuple, kwargs: dict):
        """Call the other side's object ``ident``; write mutated arguments back."""
        self.send({"op": "call", "target": ident, "args": self.encode(list(args)),
                   "kwargs": self.encode(kwargs), "errstate": np.geterr()})
        while True:
            reply = self.receive()
            if reply.get("op") == "reply":
                break
            self.serve_one(reply)
        if "args" in reply:
            _write_back(list(args), self.decode(reply["args"]))
            _write_back(kwargs, self.decode(reply["kwargs"]))
        for category, text in reply.get("warnings", []):
            warnings.warn(str(text), _warning_class(category), stacklevel=2)
        if reply.get("error"):
            raise _rebuild_error(reply["error"])
        return self.decode(reply.get("value"))

    def serve_one(self, message: dict) -> None:
        """Answer one request of the other side (a call or an attribute)."""
        reply: dict = {"op": "reply"}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                reply.update(self._serve(message))
            except BaseException as exc:  # the learner's code may raise anything
                if isinstance(exc, (ChannelClosed, AnswerTimeout)):
                    raise
                reply["error"] = _describe_error(exc)
        reply["warnings"] = [[w.category.__name__, str(w.message)[:500]] for w in caught]
        try:
            self.send(reply)
        except (TypeError, ValueError) as exc:  # unencodable: say so instead
            self.send({"op": "reply", "error": _describe_error(exc)})

    def _serve(self, message: dict) -> dict:
        op, target = message.get("op"), message.get("target")
        if self.trusted and op != "call":
            raise RemoteError(f"the grader does not serve {op!r} requests")
        if op == "getattr":
            if str(message["name"]).startswith("__"):
                raise AttributeError(str(message["name"]))
            return {"value": self.encode(getattr(self.handles[target], str(message["name"])))}
        if op == "call":
            fn = self.handles[target]
            args, kwargs = self.decode(message["args"]), self.decode(message["kwargs"])
            errstate = {k: v for k, v in dict(message.get("errstate", {})).items()
                        if k in ("divide", "over", "under", "invalid")}
            with np.errstate(**errstate):
                value = self.encode(fn(*args, **kwargs))
                return {"value": value, "args": self.encode(args),
                        "kwargs": self.encode(kwargs)}
        if op == "answer":
            return self._answer(str(message["name"]))
        raise RemoteError(f"unknown request {op!r}")

    def _answer(self, name: str) -> dict:
        namespace = self.namespace
        if name not in namespace:
            return {"missing": True}
        answer = namespace[name]
        library = ""
        if callable(answer):
            try:
                original = inspect.unwrap(getattr(answer, "__func__", answer))
                module = getattr(original, "__module__", "") or ""
                if module == _LIBRARY or module.startswith(_LIBRARY + "."):
                    library = f"{module}.{getattr(original, '__qualname__', name)}"
            except Exception:  # an odd object: not the library's
                library = ""
        return {"value": self.encode(answer), "library": library}

    # ------------------------------------------------------------------ encoding


def serve(path: str, namespace: dict) -> None:
    """In the learner's process: connect to the grader at ``path`` and serve it."""
    devnull = open(os.devnull, "w")  # noqa: SIM115 - lives as long as this process
    sys.stdout = sys.stderr = devnull
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None:  # the kernel's sockets belong to the parent process
            shell.display_pub.publish = lambda *args, **kwargs: None
    except Exception:  # no IPython: nothing to silence
        pass
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    channel = Channel(sock)
    channel.namespace = namespace
    try:
        while True:
            message = channel.receive()
            if message.get("op") == "bye":
                return
            channel.serve_one(message)
    except ChannelClosed:
        return


def start(path: str, namespace: dict) -> None:
    """In the learner's kernel: fork a child that serves the grader, and return."""
    try:  # reap the children of earlier exercises
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass
    if os.fork() == 0:
        try:
            serve(path, namespace)
        finally:
            os._exit(0)
