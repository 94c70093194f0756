"""Entities (actors and regions) as the query services see them, read from the RDF store.

An entity's ``types`` are the local names of its ``dg:`` classes, sorted (``("Official",
"Person")``); its ``name`` is the smallest of the names the articles give (they normally agree).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from graph.queries.sparql import SparqlReader
from graph.steps import DG_NS
from ontology.namespace import DG

ENTITY_CLASSES = ("Country", "Organization", "Person", "Official", "Region")
"""dg classes whose instances are entities (searchable, referable)."""
ACTOR_TYPES = frozenset(("Country", "Organization", "Person", "Official"))

_CLASS_VALUES = " ".join(f"<{DG_NS}{c}>" for c in ENTITY_CLASSES)

ENTITY_TYPES = f"""
SELECT DISTINCT ?s ?t WHERE {{
  VALUES ?c {{ {_CLASS_VALUES} }}
  GRAPH ?g {{ ?s a ?c }}
  GRAPH ?h {{ ?s a ?t }}
  FILTER(STRSTARTS(STR(?t), "{DG_NS}"))
}}"""

ENTITY_LABELS = f"""
SELECT DISTINCT ?s ?p ?v WHERE {{
  VALUES ?c {{ {_CLASS_VALUES} }}
  VALUES ?p {{ <{DG.name}> <{DG.alias}> }}
  GRAPH ?g {{ ?s a ?c }}
  GRAPH ?h {{ ?s ?p ?v }}
}}"""


@dataclass(frozen=True)
class EntityInfo:
    """What search and references need about an entity."""

    uri: str
    types: tuple[str, ...]
    name: str | None
    aliases: tuple[str, ...]

    @property
    def is_actor(self) -> bool:
        """Whether the entity is a country, organisation or person."""
        return not ACTOR_TYPES.isdisjoint(self.types)


def dg_types(values: list[str] | set[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Sorted local names of the dg classes among IRIs or labels (other values dropped)."""
    names = set()
    for value in values:
        local = value.removeprefix(DG_NS)
        if local in ENTITY_CLASSES:
            names.add(local)
    return tuple(sorted(names))


def make_entity(uri: str, types: set[str], names: set[str], aliases: set[str]) -> EntityInfo:
    """An :class:`EntityInfo` from merged values (names other than the chosen one are aliases)."""
    ordered = sorted(names)
    name = ordered[0] if ordered else None
    rest = (set(ordered[1:]) | aliases) - {name} if name else aliases
    return EntityInfo(uri, dg_types(types), name, tuple(sorted(rest)))


def read_entities(reader: SparqlReader) -> dict[str, EntityInfo]:
    """Every actor and region of the store, by IRI."""
    types: dict[str, set[str]] = defaultdict(set)
    names: dict[str, set[str]] = defaultdict(set)
    aliases: dict[str, set[str]] = defaultdict(set)
    for row in reader.select(ENTITY_TYPES):
        if row["s"] and row["t"]:
            types[row["s"]].add(row["t"])
    for row in reader.select(ENTITY_LABELS):
        subject, value = row["s"], row["v"]
        if subject and value:
            (names if row["p"] == str(DG.name) else aliases)[subject].add(value)
    return {u: make_entity(u, types[u], names[u], aliases[u]) for u in sorted(types)}
