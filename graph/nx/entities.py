"""Entities (actors and regions) read from the RDF store by SPARQL, for the networkx backend.

The same records the Neo4j backend reads from its projection (``graph.neo4j.source``): names
chosen by :func:`ontology.choice.preferred_name`, types filtered to the entity classes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from graph.model import Lit, QuadRow, Term
from graph.queries.entities import EntityInfo, make_entity
from graph.rdf.reader import SparqlReader
from ontology.choice import preferred_name
from ontology.classes import DG_NS, ENTITY_CLASS_IRIS
from ontology.namespace import DG

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_NAME, _ALIAS = str(DG.name), str(DG.alias)

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
        u: make_entity(u, types[u], preferred_name(names.get(u, {})), aliases.get(u, set()))
        for u in sorted(types)
    }


def entities_of_quads(rows: Iterable[QuadRow]) -> dict[str, EntityInfo]:
    """The entities among the subjects of ``rows`` (every quad of each subject, as
    ``RDFStore.subject_quads`` gives them): the same records as :func:`read_entities`."""
    types: dict[str, set[str]] = defaultdict(set)
    names: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    aliases: dict[str, set[str]] = defaultdict(set)
    for subject, predicate, obj, graph in rows:
        if not isinstance(subject, str):
            continue
        if predicate == RDF_TYPE:
            if isinstance(obj, str) and obj.startswith(DG_NS):
                types[subject].add(obj)
        elif predicate == _NAME:
            names[subject][_text(obj)].add(graph)
        elif predicate == _ALIAS:
            aliases[subject].add(_text(obj))
    return {
        u: make_entity(u, kinds, preferred_name(names.get(u, {})), aliases.get(u, set()))
        for u, kinds in sorted(types.items())
        if not ENTITY_CLASS_IRIS.isdisjoint(kinds)
    }


def _text(term: Term) -> str:
    """A term as :class:`SparqlReader` gives it (IRI, lexical form, ``_:id``)."""
    if isinstance(term, str):
        return term
    if isinstance(term, Lit):
        return term.value
    return f"_:{term.id}"
