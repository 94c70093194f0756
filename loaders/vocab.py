"""The SKOS schemes of ``ontology/vocabularies.ttl``: notations, and concepts minted from labels.

A fact sheet names a concept by its notation (``counterterrorism``). An unknown *slug* is an
error with a "did you mean" from the scheme; an unknown *label* (spaces or capitals, e.g.
``"cyber defence"``) becomes a new concept of that scheme, described in the article's graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from loaders.names import is_slug, slugify
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
    """Folded prefLabels and altLabels."""
    pref_labels: dict[URIRef, str]


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
        pref_labels: dict[URIRef, str] = {}
        classes: set[URIRef] = set()
        for member in graph.subjects(SKOS.inScheme, URIRef(scheme)):
            assert isinstance(member, URIRef)
            notations[str(graph.value(member, SKOS.notation))] = member
            pref_labels[member] = str(graph.value(member, SKOS.prefLabel))
            for prop in (SKOS.prefLabel, SKOS.altLabel):
                for label in graph.objects(member, prop):
                    labels[fold(str(label))] = member
            classes |= {
                URIRef(str(c)) for c in graph.objects(member, RDF.type) if str(c).startswith(DG._NS)
            }
        (cls,) = classes
        found[name] = Scheme(name, cls, notations, labels, pref_labels)
    return found


@lru_cache(maxsize=1 << 12)
def resolve_concept(scheme_name: str, text: str) -> ConceptChoice:
    """The concept for ``text`` in ``scheme_name``; raise :class:`VocabularyError` on a bad slug.
    Cached (a choice is immutable; the same notations recur in every sheet)."""
    scheme = schemes()[scheme_name]
    if text in scheme.notations:
        return ConceptChoice(scheme.notations[text])
    if is_slug(text):
        raise VocabularyError(unknown_message(scheme, text))
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


SUGGESTIONS = 3
SUGGEST_SCORE = 70.0
"""Least rapidfuzz ratio (0-100) for a concept to be suggested."""


def nearest_concepts(scheme: Scheme, text: str, cutoff: float = SUGGEST_SCORE) -> list[URIRef]:
    """The concepts whose notation, prefLabel or altLabel is closest to ``text``, best first."""
    choices: dict[str, URIRef] = {n.replace("-", " "): iri for n, iri in scheme.notations.items()}
    choices.update(scheme.labels)
    found = process.extract(
        fold(text.replace("-", " ")),
        list(choices),
        scorer=fuzz.ratio,
        score_cutoff=cutoff,
        limit=None,
    )
    best: list[URIRef] = []
    for choice, _score, _index in found:
        if choices[choice] not in best:
            best.append(choices[choice])
    return best[:SUGGESTIONS]


OTHER_SCHEME_SCORE = 80.0
"""Least score for pointing at a concept of another scheme ("mediator" is a role)."""


def unknown_message(scheme: Scheme, text: str) -> str:
    """Why ``text`` is refused: the nearest concepts, another scheme's match, how to add one."""
    hits = [_shown(scheme, iri) for iri in nearest_concepts(scheme, text)]
    message = f"unknown {scheme.name} '{text}'"
    message += f": did you mean {' or '.join(hits)}?" if hits else "."
    for other in schemes().values():
        if other.name != scheme.name:
            for iri in nearest_concepts(other, text, OTHER_SCHEME_SCORE)[:1]:
                message += f" {_shown(other, iri)} is a concept of the {other.name} scheme."
    return message + _how_to_add(text)


def _shown(scheme: Scheme, iri: URIRef) -> str:
    notation = next(n for n, i in scheme.notations.items() if i == iri)
    return f"'{notation}' ({scheme.pref_labels[iri]})"


def _how_to_add(text: str) -> str:
    """How to write ``text`` as a new concept: a label has a capital letter or a space."""
    words = text.replace("-", " ")
    capital = words[:1].upper() + words[1:]
    example = f"'{capital}' or '{words}'" if " " in words else f"'{capital}'"
    rule = "To add a new concept, write it as a label with a capital letter or a space"
    return f" {rule}, e.g. {example}"
