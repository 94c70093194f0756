"""Settings, read from ``DIPLOGRAPH_*`` environment variables (or a ``.env`` file).

Settings are created once by the entry point (CLI or app factory) and passed in explicitly;
nothing here is created at import time.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _xdg_dir(variable: str, fallback: str) -> Path:
    base = os.environ.get(variable)
    return Path(base) if base else Path.home() / fallback


def default_data_dir() -> Path:
    """Where the embedded Oxigraph store lives unless ``DIPLOGRAPH_DATA_DIR`` says otherwise."""
    return _xdg_dir("XDG_DATA_HOME", ".local/share") / "diplograph"


def default_examples_dir() -> Path:
    """The example fact sheets shipped beside the packages (``examples/`` of the repository)."""
    return Path(__file__).resolve().parent.parent / "examples"


def default_cache_dir() -> Path:
    """Where downloaded Neo4j jars and the local Neo4j home live."""
    return _xdg_dir("XDG_CACHE_HOME", ".cache") / "diplograph"


class Settings(BaseSettings):
    """Every setting of diplograph; each is documented in the README."""

    model_config = SettingsConfigDict(
        env_prefix="DIPLOGRAPH_",
        env_file=".env",
        extra="ignore",
        # A malformed DIPLOGRAPH_API_KEYS or password must not be echoed in the start-up error.
        hide_input_in_errors=True,
    )

    data_dir: Path | None = Field(default_factory=default_data_dir)
    cache_dir: Path = Field(default_factory=default_cache_dir)
    examples_dir: Path = Field(default_factory=default_examples_dir)

    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr | None = None
    neo4j_database: str = "neo4j"
    neo4j_local_heap: str = Field(default="1g", pattern=r"^[1-9][0-9]*[kmg]$")
    neo4j_local_pagecache: str = Field(default="512m", pattern=r"^[1-9][0-9]*[kmg]$")
    neo4j_local_version: str = Field(default="5.26.30", pattern=r"^[0-9]+\.[0-9]+\.[0-9]+$")
    neo4j_local_installer: Literal["download", "maven"] = "download"
    maven_repository: str = Field(
        default="https://repo.maven.apache.org/maven2/", pattern=r"^https?://[^\s/]+(/\S*)?$"
    )
    neo4j_local_tx_memory: str | None = Field(default=None, pattern=r"^[1-9][0-9]*[kmg]$")
    neo4j_local_tx_total_memory: str | None = Field(default=None, pattern=r"^[1-9][0-9]*[kmg]$")
    neo4j_local_tx_timeout_s: int = Field(default=900, gt=0)

    host: str = "127.0.0.1"
    port: int = 8000
    cors_origins: list[str] = Field(default_factory=lambda: ["*"])
    development: bool = False

    api_keys: list[SecretStr] = Field(default_factory=list)
    read_requires_key: bool = False
    max_body_bytes: int = Field(default=5_000_000, gt=0)

    # The HTTP server (api/httpserver.py): slow clients and idle sockets cannot hold it.
    request_head_timeout_s: float = Field(default=10.0, gt=0)
    request_body_timeout_s: float = Field(default=30.0, gt=0)
    keep_alive_timeout_s: int = Field(default=5, ge=1)
    max_connections: int = Field(default=256, ge=1)
    max_concurrent_requests: int = Field(default=64, ge=1)

    query_timeout_s: float = Field(default=10.0, gt=0)
    sparql_result_cap: int = Field(default=10_000, gt=0)
    sparql_workers: int = Field(default=4, ge=1, le=64)
    sparql_worker_memory_mb: int = Field(default=2048, ge=0)
    """0 (no limit) or at least 768: a worker needs about 650 MB of address space idle."""
    sparql_max_query_chars: int = Field(default=100_000, gt=0)
    sparql_max_depth: int = Field(default=400, gt=0)
    sparql_max_chain: int = Field(default=500, gt=0)
    sparql_max_nodes: int = Field(default=50_000, gt=0)
    cypher_row_cap: int = Field(default=1_000, gt=0)
    cypher_max_tokens: int = Field(default=3_000, gt=0)
    cypher_max_case_depth: int = Field(default=8, gt=0)
    cypher_max_chain: int = Field(default=100, gt=0)
    cypher_max_unions: int = Field(default=16, gt=0)
    cypher_max_range: int = Field(default=100_000, gt=0)
    max_path_hops: int = Field(default=4, ge=1, le=8)
    max_paths: int = Field(default=500, gt=0)
    hub_expansion_cap: int = Field(default=200, gt=0)
    export_node_cap: int = Field(default=100_000, gt=0)

    @field_validator("sparql_worker_memory_mb")
    @classmethod
    def _worker_memory(cls, value: int) -> int:
        """A SPARQL worker's address space holds ~650 MB before any query (a 256 MiB stack, the
        engine's buffers): below 768 MB every query would abort."""
        if 0 < value < 768:
            raise ValueError("must be 0 (no limit) or at least 768 (MB)")
        return value
