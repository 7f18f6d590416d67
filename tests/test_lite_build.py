"""The in-browser app's build (book/lite/build.py) and its button (book/_ext/lite_button.py).

No network: the sources of package files are replaced by small fakes, so these
tests check the rules (dependency closure, sha256 verification, clear errors),
not the downloads. The app itself is tested in tests/browser/test_lite.py.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


build = load("lite_build", ROOT / "book" / "lite" / "build.py")
button = load("lite_button", ROOT / "book" / "_ext" / "lite_button.py")

LOCK = {"packages": {
    "matplotlib": {"file_name": "matplotlib-3.8.4.whl", "depends": ["numpy", "python_dateutil"],
                   "sha256": "0" * 64},
    "numpy": {"file_name": "numpy-2.0.2.whl", "depends": [], "sha256": "1" * 64},
    "python-dateutil": {"file_name": "python_dateutil-2.9.whl", "depends": ["six"],
                        "sha256": "2" * 64},
    "six": {"file_name": "six-1.16.0.whl", "depends": [], "sha256": "3" * 64},
    "scipy": {"file_name": "scipy-1.14.1.whl", "depends": ["numpy"], "sha256": "4" * 64},
}}


def test_closure_follows_dependencies_across_name_spellings():
    names = [e["file_name"] for e in build.closure(LOCK, ["matplotlib"])]
    assert names == ["matplotlib-3.8.4.whl", "numpy-2.0.2.whl", "python_dateutil-2.9.whl",
                     "six-1.16.0.whl"]


def test_closure_names_a_package_missing_from_the_lock():
    with pytest.raises(SystemExit, match="'pandas' is not in Pyodide"):
        build.closure(LOCK, ["numpy", "pandas"])


class FakeSources(build.Sources):
    """Sources whose official release and bundle hand out given bytes."""

    def __init__(self, cache: Path, official: bytes | None, bundle: bytes | None):
        super().__init__(cache)
        self.official_bytes, self.bundle_bytes = official, bundle

    def _official(self, name):
        return self.official_bytes

    def _bundle(self, name):
        return self.bundle_bytes

    def _pypi(self, name):
        return None


def entry(data: bytes) -> dict:
    return {"file_name": "numpy-2.0.2.whl", "sha256": hashlib.sha256(data).hexdigest()}


def test_a_file_is_accepted_only_with_the_locks_sha256(tmp_path):
    good = b"the official numpy"
    sources = FakeSources(tmp_path, official=None, bundle=good)
    path = sources.get(entry(good))
    assert path.read_bytes() == good and path.parent == tmp_path / "packages"
    # Next time it comes from the cache, even with no source left.
    assert FakeSources(tmp_path, None, None).get(entry(good)) == path


def test_a_tampered_file_stops_the_build_with_a_clear_message(tmp_path):
    sources = FakeSources(tmp_path, official=None, bundle=b"something else")
    with pytest.raises(SystemExit) as stopped:
        sources.get(entry(b"the official numpy"))
    message = str(stopped.value)
    assert "no verified copy of numpy-2.0.2.whl" in message
    assert "is not the lock's" in message and "official release: not available" in message
    assert not (tmp_path / "packages" / "numpy-2.0.2.whl").exists()


def test_a_corrupt_cached_file_is_replaced(tmp_path):
    good = b"the official numpy"
    (tmp_path / "packages").mkdir()
    (tmp_path / "packages" / "numpy-2.0.2.whl").write_bytes(b"truncated")
    path = FakeSources(tmp_path, official=good, bundle=None).get(entry(good))
    assert path.read_bytes() == good


def test_the_button_links_each_chapter_to_its_notebook_in_the_app():
    def pathto(target, resource):  # what Sphinx gives a page two levels deep
        assert resource == 1
        return "../" + target

    url = button.lite_url(pathto, "chapters/03_backpropagation")
    assert url == "../lite/lab/index.html?path=03_backpropagation.ipynb"
    assert button.lite_url(pathto, "book/intro") is None
    assert button.lite_url(pathto, "solutions/03_backpropagation") is None


def test_the_buttons_icon_is_hidden_from_screen_readers_and_nothing_else():
    # The theme's markup of a link button (sphinx-book-theme's macros/buttons.html)
    theirs = ('<a href="x" target="_blank"\n   class="btn btn-sm {label}"\n   title="t"\n>\n'
              '  \n\n<span class="btn__icon-container">\n  <i class="fas {icon}"></i>\n'
              '  </span>\n<span class="btn__text-container">{text}</span>\n</a>\n')
    ours = theirs.format(label="btn-run-in-browser", icon="fa-play", text="Run in your browser")
    other = theirs.format(label="btn-download", icon="fa-download", text="Download")
    page = other + ours + '<p><i class="fas fa-play"></i></p>'
    hidden = button.hide_icon(page)
    assert hidden == page.replace('fa-play"></i>\n', 'fa-play" aria-hidden="true"></i>\n', 1)
    assert button.hide_icon(hidden) == hidden
