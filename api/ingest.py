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

from api.resolution import country_records, plan_identity, remember
from graph.errors import NotFound, QueryError
from graph.writer import GraphStore, WriteResult
from loaders.article import ArticleGraph
from loaders.batch import expand_paths, load_document, load_paths
from loaders.errors import LoadError, Problem
from loaders.identity import Judged, NoJudgements
from loaders.identity.canon import Merge
from loaders.index import EntityIndex
from ontology.identifiers import reference_problem
from ontology.namespace import ID
from ontology.triples import Triples

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
    merges: list[Merge] = field(default_factory=list)
    """Entities that descriptions with different local ids became (and why)."""
    rewritten: tuple[str, ...] = ()
    """Stored articles whose facts were re-pointed at merged (or split) entities."""

    @property
    def triples(self) -> int:
        """Triples in the stored article graphs."""
        return self.write.triples if self.write else 0


def entity_index(store: GraphStore) -> EntityIndex:
    """The loaders' index of the stored countries: all a fact sheet is resolved against on its
    own (a country named by a name or alias another article gave it, such as "Algiers"), from
    the identifying statements identity resolution keeps
    (:func:`api.resolution.country_records`)."""
    return EntityIndex(country_records(store))


def _store(
    store: GraphStore,
    report: IngestReport,
    articles: list[ArticleGraph],
    judged: Judged,
    drop: Iterable[str] = (),
) -> None:
    """Resolve identity over the stored articles and these, then write everything it changes
    in one transaction of each store."""
    graphs: dict[str, Triples] = {str(a.iri): a.content for a in articles}
    with store.exclusive():  # what is decided from the stored articles is written before others
        plan = plan_identity(store, graphs, judged, drop)
        report.write = store.replace_articles(plan.graphs, sorted(set(drop)))
        remember(store, plan)
    report.articles = [str(a.iri) for a in articles]
    report.rewritten = plan.rewritten
    report.merges = [
        m for m in plan.merges if set(m.articles) & (set(graphs) | set(plan.rewritten))
    ]


def ingest_paths(
    store: GraphStore,
    paths: Iterable[str | Path],
    *,
    keep_going: bool = False,
    on_file: FileProgress | None = None,
    judged: Judged | None = None,
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
        _store(store, report, batch.articles, judged or NoJudgements())
    report.seconds = time.perf_counter() - started
    return report


def ingest_text(
    store: GraphStore,
    text: str,
    *,
    file: str = "<request body>",
    fmt: str | None = None,
    judged: Judged | None = None,
) -> IngestReport:
    """Load one document given as text (an HTTP request body) into both stores."""
    started = time.perf_counter()
    articles = load_document(text, entity_index(store), file=file, fmt=fmt)
    report = IngestReport(warnings=[w for a in articles for w in a.warnings])
    _store(store, report, articles, judged or NoJudgements())
    report.seconds = time.perf_counter() - started
    return report


def article_iri(article: str) -> str:
    """An article IRI from an IRI or a bare article id."""
    return article if "://" in article else f"{ID}article/{article}"


def retract(store: GraphStore, article: str, judged: Judged | None = None) -> WriteResult:
    """Drop one article's graph from both stores (``NotFound`` if it is not loaded,
    ``QueryError`` if ``article`` is beyond the id limits of :mod:`ontology.identifiers`).
    Entities it alone held together split again, in the same transaction."""
    if problem := reference_problem(article, "article id"):
        raise QueryError(problem)
    iri = article_iri(article)
    if not store.rdf.has_graph(iri):
        raise NotFound(f"no article graph <{iri}>")
    report = IngestReport()
    _store(store, report, [], judged or NoJudgements(), drop=[iri])
    assert report.write is not None
    return report.write


def reresolve(store: GraphStore, judged: Judged) -> IngestReport:
    """Apply identity resolution (after a judgement, or before a sync) to the stored articles:
    every article whose IRIs change is rewritten, in one transaction of each store."""
    started = time.perf_counter()
    report = IngestReport()
    _store(store, report, [], judged)
    report.seconds = time.perf_counter() - started
    return report
