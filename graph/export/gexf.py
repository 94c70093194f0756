"""GEXF 1.3 for Gephi, Gephi Lite and sigma.js, written as a stream of text chunks.

Valid against the official GEXF 1.3 RELAX NG schema (``schema/gexf-1.3``), unlike networkx's
``write_gexf``. What it writes:

* typed ``<attributes>`` for nodes and edges, declared before the nodes (ids are the attribute
  names, so every reader keys values by name); no attribute uses a reserved name;
* the relation of every edge in its ``kind``, so parallel edges of different relations stay
  distinct in Gephi, and as its ``label``;
* dynamic mode (``timeformat="date"``) with ``<spells>`` from the dates of agreements, tenures,
  influences, events and relations, when any element has one, so Gephi's timeline works;
* node colours by entity type in the ``viz`` namespace;
* provenance (article IRIs, quotes) as ``string`` attributes, since Gephi drops ``anyURI``.

``mixed=False`` (default) writes every edge directed from the step's source to its target, with
a ``symmetric`` attribute for agreements, commitments and events: every reader takes that
(networkx refuses graphs mixing directed and undirected edges). ``mixed=True`` writes symmetric
relations as undirected edges of a directed graph, which Gephi and graphology read as a mixed
graph.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from graph.export.formatting import Rendered, weight_text
from graph.export.model import Attr, Spell, Subgraph, colour_of
from graph.export.xmltext import attr as esc
from graph.export.xmltext import text

GEXF_NS = "http://gexf.net/1.3"
VIZ_NS = "http://gexf.net/1.3/viz"
MEDIA_TYPE = "application/gexf+xml"
EXTENSION = "gexf"
CHUNK = 8000
"""Strings per yielded chunk (a few hundred elements)."""

_TYPES = {"string": "string", "integer": "integer", "double": "double", "boolean": "boolean"}


def _declarations(cls: str, attrs: tuple[Attr, ...]) -> str:
    """The ``<attributes>`` block of one class."""
    if not attrs:
        return ""
    items = "".join(
        f'<attribute id="{esc(a.name)}" title="{esc(a.name)}" type="{_TYPES[a.type]}"/>'
        for a in attrs
    )
    return f'<attributes class="{cls}">{items}</attributes>\n'


def _spells(spells: tuple[Spell, ...]) -> str:
    """A ``<spells>`` element (empty string for none)."""
    items = []
    for spell in spells:
        start = f' start="{spell.start}"' if spell.start else ""
        end = f' end="{spell.end}"' if spell.end else ""
        items.append(f"<spell{start}{end}/>")
    return f"<spells>{''.join(items)}</spells>" if items else ""


def _header(sub: Subgraph, today: dt.date) -> str:
    """Everything before the first node."""
    mode = (
        ' mode="dynamic" timeformat="date" timerepresentation="interval"'
        if sub.dynamic
        else (' mode="static"')
    )
    description = f"<description>{text(sub.description)}</description>" if sub.description else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<gexf xmlns="{GEXF_NS}" xmlns:viz="{VIZ_NS}" version="1.3">\n'
        f'<meta lastmodifieddate="{today.isoformat()}"><creator>diplograph</creator>'
        f"{description}</meta>\n"
        f'<graph defaultedgetype="directed"{mode}>\n'
        + _declarations("node", sub.node_attrs)
        + _declarations("edge", sub.edge_attrs)
    )


class _Memo:
    """Escaped text of values that repeat (node ids, labels, relations), bounded."""

    def __init__(self, limit: int = 200_000) -> None:
        self._known: dict[str, str] = {}
        self._limit = limit

    def __call__(self, value: str) -> str:
        found = self._known.get(value)
        if found is None:
            found = esc(value)
            if len(self._known) < self._limit:
                self._known[value] = found
        return found


def _attvalue(name: str, shown: str) -> str:
    return f'<attvalue for="{esc(name)}" value="{esc(shown)}"/>'


def write_gexf(
    sub: Subgraph, *, mixed: bool = False, today: dt.date | None = None
) -> Iterator[str]:
    """The GEXF document of ``sub``, in chunks of about :data:`CHUNK` elements."""
    yield _header(sub, today or dt.date.today())
    ids = _Memo(limit=max(200_000, len(sub.nodes)))
    values = Rendered(sub.node_attrs, _attvalue)
    colours: dict[str, str] = {}
    buf: list[str] = [f'<nodes count="{len(sub.nodes)}">\n']
    for node in sub.nodes:
        colour = colours.get(node.type)
        if colour is None:
            r, g, b = colour_of(node.type)
            colour = colours[node.type] = f'<viz:color r="{r}" g="{g}" b="{b}"/>'
        buf.append(f'<node id="{ids(node.id)}" label="{esc(node.label)}"><attvalues>')
        if not values.extend(node.attributes, buf):
            buf[-1] = buf[-1][: -len("<attvalues>")]
        else:
            buf.append("</attvalues>")
        if node.spells:
            buf.append(_spells(node.spells))
        buf.append(colour + "</node>\n")
        if len(buf) >= CHUNK:
            yield "".join(buf)
            buf.clear()
    buf.append(f'</nodes>\n<edges count="{len(sub.edges)}">\n')
    yield from _edges(sub, mixed, buf, ids)


def _edges(sub: Subgraph, mixed: bool, buf: list[str], ids: _Memo) -> Iterator[str]:
    """The edges and the closing tags."""
    values = Rendered(sub.edge_attrs, _attvalue)
    texts = _Memo(limit=10_000)
    spells: dict[tuple[Spell, ...], str] = {}
    for edge in sub.edges:
        direction = ' type="undirected"' if mixed and not edge.directed else ""
        weight = "1.0" if edge.weight == 1.0 else weight_text(edge.weight)
        buf.append(
            f'<edge id="{esc(edge.id)}" source="{ids(edge.source)}" target="{ids(edge.target)}"'
            f'{direction} kind="{texts(edge.relation)}" label="{texts(edge.label)}"'
            f' weight="{weight}"><attvalues>'
        )
        if not values.extend(edge.attributes, buf):
            buf[-1] = buf[-1][: -len("<attvalues>")]
        else:
            buf.append("</attvalues>")
        if edge.spells:
            timing = spells.get(edge.spells)
            if timing is None:
                timing = _spells(edge.spells)
                if len(spells) < 10_000:
                    spells[edge.spells] = timing
            buf.append(timing)
        buf.append("</edge>\n")
        if len(buf) >= CHUNK:
            yield "".join(buf)
            buf.clear()
    buf.append("</edges>\n</graph>\n</gexf>\n")
    yield "".join(buf)
