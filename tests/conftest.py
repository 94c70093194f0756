"""Shared pytest fixtures.

Each section belongs to one area; append new sections below, keep the existing ones intact.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from neo4j import Driver, GraphDatabase
from neo4j.exceptions import DriverError, Neo4jError

from api.settings import Settings
from graph.backends import BackendConfig
from graph.neo4j import local as neo4j_local

# ==================================================================================================
# Neo4j (a real server: DIPLOGRAPH_NEO4J_* variables, else `diplograph neo4j start`)
# ==================================================================================================

Neo4jConnection = tuple[str, str, str]
"""(uri, user, password)"""

_DELETE_BATCH = "MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS deleted"


def running_in_ci() -> bool:
    """True when the ``CI`` variable says so (GitHub Actions, GitLab, .ci/run all set it)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _candidates(settings: Settings) -> tuple[list[tuple[str, Neo4jConnection]], list[str]]:
    """Where Neo4j may be, in order of preference, and why other places were not considered."""
    found: list[tuple[str, Neo4jConnection]] = []
    notes: list[str] = []
    if settings.neo4j_uri:
        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
        found.append(("DIPLOGRAPH_NEO4J_URI", (settings.neo4j_uri, settings.neo4j_user, password)))
        return found, notes
    try:
        local = neo4j_local.running_instance(settings.cache_dir, settings.neo4j_local_version)
    except neo4j_local.Neo4jLocalError as error:
        local = None
        notes.append(str(error))
    if local is None:
        notes.append(f"no local server runs from {settings.cache_dir} (`diplograph neo4j start`)")
    else:
        found.append((f"local server pid {local.pid}", (local.uri, local.user, local.password)))
    return found, notes


def _reachable(connection: Neo4jConnection, database: str) -> str | None:
    """None when an authenticated query succeeds, else the reason it did not."""
    uri, user, password = connection
    try:
        # A session's auto-commit query fails at once; execute_query would retry for 30 s.
        with (
            GraphDatabase.driver(uri, auth=(user, password), connection_timeout=5) as driver,
            driver.session(database=database) as session,
        ):
            session.run("RETURN 1").consume()
    except (DriverError, Neo4jError, OSError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return None


@pytest.fixture(scope="session")
def neo4j_connection() -> Neo4jConnection:
    """(uri, user, password) of a reachable Neo4j; fails under CI=true, skips otherwise."""
    settings = Settings()
    candidates, notes = _candidates(settings)
    for source, connection in candidates:
        reason = _reachable(connection, settings.neo4j_database)
        if reason is None:
            return connection
        notes.append(f"{source} ({connection[0]}) is not reachable: {reason}")
    message = "no Neo4j reachable: " + "; ".join(notes)
    if running_in_ci():
        pytest.fail(message + " — CI=true, so tests that need Neo4j fail instead of skipping")
    pytest.skip(message)


@pytest.fixture(scope="session")
def neo4j_database() -> str:
    """The Neo4j database the tests use (``DIPLOGRAPH_NEO4J_DATABASE``, default ``neo4j``)."""
    return Settings().neo4j_database


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_connection: Neo4jConnection) -> Iterator[Driver]:
    """One official driver for the whole session."""
    uri, user, password = neo4j_connection
    with GraphDatabase.driver(uri, auth=(user, password)) as driver:
        yield driver


def neo4j_backend_config(
    connection: Neo4jConnection, database: str = "neo4j", **options: Any
) -> BackendConfig:
    """The backends' configuration for an in-memory RDF store and this Neo4j (as the app
    builds it: ``open_backends`` then gives the projection writer with its LINK upkeep)."""
    uri, user, password = connection
    return BackendConfig(
        data_dir=None,
        neo4j_uri=uri,
        neo4j_user=user,
        neo4j_password=password,
        neo4j_database=database,
        **options,
    )


@pytest.fixture
def clean_neo4j(neo4j_driver: Driver, neo4j_database: str) -> Driver:
    """The driver, after deleting every node and relationship (in batches) of the database."""
    while True:
        records, _, _ = neo4j_driver.execute_query(_DELETE_BATCH, database_=neo4j_database)
        if records[0]["deleted"] == 0:
            return neo4j_driver


# ==================================================================================================
# (end of the Neo4j section)
# ==================================================================================================


# ==================================================================================================
# Fuzzing (hypothesis)
# ==================================================================================================


def fuzz_examples(default: int) -> int:
    """Examples per property: ``default``, or ``FUZZ_EXAMPLES`` (``FUZZ_EXAMPLES=2000`` digs
    deeper)."""
    return int(os.environ.get("FUZZ_EXAMPLES", str(default)))


def fuzz_profile(examples: int) -> settings:
    """The hypothesis settings of every fuzz suite: ``examples`` examples, no deadline (elapsed
    time is asserted against the server's own limits), no example database, and a fixed
    sequence under CI (a red CI is reproducible)."""
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=running_in_ci(),
        suppress_health_check=list(HealthCheck),
    )
