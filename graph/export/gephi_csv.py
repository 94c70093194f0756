"""Gephi spreadsheet CSV: a zip holding ``nodes.csv`` and ``edges.csv``, streamed.

Gephi's *Import spreadsheet* (Data Laboratory) takes both tables as they are, nodes first:

* ``nodes.csv``: ``Id``, ``Label``, ``Timeset`` (when the subgraph has spells), then the node
  attributes;
* ``edges.csv``: ``Source``, ``Target``, ``Type`` (``Directed``/``Undirected``), ``Kind`` (the
  relation, so parallel edges stay apart), ``Id``, ``Label``, ``Weight``, ``Timeset``, then the
  edge attributes.

``Timeset`` is Gephi's interval set, ``<[2025-01-22, 2025-12-31]>``, ``Infinity`` for an open
bound; choose the time representation *intervals* in the import wizard. Files are UTF-8 with
a header row, comma separated, quoted where needed (quotes contain commas and quotes).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from graph.export.formatting import CACHE_LIMIT, FORMATTERS, Formatter, weight_text
from graph.export.model import Attr, Spell, Subgraph, Value

MEDIA_TYPE = "application/zip"
EXTENSION = "zip"
CHUNK = 2000
NODE_COLUMNS = ("Id", "Label")
EDGE_COLUMNS = ("Source", "Target", "Type", "Kind", "Id", "Label", "Weight")
_SPECIAL = {c.lower() for c in (*NODE_COLUMNS, *EDGE_COLUMNS, "Timeset", "Interval")}


def timeset(spells: Iterable[Spell]) -> str:
    """Gephi's interval-set text of some spells (empty for none)."""
    items = [f"[{s.start or '-Infinity'}, {s.end or 'Infinity'}]" for s in spells]
    return f"<{'; '.join(items)}>" if items else ""


def _headers(attrs: tuple[Attr, ...]) -> list[str]:
    """Column names of the attributes (a clash with a Gephi column gets an ``_attr`` suffix)."""
    return [f"{a.name}_attr" if a.name.lower() in _SPECIAL else a.name for a in attrs]


class _Cells:
    """The text cells of the declared attributes, memoised per column."""

    def __init__(self, attrs: tuple[Attr, ...]) -> None:
        self.plan: list[tuple[str, Formatter, dict[Value, str]]] = [
            (a.name, FORMATTERS[a.type], {}) for a in attrs
        ]

    def extend(self, values: Mapping[str, Value], row: list[str]) -> None:
        """Append one cell per declared attribute (empty when absent)."""
        get = values.get
        for name, fmt, cache in self.plan:
            value = get(name)
            if value is None:
                row.append("")
                continue
            cell = cache.get(value)
            if cell is None:
                cell = quote(fmt(value) or "")
                if len(cache) < CACHE_LIMIT:
                    cache[value] = cell
            row.append(cell)


_NEEDS_QUOTES = re.compile('[",\r\n]')


def quote(cell: str) -> str:
    """A CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break."""
    if _NEEDS_QUOTES.search(cell) is None:
        return cell
    return '"' + cell.replace('"', '""') + '"'


def _rows_text(rows: list[list[str]]) -> str:
    """Some rows of already quoted cells as CSV text."""
    return "".join([",".join(row) + "\r\n" for row in rows])


def nodes_csv(sub: Subgraph) -> Iterator[str]:
    """The nodes table, in chunks."""
    dynamic = sub.dynamic
    cells = _Cells(sub.node_attrs)
    head = ["Id", "Label", *(["Timeset"] if dynamic else []), *_headers(sub.node_attrs)]
    rows: list[list[str]] = [[quote(h) for h in head]]
    for node in sub.nodes:
        row = [quote(node.id), quote(node.label)]
        if dynamic:
            row.append(quote(timeset(node.spells)))
        cells.extend(node.attributes, row)
        rows.append(row)
        if len(rows) >= CHUNK:
            yield _rows_text(rows)
            rows.clear()
    yield _rows_text(rows)


def edges_csv(sub: Subgraph, *, mixed: bool = False) -> Iterator[str]:
    """The edges table, in chunks (``mixed``: symmetric relations ``Undirected``)."""
    dynamic = sub.dynamic
    cells = _Cells(sub.edge_attrs)
    times: dict[tuple[Spell, ...], str] = {}
    head = [*EDGE_COLUMNS, *(["Timeset"] if dynamic else []), *_headers(sub.edge_attrs)]
    rows: list[list[str]] = [[quote(h) for h in head]]
    labels: dict[str, str] = {}
    for edge in sub.edges:
        kind = "Undirected" if mixed and not edge.directed else "Directed"
        label = labels.get(edge.label)
        if label is None:
            label = quote(edge.label)
            if len(labels) < CACHE_LIMIT:
                labels[edge.label] = label
        row = [
            quote(edge.source),
            quote(edge.target),
            kind,
            quote(edge.relation),
            quote(edge.id),
            label,
            "1.0" if edge.weight == 1.0 else weight_text(edge.weight),
        ]
        if dynamic:
            cell = times.get(edge.spells)
            if cell is None:
                cell = quote(timeset(edge.spells))
                if len(times) < CACHE_LIMIT:
                    times[edge.spells] = cell
            row.append(cell)
        cells.extend(edge.attributes, row)
        rows.append(row)
        if len(rows) >= CHUNK:
            yield _rows_text(rows)
            rows.clear()
    yield _rows_text(rows)


class _Sink(io.RawIOBase):
    """A write-only, unseekable stream collecting bytes until taken (zipfile streams into it)."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[bytes] = []
        self._pos = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self._parts.append(chunk)
        self._pos += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self._pos

    def take(self) -> bytes:
        """The bytes written since the last call."""
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def write_gephi_csv(sub: Subgraph, *, mixed: bool = False) -> Iterator[bytes]:
    """A zip of ``nodes.csv`` and ``edges.csv``, streamed (constant memory)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, chunks in (
            ("nodes.csv", nodes_csv(sub)),
            ("edges.csv", edges_csv(sub, mixed=mixed)),
        ):
            with archive.open(name, "w", force_zip64=True) as entry:
                for chunk in chunks:
                    entry.write(chunk.encode("utf-8", "replace"))
                    data = sink.take()
                    if data:
                        yield data
            data = sink.take()
            if data:
                yield data
    yield sink.take()
