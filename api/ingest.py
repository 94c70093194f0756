"""Loading and retracting articles: loaders (parse, resolve, map) → GraphStore (both stores).

This is the one place where the loaders meet the stores, so both the CLI and the HTTP API load
through it. A batch is all-or-nothing unless ``keep_going`` is set: nothing from a rejected file
reaches either store.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from graph.errors import QueryError
from graph.model import StoredEntity
from graph.writer import GraphStore, WriteResult
from loaders.article import ArticleGraph
from loaders.batch import expand_paths, load_document, load_paths
from loaders.errors import LoadError, Problem
from loaders.index import EntityIndex, IndexEntry
from ontology.classes import entity_kind
from ontology.identifiers import reference_problem
from ontology.namespace import ID

FileProgress = Callable[[str, int, int], None]
"""Called as ``on_file(path, done, total)`` after each file is read."""


@dataclass
class IngestReport:
    """What a load did: articles stored, files refused (with ``keep_going``), warnings, timing."""

    articles: list[str] = field(default_factory=list)
    failed: dict[str, LoadError] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    write: WriteResult | None = None
    seconds: float = 0.0

    @property
    def triples(self) -> int:
        """Triples in the stored article graphs."""
        return self.write.triples if self.write else 0


def _index_record(stored: StoredEntity) -> IndexEntry | None:
    kind = entity_kind(stored.types)
    if kind is None:
        return None  # posts and other described resources are not resolved by name
    return IndexEntry(
        iri=stored.iri,
        type=kind,
        names=stored.names,
        aliases=stored.aliases,
        iso=stored.iso_code,
        wikidata=stored.wikidata,
        same_as=stored.same_as,
    )


def entity_index(store: GraphStore) -> EntityIndex:
    """The loaders' entity index filled from every entity the RDF store knows."""
    index = EntityIndex()
    index.add_all(r for r in map(_index_record, store.rdf.entity_records()) if r is not None)
    return index


def _store(store: GraphStore, articles: list[ArticleGraph]) -> WriteResult:
    graphs: dict[str, Graph] = {str(a.iri): a.graph for a in articles}
    return store.load_graphs(graphs)


def ingest_paths(
    store: GraphStore,
    paths: Iterable[str | Path],
    *,
    keep_going: bool = False,
    on_file: FileProgress | None = None,
) -> IngestReport:
    """Load fact sheets and RDF files (directories are searched) into both stores.

    Raises :class:`loaders.errors.LoadError` (nothing written) if any file is bad, unless
    ``keep_going``; then the good files are stored and the bad ones are in ``report.failed``.
    """
    started = time.perf_counter()
    files = expand_paths(paths)
    batch = load_paths(files, entity_index(store), keep_going=keep_going, on_file=on_file)
    report = IngestReport(failed=dict(batch.failed), warnings=batch.warnings)
    if batch.articles:
        report.write = _store(store, batch.articles)
        report.articles = [str(a.iri) for a in batch.articles]
    report.seconds = time.perf_counter() - started
    return report


def ingest_text(
    store: GraphStore, text: str, *, file: str = "<request body>", fmt: str | None = None
) -> IngestReport:
    """Load one document given as text (an HTTP request body) into both stores."""
    started = time.perf_counter()
    articles = load_document(text, entity_index(store), file=file, fmt=fmt)
    report = IngestReport(warnings=[w for a in articles for w in a.warnings])
    report.write = _store(store, articles)
    report.articles = [str(a.iri) for a in articles]
    report.seconds = time.perf_counter() - started
    return report


def article_iri(article: str) -> str:
    """An article IRI from an IRI or a bare article id."""
    return article if "://" in article else f"{ID}article/{article}"


def retract(store: GraphStore, article: str) -> WriteResult:
    """Drop one article's graph from both stores (``NotFound`` if it is not loaded,
    ``QueryError`` if ``article`` is beyond the id limits of :mod:`ontology.identifiers`)."""
    if problem := reference_problem(article, "article id"):
        raise QueryError(problem)
    return store.retract_article(article_iri(article))
