"""The project's own SPARQL queries on the embedded store, in process (trusted text only).

Untrusted queries (``/sparql``) never come here: they run in the worker processes of
``graph.rdf.sparql_pool``. This evaluation stops at a deadline and a result cap checked while
the solutions stream; an update is :class:`WriteRejected` (the endpoint's detector decides).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox

from graph.errors import (
    GraphError,
    QueryError,
    QueryTimeout,
    ResultTooLarge,
    StoreUnavailable,
    WriteRejected,
)
from graph.model import AskResult, ConstructResult, QueryResult, SelectResult
from graph.rdf.lookups import subject_term
from graph.rdf.sparql_check import is_update
from graph.rdf.terms import to_term


def evaluate(
    store: ox.Store,
    sparql: str,
    *,
    timeout: float | None = None,
    max_results: int | None = None,
    union_default_graph: bool = True,
) -> QueryResult:
    """Run a SPARQL query whose default graph is the set union of the article graphs (the
    store keeps it materialised, :mod:`graph.rdf.union`), or empty when
    ``union_default_graph`` is False; ``GRAPH ?g`` ranges over the article graphs.

    Raises :class:`QueryError` (parser message), :class:`WriteRejected` for an update,
    :class:`QueryTimeout` past ``timeout`` seconds, :class:`ResultTooLarge` past
    ``max_results`` rows or triples.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        # Oxigraph's own use_default_graph_as_union would count a triple once per article
        raw = store.query(sparql) if union_default_graph else store.query(sparql, default_graph=[])
        if isinstance(raw, ox.QueryBoolean):
            return AskResult(bool(raw))
        if isinstance(raw, ox.QuerySolutions):
            variables = tuple(v.value for v in raw.variables)
            rows = [
                tuple(None if t is None else to_term(t) for t in solution)
                for solution in _bounded(raw, deadline, timeout, max_results)
            ]
            return SelectResult(variables, rows)
        triples = [
            (subject_term(t.subject), t.predicate.value, to_term(t.object))
            for t in _bounded(raw, deadline, timeout, max_results)
        ]
        return ConstructResult(triples)
    except GraphError as error:
        # Oxigraph's result iterators may only be dropped on the thread that made them: the
        # traceback's frames hold one, and the caller may clear it on another thread
        raw = None
        raise error.with_traceback(None) from error.__cause__
    except SyntaxError as error:
        if is_update(sparql):
            raise WriteRejected("SPARQL updates are not accepted here") from error
        raise QueryError(f"SPARQL syntax error: {error}") from error
    except (ValueError, RuntimeError) as error:
        raise QueryError(f"SPARQL evaluation error: {error}") from error
    except OSError as error:
        raise StoreUnavailable(f"Oxigraph I/O error: {error}", retry_after=None) from error


def _bounded(
    items: Iterable[Any], deadline: float | None, timeout: float | None, limit: int | None
) -> Iterator[Any]:
    """Yield ``items``, raising past the deadline or past ``limit`` items."""
    for count, item in enumerate(items, start=1):
        if limit is not None and count > limit:
            raise ResultTooLarge(f"the result has more than {limit} rows", limit=limit)
        if deadline is not None and count % 256 == 0 and time.monotonic() > deadline:
            raise QueryTimeout(f"the query ran longer than {timeout} s", timeout=timeout)
        yield item
    if deadline is not None and time.monotonic() > deadline:
        raise QueryTimeout(f"the query ran longer than {timeout} s", timeout=timeout)
