"""Graph query services (search, detail, neighbours, links, paths, agreements, influences,
timeline, brokers, statistics) over two interchangeable backends.

* :func:`nx_queries` — networkx view of the RDF store (``graph.nxview``) + SPARQL/projection;
* :func:`neo4j_queries` — Cypher over the Neo4j projection and its ``LINK`` relationships
  (kept by ``graph.queries.neo4j_links.refresh_links``).

Both return a :class:`QueryService` implementing :class:`GraphQueries`; results are the frozen
dataclasses of ``graph.queries.model`` and are identical for both backends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from graph.queries.filters import StepFilter
from graph.queries.service import GraphQueries, QueryLimits, QueryService

if TYPE_CHECKING:  # imported lazily: graph.nxview itself imports graph.queries modules
    from neo4j import Driver

    from graph.nxview import NxView
    from graph.stores import RDFStore

__all__ = [
    "GraphQueries",
    "QueryLimits",
    "QueryService",
    "StepFilter",
    "neo4j_queries",
    "nx_queries",
]


def nx_queries(
    store: RDFStore,
    limits: QueryLimits | None = None,
    *,
    view: NxView | None = None,
    last_loaded: Callable[[], str | None] | None = None,
) -> QueryService:
    """Query services on the networkx view of ``store`` (pass ``view`` to share one view)."""
    from graph.nxview import NxView
    from graph.queries.nx_source import NxSource
    from graph.queries.sparql import SparqlReader

    limits = limits or QueryLimits()
    reader = SparqlReader.of_store(store, limits.timeout)
    view = view or NxView.of_store(store, limits.timeout)
    return QueryService(NxSource(store, view, reader), limits, last_loaded)


def neo4j_queries(
    driver: Driver,
    database: str = "neo4j",
    limits: QueryLimits | None = None,
    *,
    last_loaded: Callable[[], str | None] | None = None,
) -> QueryService:
    """Query services on Neo4j (the projection plus LINK relationships)."""
    from graph.queries.neo4j_source import Neo4jSource

    limits = limits or QueryLimits()
    return QueryService(Neo4jSource(driver, database, limits.timeout), limits, last_loaded)
