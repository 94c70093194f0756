"""GraphML for networkx, igraph, yEd, Cytoscape and Gephi, written as a stream of text chunks.

* Keys have named ids (``<key id="relation" …>``), never ``d0``…``dN``: Gephi takes ``d3``/``d7``
  for yEd's label keys. A name declared for both nodes and edges gets the id ``edge_<name>``
  on the edge side (``attr.name`` stays the name).
* Types come from the declared schema (``int``, ``double``, ``boolean``, ``string``), and values
  are formatted by it, so igraph never meets a ``1.0`` in an ``int`` column.
* Gephi conventions: node key ``label``, edge keys ``edgelabel`` (name ``label``) and
  ``weight``, node colour keys ``r``/``g``/``b`` by entity type.
* The graph is directed; symmetric relations carry ``symmetric=true`` (igraph and networkx read
  one edge direction per graph). Time is in the ``start_date``/``end_date`` attributes and in
  ``spell_start``/``spell_end`` (first and last day, empty when open) when the subgraph has spells.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from graph.export.formatting import Rendered, weight_text
from graph.export.model import Attr, Spell, Subgraph, colour_of
from graph.export.xmltext import attr as esc
from graph.export.xmltext import text

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
MEDIA_TYPE = "application/graphml+xml"
EXTENSION = "graphml"
CHUNK = 8000

_TYPES = {"string": "string", "integer": "int", "double": "double", "boolean": "boolean"}
_NODE_BUILTIN = (
    ("label", "label", "string"),
    ("r", "r", "int"),
    ("g", "g", "int"),
    ("b", "b", "int"),
)
_EDGE_BUILTIN = (("edgelabel", "label", "string"), ("weight", "weight", "double"))
_SPELL_KEYS = (Attr("spell_start", "string"), Attr("spell_end", "string"))


def _key_ids(sub: Subgraph) -> tuple[dict[str, str], dict[str, str]]:
    """Key id of every node and edge attribute name."""
    taken = {k for k, _, _ in _NODE_BUILTIN} | {k for k, _, _ in _EDGE_BUILTIN}
    node_ids = {}
    for a in sub.node_attrs:
        node_ids[a.name] = a.name if a.name not in taken else f"node_{a.name}"
    taken |= set(node_ids.values())
    edge_ids = {}
    for a in (*sub.edge_attrs, *(_SPELL_KEYS if sub.dynamic else ())):
        edge_ids[a.name] = a.name if a.name not in taken else f"edge_{a.name}"
    return node_ids, edge_ids


def _keys(sub: Subgraph, node_ids: dict[str, str], edge_ids: dict[str, str]) -> str:
    """Every ``<key>`` declaration."""
    lines = [
        f'<key id="{i}" for="node" attr.name="{n}" attr.type="{t}"/>' for i, n, t in _NODE_BUILTIN
    ]
    for a in sub.node_attrs:
        lines.append(
            f'<key id="{esc(node_ids[a.name])}" for="node" attr.name="{esc(a.name)}"'
            f' attr.type="{_TYPES[a.type]}"/>'
        )
    lines.extend(
        f'<key id="{i}" for="edge" attr.name="{n}" attr.type="{t}"/>' for i, n, t in _EDGE_BUILTIN
    )
    for a in (*sub.edge_attrs, *(_SPELL_KEYS if sub.dynamic else ())):
        lines.append(
            f'<key id="{esc(edge_ids[a.name])}" for="edge" attr.name="{esc(a.name)}"'
            f' attr.type="{_TYPES[a.type]}"/>'
        )
    return "\n".join(lines) + "\n"


def _spell_data(spells: tuple[Spell, ...], ids: dict[str, str]) -> str:
    """First start and last end of the spells (open bounds omitted)."""
    if not spells:
        return ""
    starts = [s.start for s in spells]
    ends = [s.end for s in spells]
    start = None if None in starts else min(s for s in starts if s)
    end = None if None in ends else max(e for e in ends if e)
    out = f'<data key="{ids["spell_start"]}">{start}</data>' if start else ""
    return out + (f'<data key="{ids["spell_end"]}">{end}</data>' if end else "")


def write_graphml(sub: Subgraph) -> Iterator[str]:
    """The GraphML document of ``sub``, in chunks of about :data:`CHUNK` elements."""
    node_ids, edge_ids = _key_ids(sub)
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<graphml xmlns="{GRAPHML_NS}">\n'
        + _keys(sub, node_ids, edge_ids)
        + '<graph id="diplograph" edgedefault="directed">\n'
    )
    node_values = Rendered(sub.node_attrs, _renderer(node_ids))
    colours: dict[str, str] = {}
    buf: list[str] = []
    for node in sub.nodes:
        colour = colours.get(node.type)
        if colour is None:
            r, g, b = colour_of(node.type)
            colour = colours[node.type] = (
                f'<data key="r">{r}</data><data key="g">{g}</data><data key="b">{b}</data>'
            )
        buf.append(f'<node id="{esc(node.id)}"><data key="label">{text(node.label)}</data>{colour}')
        node_values.extend(node.attributes, buf)
        buf.append("</node>\n")
        if len(buf) >= CHUNK:
            yield "".join(buf)
            buf.clear()
    edge_values = Rendered(sub.edge_attrs, _renderer(edge_ids))
    dynamic = sub.dynamic
    labels: dict[str, str] = {}
    for edge in sub.edges:
        label = labels.get(edge.label)
        if label is None:
            label = f'<data key="edgelabel">{text(edge.label)}</data>'
            if len(labels) < 10_000:
                labels[edge.label] = label
        weight = "1.0" if edge.weight == 1.0 else weight_text(edge.weight)
        buf.append(
            f'<edge id="{esc(edge.id)}" source="{esc(edge.source)}" target="{esc(edge.target)}">'
            f'{label}<data key="weight">{weight}</data>'
        )
        edge_values.extend(edge.attributes, buf)
        if dynamic and edge.spells:
            buf.append(_spell_data(edge.spells, edge_ids))
        buf.append("</edge>\n")
        if len(buf) >= CHUNK:
            yield "".join(buf)
            buf.clear()
    buf.append("</graph>\n</graphml>\n")
    yield "".join(buf)


def _renderer(ids: dict[str, str]) -> Callable[[str, str], str]:
    """Markup of one ``<data>`` element for an attribute name and its text."""

    def render(name: str, shown: str) -> str:
        return f'<data key="{esc(ids[name])}">{text(shown)}</data>'

    return render
