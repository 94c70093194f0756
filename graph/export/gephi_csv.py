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

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

from graph.export.formatting import formatters, weight_text
from graph.export.model import Attr, Spell, Subgraph

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


def _rows_text(rows: list[list[str]]) -> str:
    """Some rows as CSV text."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def nodes_csv(sub: Subgraph) -> Iterator[str]:
    """The nodes table, in chunks."""
    dynamic = sub.dynamic
    plan = formatters(sub.node_attrs)
    head = ["Id", "Label", *(["Timeset"] if dynamic else []), *_headers(sub.node_attrs)]
    rows: list[list[str]] = [head]
    for node in sub.nodes:
        get = node.attributes.get
        row = [node.id, node.label]
        if dynamic:
            row.append(timeset(node.spells))
        for name, fmt in plan:
            value = get(name)
            row.append("" if value is None else (fmt(value) or ""))
        rows.append(row)
        if len(rows) >= CHUNK:
            yield _rows_text(rows)
            rows.clear()
    yield _rows_text(rows)


def edges_csv(sub: Subgraph, *, mixed: bool = False) -> Iterator[str]:
    """The edges table, in chunks (``mixed``: symmetric relations ``Undirected``)."""
    dynamic = sub.dynamic
    plan = formatters(sub.edge_attrs)
    head = [*EDGE_COLUMNS, *(["Timeset"] if dynamic else []), *_headers(sub.edge_attrs)]
    rows: list[list[str]] = [head]
    for edge in sub.edges:
        get = edge.attributes.get
        kind = "Undirected" if mixed and not edge.directed else "Directed"
        row = [
            edge.source,
            edge.target,
            kind,
            edge.relation,
            edge.id,
            edge.label,
            weight_text(edge.weight),
        ]
        if dynamic:
            row.append(timeset(edge.spells))
        for name, fmt in plan:
            value = get(name)
            row.append("" if value is None else (fmt(value) or ""))
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
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
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
