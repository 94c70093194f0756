"""The one translation of Neo4j driver errors into the project's error tree (``graph.errors``).

Every driver call (the projection writer, graph-route reads, read-only Cypher) runs inside
:func:`neo4j_errors`, so an error means the same on every route: wrong credentials or a database
that is down are :class:`StoreUnavailable` (503), a query the server refuses is
:class:`QueryError` (400), a timeout :class:`QueryTimeout` (504), a memory limit
:class:`MemoryLimitExceeded` (422).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConnectionAcquisitionTimeoutError,
    ConstraintError,
    DriverError,
    Forbidden,
    ForbiddenOnReadOnlyDatabase,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graph.errors import (
    ConflictError,
    GraphError,
    MemoryLimitExceeded,
    QueryError,
    QueryTimeout,
    StoreUnavailable,
    WriteRejected,
)


def translate_neo4j_error(
    error: Exception, action: str, *, timeout: float | None = None
) -> GraphError:
    """The :mod:`graph.errors` error for a neo4j driver (or socket) error (``timeout``: the
    limit a timed-out transaction had, for the problem answer)."""
    if isinstance(error, GraphError):
        return error
    if isinstance(error, AuthError):
        return StoreUnavailable(
            f"{action}: Neo4j refused the credentials: {error}", retry_after=None
        )
    if isinstance(error, IncompleteCommit):
        return StoreUnavailable(
            f"{action}: the connection to Neo4j was lost while committing, so the write may or "
            f"may not have happened; run `diplograph sync` once Neo4j is back ({error})"
        )
    if isinstance(error, ServiceUnavailable | SessionExpired | ConnectionAcquisitionTimeoutError):
        return StoreUnavailable(f"{action}: Neo4j is unavailable: {error}")
    if isinstance(error, Neo4jError):
        return _translate_server_error(error, action, timeout)
    if isinstance(error, OSError):
        return StoreUnavailable(f"{action}: cannot reach Neo4j: {error}")
    if isinstance(error, DriverError):
        return GraphError(f"{action}: Neo4j driver error: {error}")
    return GraphError(f"{action}: {error}")


def _translate_server_error(
    error: Neo4jError, action: str, timeout: float | None = None
) -> GraphError:
    """Classify an error the server sent by its status code."""
    code = error.code or ""
    message = error.message or str(error)
    if "TimedOut" in code or "Timeout" in code:
        return QueryTimeout(f"{action}: {message}", timeout=timeout)
    if "MemoryPoolOutOfMemory" in code or "OutOfMemory" in code or "MemoryLimit" in code:
        return MemoryLimitExceeded(
            f"{action}: the query needs more memory than Neo4j allows one transaction "
            f"(db.memory.transaction.max / db.memory.transaction.total.max): {message}"
        )
    if isinstance(error, Forbidden | ForbiddenOnReadOnlyDatabase) or "AccessMode" in code:
        return WriteRejected(f"{action}: {message}")
    if isinstance(error, ConstraintError) or "DeadlockDetected" in code:
        return ConflictError(f"{action}: {message}")
    if "DatabaseNotFound" in code:
        return StoreUnavailable(f"{action}: {message}", retry_after=None)
    if isinstance(error, TransientError):
        return StoreUnavailable(f"{action}: {message}")
    if isinstance(error, ClientError):
        return QueryError(message)
    return GraphError(f"{action}: Neo4j error {code}: {message}")


@contextmanager
def neo4j_errors(action: str, *, timeout: float | None = None) -> Iterator[None]:
    """Raise every driver error inside the block as a :mod:`graph.errors` error."""
    try:
        yield
    except GraphError:
        raise
    except (DriverError, Neo4jError, OSError) as error:
        raise translate_neo4j_error(error, action, timeout=timeout) from error
