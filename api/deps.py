"""FastAPI dependencies: the settings and the backends opened in the lifespan, as typed
``Annotated`` aliases that routes declare (no route reads ``request.app.state``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.settings import Settings
from graph.backends import BackendConfig, Backends
from graph.export.service import ExportService
from graph.neo4j.cypher import GraphCypherService
from graph.neo4j.cypher_shape import CypherLimits
from graph.queries import QueryLimits, QueryService
from graph.rdf.sparql_check import CheckLimits
from graph.rdf.sparql_service import GraphSparqlService
from loaders.identity.judgements import JudgementLog


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with (a coroutine: FastAPI runs it without a thread)."""
    settings: Settings = request.app.state.settings
    return settings


async def get_backends(request: Request) -> Backends:
    """The stores and services opened in the lifespan."""
    backends: Backends = request.app.state.backends
    return backends


async def get_judgements(request: Request) -> JudgementLog:
    """The judgement log of the data directory (one instance per app: in memory without one)."""
    log: JudgementLog = request.app.state.judgements
    return log


SettingsDep = Annotated[Settings, Depends(get_settings)]
BackendsDep = Annotated[Backends, Depends(get_backends)]
JudgementsDep = Annotated[JudgementLog, Depends(get_judgements)]


async def get_queries(backends: BackendsDep) -> QueryService:
    """The graph query services of the configured backend (Neo4j, else networkx)."""
    return backends.queries


async def get_sparql(backends: BackendsDep) -> GraphSparqlService:
    """The SPARQL service (worker processes over the RDF store)."""
    return backends.sparql


async def get_cypher(backends: BackendsDep) -> GraphCypherService | None:
    """The read-only Cypher service, None without Neo4j."""
    return backends.cypher


async def get_exporter(backends: BackendsDep) -> ExportService:
    """The subgraph exporter."""
    return backends.exporter


QueriesDep = Annotated[QueryService, Depends(get_queries)]
SparqlDep = Annotated[GraphSparqlService, Depends(get_sparql)]
CypherDep = Annotated[GraphCypherService | None, Depends(get_cypher)]
ExportDep = Annotated[ExportService, Depends(get_exporter)]


def backend_config(settings: Settings) -> BackendConfig:
    """The graph layer's configuration from the settings."""
    password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
    return BackendConfig(
        data_dir=settings.data_dir,
        neo4j_uri=settings.neo4j_uri,
        neo4j_user=settings.neo4j_user,
        neo4j_password=password,
        neo4j_database=settings.neo4j_database,
        query_timeout_s=settings.query_timeout_s,
        sparql_result_cap=settings.sparql_result_cap,
        sparql_workers=settings.sparql_workers,
        sparql_worker_memory_mb=settings.sparql_worker_memory_mb,
        sparql_max_query_chars=settings.sparql_max_query_chars,
        sparql_limits=CheckLimits(
            max_depth=settings.sparql_max_depth,
            max_chain=settings.sparql_max_chain,
            max_nodes=settings.sparql_max_nodes,
        ),
        cypher_row_cap=settings.cypher_row_cap,
        limits=QueryLimits(
            max_hops=settings.max_path_hops,
            max_paths=settings.max_paths,
            hub_cap=settings.hub_expansion_cap,
            timeout=settings.query_timeout_s,
        ),
        cypher_limits=CypherLimits(
            max_tokens=settings.cypher_max_tokens,
            max_case_depth=settings.cypher_max_case_depth,
            max_chain=settings.cypher_max_chain,
            max_unions=settings.cypher_max_unions,
            max_range=settings.cypher_max_range,
        ),
    )
