"""The store error tree of diplograph, shaped like the neo4j driver's.

Store code (``graph.rdf.store``, ``graph.neo4j.projection``, ``graph.writer``) turns the errors of
pyoxigraph, rdflib and the neo4j driver into these, so callers (the API maps them to
``application/problem+json`` in one table) never see a driver exception::

    GraphError
    ├── StoreUnavailable   a store is down or unreachable; retry after ``retry_after`` seconds
    ├── QueryError         the query does not parse or cannot be evaluated (parser's message)
    ├── QueryTimeout       the query ran out of time
    ├── QueryAborted       the query exceeded the engine's limits (memory, stack): its worker died
    ├── NotAcceptable      the result cannot be written in any format the client accepts
    ├── NotFound           the thing asked for does not exist (an article, an entity)
    ├── ResultTooLarge     the result exceeds the configured limit
    ├── MemoryLimitExceeded  the query needed more memory than the store allows it
    ├── WriteRejected      a write through a read path (an update sent as a query, read-only Cypher)
    ├── InvalidData        the store refused the data it was given (an IRI it cannot parse…)
    └── ConflictError      a concurrent write got in the way (deadlock, constraint); retry
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_RETRY_AFTER = 5.0
"""Seconds a client should wait before retrying after :class:`StoreUnavailable`."""


class GraphError(Exception):
    """Base of every error the graph layer raises."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StoreUnavailable(GraphError):
    """A store is down, unreachable or refused our credentials; nothing was written."""

    def __init__(self, message: str, *, retry_after: float | None = DEFAULT_RETRY_AFTER) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        """Seconds to wait before retrying, or None when retrying will not help (bad password)."""


class QueryError(GraphError):
    """The query is not valid: the message is the parser's or the evaluator's."""


class QueryTimeout(GraphError):
    """The query did not finish within its time limit."""

    def __init__(self, message: str, *, timeout: float | None = None) -> None:
        super().__init__(message)
        self.timeout = timeout
        """The limit that was exceeded, in seconds, when known."""


class QueryAborted(GraphError):
    """The query exceeded the engine's limits (memory, stack): the process evaluating it died."""


class NotAcceptable(GraphError):
    """The query's result cannot be written in any media type the client accepts."""


class NotFound(GraphError):
    """The article, entity or resource asked for does not exist."""


@dataclass(frozen=True)
class Candidate:
    """An entity an ambiguous name may mean."""

    id: str
    name: str | None
    types: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        """The candidate as a problem entry."""
        return {"id": self.id, "name": self.name, "types": list(self.types)}


class AmbiguousName(GraphError):
    """A name given where an id is expected matches several entities: ``problems`` lists the
    candidates (give one of their ids instead)."""

    def __init__(self, message: str, *, candidates: tuple[Candidate, ...] = ()) -> None:
        super().__init__(message)
        self.problems = candidates


class ResultTooLarge(GraphError):
    """The result has more rows (or bytes) than the configured limit."""

    def __init__(self, message: str, *, limit: int | None = None) -> None:
        super().__init__(message)
        self.limit = limit
        """The limit that was exceeded, when known."""


class MemoryLimitExceeded(GraphError):
    """The query needed more memory than the store allows one query (Neo4j's transaction
    memory limits); the store refused it and stays up."""


class WriteRejected(GraphError):
    """A write was attempted through a read-only path (SPARQL query endpoint, read-only Cypher)."""


class InvalidData(GraphError):
    """The store refused the data given to it (malformed IRI or literal, unsupported term)."""


class ConflictError(GraphError):
    """A concurrent write conflicted with this one (deadlock, constraint violation); retry."""

    def __init__(self, message: str, *, retry_after: float | None = 1.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after
