"""The box a submission's kernel runs in: its own user, home, limits and clean-up.

When the grader runs as root (a CI runner, a container), every kernel runs
as its own unprivileged user id, taken from a range no account uses. That
user can read the course and the environment but write nothing of theirs:
not the checker, not the course files, not another submission, not another
kernel's home. Resource limits (memory, processes, file size) are set before
the kernel starts, and when the notebook is done every process of that user
is ended, including those that left the kernel's process session (setsid),
and the files it left in the machine's shared temporary folders are reported
and removed.

Run by an ordinary user, the grader cannot switch users: the kernel still
gets a private home and the limits, and its processes are found by a marker
in their environment, but what it writes is only detected for the checker
itself (``library_fingerprint``).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import pwd
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

import course_lib

#: User ids given to kernels when grading as root (one per kernel running at once).
UID_RANGE = range(62000, 62998)
#: The user id that ``isolation`` tries the launcher with.
PROBE_UID = 62998
#: Shared folders anyone may write to, where a kernel's stray files are looked for.
SHARED_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm")
_LOCKS = Path("/tmp/course-grade-locks")
_LIBRARY = Path(course_lib.__file__).resolve().parent  # the whole library, not this folder


@dataclass(frozen=True)
class Limits:
    """Resource limits of a grading kernel (an instructor can change them).

    Attributes
    ----------
    memory_mb : int
        Address space of each kernel process, in MiB (``RLIMIT_AS``).
    processes : int
        Processes and threads of the kernel's user (``RLIMIT_NPROC``; only
        when grading as root, where that user is the kernel's alone).
    file_mb : int
        Largest file a kernel may write, in MiB (``RLIMIT_FSIZE``).
    """

    memory_mb: int = 4096
    processes: int = 256
    file_mb: int = 256


# Run with `python -I -c` as the kernel's launcher: it applies the limits, gives
# the kernel its private folders, drops to the sandbox user and becomes the kernel.
_LAUNCHER = r'''
import json, os, resource, sys
config = json.loads(sys.argv[1])
command = sys.argv[sys.argv.index("--") + 1:]
home, uid, limits = config["home"], config["uid"], config["limits"]
for name, value in (("RLIMIT_AS", limits["memory_mb"] << 20),
                    ("RLIMIT_FSIZE", limits["file_mb"] << 20), ("RLIMIT_CORE", 0)):
    resource.setrlimit(getattr(resource, name), (value, value))
env = {k: v for k, v in os.environ.items()
       if not k.startswith(("PYTHONSTARTUP", "PYTHONUSERBASE", "JUPYTER_", "IPYTHON",
                            "MPL", "XDG_", "COURSE_STRICT"))}
for key, sub in (("HOME", ""), ("IPYTHONDIR", ".ipython"), ("MPLCONFIGDIR", ".matplotlib"),
                 ("JUPYTER_CONFIG_DIR", ".jupyter"), ("JUPYTER_DATA_DIR", ".local/share/jupyter"),
                 ("JUPYTER_RUNTIME_DIR", ".local/share/jupyter/runtime"),
                 ("XDG_CACHE_HOME", ".cache"), ("XDG_CONFIG_HOME", ".config"),
                 ("TMPDIR", "tmp")):
    env[key] = os.path.join(home, sub) if sub else home
    os.makedirs(env[key], exist_ok=True)
env[config["marker_key"]] = config["marker"]
env["COURSE_GRADING"] = "1"
index = command.index("-f") + 1 if "-f" in command else None
if index is not None:  # the kernel's own copy of its connection file
    private = os.path.join(home, ".kernel-connection.json")
    with open(command[index]) as src, open(private, "w") as dst:
        dst.write(src.read())
    command[index] = private
if config.get("hidden"):  # folders the kernel's user cannot enter: show it what it needs
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)

    def mount(source, target, kind, flags, data=None):
        args = [a.encode() if isinstance(a, str) else a for a in (source, target, kind)]
        if libc.mount(*args, flags, data.encode() if data else None) != 0:
            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error), target)

    if libc.unshare(0x00020000) != 0:  # CLONE_NEWNS: a mount namespace of its own
        raise OSError(ctypes.get_errno(), "unshare")
    mount(None, "/", None, 16384 | (1 << 18))  # MS_REC | MS_PRIVATE
    for blocked, needed in config["hidden"].items():
        handles = [os.open(path, os.O_PATH) for path in needed]
        mount("tmpfs", blocked, "tmpfs", 2 | 4, "mode=0755,size=1m")  # nosuid, nodev
        for path, handle in zip(needed, handles):
            os.makedirs(path, mode=0o755, exist_ok=True)
            mount(f"/proc/self/fd/{handle}", path, None, 4096 | 16384)  # MS_BIND | MS_REC
            mount(None, path, None, 4096 | 32 | 1)  # bind, remount, read-only
            os.close(handle)
if uid is not None:
    for folder, _, files in os.walk(home):
        os.chown(folder, uid, uid)
        for name in files:
            os.chown(os.path.join(folder, name), uid, uid)
    resource.setrlimit(resource.RLIMIT_NPROC, (limits["processes"], limits["processes"]))
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
os.chdir(home)
os.execve(command[0], command, env)
'''

MARKER_KEY = "COURSE_GRADE_KERNEL"


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels start through the sandbox launcher."""

    sandbox_config: dict = {}

    def format_kernel_cmd(self, extra_arguments=None):
        command = super().format_kernel_cmd(extra_arguments)
        config = dict(self.sandbox_config, marker_key=MARKER_KEY)
        return [sys.executable, "-I", "-c", _LAUNCHER, json.dumps(config), "--", *command]


def can_switch_users() -> bool:
    """True when grading as root, so each kernel gets a user of its own."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


@contextlib.contextmanager
def sandbox_user() -> Iterator[int | None]:
    """A user id no account and no running process uses, held for this kernel alone.

    ``None`` when kernels cannot get users of their own (see ``isolation``).
    """
    if not isolation()[0]:
        yield None
        return
    _LOCKS.mkdir(mode=0o700, exist_ok=True)
    if _LOCKS.is_symlink() or not _LOCKS.is_dir():
        raise RuntimeError(f"{_LOCKS} must be a folder of the grader's own")
    os.chown(_LOCKS, 0, 0)
    os.chmod(_LOCKS, 0o700)
    for uid in UID_RANGE:
        try:
            pwd.getpwuid(uid)
            continue  # a real account
        except KeyError:
            pass
        lock = open(_LOCKS / str(uid), "w")  # noqa: SIM115 - held while the kernel runs
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            continue
        try:
            end_processes(uid, None)  # left by a grader that was killed
            remove(stray_files(uid, []))
            yield uid
        finally:
            lock.close()
        return
    raise RuntimeError(f"every sandbox user id in {UID_RANGE} is in use")


def _hidden_folders(paths: list[Path]) -> dict[str, list[str]] | None:
    """Folders other users cannot enter, and the paths below them a kernel needs.

    ``None`` when a needed path cannot be shown to another user at all.
    """
    hidden: dict[str, list[str]] = {}
    for path in paths:
        blocked = next((p for p in reversed(path.parents) if not p.stat().st_mode & 0o001),
                       None)
        if blocked is not None:
            hidden.setdefault(str(blocked), []).append(str(path))
        elif not path.stat().st_mode & 0o005 == 0o005:
            return None
    return hidden


_MODE: list[tuple[bool, dict]] = []


def isolation() -> tuple[bool, dict]:
    """Whether kernels get users of their own, and the folders to re-show them.

    Kernels get their own user when grading as root and the interpreter, the
    environment and the course can be read by another user, directly or
    through a private mount namespace (a Python installed under ``/root``).
    """
    if _MODE:
        return _MODE[0]
    mode: tuple[bool, dict] = (False, {})
    if can_switch_users():
        needed = sorted({Path(p).resolve() for p in (sys.base_prefix, sys.prefix,
                                                    _LIBRARY.parent)})
        hidden = _hidden_folders(needed)
        if hidden is not None and _launcher_works(hidden):
            mode = (True, hidden)
    _MODE.append(mode)
    return mode


def use_isolation(mode: tuple[bool, dict]) -> None:
    """Take ``isolation()`` as found by another process (a grading worker's parent)."""
    _MODE[:] = [(bool(mode[0]), dict(mode[1]))]


def _launcher_works(hidden: dict) -> bool:
    """True when the launcher can run this Python, with numpy and ipykernel, as a
    sandbox user (a container may forbid switching users or making namespaces)."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="course-grade-probe-") as home:
        config = {"home": home, "uid": PROBE_UID, "marker": "probe", "marker_key": MARKER_KEY,
                  "limits": asdict(Limits()), "hidden": hidden}
        command = [sys.executable, "-I", "-c", _LAUNCHER, json.dumps(config), "--",
                   sys.executable, "-c", "import numpy"]
        try:
            return subprocess.run(command, timeout=120, capture_output=True).returncode == 0
        except (OSError, subprocess.SubprocessError):
            return False


def kernel_manager(kernel: str, home: Path, uid: int | None, marker: str,
                   limits: Limits) -> SandboxKernelManager:
    """A kernel manager for one submission's kernel."""
    manager = SandboxKernelManager(kernel_name=kernel)
    manager.sandbox_config = {"home": str(home), "uid": uid, "marker": marker,
                              "limits": asdict(limits),
                              "hidden": isolation()[1] if uid is not None else {}}
    return manager


def _process_ids() -> list[int]:
    return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]


def _belongs(pid: int, uid: int | None, marker: str | None) -> bool:
    """True when process ``pid`` (not a zombie) is the sandbox's."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        if "\nState:\tZ" in status:
            return False
        if uid is not None:
            uids = next(line for line in status.splitlines() if line.startswith("Uid:"))
            return str(uid) in uids.split()[1:]
        needle = f"{MARKER_KEY}={marker}".encode()
        return needle in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except (OSError, StopIteration):
        return False


def end_processes(uid: int | None, marker: str | None) -> int:
    """Kill every process of the sandbox user (or carrying ``marker``); return how many."""
    if not Path("/proc").is_dir() or (uid is None and marker is None):
        return 0
    killed: set[int] = set()
    for _ in range(50):
        found = [pid for pid in _process_ids()
                 if pid != os.getpid() and _belongs(pid, uid, marker)]
        if not found:
            break
        for pid in found:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            killed.add(pid)
        time.sleep(0.05)
    return len(killed)


def stray_files(uid: int | None, allowed: list[Path]) -> list[Path]:
    """Entries the sandbox user created in the shared folders, outside ``allowed``."""
    if uid is None:
        return []
    found = []
    folders = [Path(f) for f in SHARED_FOLDERS if Path(f).is_dir()]
    for folder in list(folders):  # also world-writable folders one level down
        with contextlib.suppress(OSError):
            folders += [Path(e.path) for e in os.scandir(folder)
                        if e.is_dir(follow_symlinks=False) and e.stat().st_mode & 0o1002 == 0o1002]
    for folder in folders:
        with contextlib.suppress(OSError):
            for entry in os.scandir(folder):
                path = Path(entry.path)
                with contextlib.suppress(OSError):
                    if (entry.stat(follow_symlinks=False).st_uid == uid
                            and not any(path == a or a in path.parents for a in allowed)):
                        found.append(path)
    return found


def remove(paths: list[Path]) -> None:
    """Delete files and folders (never following a symbolic link)."""
    for path in paths:
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()


def library_fingerprint() -> str:
    """A SHA-256 over course_lib's source files: the checker as it is now."""
    digest = hashlib.sha256()
    for path in sorted(_LIBRARY.rglob("*.py")):
        digest.update(str(path.relative_to(_LIBRARY)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
