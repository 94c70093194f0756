"""Attribute values as text, by their declared type (shared by the XML and CSV writers).

Each declared :class:`~graph.export.model.Attr` gets one formatter, chosen once per export, so
a column never changes type half-way (integers stay integers, booleans ``true``/``false``,
non-finite doubles are left out) and tuples of strings are joined by
:data:`~graph.export.model.LIST_SEPARATOR`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from graph.export.model import LIST_SEPARATOR, Attr, Value

Formatter = Callable[[Value], "str | None"]


def _string(value: Value) -> str | None:
    if type(value) is str:
        return value
    if isinstance(value, tuple):
        return LIST_SEPARATOR.join(value) if value else None
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None else str(value)


def _integer(value: Value) -> str | None:
    if value is None or isinstance(value, tuple):
        return None
    return str(int(value))


def _double(value: Value) -> str | None:
    if value is None or isinstance(value, tuple):
        return None
    number = float(value)
    return repr(number) if math.isfinite(number) else None


def _boolean(value: Value) -> str | None:
    if value is None:
        return None
    return "true" if value else "false"


FORMATTERS: dict[str, Formatter] = {
    "string": _string,
    "integer": _integer,
    "double": _double,
    "boolean": _boolean,
}


def formatters(attrs: tuple[Attr, ...]) -> list[tuple[str, Formatter]]:
    """(name, formatter) of each declared attribute, in declaration order."""
    return [(a.name, FORMATTERS[a.type]) for a in attrs]


def weight_text(weight: float) -> str:
    """An edge weight as text (1.0 when not a finite number)."""
    return repr(float(weight)) if math.isfinite(weight) else "1.0"
