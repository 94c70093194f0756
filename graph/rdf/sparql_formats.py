"""Media types and serialisation of SPARQL results, from bounded lists of pyoxigraph terms.

SELECT results are written as SPARQL 1.1 JSON here; pyoxigraph turns that JSON into XML, CSV
and TSV, and writes CONSTRUCT/DESCRIBE triples as Turtle, N-Triples, JSON-LD or RDF/XML itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    parse_query_results,
    serialize,
)

__all__ = [
    "GRAPH_MEDIA_TYPES",
    "SOLUTION_MEDIA_TYPES",
    "pick",
    "solutions_json",
    "term_json",
    "write_boolean",
    "write_solutions",
    "write_triples",
]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# First entry of each format is its canonical media type; the first entry overall is the default.
SOLUTION_MEDIA_TYPES: dict[str, QueryResultsFormat] = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "text/csv": QueryResultsFormat.CSV,
    "text/tab-separated-values": QueryResultsFormat.TSV,
    "application/json": QueryResultsFormat.JSON,
    "application/xml": QueryResultsFormat.XML,
    "text/xml": QueryResultsFormat.XML,
}
"""Media types offered for SELECT and ASK, in order of preference."""

GRAPH_MEDIA_TYPES: dict[str, RdfFormat] = {
    "text/turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/ld+json": RdfFormat.JSON_LD,
    "application/rdf+xml": RdfFormat.RDF_XML,
    "application/turtle": RdfFormat.TURTLE,
    "application/x-turtle": RdfFormat.TURTLE,
    "text/plain": RdfFormat.N_TRIPLES,
    "application/json": RdfFormat.JSON_LD,
    "application/xml": RdfFormat.RDF_XML,
}
"""Media types offered for CONSTRUCT and DESCRIBE, in order of preference."""


def term_json(term: Any) -> dict[str, Any]:
    """One RDF term in the SPARQL 1.1 JSON results format (with RDF-star triple terms)."""
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        data: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            data["xml:lang"] = term.language
        elif term.datatype.value not in (XSD_STRING, RDF_LANG_STRING):
            data["datatype"] = term.datatype.value
        return data
    if isinstance(term, Triple):
        parts = {"subject": term.subject, "predicate": term.predicate, "object": term.object}
        return {"type": "triple", "value": {k: term_json(v) for k, v in parts.items()}}
    raise ValueError(f"cannot serialise the RDF term {term!r}")


def solutions_json(variables: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """SELECT results as SPARQL 1.1 JSON."""
    bindings = [
        {name: term_json(term) for name, term in zip(variables, row, strict=True) if term}
        for row in rows
    ]
    document = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def write_solutions(
    variables: Sequence[str], rows: Sequence[Sequence[Any]], fmt: QueryResultsFormat
) -> bytes:
    """SELECT results in ``fmt``; pyoxigraph writes XML, CSV and TSV from our JSON."""
    document = solutions_json(variables, rows)
    if fmt == QueryResultsFormat.JSON:
        return document
    parsed = parse_query_results(document, QueryResultsFormat.JSON)
    assert isinstance(parsed, QuerySolutions)
    return _written(parsed.serialize(format=fmt))


def write_boolean(value: bool, fmt: QueryResultsFormat) -> bytes:
    """An ASK result in ``fmt``."""
    document = json.dumps({"head": {}, "boolean": value}, separators=(",", ":")).encode()
    if fmt == QueryResultsFormat.JSON:
        return document
    parsed = parse_query_results(document, QueryResultsFormat.JSON)
    return _written(parsed.serialize(format=fmt))


def write_triples(triples: list[Triple], fmt: RdfFormat, prefixes: Mapping[str, str]) -> bytes:
    """CONSTRUCT/DESCRIBE results in ``fmt``."""
    options: dict[str, Any] = {"prefixes": dict(prefixes)} if fmt == RdfFormat.TURTLE else {}
    return _written(serialize(triples, format=fmt, **options))


def _written(output: bytes | None) -> bytes:
    """The bytes pyoxigraph returns when serialising without an output file."""
    assert output is not None
    return output


F = TypeVar("F", QueryResultsFormat, RdfFormat)


def pick(offered: Mapping[str, F], media_type: str | None) -> tuple[F, str]:
    """The format for ``media_type`` if offered, else the default (first) one."""
    if media_type is not None and media_type in offered:
        return offered[media_type], media_type
    default = next(iter(offered))
    return offered[default], default
