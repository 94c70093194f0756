"""Entities (actors and regions) read from the RDF store by SPARQL, for the networkx backend.

The same records the Neo4j backend reads from its projection (``graph.neo4j.source``): names
chosen by :func:`ontology.choice.most_stated`, types filtered to the entity classes.
"""

from __future__ import annotations

from collections import defaultdict

from graph.queries.entities import EntityInfo, make_entity
from graph.rdf.reader import SparqlReader
from ontology.choice import most_stated
from ontology.classes import DG_NS, ENTITY_CLASS_IRIS
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
