"""Read YAML and JSON documents and remember the line of every key and list item.

The data comes back as plain Python values together with a map from document paths
(``("agreements", 0, "parties", 1)``) to 1-based line numbers, so later checks can name
``file:line``. YAML follows the 1.2 core schema where it matters for fact sheets: dates stay
strings (``2025-02-30`` must reach the date check instead of failing inside the parser) and only
``true``/``false`` are booleans (``no`` stays a string, as in editors that use the JSON schema).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from loaders.errors import ParseError, PathPart, Problem, Severity, render_path
from loaders.json_lines import Unusual, index_json

Path = tuple[PathPart, ...]

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted (a fact sheet needs about six levels).
libyaml's composer recurses once per level with no limit, so some 50,000 nested ``[`` crash
the process; the Python code that reads the tree ends near 1,000 levels."""
TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"
MAX_VALUES = 1_000_000
"""Most values (scalars and collections) a document may hold once its aliases are expanded:
the code that reads the tree visits an aliased value once per alias."""
TOO_BIG = f"aliases expand the document to more than {MAX_VALUES:,} values"

MAX_NUMBER_LENGTH = 100
"""Longest number literal accepted, in characters (no field needs more; Python refuses to
convert integers of more than 4,300 digits, and such numbers only cost time and memory)."""

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"


_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[valid-type,misc]
    """Safe loader (libyaml when available) without timestamps and with YAML 1.2 booleans."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_TIMESTAMP, _BOOL)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _number_problem(literal: str) -> str | None:
    """Why a number literal is refused (too long), or None."""
    if len(literal) > MAX_NUMBER_LENGTH:
        return (
            f"number {literal[:20]}… is {len(literal):,} characters long; "
            f"the limit is {MAX_NUMBER_LENGTH}"
        )
    return None


def _construct_int(loader: yaml.SafeLoader, node: ScalarNode) -> Any:
    """YAML integers, refusing the ones too long to convert (a marked, located error)."""
    if problem := _number_problem(str(node.value)):
        raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark)
    return yaml.SafeLoader.construct_yaml_int(loader, node)


_Loader.add_constructor(_INT, _construct_int)


@dataclass
class Document:
    """A parsed document: its data, where each path starts, and problems found while reading."""

    file: str
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line(self, path: Path) -> int | None:
        """Line of ``path``, or of its closest ancestor that has one."""
        for end in range(len(path), -1, -1):
            found = self.lines.get(path[:end])
            if found is not None:
                return found
        return None

    def problem(self, path: Path, message: str, severity: Severity = "error") -> Problem:
        """A problem located at ``path`` in this document."""
        return Problem(self.file, self.line(path), render_path(path), message, severity)


def read_text(path: str | FilePath) -> str:
    """The UTF-8 text of ``path``; unreadable files raise :class:`ParseError`."""
    try:
        return FilePath(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError([Problem(str(path), None, "", f"not UTF-8 text: {exc.reason}")]) from exc
    except OSError as exc:
        raise ParseError([Problem(str(path), None, "", f"cannot read: {exc.strerror}")]) from exc


def _depth_problem(text: str, file: str) -> Problem | None:
    """A problem when the document nests deeper than ``MAX_DEPTH`` or its aliases expand it
    beyond ``MAX_VALUES`` values (``&a [x, x]``, ``&b [*a, *a]``… doubles at each step),
    found from the parser's events: libyaml's parser keeps its own stack; only composing
    recurses, and only the code that walks the composed tree pays for every alias."""
    loader = _Loader(text)
    open_sizes: list[list[Any]] = []  # [anchor, expanded values] of each open collection
    anchors: dict[str, int] = {}
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, CollectionStartEvent):
                open_sizes.append([event.anchor, 1])
                if len(open_sizes) > MAX_DEPTH:
                    return Problem(file, _event_line(event), "", TOO_DEEP)
                continue
            if isinstance(event, CollectionEndEvent):
                anchor, size = open_sizes.pop()
            elif isinstance(event, AliasEvent):
                anchor, size = None, anchors.get(event.anchor or "", 1)
            elif isinstance(event, ScalarEvent):
                anchor, size = event.anchor, 1
            else:
                continue
            if anchor:
                anchors[anchor] = size
            if open_sizes:
                open_sizes[-1][1] += size
                if open_sizes[-1][1] > MAX_VALUES:
                    return Problem(file, _event_line(event), "", TOO_BIG)
    finally:
        loader.dispose()
    return None


def _event_line(event: yaml.Event) -> int | None:
    """The 1-based line where ``event`` starts, when the parser marked it."""
    return None if event.start_mark is None else event.start_mark.line + 1


def parse_yaml(text: str, file: str) -> Document:
    """Parse YAML text; raise :class:`ParseError` with the line when it is malformed."""
    loader = _Loader(text)
    try:
        if too_deep := _depth_problem(text, file):
            raise ParseError([too_deep])
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise ParseError([_yaml_problem(exc, file)]) from exc
    except yaml.YAMLError as exc:
        raise ParseError(
            [Problem(file, _line_of(exc, text), "", f"malformed YAML: {exc}")]
        ) from exc
    finally:
        loader.dispose()
    doc = Document(file, data, {(): 1 if node is None else node.start_mark.line + 1})
    if node is not None:
        _index(node, (), doc, set())
    return doc


def _line_of(exc: yaml.YAMLError, text: str) -> int | None:
    """The line of an unmarked YAML error that knows its character position (a character
    YAML does not accept, such as NUL)."""
    position = getattr(exc, "position", None)
    return text.count("\n", 0, position) + 1 if isinstance(position, int) else None


def _yaml_problem(exc: yaml.MarkedYAMLError, file: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = None if mark is None else mark.line + 1
    what = exc.problem or exc.context or "cannot be read"
    if exc.context and exc.problem:
        started = exc.context_mark.line + 1 if exc.context_mark else None
        where = f" started at line {started}" if started and started != line else ""
        what += f" ({exc.context}{where})"
    return Problem(file, line, "", f"malformed YAML: {what}")


class _BadNumber(ValueError):
    """A JSON number the loaders refuse; carries the literal and why."""

    def __init__(self, literal: str, why: str) -> None:
        super().__init__(why)
        self.literal = literal


def _json_int(literal: str) -> int:
    if problem := _number_problem(literal):
        raise _BadNumber(literal, problem)
    return int(literal)


def _json_float(literal: str) -> float:
    if problem := _number_problem(literal):
        raise _BadNumber(literal, problem)
    value = float(literal)
    if math.isinf(value):
        raise _BadNumber(literal, f"number {literal} is out of range")
    return value


def _json_constant(literal: str) -> Any:
    raise _BadNumber(literal, f"{literal} is not a JSON number")


def load_json(text: str, file: str) -> Any:
    """``json.loads`` for untrusted input: numbers longer than :data:`MAX_NUMBER_LENGTH`,
    numbers out of range (``1e999``) and ``NaN``/``Infinity`` (not JSON) are problems located
    by line, as is malformed JSON and nesting the decoder cannot follow."""
    try:
        return json.loads(
            text, parse_int=_json_int, parse_float=_json_float, parse_constant=_json_constant
        )
    except _BadNumber as exc:
        line = text.count("\n", 0, max(text.find(exc.literal), 0)) + 1
        raise ParseError([Problem(file, line, "", f"malformed JSON: {exc}")]) from exc
    except json.JSONDecodeError as exc:
        problem = Problem(file, exc.lineno, "", f"malformed JSON: {exc.msg} (column {exc.colno})")
        raise ParseError([problem]) from exc
    except RecursionError as exc:  # the decoder's own guard, near 1,000 levels
        raise ParseError([Problem(file, 1, "", TOO_DEEP)]) from exc


def parse_json(text: str, file: str) -> Document:
    """Parse JSON text, with the line of every key and item (:mod:`loaders.json_lines`, or
    for the documents it leaves to YAML, re-reading the text as YAML: JSON is a subset)."""
    data = load_json(text, file)
    doc = Document(file, data, {(): 1})
    try:
        too_deep = index_json(text, doc, MAX_DEPTH, TOO_DEEP, MAX_VALUES)
    except Unusual:
        too_deep = _index_as_yaml(text, doc)
    if too_deep:
        raise ParseError([too_deep])
    return doc


def _index_as_yaml(text: str, doc: Document) -> Problem | None:
    """The lines of JSON ``text`` read as YAML, or the depth problem."""
    loader = _Loader(text.replace("\t", " "))
    try:
        if too_deep := _depth_problem(text.replace("\t", " "), doc.file):
            return too_deep
        node = loader.get_single_node()
    except yaml.YAMLError:  # pragma: no cover - valid JSON that YAML cannot read: paths only
        node = None
    finally:
        loader.dispose()
    if node is not None:
        _index(node, (), doc, set())
    return None


def _index(node: Node, path: Path, doc: Document, active: set[int]) -> None:
    """Record the line of every key and item below ``node``; flag duplicate keys."""
    if id(node) in active:  # a recursive alias
        return
    active.add(id(node))
    if isinstance(node, MappingNode):
        _index_mapping(node, path, doc, active)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            doc.lines[(*path, i)] = item.start_mark.line + 1
            _index(item, (*path, i), doc, active)
    active.discard(id(node))


def _index_mapping(node: MappingNode, path: Path, doc: Document, active: set[int]) -> None:
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            continue
        key = str(key_node.value)
        line = key_node.start_mark.line + 1
        if key in seen:
            message = f"duplicate key '{key}' (first at line {seen[key]})"
            doc.problems.append(Problem(doc.file, line, render_path((*path, key)), message))
            continue
        seen[key] = line
        doc.lines[(*path, key)] = line
        _index(value_node, (*path, key), doc, active)
