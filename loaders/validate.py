"""Validate parsed data against the fact-sheet model; pydantic errors become located problems."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import ErrorDetails

from loaders import model
from loaders.errors import InvalidInputError, Problem
from loaders.model import FactSheet
from loaders.names import did_you_mean
from loaders.source import Document, Path
from ontology.identifiers import SLUG_PATTERN, preview

_TYPE_NAMES = {
    "str": "a string",
    "int": "a number",
    "float": "a number",
    "bool": "a boolean",
    "list": "a list",
    "dict": "a mapping",
    "NoneType": "null",
}
_ENTITY_TYPES = "country, organization, person, official, region or place"


def _all_fields() -> set[str]:
    names: set[str] = set()
    for value in vars(model).values():
        if isinstance(value, type) and issubclass(value, BaseModel):
            names |= {f.alias or n for n, f in value.model_fields.items()}
    return names


FIELD_NAMES = frozenset(_all_fields())


def validate_sheet(doc: Document) -> FactSheet:
    """The :class:`FactSheet` in ``doc``; raise :class:`InvalidInputError` with every problem."""
    if not isinstance(doc.data, dict):
        got = _describe(doc.data)
        message = f"a fact sheet is a mapping with an 'article' key, got {got}"
        raise InvalidInputError([*doc.problems, doc.problem((), message)])
    try:
        sheet = FactSheet.model_validate(doc.data)
    except PydanticValidationError as exc:
        problems = [_problem(doc, error) for error in exc.errors()]
        raise InvalidInputError([*doc.problems, *problems]) from exc
    return sheet


def _problem(doc: Document, error: ErrorDetails) -> Problem:
    path = _data_path(doc.data, error["loc"])
    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        path = (*path, "type")
    return doc.problem(path, _message(error, path))


def _data_path(data: Any, loc: tuple[int | str, ...]) -> Path:
    """The path in the document: drop the union tags pydantic puts in ``loc``."""
    out: list[int | str] = []
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, dict) and isinstance(part, str) and part not in node and not last:
            continue  # a discriminator tag such as 'country'
        out.append(part)
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            node = None
    return tuple(out)


def _message(error: ErrorDetails, path: Path) -> str:
    kind, msg, ctx = error["type"], error["msg"], error.get("ctx") or {}
    field = path[-1] if path else ""
    if kind == "missing" and field == "evidence":
        return 'fact without evidence: add `evidence: {quote: "..."}` (the supporting passage)'
    if kind == "missing":
        return f"missing required field '{field}'"
    if kind == "extra_forbidden":
        return f"unknown field '{field}'{did_you_mean(str(field), FIELD_NAMES)}"
    if kind == "union_tag_invalid":
        return f"unknown entity type {ctx.get('tag')!r} (expected {_ENTITY_TYPES})"
    if kind == "union_tag_not_found":
        return f"missing field 'type' ({_ENTITY_TYPES})"
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    if kind == "string_too_long":
        limit = ctx.get("max_length")
        text = str(error["input"])
        return f"{preview(text)} is {len(text):,} characters long: at most {limit:,} characters"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == SLUG_PATTERN:
        text = preview(str(error["input"]))
        return f"{text} is not a valid id: use lower-case letters, digits and hyphens"
    if kind == "string_pattern_mismatch" and field == "wikidata":
        return f"{error['input']!r} is not a Wikidata id (Q followed by digits)"
    if kind == "too_short" and field == "evidence":
        return "fact without evidence: the evidence list is empty"
    return f"{msg}, got {_describe(error['input'])}"


def _describe(value: Any) -> str:
    kind = _TYPE_NAMES.get(type(value).__name__, type(value).__name__)
    if isinstance(value, dict | list):
        return kind
    text = repr(value)
    return f"{kind} {text[:60]}{'…' if len(text) > 60 else ''}"
