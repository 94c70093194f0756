"""RDF input (Turtle, JSON-LD, TriG, N-Quads, N-Triples, RDF/XML) to article graphs.

A file without named graphs is one article: it must describe exactly one ``dg:Article``, whose IRI
names the graph. A file with named graphs (TriG, N-Quads, JSON-LD) holds one article per graph,
each named after the ``dg:Article`` it describes. Every article graph is checked with SHACL.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.parsers import expat

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF
from rdflib.plugins.parsers.notation3 import BadSyntax

from loaders.article import ArticleGraph, identifier_problems, new_dataset
from loaders.errors import InvalidInputError, LoadError, ParseError, Problem, ShapeError
from loaders.index import records_from_graph
from loaders.jsonld import load_jsonld
from loaders.names import did_you_mean
from loaders.shacl import check_article, compact
from loaders.source import read_text
from ontology.identifiers import iri_problem
from ontology.namespace import DG, ID, SCHEMA

RDF_SUFFIXES: dict[str, str] = {
    ".ttl": "turtle",
    ".trig": "trig",
    ".nq": "nquads",
    ".nt": "nt",
    ".jsonld": "json-ld",
    ".json-ld": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
}
FORMAT_ALIASES: dict[str, str] = {
    "ttl": "turtle",
    "jsonld": "json-ld",
    "nq": "nquads",
    "n-quads": "nquads",
    "ntriples": "nt",
    "n-triples": "nt",
    "rdfxml": "xml",
    "rdf/xml": "xml",
}
RDF_FORMATS = frozenset(RDF_SUFFIXES.values())
DG_TERMS = frozenset(DG.__annotations__)


def rdf_format(name: str) -> str | None:
    """The rdflib format name for a format name or alias, or ``None`` if not an RDF format."""
    lowered = name.lower()
    fmt = FORMAT_ALIASES.get(lowered, lowered)
    return fmt if fmt in RDF_FORMATS else None


def load_rdf_text(text: str, *, file: str, fmt: str, shacl: bool = True) -> list[ArticleGraph]:
    """Article graphs from RDF text in ``fmt``; raise a :class:`LoadError` with every problem."""
    dataset = parse_rdf(text, file, fmt)
    problems: list[Problem] = []
    articles = [a for a in _split(dataset, file, problems) if a is not None]
    for article in articles:
        problems += identifier_problems(article) + _check_terms(article)
    if problems:
        raise InvalidInputError(problems)
    if shacl:
        _check_shapes(articles)
    return articles


def load_rdf(path: str | Path, *, fmt: str | None = None, shacl: bool = True) -> list[ArticleGraph]:
    """Article graphs from an RDF file; the format comes from ``fmt`` or the file extension."""
    chosen = rdf_format(fmt) if fmt else RDF_SUFFIXES.get(Path(path).suffix.lower())
    if chosen is None:
        raise ParseError([Problem(str(path), None, "", f"unknown RDF format {fmt or 'for file'}")])
    return load_rdf_text(read_text(path), file=str(path), fmt=chosen, shacl=shacl)


@contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """Silence rdflib's deprecation warnings and its logged tracebacks for ill-typed literals
    (SHACL reports those literals properly)."""
    term_logger = logging.getLogger("rdflib.term")
    level = term_logger.level
    term_logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            yield
    finally:
        term_logger.setLevel(level)


def parse_rdf(text: str, file: str, fmt: str) -> Dataset:
    """Parse RDF text into a Dataset; raise :class:`ParseError` with the line when known.

    Nothing is fetched: JSON-LD contexts must be inline (:mod:`loaders.jsonld`) and RDF/XML may
    not declare a DTD (:func:`check_xml`). Turtle, TriG, N-Triples and N-Quads never load
    anything (``@base`` and ``@prefix`` only name IRIs).
    """
    source: Any = text
    if fmt == "json-ld":
        data = load_jsonld(text, file)  # the checked object is what rdflib parses
        source = data if isinstance(data, dict) else {"@graph": data}  # JSON-LD: the same
    elif fmt == "xml":
        check_xml(text, file)
    dataset = Dataset()
    try:
        with _quiet_rdflib():
            dataset.parse(data=source, format=fmt, publicID=f"file:///{Path(file).name}")
    except BadSyntax as exc:
        message = f"malformed {fmt}: {exc._why}"
        raise ParseError([Problem(file, exc.lines + 1, "", message)]) from exc
    except Exception as exc:  # rdflib parsers raise many kinds of exceptions
        detail = str(exc).strip() or type(exc).__name__
        line = getattr(exc, "lineno", None) or _line_in(text, detail)
        raise ParseError([Problem(file, line, "", f"malformed {fmt}: {detail}")]) from exc
    return dataset


class _Refused(Exception):
    """A DTD in RDF/XML (raised from an expat handler)."""


def _refuse_dtd(*_: object) -> None:
    raise _Refused


def check_xml(text: str, file: str) -> None:
    """Raise :class:`ParseError` if the XML declares a DTD (the home of external entities and
    entity expansion: RDF/XML needs neither) or is not well-formed, read by expat itself."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    try:
        parser.Parse(text, True)
    except _Refused as exc:
        message = "RDF/XML may not declare a DTD (<!DOCTYPE …>) nor entities"
        raise ParseError([Problem(file, parser.CurrentLineNumber, "", message)]) from exc
    except expat.ExpatError as exc:
        message = f"malformed xml: {expat.ErrorString(exc.code)}"
        raise ParseError([Problem(file, exc.lineno, "", message)]) from exc


def _line_in(text: str, message: str) -> int | None:
    """The first line of ``text`` quoted in a parser message (N-Triples/N-Quads quote it)."""
    for number, line in enumerate(text.splitlines(), 1):
        if len(line.strip()) >= 3 and line.strip() in message:
            return number
    return None


def _split(dataset: Dataset, file: str, problems: list[Problem]) -> list[ArticleGraph | None]:
    default = dataset.graph(DATASET_DEFAULT_GRAPH_ID)
    named = [g for g in dataset.graphs() if g.identifier != DATASET_DEFAULT_GRAPH_ID and len(g)]
    if not named:
        return [_article(default, None, file, problems)]
    if len(default):
        problems.append(
            Problem(
                file,
                None,
                "",
                f"{len(default)} triples are outside any named graph: with named graphs, "
                "every triple belongs to the graph of its article",
            )
        )
    return [_article(g, g.identifier, file, problems) for g in named]


def _article(graph: Graph, name: object, file: str, problems: list[Problem]) -> ArticleGraph | None:
    where = "" if name is None else compact(name) if isinstance(name, URIRef) else str(name)
    articles = sorted(str(s) for s in graph.subjects(RDF.type, DG.Article))
    if len(articles) != 1:
        found = ", ".join(f"<{a}>" for a in articles) or "none"
        message = f"a graph must describe exactly one dg:Article (found: {found})"
        problems.append(Problem(file, None, where, message))
        return None
    iri = URIRef(articles[0])
    if name is not None and name != iri:
        message = f"the graph must be named after its article <{iri}>, not <{name}>"
        problems.append(Problem(file, None, where, message))
        return None
    blank = {n for t in graph for n in t if isinstance(n, BNode)}
    if blank:
        message = f"{len(blank)} blank nodes: give every node an IRI (identity must be stable)"
        problems.append(Problem(file, None, compact(iri), message))
        return None
    dataset = new_dataset()
    target = dataset.graph(iri)
    for triple in graph:
        target.add(triple)
    if problem := _not_an_article_iri(graph, iri):
        problems.append(Problem(file, None, compact(iri), problem))
        return None
    warnings = []
    if not str(iri).startswith(f"{ID}article/"):
        message = f"article IRI is not under {ID}article/"
        warnings.append(Problem(file, None, compact(iri), message, "warning"))
    return ArticleGraph(iri, target, file, warnings, records_from_graph(target), rdf=dataset)


ARTICLE_TYPES = frozenset({DG.Article, SCHEMA.NewsArticle, SCHEMA.Article})
"""Types an article node may have (anything else makes it an entity)."""


def _not_an_article_iri(graph: Graph, iri: URIRef) -> str | None:
    """Why ``iri`` cannot name an article: it is over the IRI limits, it lies in the
    namespace of minted ids outside ``id:article/`` (``id:country/DZA`` is Algeria, and its
    graph would take Algeria's IRI), or the graph also types it as something else."""
    if problem := iri_problem(str(iri), "article IRI"):
        return problem
    text = str(iri)
    if text.startswith(str(ID)) and not text.startswith(f"{ID}article/"):
        return f"the article IRI must be under {ID}article/: {compact(iri)} names an entity"
    others = sorted(compact(t) for t in graph.objects(iri, RDF.type) if t not in ARTICLE_TYPES)
    if others:
        return f"the article IRI also names a {', '.join(others)}: give the article its own IRI"
    return None


def _check_terms(article: ArticleGraph) -> list[Problem]:
    """Terms in the dg: namespace that the ontology does not declare (usually typos)."""
    used: set[str] = set()
    for _, p, o in article.triples:
        used.add(str(p))
        if p == RDF.type:
            used.add(str(o))
    problems = []
    for term in sorted(used):
        if term.startswith(str(DG._NS)):
            local = term[len(str(DG._NS)) :]
            if local not in DG_TERMS:
                message = f"dg:{local} is not in the ontology{did_you_mean(local, DG_TERMS)}"
                problems.append(Problem(article.source, None, compact(article.iri), message))
    return problems


def _check_shapes(articles: list[ArticleGraph]) -> None:
    problems: list[Problem] = []
    for article in articles:
        try:
            check_article(article)
        except LoadError as exc:
            problems += exc.problems
    if problems:
        raise ShapeError(problems)
