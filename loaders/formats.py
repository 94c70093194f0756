"""The format gate: format 2 keys need ``format: 2``; keys format 2 renamed are refused there.

Driven only by the markers on the model's fields (``json_schema_extra`` of
:data:`loaders.model.FORMAT_2` and :func:`loaders.model.renamed_in_format_2`), so a key added to
the model with the marker is gated without touching this module.
"""

from __future__ import annotations

from collections.abc import Iterator
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


def _given(model: BaseModel) -> Iterator[tuple[str, FieldInfo, Any]]:
    """The fields the sheet wrote (defaults left out), with their key as spelt in the sheet."""
    for name, info in type(model).model_fields.items():
        if name in model.model_fields_set:
            yield info.alias or name, info, getattr(model, name)


def _children(value: Any, path: Path) -> Iterator[tuple[BaseModel, Path]]:
    if isinstance(value, BaseModel):
        yield value, path
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _children(item, (*path, i))


def _walk(model: BaseModel, path: Path, fmt: int) -> Iterator[tuple[Path, str]]:
    if fmt < 2 and _extra(type(model).model_config.get("json_schema_extra")).get("x-format"):
        yield path, f"this entry is format 2: {MIGRATE_HINT}"
        return
    for key, info, value in _given(model):
        extra = _extra(info)
        if fmt < 2 and extra.get("x-format", 1) > 1:
            yield (*path, key), _new_key_message(key, info, value)
        if fmt >= 2 and extra.get("x-format-max", fmt) < fmt:
            new_key = extra.get("x-renamed-to")
            instead = f": write `{new_key}` instead" if new_key else ""
            yield (*path, key), f"`{key}` is not a format {fmt} key{instead}"
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
