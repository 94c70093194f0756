"""The neutral subgraph every exporter writes: nodes, edges, typed attributes and time spells.

Selection (``graph.export.select``) produces a :class:`Subgraph`; each format module
(``gexf``, ``graphml``, ``gephi_csv``, ``cytoscape``) turns one into a stream of text chunks.

* Node ids are entity IRIs; edge ids are step IRIs (``graph.rules.steps.step_uri``).
* Attribute values are ``str``, ``int``, ``float``, ``bool``, a tuple of strings (written as one
  string joined by :data:`LIST_SEPARATOR` where a format has no lists) or None (absent). The
  schema (:class:`Attr`, declared once per subgraph) fixes each attribute's type, so a writer
  never guesses it from the first value.
* Spells are closed day intervals ``YYYY-MM-DD``; a missing bound is open. A partial date
  widens to the period it covers: ``2025`` starts on ``2025-01-01`` and ends on ``2025-12-31``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ontology.dates import first_day, last_day

AttrType = Literal["string", "integer", "double", "boolean"]
Value = str | int | float | bool | tuple[str, ...] | None

LIST_SEPARATOR = " | "
"""How formats without list values join a tuple of strings."""

RESERVED_NAMES = frozenset(("id", "label", "type", "kind", "weight", "start", "end"))
"""Names Gephi and the file formats use themselves; domain attributes never take them."""

POINT_RELATIONS = frozenset(("event", "ended"))
"""Relations whose single date is the period they happened in (not the start of a state)."""

TYPE_COLOURS: Mapping[str, tuple[int, int, int]] = {
    "Country": (31, 119, 180),
    "Organization": (255, 127, 14),
    "Official": (214, 39, 40),
    "Person": (44, 160, 44),
    "Region": (148, 103, 189),
    "Place": (140, 86, 75),
    "CollectiveActor": (148, 103, 189),
}
"""Node colour by entity type (RGB), used by the GEXF viz namespace and GraphML r/g/b keys."""
DEFAULT_COLOUR = (127, 127, 127)


@dataclass(frozen=True, slots=True)
class Attr:
    """One declared attribute: a name (never a reserved one) and its type."""

    name: str
    type: AttrType

    def __post_init__(self) -> None:
        if self.name.lower() in RESERVED_NAMES:
            raise ValueError(f"{self.name!r} is reserved by the export formats")


@dataclass(frozen=True, slots=True)
class Spell:
    """A closed interval of days (``YYYY-MM-DD``); None is an open bound."""

    start: str | None
    end: str | None


@dataclass(frozen=True, slots=True)
class Node:
    """An actor of the subgraph."""

    id: str
    label: str
    type: str
    attributes: Mapping[str, Value] = field(default_factory=dict)
    spells: tuple[Spell, ...] = ()


@dataclass(frozen=True, slots=True)
class Edge:
    """A step of the subgraph; ``relation`` is its kind (``agreement``, ``relation:ruled``…)."""

    id: str
    source: str
    target: str
    relation: str
    label: str
    directed: bool = True
    """False for symmetric relations (``Step.directed``)."""
    attributes: Mapping[str, Value] = field(default_factory=dict)
    spells: tuple[Spell, ...] = ()
    weight: float = 1.0


@dataclass(frozen=True)
class Subgraph:
    """Nodes, edges and the attribute schema of both; ``meta`` says how it was selected."""

    nodes: Sequence[Node]
    edges: Sequence[Edge]
    node_attrs: tuple[Attr, ...] = ()
    edge_attrs: tuple[Attr, ...] = ()
    description: str = ""
    meta: Mapping[str, str] = field(default_factory=dict)

    @property
    def dynamic(self) -> bool:
        """Whether any node or edge has a spell (formats then write time information)."""
        return any(n.spells for n in self.nodes) or any(e.spells for e in self.edges)


def spell_of(start: str | None, end: str | None, *, point: bool = False) -> Spell | None:
    """The spell of a period stated with partial dates; None when nothing is known.

    ``point``: a fact that *happened* in ``start`` (an event) ends with that period when no end
    is given; otherwise a missing end stays open. A period whose end precedes its start (bad
    data) keeps only its start.
    """
    first = first_day(start)
    last = last_day(end) if end else (last_day(start) if point else None)
    if first is None and last is None:
        return None
    if first is not None and last is not None and last < first:
        last = None
    return Spell(first, last)


def text_value(value: Value) -> str:
    """A value as the text of a typed attribute (lists joined, booleans lower case)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return LIST_SEPARATOR.join(value)
    if isinstance(value, float):
        return repr(value)
    return "" if value is None else str(value)


def colour_of(node_type: str) -> tuple[int, int, int]:
    """RGB colour of a node type."""
    return TYPE_COLOURS.get(node_type, DEFAULT_COLOUR)
