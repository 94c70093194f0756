"""Entities (actors and regions) as the query services see them, read from the RDF store.

An entity's ``types`` are the local names of its ``dg:`` classes, sorted (``("Official",
"Person")``); its ``name`` is the smallest of the names the articles give (they normally agree).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from graph.rdf.reader import SparqlReader
from graph.rules.records import most_stated
from ontology.classes import ACTOR_TYPES, DG_NS, ENTITY_CLASS_IRIS
from ontology.classes import ENTITY_TYPES as ENTITY_TYPE_NAMES
from ontology.namespace import DG

_CLASS_VALUES = " ".join(f"<{c}>" for c in sorted(ENTITY_CLASS_IRIS))

ENTITY_TYPES = f"""
SELECT DISTINCT ?s ?t WHERE {{
  {{ SELECT DISTINCT ?s WHERE {{ VALUES ?c {{ {_CLASS_VALUES} }} GRAPH ?g {{ ?s a ?c }} }} }}
  GRAPH ?h {{ ?s a ?t }}
  FILTER(STRSTARTS(STR(?t), "{DG_NS}"))
}}"""

ENTITY_LABELS = f"""
SELECT DISTINCT ?s ?p ?v ?h WHERE {{
  VALUES ?p {{ <{DG.name}> <{DG.alias}> }}
  {{ SELECT DISTINCT ?s WHERE {{ VALUES ?c {{ {_CLASS_VALUES} }} GRAPH ?g {{ ?s a ?c }} }} }}
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


def dg_types(values: Iterable[str]) -> tuple[str, ...]:
    """Sorted local names of the dg classes among IRIs or labels (other values dropped)."""
    names = set()
    for value in values:
        local = value.removeprefix(DG_NS)
        if local in ENTITY_TYPE_NAMES:
            names.add(local)
    return tuple(sorted(names))


def make_entity(
    uri: str, types: Iterable[str], name: str | None, aliases: Iterable[str]
) -> EntityInfo:
    """An :class:`EntityInfo` (types filtered to entity classes, aliases sorted and distinct)."""
    return EntityInfo(uri, dg_types(list(types)), name, tuple(sorted(set(aliases))))


def read_entities(reader: SparqlReader) -> dict[str, EntityInfo]:
    """Every actor and region of the store, by IRI (name chosen as the projection does)."""
    types: dict[str, set[str]] = defaultdict(set)
    names: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    aliases: dict[str, set[str]] = defaultdict(set)
    for row in reader.select(ENTITY_TYPES):
        if row["s"] and row["t"]:
            types[row["s"]].add(row["t"])
    for row in reader.select(ENTITY_LABELS):
        subject, value = row["s"], row["v"]
        if not (subject and value):
            continue
        if row["p"] == str(DG.name):
            names[subject][value].add(row["h"] or "")
        else:
            aliases[subject].add(value)
    return {
        u: make_entity(u, types[u], most_stated(names.get(u, {})), aliases.get(u, set()))
        for u in sorted(types)
    }
