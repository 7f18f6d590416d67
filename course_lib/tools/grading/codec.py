"""Plain data both ways: what may cross between the grader and the learner's process.

``Codec.encode`` turns a value into JSON-ready data: numbers, strings, lists,
tuples, dicts, numpy arrays of numeric dtypes, random generators' states and
the course's own named tuples, dataclasses and dict classes. Anything else
(a function, a model, an object of the learner's class) becomes a *handle*:
a number the other side calls or reads through (``RemoteObject``).
``Codec.decode`` builds only those data types and known course classes, so
decoding a message cannot run the sender's code. Nothing is pickled.

Like ``wire``, this module is sent as source text to the learner's kernel:
it imports only the standard library and numpy.
"""

from __future__ import annotations

import base64
import builtins
import collections.abc
import dataclasses
import inspect
import os
import re
import sys
import traceback

import numpy as np

#: Items taken from an iterator (a generator answer) before it counts as endless.
MAX_ITEMS = 100_000
_DTYPE = re.compile(r"^[<>|=]?[biufcUS]\d*$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,59}$")
_RNGS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
_LIBRARY = "course_lib"


class ChannelClosed(BaseException):
    """The other process went away (it crashed or was stopped).

    A ``BaseException``, so that the checks' ``except Exception`` clauses,
    which catch the learner's errors, let it through.
    """


class AnswerTimeout(BaseException):
    """The answer took longer than the time allowed for its exercise."""


class RemoteError(Exception):
    """An exception raised in the other process, by a class it alone knows."""


class RemoteObject:
    """A handle to an object that lives in the other process."""

    __slots__ = ("_channel", "_id")

    def __init__(self, channel, ident: int) -> None:
        object.__setattr__(self, "_channel", channel)
        object.__setattr__(self, "_id", ident)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return self._channel.request({"op": "getattr", "target": self._id, "name": name})

    def __repr__(self) -> str:
        return f"<{type(self).__name__} in the learner's process>"


class RemoteFunction(RemoteObject):
    """A handle to a callable in the other process; calling it calls that.

    Its ``__signature__`` is the remote function's parameters (names and
    kinds), so a check names the argument a function mutated.
    """

    __slots__ = ("_parameters",)

    def __call__(self, *args, **kwargs):
        return self._channel.call(self._id, args, kwargs)

    @property
    def __signature__(self) -> inspect.Signature | None:
        try:
            return inspect.Signature([
                inspect.Parameter(str(name), inspect._ParameterKind(int(kind)),
                                  default=None if has_default else inspect.Parameter.empty)
                for name, kind, has_default in self._parameters or ()])
        except (TypeError, ValueError):  # not a valid signature: say nothing
            return None


def _parameters(obj: object) -> list | None:
    """``[[name, kind, has default], ...]`` of a callable, or ``None``."""
    try:
        return [[p.name, int(p.kind), p.default is not p.empty]
                for p in inspect.signature(obj).parameters.values()]
    except (TypeError, ValueError):
        return None


_CLASSES: dict[tuple[str, bool], type] = {}


def _remote_class(name: str, is_callable: bool) -> type:
    """A handle class named like the remote type (so messages say ``a Net``)."""
    name = name if _NAME.match(name) else "object"
    key = (name, is_callable)
    if key not in _CLASSES:
        base = RemoteFunction if is_callable else RemoteObject
        _CLASSES[key] = type(name, (base,), {"__slots__": ()})
    return _CLASSES[key]


def _library_class(qualified: str) -> type | None:
    """The course_lib class named ``module:qualname`` if it is already imported."""
    module_name, _, qualname = qualified.partition(":")
    if module_name != _LIBRARY and not module_name.startswith(_LIBRARY + "."):
        return None
    obj = sys.modules.get(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part, None) if _NAME.match(part) else None
    return obj if isinstance(obj, type) else None


def _is_library_type(cls: type) -> bool:
    module = getattr(cls, "__module__", "") or ""
    return module == _LIBRARY or module.startswith(_LIBRARY + ".")

class Codec:
    """Encoding and decoding for one connection, with its table of handles."""

    def __init__(self) -> None:
        self.handles: dict[int, object] = {}

    def handle(self, obj: object) -> dict:
        ident = len(self.handles) + 1
        self.handles[ident] = obj
        return {"__handle__": [ident, type(obj).__name__, callable(obj),
                               _parameters(obj) if callable(obj) else None]}

    def encode(self, obj: object, depth: int = 0):
        """``obj`` as JSON-ready plain data (objects become handles)."""
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if isinstance(obj, (int, float)) and type(obj) in (int, float):
            return obj
        if depth > 40:
            return self.handle(obj)
        encode = lambda x: self.encode(x, depth + 1)  # noqa: E731
        if isinstance(obj, np.ndarray):
            if obj.dtype.kind == "O":
                return {"__objarray__": [list(obj.shape), [encode(x) for x in obj.ravel()]]}
            if obj.dtype.kind not in "biufcUS":
                return self.handle(obj)
            data = np.ascontiguousarray(obj)
            return {"__nd__": [data.dtype.str, list(data.shape),
                               base64.b64encode(data.tobytes()).decode()]}
        if isinstance(obj, np.generic) and obj.dtype.kind in "biufc":
            return {"__np__": [obj.dtype.str, base64.b64encode(obj.tobytes()).decode()]}
        if isinstance(obj, complex):
            return {"__complex__": [obj.real, obj.imag]}
        if isinstance(obj, np.random.Generator):
            name = type(obj.bit_generator).__name__
            if name in _RNGS:
                return {"__rng__": [name, encode(obj.bit_generator.state)]}
        cls = type(obj)
        if _is_library_type(cls) and (dataclasses.is_dataclass(obj) or
                                      isinstance(obj, (tuple, dict))):
            kind, fields = self._library_fields(obj)
            if kind:
                return {"__obj__": [f"{cls.__module__}:{cls.__qualname__}", kind,
                                    encode(fields)]}
        if cls in (list, tuple):
            items = [encode(x) for x in obj]
            return items if cls is list else {"__tuple__": items}
        if cls is dict:
            return {"__dict__": [[encode(k), encode(v)] for k, v in obj.items()]}
        if isinstance(obj, collections.abc.Iterator):  # a generator: take its items here
            items = []
            for item in obj:
                items.append(encode(item))
                if len(items) > MAX_ITEMS:
                    raise RuntimeError(f"the iterator gave more than {MAX_ITEMS:,} items")
            return {"__iter__": items}
        return self.handle(obj)

    @staticmethod
    def _library_fields(obj: object) -> tuple[str, object]:
        if isinstance(obj, tuple) and hasattr(obj, "_fields"):
            return "namedtuple", dict(zip(obj._fields, obj))
        if dataclasses.is_dataclass(obj):
            return "dataclass", {f.name: getattr(obj, f.name)
                                 for f in dataclasses.fields(obj) if f.init}
        if isinstance(obj, dict):
            return "dict", dict(obj)
        return "", None

    def decode(self, data):
        """Plain data back into values; only data types and known classes are built."""
        if data is None or isinstance(data, (bool, int, float, str)):
            return data
        if isinstance(data, list):
            return [self.decode(x) for x in data]
        if not isinstance(data, dict) or len(data) != 1:
            raise ChannelClosed("a malformed value")
        (tag, body), = data.items()
        if tag == "__tuple__":
            return tuple(self.decode(x) for x in body)
        if tag == "__dict__":
            return {_hashable(self.decode(k)): self.decode(v) for k, v in body}
        if tag == "__iter__":
            return iter([self.decode(x) for x in body])
        if tag == "__nd__":
            dtype, shape, raw = body
            if not (isinstance(dtype, str) and _DTYPE.match(dtype)):
                raise ChannelClosed(f"an array of dtype {dtype!r}")
            return np.frombuffer(base64.b64decode(raw), dtype=np.dtype(dtype)).reshape(
                [int(n) for n in shape]).copy()
        if tag == "__objarray__":
            shape, items = body
            out = np.empty(len(items), dtype=object)
            for index, item in enumerate(items):  # one by one: no broadcasting
                out[index] = self.decode(item)
            return out.reshape([int(n) for n in shape])
        if tag == "__np__":
            dtype, raw = body
            if not (isinstance(dtype, str) and _DTYPE.match(dtype)):
                raise ChannelClosed(f"a number of dtype {dtype!r}")
            return np.frombuffer(base64.b64decode(raw), dtype=np.dtype(dtype))[0]
        if tag == "__complex__":
            return complex(float(body[0]), float(body[1]))
        if tag == "__rng__":
            name, state = body
            if name not in _RNGS:
                raise ChannelClosed(f"a generator {name!r}")
            rng = np.random.Generator(getattr(np.random, name)())
            rng.bit_generator.state = self.decode(state)
            return rng
        if tag == "__obj__":
            return self._decode_library(*body)
        if tag == "__handle__":
            ident, name, is_callable, parameters = body
            handle = _remote_class(str(name), bool(is_callable))(self, int(ident))
            if is_callable:
                object.__setattr__(handle, "_parameters", parameters)
            return handle
        raise ChannelClosed(f"an unknown value tag {tag!r}")

    def _decode_library(self, qualified: str, kind: str, fields) -> object:
        cls = _library_class(str(qualified))
        values = self.decode(fields)
        if cls is None or not isinstance(values, dict):
            raise ChannelClosed(f"an object of an unknown class {qualified!r}")
        if kind == "namedtuple" and issubclass(cls, tuple):
            return cls(**values)
        if kind == "dataclass" and dataclasses.is_dataclass(cls):
            return cls(**values)
        if kind == "dict" and issubclass(cls, dict):
            out = cls()
            out.update(values)
            return out
        raise ChannelClosed(f"an object of class {qualified!r} sent as {kind!r}")


def _hashable(key):
    return tuple(_hashable(k) for k in key) if isinstance(key, list) else key


def _write_back(original, after) -> None:
    """Make ``original`` what the other process's copy became (in place)."""
    if isinstance(original, np.ndarray) and isinstance(after, np.ndarray):
        if original.shape == after.shape and original.flags.writeable:
            try:
                np.copyto(original, after, casting="unsafe")
            except (TypeError, ValueError):
                pass
    elif isinstance(original, np.random.Generator) and isinstance(after, np.random.Generator):
        if type(original.bit_generator) is type(after.bit_generator):
            original.bit_generator.state = after.bit_generator.state
    elif isinstance(original, list) and isinstance(after, list):
        if len(original) == len(after):
            for i, (a, b) in enumerate(zip(original, after)):
                if _mutable(a) and type(a) is type(b):
                    _write_back(a, b)
                elif not _same_value(a, b):
                    original[i] = b
        else:
            original[:] = after
    elif isinstance(original, dict) and isinstance(after, dict):
        for key in list(original):
            if key not in after:
                del original[key]
        for key, value in after.items():
            if key in original and _mutable(original[key]) and type(value) is type(original[key]):
                _write_back(original[key], value)
            else:
                original[key] = value
    elif isinstance(original, tuple) and isinstance(after, tuple) and len(original) == len(after):
        for a, b in zip(original, after):
            _write_back(a, b)
    elif dataclasses.is_dataclass(original) and type(original) is type(after):
        for f in dataclasses.fields(original):
            a, b = getattr(original, f.name), getattr(after, f.name)
            if _mutable(a):
                _write_back(a, b)
            elif not _same_value(a, b):
                object.__setattr__(original, f.name, b)


def _mutable(value) -> bool:
    return isinstance(value, (np.ndarray, np.random.Generator, list, dict, tuple)) or \
        dataclasses.is_dataclass(value)


def _same_value(a, b) -> bool:
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:  # an odd comparison: treat as different
        return False


def _warning_class(name: str) -> type:
    cls = getattr(builtins, str(name), None)
    return cls if isinstance(cls, type) and issubclass(cls, Warning) else UserWarning


_ERRORS: dict[str, type] = {}


def _rebuild_error(error: dict) -> Exception:
    """The exception the other process raised, as an exception of this one."""
    name, message = str(error.get("type", "Exception")), str(error.get("message", ""))
    cls = getattr(builtins, name, None)
    exc = None
    if isinstance(cls, type) and issubclass(cls, Exception) and not issubclass(cls, Warning):
        try:
            exc = cls(message)
        except Exception:  # e.g. UnicodeDecodeError needs five arguments
            exc = None
    if exc is None:
        key = name if _NAME.match(name) else "RemoteError"
        if key not in _ERRORS:
            _ERRORS[key] = type(key, (RemoteError,), {})
        exc = _ERRORS[key](message)
    exc.remote_where = str(error.get("where", ""))
    return exc


def _describe_error(exc: BaseException) -> dict:
    """An exception as data: its class name, message and the learner's line."""
    here = __file__ if "__file__" in globals() else "<course-grader>"
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if f.filename != here and "<course-grader>" not in f.filename
              and f"{os.sep}numpy{os.sep}" not in f.filename
              and f"{os.sep}{_LIBRARY}{os.sep}" not in f.filename]
    where = ""
    if frames:
        frame = frames[-1]
        code = f": {frame.line.strip()}" if frame.line else ""
        where = f"line {frame.lineno} of {frame.name}{code}"
    return {"type": type(exc).__name__, "message": str(exc)[:2000], "where": where}


