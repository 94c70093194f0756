"""The format gate: format 2 keys need ``format: 2``; keys format 2 renamed are refused there.

Driven only by the markers on the model's fields (``json_schema_extra`` of
:data:`loaders.model.FORMAT_2` and :func:`loaders.model.renamed_in_format_2`), so a key added to
the model with the marker is gated without touching this module.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from loaders.errors import Problem
from loaders.model import FactSheet
from loaders.source import Document, Path

MIGRATE_HINT = "add `format: 2` at the top of the sheet (or run `diplograph migrate FILE`)"


def _extra(holder: FieldInfo | object) -> dict[str, Any]:
    """The marker dict of a field or a model config (a callable extra carries no marker)."""
    extra = holder.json_schema_extra if isinstance(holder, FieldInfo) else holder
    return extra if isinstance(extra, dict) else {}


@dataclass(frozen=True)
class _Field:
    """What the gate reads of one field of a model, read once per model class."""

    name: str
    key: str
    info: FieldInfo
    since: int
    """``x-format``: the first format with the key (1 unless marked)."""
    until: int | None
    """``x-format-max``: the last format with the key, if it was renamed."""
    renamed_to: str | None


@cache
def _fields(model: type[BaseModel]) -> tuple[bool, tuple[_Field, ...]]:
    """Whether the model is a format 2 entry as a whole, and its fields' markers (walking a
    sheet reads them for every entry: reading the pydantic metadata each time cost more than
    the rest of the walk)."""
    whole = bool(_extra(model.model_config.get("json_schema_extra")).get("x-format"))
    fields = []
    for name, info in model.model_fields.items():
        extra = _extra(info)
        key = info.alias or name
        since, until = extra.get("x-format", 1), extra.get("x-format-max")
        fields.append(_Field(name, key, info, since, until, extra.get("x-renamed-to")))
    return whole, tuple(fields)


def _children(value: Any, path: Path) -> Iterator[tuple[BaseModel, Path]]:
    if isinstance(value, BaseModel):
        yield value, path
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _children(item, (*path, i))


def _walk(model: BaseModel, path: Path, fmt: int) -> Iterator[tuple[Path, str]]:
    whole, fields = _fields(type(model))
    if fmt < 2 and whole:
        yield path, f"this entry is format 2: {MIGRATE_HINT}"
        return
    given = model.model_fields_set  # the fields the sheet wrote (defaults left out)
    for field in fields:
        if field.name not in given:
            continue
        key, value = field.key, getattr(model, field.name)
        if fmt < 2 and field.since > 1:
            yield (*path, key), _new_key_message(key, field.info, value)
        if fmt >= 2 and field.until is not None and field.until < fmt:
            instead = f": write `{field.renamed_to}` instead" if field.renamed_to else ""
            yield (*path, key), f"`{key}` is not a format {fmt} key{instead}"
        if isinstance(value, BaseModel | list):
            for child, child_path in _children(value, (*path, key)):
                yield from _walk(child, child_path, fmt)


def _new_key_message(key: str, info: FieldInfo, value: Any) -> str:
    if get_origin(info.annotation) is Literal:  # a discriminator: `type: place`
        return f"`{key}: {value}` is format 2: {MIGRATE_HINT}"
    return f"`{key}` is a format 2 key: {MIGRATE_HINT}"


def format_violations(model: BaseModel, fmt: int, path: Path = ()) -> list[tuple[Path, str]]:
    """Every key of ``model`` (a sheet or a part of one) that format ``fmt`` does not have."""
    return list(_walk(model, path, fmt))


def format_problems(sheet: FactSheet, doc: Document) -> list[Problem]:
    """Every key the sheet's declared ``format`` does not have, located in ``doc``."""
    return [doc.problem(path, message) for path, message in _walk(sheet, (), sheet.format)]
