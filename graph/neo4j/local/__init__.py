"""A local Neo4j Community server run from Maven Central jars (Java 17+), no Docker needed.

``diplograph neo4j start|stop|status|env`` drives it; the tests and CI use it too.
"""

from graph.neo4j.local.manager import (
    DEFAULT_BOLT_PORT,
    NEO4J_VERSION,
    LocalNeo4j,
    Neo4jLocalError,
    Neo4jStatus,
    ensure_installed,
    log_tail,
    running_instance,
    start,
    status,
    stop,
)

__all__ = [
    "DEFAULT_BOLT_PORT",
    "NEO4J_VERSION",
    "LocalNeo4j",
    "Neo4jLocalError",
    "Neo4jStatus",
    "ensure_installed",
    "log_tail",
    "running_instance",
    "start",
    "status",
    "stop",
]
