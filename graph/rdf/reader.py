"""A small SELECT-only reader over the RDF store, giving rows of plain strings.

Query services read the RDF store through :class:`SparqlReader`: an IRI becomes its string, a
literal its lexical form, a blank node ``_:id``, an unbound variable None. GRAPH patterns range
over the article graphs; the default graph is their set union (each distinct triple once).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from graph.errors import InvalidData, QueryError
from graph.model import BNode, Lit, RDFStore, SelectResult, Term

Row = dict[str, str | None]
_IRI_RX = re.compile(r'^[^\s<>"{}|^`\\]+$')


def _text(term: Term | None) -> str | None:
    """Plain string of a store term."""
    if term is None:
        return None
    if isinstance(term, Lit):
        return term.value
    if isinstance(term, BNode):
        return f"_:{term.id}"
    return term


class SparqlReader:
    """Runs SELECT queries and returns rows of strings (see the module docstring)."""

    def __init__(self, run: Callable[[str], list[Row]]) -> None:
        """Wrap a function running one SELECT query."""
        self._run = run

    @classmethod
    def of_store(cls, store: RDFStore, timeout: float | None = None) -> SparqlReader:
        """A reader over the project's RDF store (``graph.rdf.store.OxigraphStore``)."""

        def run(query: str) -> list[Row]:
            result = store.query(query, timeout=timeout, union_default_graph=True)
            if not isinstance(result, SelectResult):
                raise QueryError("expected a SELECT query")
            names = result.variables
            return [{n: _text(v) for n, v in zip(names, row, strict=True)} for row in result.rows]

        return cls(run)

    def select(self, query: str) -> list[Row]:
        """Solutions of a SELECT query."""
        return self._run(query)


def iri(value: str) -> str:
    """``<value>`` for a SPARQL query, after checking it is a plain IRI (no injection)."""
    if not _IRI_RX.match(value):
        raise InvalidData(f"not an IRI: {value!r}")
    return f"<{value}>"


def iri_list(values: Iterable[str]) -> str:
    """IRIs for a VALUES clause."""
    return " ".join(iri(v) for v in values)


def literal(value: str) -> str:
    """A SPARQL string literal for ``value`` (quotes and backslashes escaped)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\r", "\\r")
    return '"' + escaped + '"'
