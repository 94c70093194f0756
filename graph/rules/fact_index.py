"""Quads indexed for the step rules, and the evidence of a fact as the steps list it.

Input is a flat list of quads ``(subject, predicate, object, graph)`` as strings (IRIs, or the
lexical form of literals); which value wins when articles disagree and what one evidence node
says are ``graph.rules.records``'s rules (:func:`most_stated`, :func:`evidence_entries`), so a
step never disagrees with its fact's node.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib.namespace import RDF

from graph.rules.records import evidence_entries
from ontology.choice import most_stated, preferred_name
from ontology.classes import ACTOR_CLASS_IRIS
from ontology.namespace import DG

_NAME = str(DG.name)

Quad = tuple[str, str, str, str]
"""(subject, predicate, object, graph); object is an IRI or a literal's lexical form."""

RDF_TYPE = str(RDF.type)


@dataclass(frozen=True, order=True)
class Evidence:
    """What supports a fact: the article, the quote and who made the claim (name or words)."""

    article: str
    quote: str
    claimant: str | None = None


class FactIndex:
    """Quads indexed by subject and predicate, with the graphs stating each value."""

    def __init__(self, quads: Iterable[Quad]) -> None:
        """Index ``quads`` (duplicates across graphs are merged)."""
        values: dict[str, dict[str, dict[str, set[str]]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(set))
        )
        self.subject_graphs: dict[str, set[str]] = defaultdict(set)
        self.signatures: dict[str, set[str]] = defaultdict(set)
        for s, p, o, g in quads:
            values[s][p][o].add(g)
            self.subject_graphs[s].add(g)
            if p == str(DG.agreement):
                self.signatures[o].add(s)
        self._values = values

    def all(self, subject: str, predicate: str) -> list[str]:
        """Sorted objects of ``subject predicate``."""
        found = self._values.get(subject)
        return sorted(found.get(predicate, ())) if found else []

    def one(self, subject: str, predicate: str) -> str | None:
        """The object of ``subject predicate`` that wins when articles disagree, or None.

        Chosen by :func:`ontology.choice.most_stated` (a ``dg:name`` by
        :func:`ontology.choice.preferred_name`), as the projection chooses it.
        """
        found = self._values.get(subject)
        if not found:
            return None
        values = found.get(predicate, {})
        return preferred_name(values) if predicate == _NAME else most_stated(values)

    def graphs(self, subject: str, predicate: str, obj: str) -> set[str]:
        """The graphs (articles) stating one triple."""
        found = self._values.get(subject)
        return set(found.get(predicate, {}).get(obj, ())) if found else set()

    def types(self, subject: str) -> set[str]:
        """The ``rdf:type`` IRIs of ``subject``."""
        found = self._values.get(subject)
        return set(found.get(RDF_TYPE, ())) if found else set()

    def is_actor(self, subject: str) -> bool:
        """Whether ``subject`` is typed as a country, organisation or person."""
        return not ACTOR_CLASS_IRIS.isdisjoint(self.types(subject))

    def subjects(self) -> list[str]:
        """Every indexed subject, sorted."""
        return sorted(self._values)

    def evidence(self, fact: str) -> list[Evidence]:
        """The evidence items of ``fact`` (the projection's evidence rule), sorted."""
        items: set[Evidence] = set()
        for node in self.all(fact, str(DG.evidence)):
            entries = evidence_entries(
                self.all(node, str(DG.inArticle)) or self.subject_graphs[node],
                self.all(node, str(DG.quote)),
                self.all(node, str(DG.claimant)),
                {
                    iri: self.one(iri, str(DG.name)) or iri
                    for iri in self.all(node, str(DG.claimedBy))
                },
            )
            items.update(
                Evidence(e.article, e.quote, e.claimant or None) for e in entries if e.quote
            )
        return sorted(items, key=evidence_key)

    def sources(self, fact: str, evidence: Iterable[Evidence]) -> tuple[str, ...]:
        """Articles stating ``fact`` plus the articles of its evidence, sorted."""
        return tuple(sorted(self.subject_graphs.get(fact, set()) | {e.article for e in evidence}))


def evidence_key(item: Evidence) -> tuple[str, str, str]:
    """Sort key of an evidence item (None claimant first)."""
    return (item.article, item.quote, item.claimant or "")
