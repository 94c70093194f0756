"""FastAPI dependencies: the settings and the backends opened in the lifespan."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from api.settings import Settings
from graph.backends import BackendConfig
from graph.neo4j.cypher_shape import CypherLimits
from graph.rdf.sparql_check import CheckLimits


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_backends(request: Request) -> Any:
    """The ``graph.backends.Backends`` opened in the lifespan (stores and query services)."""
    return request.app.state.backends


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
        max_path_hops=settings.max_path_hops,
        max_paths=settings.max_paths,
        hub_expansion_cap=settings.hub_expansion_cap,
        cypher_limits=CypherLimits(
            max_tokens=settings.cypher_max_tokens,
            max_case_depth=settings.cypher_max_case_depth,
            max_chain=settings.cypher_max_chain,
            max_unions=settings.cypher_max_unions,
            max_range=settings.cypher_max_range,
        ),
    )
