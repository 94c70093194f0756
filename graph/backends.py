"""Open and close everything the API and CLI need: the stores and the query services.

The only place that creates a Neo4j driver; the FastAPI lifespan and each CLI command call
:func:`open_backends` once and :meth:`Backends.close` at the end. Configuration arrives as a
plain :class:`BackendConfig` (the API layer builds it from its settings), so this module knows
nothing of pydantic-settings or FastAPI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.export.service import ExportService
from graph.journal import StaleMarker
from graph.neo4j.cypher import GraphCypherService
from graph.neo4j.cypher_shape import CypherLimits
from graph.neo4j.source import Neo4jSource
from graph.nx.source import NxSource
from graph.nx.view import NxView
from graph.queries import QueryLimits, QueryService
from graph.queries.refs import FormerIds
from graph.rdf.reader import SparqlReader
from graph.rdf.sparql_service import CheckLimits, GraphSparqlService
from graph.rdf.store import OxigraphStore
from graph.writer import GraphStore

if TYPE_CHECKING:
    from neo4j import Driver

    from graph.model import RDFStore


def nx_queries(
    store: RDFStore,
    limits: QueryLimits | None = None,
    *,
    view: NxView | None = None,
    last_loaded: Callable[[], str | None] | None = None,
) -> QueryService:
    """Query services on the networkx view of ``store`` (pass ``view`` to share one view)."""
    limits = limits or QueryLimits()
    reader = SparqlReader.of_store(store, limits.timeout)
    view = view or NxView.of_store(store, limits.timeout)
    return QueryService(NxSource(store, view, reader), limits, last_loaded, store.merged_into)


def neo4j_queries(
    driver: Driver,
    database: str = "neo4j",
    limits: QueryLimits | None = None,
    *,
    last_loaded: Callable[[], str | None] | None = None,
    former: FormerIds | None = None,
) -> QueryService:
    """Query services on Neo4j (the projection plus LINK relationships); ``former`` answers
    ids that identity resolution merged (the RDF store of record's ``merged_into``)."""
    limits = limits or QueryLimits()
    source = Neo4jSource(driver, database, limits.timeout)
    return QueryService(source, limits, last_loaded, former)


@dataclass(frozen=True)
class BackendConfig:
    """Where the stores are and the limits the services enforce."""

    data_dir: Path | None
    """Directory of the Oxigraph store; None keeps it in memory (tests)."""
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = None
    neo4j_database: str = "neo4j"
    query_timeout_s: float = 10.0
    sparql_result_cap: int = 10_000
    sparql_workers: int = 4
    sparql_worker_memory_mb: int = 2048
    sparql_max_query_chars: int = 100_000
    sparql_limits: CheckLimits = field(default_factory=CheckLimits)
    cypher_row_cap: int = 1_000
    limits: QueryLimits = field(default_factory=QueryLimits)
    """The caps of the graph queries (hops, paths, hub expansion, time limit)."""
    cypher_limits: CypherLimits = field(default_factory=CypherLimits)
    """Shape limits on ``/cypher`` queries (``graph.neo4j.cypher_shape``)."""


@dataclass
class Backends:
    """The open stores and services; close it once at shutdown."""

    config: BackendConfig
    rdf: OxigraphStore
    store: GraphStore
    sparql: GraphSparqlService
    queries: QueryService
    exporter: ExportService
    cypher: GraphCypherService | None = None
    _closers: list[Any] = field(default_factory=list, repr=False)

    @property
    def neo4j_enabled(self) -> bool:
        """Whether a Neo4j projection is configured."""
        return self.store.projection is not None

    def close(self) -> None:
        """Close the Neo4j driver and flush the RDF store."""
        for close in reversed(self._closers):
            close()
        self._closers.clear()


def _neo4j_driver(config: BackendConfig) -> Any:
    import neo4j

    auth = (config.neo4j_user, config.neo4j_password or "")
    return neo4j.GraphDatabase.driver(
        config.neo4j_uri or "", auth=auth, connection_timeout=5.0, max_connection_pool_size=50
    )


def open_backends(config: BackendConfig) -> Backends:
    """Open the RDF store and, when ``neo4j_uri`` is set, one Neo4j driver and the projection.

    Graph queries run on Neo4j when it is configured, otherwise on the networkx view of the
    RDF store; both answer the same contract tests.
    """
    from graph.neo4j.links import LinkUpkeep
    from graph.neo4j.projection import Neo4jProjection

    rdf = OxigraphStore(config.data_dir)  # undoes a bulk load a crash interrupted
    marker = StaleMarker(config.data_dir)
    limits = config.limits
    sparql = GraphSparqlService(
        rdf.pyoxigraph_store,
        timeout_s=config.query_timeout_s,
        result_cap=config.sparql_result_cap,
        max_concurrent=config.sparql_workers,
        memory_bytes=config.sparql_worker_memory_mb * 1024 * 1024,
        max_query_chars=config.sparql_max_query_chars,
        limits=config.sparql_limits,
        data_dir=config.data_dir,
        generation=lambda: rdf.generation,
    )
    closers: list[Any] = [rdf.flush, sparql.close]
    if not config.neo4j_uri:
        view = NxView.of_store(rdf, limits.timeout, follows_writes=True)
        store = GraphStore(rdf, marker=marker, observers=[view, sparql])
        queries = nx_queries(rdf, limits, view=view)
        exporter = ExportService(queries, rdf)
        return Backends(config, rdf, store, sparql, queries, exporter, _closers=closers)
    driver = _neo4j_driver(config)
    closers.append(driver.close)
    projection = Neo4jProjection(driver, config.neo4j_database, links=LinkUpkeep(rdf))
    store = GraphStore(rdf, projection, marker=marker, observers=[sparql])
    queries = neo4j_queries(driver, config.neo4j_database, limits, former=rdf.merged_into)
    cypher = GraphCypherService(
        driver,
        config.neo4j_database,
        timeout_s=config.query_timeout_s,
        row_cap=config.cypher_row_cap,
        limits=config.cypher_limits,
    )
    exporter = ExportService(queries, rdf)
    return Backends(config, rdf, store, sparql, queries, exporter, cypher, _closers=closers)
