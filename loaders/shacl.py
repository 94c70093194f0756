"""SHACL validation of article graphs against ``ontology/shapes.ttl`` (pyshacl)."""

from __future__ import annotations

from functools import lru_cache

from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from loaders.article import ArticleGraph
from loaders.errors import Problem, Severity, ShapeError
from ontology.namespace import PREFIXES, ontology_path


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """The parsed SHACL shapes (read once)."""
    return Graph().parse(ontology_path("shapes.ttl"), format="turtle")


COMPACT_LENGTH = 120
"""Longest node name in a message (an over-long IRI is cut, never echoed whole)."""


def compact(node: Node | None) -> str:
    """``dg:party``, ``id:agreement/…`` for known namespaces, ``<iri>`` otherwise."""
    if node is None:
        return ""
    text = str(node)
    if len(text) > COMPACT_LENGTH:
        text = text[:COMPACT_LENGTH] + "…"
    for prefix, namespace in PREFIXES.items():
        if text.startswith(str(namespace)):
            return f"{prefix}:{text[len(str(namespace)) :]}"
    return f"<{text}>" if isinstance(node, URIRef) else repr(text)


def shacl_problems(
    graph: Graph, file: str, origins: dict[URIRef, tuple[str, int | None]] | None = None
) -> list[Problem]:
    """Every SHACL violation in ``graph`` as a problem; ``origins`` locates nodes in a sheet."""
    conforms, report, _ = validate(
        graph,
        shacl_graph=shapes_graph(),
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
        inplace=True,
    )
    if conforms:
        return []
    assert isinstance(report, Graph)
    problems = [_problem(report, result, file, origins or {}) for result in _results(report)]
    return sorted(set(problems), key=lambda p: (p.line or 0, p.path, p.message))


def _results(report: Graph) -> list[Node]:
    """Top-level results (the nested ``sh:detail`` ones are folded into their parent)."""
    nested = set(report.objects(None, SH.detail))
    return [r for r in report.subjects(RDF.type, SH.ValidationResult) if r not in nested]


def _message(report: Graph, result: Node) -> str:
    details = sorted(
        {str(m) for d in report.objects(result, SH.detail) for m in _messages(report, d)}
    )
    return "; ".join(details) if details else "; ".join(_messages(report, result))


def _messages(report: Graph, result: Node) -> list[str]:
    return [str(m) for m in report.objects(result, SH.resultMessage)] or ["violates a shape"]


def _problem(
    report: Graph, result: Node, file: str, origins: dict[URIRef, tuple[str, int | None]]
) -> Problem:
    focus = report.value(result, SH.focusNode)
    prop = report.value(result, SH.resultPath)
    value = report.value(result, SH.value)
    message = _message(report, result)
    severity: Severity = "error"
    if report.value(result, SH.resultSeverity) != SH.Violation:
        severity = "warning"
    where = f"{compact(prop)}: " if prop is not None else ""
    shown = f" (value {compact(value)})" if isinstance(value, URIRef | Literal) else ""
    origin = origins.get(focus) if isinstance(focus, URIRef) else None
    if origin is not None:
        path, line = origin
        return Problem(file, line, path, f"{where}{message}{shown}", severity)
    return Problem(file, None, compact(focus), f"{where}{message}{shown}", severity)


def check_article(article: ArticleGraph) -> None:
    """Raise :class:`ShapeError` if the article graph violates the shapes; keep warnings."""
    problems = shacl_problems(article.graph, article.source, article.origins)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ShapeError(errors)
    article.warnings.extend(p for p in problems if p.severity == "warning")
