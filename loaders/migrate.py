"""Rewrite a format 1 fact sheet as format 2, keeping its comments, key order and layout.

YAML goes through ruamel.yaml's round-trip mode (comments, key order, quoting and flow style
kept); JSON is rewritten as JSON. The rewrite adds ``format: 2`` (after ``$schema`` when there is
one, else first), renames each event's ``location`` to ``place`` and writes integer years as
strings (``start: 2024`` → ``start: "2024"``, what format 2's EDTF dates are). A sheet that
already declares ``format: 2`` comes back byte for byte, so migrating twice changes nothing.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from loaders.errors import ParseError, Problem
from loaders.source import load_json

DATE_KEYS = frozenset({"published", "start", "end", "date", "due", "first_meeting"})
"""The format 1 keys that hold dates (a YAML integer there is a year)."""
RENAMED = {"events": {"location": "place"}}
"""Keys of the entries of a top-level list that format 2 renames."""


class MigrationError(ParseError):
    """The sheet cannot be read, or is not a mapping."""


def migrate_text(text: str, file: str = "<input>", fmt: str = "yaml") -> str:
    """``text`` (a format 1 or 2 sheet) as a format 2 sheet; format 2 text is returned unchanged."""
    if fmt == "json":
        return _migrate_json(text, file)
    return _migrate_yaml(text, file)


def _year(value: int) -> str:
    # the same text loaders.model gives a YAML year, so the graph does not change
    return f"{value:04d}" if 0 <= value <= 9999 else str(value)


def _is_year(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _declared_format(data: dict[str, Any], file: str) -> int:
    declared = data.get("format", 1)
    if declared not in (1, 2) or isinstance(declared, bool):
        raise MigrationError([Problem(file, None, "format", f"unknown format {declared!r}")])
    return int(declared)


def _years_as_text(node: Any, quote: Any) -> None:
    """Every integer under a date key, anywhere in ``node``, written as text."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in DATE_KEYS and _is_year(value):
                node[key] = quote(_year(value))
            else:
                _years_as_text(value, quote)
    elif isinstance(node, list):
        for item in node:
            _years_as_text(item, quote)


def _rename(data: dict[str, Any]) -> None:
    for section, renames in RENAMED.items():
        entries = data.get(section)
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if isinstance(entry, dict):
                for old, new in renames.items():
                    if old in entry and new not in entry:
                        _rename_key(entry, old, new)


def _rename_key(entry: dict[str, Any], old: str, new: str) -> None:
    """Rename in place, keeping the key's position and (YAML) its comment."""
    position = list(entry).index(old)
    value = entry.pop(old)
    if isinstance(entry, CommentedMap):
        comment = entry.ca.items.pop(old, None)
        entry.insert(position, new, value)
        if comment is not None:
            entry.ca.items[new] = comment
        return
    items = list(entry.items())
    items.insert(position, (new, value))
    entry.clear()
    entry.update(items)


def _format_position(data: dict[str, Any]) -> int:
    keys = list(data)
    return keys.index("$schema") + 1 if "$schema" in keys else 0


def _migrate_yaml(text: str, file: str) -> str:
    try:
        _, indent, block_seq_indent = load_yaml_guess_indent(text)
        data = _yaml().load(text)
    except YAMLError as exc:
        raise MigrationError([Problem(file, _yaml_line(exc), "", f"not YAML: {exc}")]) from exc
    if not isinstance(data, CommentedMap):
        raise MigrationError([Problem(file, None, "", "a fact sheet is a mapping")])
    if _declared_format(data, file) == 2:
        return text
    _years_as_text(data, DoubleQuotedScalarString)
    _rename(data)
    if "format" in data:
        data["format"] = 2
    else:
        data.insert(_format_position(data), "format", 2)
    return _dump_yaml(data, text, indent or 2, block_seq_indent or 0)


def _yaml() -> YAML:
    yaml = YAML()  # round-trip mode, YAML 1.2: what loaders.source reads
    yaml.preserve_quotes = True
    yaml.width = 100_000  # never re-wrap the writer's lines
    return yaml


def _dump_yaml(data: CommentedMap, text: str, indent: int, block_seq_indent: int) -> str:
    # ruamel guesses where a list item's content starts (`indent`) and where its dash is
    # (`block_seq_indent`); mappings are indented by the difference ("  - id:" → 2)
    mapping = indent - block_seq_indent if indent > block_seq_indent > 0 else indent
    yaml = _yaml()
    yaml.indent(mapping=mapping, sequence=indent, offset=block_seq_indent)
    yaml.explicit_start = bool(re.match(r"(?:\s*#.*\n)*\s*---", text))
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _yaml_line(exc: YAMLError) -> int | None:
    if isinstance(exc, MarkedYAMLError) and exc.problem_mark is not None:
        return int(exc.problem_mark.line) + 1
    return None


def _migrate_json(text: str, file: str) -> str:
    try:
        data = load_json(text, file)
    except ParseError as exc:  # malformed, too deep, bad numbers: located by load_json
        raise MigrationError(exc.problems) from exc
    if not isinstance(data, dict):
        raise MigrationError([Problem(file, None, "", "a fact sheet is a mapping")])
    if _declared_format(data, file) == 2:
        return text
    _years_as_text(data, str)
    _rename(data)
    data["format"] = 2
    order = [k for k in data if k != "format"]
    order.insert(_format_position({k: None for k in order}), "format")
    result = {key: data[key] for key in order}
    found = re.search(r"^\{\s*\n([ \t]+)\S", text)
    indent = found.group(1) if found else None
    dumped = json.dumps(result, indent=indent, ensure_ascii=False)
    return dumped + "\n" if text.endswith("\n") else dumped
