"""Problems found in input files and the errors that carry them.

A :class:`Problem` names the file, the line (when known), the path inside the document
(``agreements[0].signatories[1].on_behalf_of``) and what is wrong. ``str()`` renders it like a
compiler diagnostic::

    examples/x.yaml:42: agreements[0].parties[1]: unknown entity 'dzaa' (known: dza, usa)

Every error raised by the loaders is a :class:`LoadError` holding all the problems found.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
PathPart = str | int
"""One step of a path inside a document: a mapping key or a list index."""


def render_path(parts: Sequence[PathPart]) -> str:
    """Render ``("agreements", 0, "parties")`` as ``agreements[0].parties``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or worth a warning) in one input file."""

    file: str
    line: int | None
    path: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        kind = "warning: " if self.severity == "warning" else ""
        path = f"{self.path}: " if self.path else ""
        return f"{where}: {kind}{path}{self.message}"

    def as_dict(self) -> dict[str, str | int | None]:
        """JSON-ready form (for API error bodies)."""
        return {
            "file": self.file,
            "line": self.line,
            "path": self.path,
            "message": self.message,
            "severity": self.severity,
        }


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in reading order: by file, then line (unknown last), then path."""
    return sorted(problems, key=lambda p: (p.file, p.line is None, p.line or 0, p.path))


class LoadError(Exception):
    """An input could not be loaded; ``problems`` lists everything found wrong."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sort_problems(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class ParseError(LoadError):
    """The file is not well-formed YAML, JSON or RDF, or its format is unknown."""


class InvalidInputError(LoadError):
    """The file parses but its content is wrong: types, dates, references, vocabulary, ids."""


class ShapeError(LoadError):
    """The RDF does not conform to the SHACL shapes of ``ontology/shapes.ttl``."""


class BatchError(LoadError):
    """At least one file of a batch failed; ``problems`` holds the problems of every bad file."""

    def __init__(self, problems: Iterable[Problem], failed: dict[str, LoadError]) -> None:
        self.failed = failed
        super().__init__(problems)


def raise_if_errors(problems: Iterable[Problem], error: type[LoadError]) -> list[Problem]:
    """Raise ``error`` with the error-level problems if any; return the warnings otherwise."""
    items = list(problems)
    errors = [p for p in items if p.severity == "error"]
    if errors:
        raise error(errors)
    return [p for p in items if p.severity == "warning"]
