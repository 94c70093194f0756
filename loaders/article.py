"""The result of loading one article: the triples of its one named graph."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import Dataset, Graph, Literal, URIRef

from loaders.errors import Problem
from loaders.index import IndexEntry
from ontology.identifiers import iri_problem, name_problem
from ontology.namespace import ID, PREFIXES
from ontology.triples import Triples


def new_dataset() -> Dataset:
    """An empty Dataset with the diplograph prefixes bound."""
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace, override=True)
    return dataset


@dataclass
class ArticleGraph:
    """One article's triples (the named graph ``iri``), ready for storing.

    ``entities`` are the index records the article contributes (add them to an
    :class:`~loaders.index.EntityIndex` once stored); ``origins`` maps minted nodes to the
    ``(path, line)`` of the sheet entry they come from, so SHACL problems can point at the sheet.

    ``triples`` is what the stores take (:attr:`content`): the :class:`TripleSet` the fact-sheet
    mapping writes (no rdflib ``Graph`` on the load path: building one cost more than the
    mapping), or the named graph of the parsed dataset for RDF input. :attr:`dataset` and
    :attr:`graph` give an rdflib view when a reader wants one (SHACL, tests, serialising): the
    first call builds it and from then on it *is* the article's content, so changes made to it
    count. Once checked, a batch freezes each article (:meth:`freeze`): its triples become a
    tuple (a batch of 10,000 articles would otherwise hold gigabytes of indexes nobody reads).
    """

    iri: URIRef
    triples: Triples
    source: str
    warnings: list[Problem] = field(default_factory=list)
    entities: list[IndexEntry] = field(default_factory=list)
    origins: dict[URIRef, tuple[str, int | None]] = field(default_factory=dict)
    rdf: Dataset | None = field(default=None, repr=False)
    """The rdflib Dataset holding ``triples`` once one was given or built, else None."""

    @property
    def dataset(self) -> Dataset:
        """An rdflib Dataset whose graph ``iri`` holds the article (built on first use)."""
        if self.rdf is None:
            dataset = new_dataset()
            graph = dataset.graph(self.iri)
            for triple in self.triples:
                graph.add(triple)
            self.rdf, self.triples = dataset, graph
        return self.rdf

    @property
    def graph(self) -> Graph:
        """The article's named graph as an rdflib ``Graph`` (see :attr:`dataset`)."""
        return self.dataset.graph(self.iri)

    @property
    def content(self) -> Triples:
        """The article's triples, as the stores and identity resolution read them."""
        return self.triples

    def freeze(self) -> None:
        """Keep the triples only, as a tuple (see the class docstring); :attr:`graph` still
        works (it builds a new ``Graph``)."""
        self.triples = tuple(self.triples)
        self.rdf = None

    @property
    def article_id(self) -> str:
        """The article id (the last part of ``id:article/{id}``, or the whole IRI otherwise)."""
        prefix = f"{ID}article/"
        text = str(self.iri)
        return text.removeprefix(prefix)

    def __len__(self) -> int:
        return len(self.triples)


NAME_KEYS = frozenset({"name", "alias", "isocode", "wikidata", "label", "preflabel"})
"""Local names (any case, any namespace: ``dg:name``, ``schema:name``, ``skos:prefLabel``…) of
predicates whose literals are held to the name limit of :mod:`ontology.identifiers`: the
Neo4j projection turns them into indexed properties, whose keys must stay under 8 KB."""


def _name_key(predicate: object) -> str | None:
    """The local name of ``predicate`` if its literals are names, else None."""
    text = str(predicate)
    local = text[max(text.rfind("#"), text.rfind("/")) + 1 :]
    return local if local.lower() in NAME_KEYS else None


_iri_problem = lru_cache(maxsize=1 << 16)(iri_problem)
""":func:`~ontology.identifiers.iri_problem` of one IRI: predicates, classes, concepts and
entities recur in every article of a corpus."""


def identifier_problems(article: ArticleGraph) -> list[Problem]:
    """Every IRI of the article (article IRI included) and every name or alias over the limits
    of :mod:`ontology.identifiers`, checked before anything is written; one problem per value."""
    problems: dict[str, Problem] = {}
    checked: set[URIRef] = set()  # IRIs recur (predicates, classes, entities): check each once
    names: dict[object, str | None] = {}
    for triple in article.triples:
        for node in triple:
            if type(node) is not URIRef or node in checked:
                continue
            checked.add(node)
            if problem := _iri_problem(str(node)):
                problems[str(node)] = _located(article, node, problem)
        subject, predicate, value = triple
        if not isinstance(value, Literal):
            continue
        what = names.get(predicate, "")
        if what == "":
            what = names[predicate] = _name_key(predicate)
        if what and (problem := name_problem(str(value), what)):
            problems[str(value)] = _located(article, subject, problem)
    return list(problems.values())


def _located(article: ArticleGraph, node: object, message: str) -> Problem:
    """A problem at the sheet entry that minted ``node`` when known (fact sheets)."""
    path, line = article.origins.get(node, ("", None)) if isinstance(node, URIRef) else ("", None)
    return Problem(article.source, line, path, message)
