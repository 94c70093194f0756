"""What identity is decided from: the identifying statements of every article, by subject.

Only the predicates in :data:`IDENTITY_PREDICATES` matter (types, names, codes, the key fields
of facts); their objects are kept as text (an IRI or a literal's lexical form), which is all the
rules compare. Built from rdflib graphs (articles being loaded) or from stored quads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib import BNode, URIRef
from rdflib.namespace import OWL, RDF

from ontology.namespace import DG
from ontology.triples import Triples

IDENTITY_PREDICATES: tuple[str, ...] = tuple(
    str(p)
    for p in (
        RDF.type,
        DG.name,
        DG.alias,
        DG.isoCode,
        DG.wikidata,
        DG.geonamesId,
        OWL.sameAs,
        DG.localIri,
        DG.localRef,
        DG.sameAsRef,
        DG.country,
        DG.nationality,
        DG.postIn,
        DG.title,
        DG.party,
        DG.dateSigned,
        DG.eventKind,
        DG.participant,
        DG.location,
        DG.startDate,
        DG.endDate,
        DG.holder,
        DG.post,
        DG.relationSubject,
        DG.relationObject,
        DG.relationKind,
        DG.influencer,
        DG.influenced,
        DG.influenceKind,
        DG.direction,
        DG.agreement,
        DG.signatory,
        DG.onBehalfOf,
        DG.commitmentKind,
        DG.area,
        DG.actor,
        DG.dueDate,
        DG.description,
        # format 2: a role-only person joins the named holder of the post (identity/roles.py)
        DG.roleOnly,
        DG.holds,
        DG.asOf,
        DG.date,
    )
)
"""Predicates whose objects decide identity (read from the store on every load). Evidence is
not among them: it belongs to one article's fact (:func:`loaders.identity.rewrite_article`)."""

_WANTED = frozenset(IDENTITY_PREDICATES)

Props = dict[str, list[str]]
"""A subject's identifying statements in one article: predicate → objects (as text)."""

Statements = dict[str, dict[str, Props]]
"""Article IRI → subject IRI → :data:`Props`."""


def new_statements() -> Statements:
    """An empty :data:`Statements` that grows on access."""
    return defaultdict(lambda: defaultdict(lambda: defaultdict(list)))


def add_rows(statements: Statements, rows: Iterable[tuple[str, str, str, str]]) -> Statements:
    """Add ``(graph, subject, predicate, object text)`` rows (other predicates are ignored)."""
    for graph, subject, predicate, obj in rows:
        if predicate in _WANTED:
            statements[graph][subject][predicate].append(obj)
    return statements


def statements_of_graph(article: str, graph: Triples) -> dict[str, Props]:
    """The identifying statements of one article graph (blank-node subjects are not named)."""
    found = new_statements()
    add_rows(
        found,
        (
            (article, str(s), str(p), str(o))
            for s, p, o in graph
            if isinstance(s, URIRef) and not isinstance(o, BNode)
        ),
    )
    return found[article]
