"""The SKOS schemes of ``ontology/vocabularies.ttl``: notations, and concepts minted from labels.

A fact sheet names a concept by its notation (``counterterrorism``). An unknown *slug* is an
error with a "did you mean" from the scheme; an unknown *label* (spaces or capitals, e.g.
``"cyber defence"``) becomes a new concept of that scheme, described in the article's graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from loaders.names import did_you_mean, is_slug, slugify
from ontology.namespace import DG, VOCAB, concept, ontology_path, scheme_iri
from ontology.text import fold

Triple = tuple[URIRef, URIRef, URIRef | Literal]


@dataclass(frozen=True)
class Scheme:
    """One concept scheme: its notations, labels and the dg class of its members."""

    name: str
    cls: URIRef
    notations: dict[str, URIRef]
    labels: dict[str, URIRef]


@dataclass(frozen=True)
class ConceptChoice:
    """The concept a notation or label stands for; ``triples`` describe a newly minted one."""

    iri: URIRef
    triples: tuple[Triple, ...] = ()

    @property
    def minted(self) -> bool:
        """True when the label was new to the scheme."""
        return bool(self.triples)


class VocabularyError(ValueError):
    """An unknown notation (a slug that is not in the scheme)."""


@lru_cache(maxsize=1)
def schemes() -> dict[str, Scheme]:
    """Every scheme of ``vocabularies.ttl`` by name (``area``, ``influence-kind``, …)."""
    graph = Graph().parse(ontology_path("vocabularies.ttl"), format="turtle")
    found: dict[str, Scheme] = {}
    for scheme in sorted(str(s) for s in graph.subjects(RDF.type, SKOS.ConceptScheme)):
        name = scheme.removeprefix(str(VOCAB))
        notations: dict[str, URIRef] = {}
        labels: dict[str, URIRef] = {}
        classes: set[URIRef] = set()
        for member in graph.subjects(SKOS.inScheme, URIRef(scheme)):
            assert isinstance(member, URIRef)
            notations[str(graph.value(member, SKOS.notation))] = member
            for prop in (SKOS.prefLabel, SKOS.altLabel):
                for label in graph.objects(member, prop):
                    labels[fold(str(label))] = member
            classes |= {
                URIRef(str(c)) for c in graph.objects(member, RDF.type) if str(c).startswith(DG._NS)
            }
        (cls,) = classes
        found[name] = Scheme(name, cls, notations, labels)
    return found


def resolve_concept(scheme_name: str, text: str) -> ConceptChoice:
    """The concept for ``text`` in ``scheme_name``; raise :class:`VocabularyError` on a bad slug."""
    scheme = schemes()[scheme_name]
    if text in scheme.notations:
        return ConceptChoice(scheme.notations[text])
    if is_slug(text):
        hint = did_you_mean(text, scheme.notations)
        raise VocabularyError(
            f"unknown {scheme_name} '{text}'{hint} "
            f"(a new concept must be written as a label, e.g. '{text.replace('-', ' ')}')"
        )
    by_label = scheme.labels.get(fold(text.strip()))
    if by_label is not None:
        return ConceptChoice(by_label)
    slug = slugify(text)
    if slug in scheme.notations:
        return ConceptChoice(scheme.notations[slug])
    return ConceptChoice(concept(scheme_name, slug), _new_concept(scheme, slug, text.strip()))


def _new_concept(scheme: Scheme, slug: str, label: str) -> tuple[Triple, ...]:
    iri = concept(scheme.name, slug)
    return (
        (iri, RDF.type, SKOS.Concept),
        (iri, RDF.type, scheme.cls),
        (iri, SKOS.inScheme, scheme_iri(scheme.name)),
        (iri, SKOS.notation, Literal(slug)),
        (iri, SKOS.prefLabel, Literal(label, lang="en")),
    )
