"""The line of every key and list item of a JSON document, from one pass over its tokens.

:func:`loaders.source.parse_json` used to re-read the text as YAML (JSON is a subset) to learn
the lines: a YAML event pass for the depth limit, a composed YAML tree, a walk of the tree;
together 3.5 of the 11 s that 1,000 synthetic sheets took to load. This scanner gives the same
lines, the same duplicate-key problems and the same depth problem from a regular expression
over the tokens. Where YAML reads JSON differently from a plain tokenizer (line breaks other
than ``\\n``, characters YAML refuses, escaped or very long keys, a key and its ``:`` on
different lines, documents large enough to reach the alias limit) it declines
(:class:`Unusual`) and the caller takes the YAML path, so the answers stay those of YAML.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import TYPE_CHECKING

from loaders.errors import Problem, render_path

if TYPE_CHECKING:
    from loaders.source import Document, Path

_STRING = r'"(?:[^"\\]|\\.)*"'
_SCALAR = r'[^\s{}\[\]:,"]+'
_TOKEN = re.compile(
    rf"(?P<key>{_STRING})[ \t]*:\s*(?:{_STRING}|{_SCALAR})?|{_STRING}|{_SCALAR}|[{{}}\[\]]"
)
_UNUSUAL = re.compile(
    "[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
"""Characters after which YAML counts lines or reads text differently (``\\r``, NEL, the
Unicode line and paragraph separators, the BOM, control characters)."""
LONGEST_KEY = 1000
"""Longest key (with its quotes) the scanner takes: YAML's implicit keys end at 1,024."""


class Unusual(Exception):
    """The document is one the scanner leaves to YAML (see the module docstring)."""


def index_json(
    text: str, doc: Document, max_depth: int, too_deep: str, max_values: int
) -> Problem | None:
    """Record the line of every key and list item of the JSON ``text`` (already decoded, so
    well formed) in ``doc.lines``, and duplicate keys in ``doc.problems`` (the first one's
    line kept, the value under the repeat not indexed, as :func:`loaders.source._index`);
    return the depth problem if it nests deeper than ``max_depth``. Raise :class:`Unusual`
    (with ``doc`` untouched) for a document YAML would read differently, or one long enough
    to hold ``max_values`` values (YAML's alias limit counts them)."""
    if len(text) >= max_values or _UNUSUAL.search(text):
        raise Unusual
    breaks = [m.start() for m in re.finditer("\n", text)]
    lines: dict[Path, int] = {}
    problems: list[Problem] = []
    depth = _scan(text, breaks, lines, problems, max_depth)
    if depth is not None:
        return Problem(doc.file, depth, "", too_deep)
    doc.lines.update(lines)
    doc.problems += [Problem(doc.file, p.line, p.path, p.message) for p in problems]
    return None


class _Frame:
    """An open mapping or list: its path (None under a repeated key: not indexed), the next
    index of a list, the path of the value of a mapping's last key, the keys seen."""

    __slots__ = ("index", "is_map", "path", "seen", "value")

    def __init__(self, path: Path | None, is_map: bool) -> None:
        self.path, self.is_map = path, is_map
        self.index = 0
        self.value: Path | None = None
        self.seen: dict[str, int] = {}


def _scan(
    text: str, breaks: list[int], lines: dict[Path, int], problems: list[Problem], max_depth: int
) -> int | None:
    """The scan of :func:`index_json`; returns the line of the first collection deeper than
    ``max_depth``, else None. A token is a key with its ``:`` (and its value when a scalar), a
    scalar, or a bracket: commas and colons need no look."""
    stack: list[_Frame] = []
    for match in _TOKEN.finditer(text):
        token, start = match.group(), match.start()
        first = token[0]
        if first in "}]":
            stack.pop()
            continue
        line = bisect_right(breaks, start) + 1 if breaks else 1
        child: Path | None = None
        if stack:
            frame = stack[-1]
            if frame.is_map:
                key = match.group("key")
                if key is not None:
                    frame.value = _key(key, line, frame, lines, problems)
                    continue
                if first not in "{[":
                    raise Unusual  # a key whose ':' is on another line: YAML reads it otherwise
                child = frame.value
            else:
                if frame.path is not None:
                    child = (*frame.path, frame.index)
                    lines[child] = line
                frame.index += 1
        elif first in "{[":
            child = ()
        if first in "{[":
            if len(stack) >= max_depth:
                return line
            stack.append(_Frame(child, first == "{"))
    return None


def _key(
    token: str, line: int, frame: _Frame, lines: dict[Path, int], problems: list[Problem]
) -> Path | None:
    """Record the key ``token`` of the mapping ``frame``; the path of its value, or None when
    the key repeats (or the mapping is not indexed)."""
    if "\\" in token or len(token) > LONGEST_KEY:
        raise Unusual  # escapes: YAML's decoding is not JSON's in every case
    if frame.path is None:
        return None
    key = token[1:-1]
    if key in frame.seen:
        message = f"duplicate key '{key}' (first at line {frame.seen[key]})"
        problems.append(Problem("", line, render_path((*frame.path, key)), message))
        return None
    frame.seen[key] = line
    child = (*frame.path, key)
    lines[child] = line
    return child
