"""Attribute values as text, by their declared type (shared by the XML and CSV writers).

Each declared :class:`~graph.export.model.Attr` gets one formatter, chosen once per export, so
a column never changes type half-way (integers stay integers, booleans ``true``/``false``,
non-finite doubles are left out) and tuples of strings are joined by
:data:`~graph.export.model.LIST_SEPARATOR`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

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


CACHE_LIMIT = 20_000
"""Distinct values remembered per attribute by :class:`Rendered` (values repeat a lot:
relations, sources, quotes, claimants)."""


class Rendered:
    """Memoised rendering of attribute values into markup, one cache per attribute.

    ``render(value) -> markup`` is called only for a value not seen yet (up to
    :data:`CACHE_LIMIT` per attribute); values are hashable (str, int, float, bool, tuples).
    """

    def __init__(self, attrs: tuple[Attr, ...], render: Callable[[str, str], str]) -> None:
        """``render(name, text)`` gives the markup of one formatted, non-empty value."""
        self._render = render
        self.plan: list[tuple[str, Formatter, dict[Value, str]]] = [
            (a.name, FORMATTERS[a.type], {}) for a in attrs
        ]

    def markup(self, values: Mapping[str, Value]) -> str:
        """The markup of every declared attribute present in ``values``."""
        out: list[str] = []
        self.extend(values, out)
        return "".join(out)

    def extend(self, values: Mapping[str, Value], out: list[str]) -> int:
        """Append the markup of the attributes present in ``values`` to ``out``; how many."""
        get = values.get
        added = 0
        for name, fmt, cache in self.plan:
            value = get(name)
            if value is None:
                continue
            piece = cache.get(value)
            if piece is None:
                shown = fmt(value)
                piece = "" if shown is None else self._render(name, shown)
                if len(cache) < CACHE_LIMIT:
                    cache[value] = piece
            if piece:
                out.append(piece)
                added += 1
        return added
