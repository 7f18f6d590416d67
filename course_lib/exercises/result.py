"""The outcome of checking one exercise: ``CheckResult`` and its displays."""

from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass

STATUSES = ("passed", "failed", "not_implemented", "error")

#: MIME type of the machine-readable bundle that ``check`` displays and the
#: grader and progress tools read back from a notebook's outputs.
MIME_TYPE = "application/vnd.course-check+json"

_HEADLINES = {
    "passed": "✅ {name}: passed",
    "failed": "❌ {name}: not yet right",
    "not_implemented": "✏️ {name}: not implemented yet",
    "error": "💥 {name}: your code raised an error",
}
_COLOURS = {
    "passed": ("#e8f5e9", "#2e7d32"),
    "failed": ("#fdecea", "#c62828"),
    "not_implemented": ("#f5f5f5", "#616161"),
    "error": ("#fff4e5", "#b26a00"),
}


@dataclass(frozen=True)
class CheckResult:
    """What a check says about one answer.

    Attributes
    ----------
    name : str
        The exercise, as registered (for example ``"relu"``).
    status : str
        One of ``"passed"``, ``"failed"``, ``"not_implemented"``, ``"error"``.
    message : str
        What happened, naming the case, the entry or the shape concerned.
    hint : str
        What to try next; empty when there is nothing to add.
    """

    name: str
    status: str
    message: str
    hint: str = ""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")

    @property
    def passed(self) -> bool:
        """True when the answer passed every case."""
        return self.status == "passed"

    def to_dict(self) -> dict:
        """The result as a JSON-serialisable dict."""
        return asdict(self)

    def to_text(self) -> str:
        """The result as plain text, as printed in a terminal."""
        lines = [_HEADLINES[self.status].format(name=self.name), self.message]
        if self.hint:
            lines.append(f"Hint: {self.hint}")
        return "\n".join(line for line in lines if line)

    def to_html(self) -> str:
        """The result as a small coloured HTML box for notebooks and the book."""
        background, border = _COLOURS[self.status]
        headline = html.escape(_HEADLINES[self.status].format(name=self.name))
        body = "".join(
            f"<div style='white-space:pre-wrap'>{html.escape(part)}</div>"
            for part in (self.message,) if part
        )
        if self.hint:
            body += f"<div><b>Hint:</b> {html.escape(self.hint)}</div>"
        return (
            f"<div class='course-check course-check-{self.status}' style='background:{background};"
            f"border-left:4px solid {border};padding:0.5em 0.8em;margin:0.3em 0;"
            f"font-family:sans-serif;color:#212121'><b>{headline}</b>{body}</div>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {
            "text/plain": self.to_text(),
            "text/html": self.to_html(),
            MIME_TYPE: self.to_dict(),
        }

    def __str__(self) -> str:
        return self.to_text()


def result_from_bundle(data: dict | str) -> CheckResult:
    """Rebuild a ``CheckResult`` from the JSON bundle stored in a notebook output."""
    if isinstance(data, str):
        data = json.loads(data)
    return CheckResult(
        name=str(data["name"]),
        status=str(data["status"]),
        message=str(data.get("message", "")),
        hint=str(data.get("hint", "")),
    )
