"""Index lookups on a pyoxigraph store: what the writer's LINK upkeep and the step reads ask.

Each function reads the named graphs only (the default graph holds nothing of an article) and
works on whichever store it is given (the live store, or a writer's in-memory mirror).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from graph.errors import QueryError
from graph.model import BNode, Lit, QuadRow, Term
from graph.rdf.terms import iri_node, to_term


def referring_subjects(
    store: ox.Store, predicates: Sequence[str], objects: Iterable[str]
) -> set[str]:
    """IRI subjects stating ``(s p o)``, for a ``p`` of ``predicates`` and an ``o`` of
    ``objects`` (values that are not IRIs match nothing).

    Per predicate, either scans its quads or looks each object up, whichever reads less: the
    scan is tried first and given up once it has read as many quads as there are objects (so
    it never costs more than twice the lookups).
    """
    wanted = set(objects)
    found: set[str] = set()
    for predicate in predicates:
        node = iri_node(predicate)
        scanned = _scan_referrers(store, node, wanted)
        found |= scanned if scanned is not None else _look_referrers(store, node, wanted)
    return found


def _scan_referrers(store: ox.Store, predicate: ox.NamedNode, wanted: set[str]) -> set[str] | None:
    """Referrers through ``predicate`` from a scan of its quads; None past ``len(wanted)``."""
    found: set[str] = set()
    quads = store.quads_for_pattern(None, predicate, None, None)
    for count, quad in enumerate(quads):
        if count >= len(wanted):
            return None
        obj, subject = quad.object, quad.subject
        if (
            type(obj) is ox.NamedNode
            and obj.value in wanted
            and type(subject) is ox.NamedNode
            and type(quad.graph_name) is not ox.DefaultGraph
        ):
            found.add(subject.value)
    return found


def _look_referrers(store: ox.Store, predicate: ox.NamedNode, wanted: set[str]) -> set[str]:
    """Referrers through ``predicate``, one index lookup per wanted object."""
    found: set[str] = set()
    for value in wanted:
        try:
            obj = ox.NamedNode(value)
        except ValueError:
            continue
        for quad in store.quads_for_pattern(None, predicate, obj, None):
            subject = quad.subject
            if type(subject) is ox.NamedNode and type(quad.graph_name) is not ox.DefaultGraph:
                found.add(subject.value)
    return found


def predicate_quads(store: ox.Store, predicates: Sequence[str]) -> list[QuadRow]:
    """Every quad of a named graph whose predicate is one of ``predicates`` (index scans)."""
    rows: list[QuadRow] = []
    for predicate in dict.fromkeys(predicates):
        for quad in store.quads_for_pattern(None, iri_node(predicate), None, None):
            graph = quad.graph_name
            if type(graph) is not ox.DefaultGraph:
                subject = subject_term(quad.subject)
                rows.append(QuadRow(subject, predicate, to_term(quad.object), graph.value))
    return rows


def subject_objects(
    store: ox.Store, subjects: Iterable[str], predicates: Sequence[str]
) -> set[Term]:
    """Objects of ``(s p o)`` in a named graph, for an ``s`` of ``subjects`` and a ``p`` of
    ``predicates`` (one index lookup per subject and predicate)."""
    nodes = [iri_node(p) for p in predicates]
    found: set[Term] = set()
    for subject in set(subjects):
        node = iri_node(subject)
        for predicate in nodes:
            for quad in store.quads_for_pattern(node, predicate, None, None):
                if type(quad.graph_name) is not ox.DefaultGraph:
                    found.add(to_term(quad.object))
    return found


def subject_term(term: object) -> str | BNode:
    """A triple's subject as a plain term."""
    value = to_term(term)
    if isinstance(value, Lit):  # pragma: no cover - RDF forbids literal subjects
        raise QueryError("a literal cannot be a subject")
    return value
