"""Read-only Cypher for analysts, on the Neo4j projection.

Neo4j Community Edition has no fine-grained privileges (no read-only users), so the database
cannot be protected by the account the API uses. :class:`GraphCypherService` is the defence, in
layers, each enough on its own against the writes we know of:

1. **EXPLAIN check** — the query is first sent as ``EXPLAIN <query>`` (planned, never executed)
   and :func:`graph.neo4j.cypher_guard.check_plan` refuses anything whose query type is not
   read, whose
   plan has a writing, administrative, ``LOAD CSV`` or ``… IN TRANSACTIONS`` operator, that calls
   a procedure outside a short allowlist, or that runs on another database (``USE system``).
2. **READ transaction** — both statements run in an explicit transaction of a session opened
   with ``default_access_mode=READ_ACCESS``; the server refuses any write in it
   (``Neo.ClientError.Statement.AccessMode``).
3. **Rollback** — that transaction is never committed: it is rolled back once the rows are read.
4. **Parameters** are sent separately and bound by the server, never spliced into the text; one
   statement per request (the server refuses ``…; …``).

Limits: the transaction has a server-side timeout (:class:`~graph.errors.QueryTimeout` past it),
and Neo4j's transaction memory limits turn a query that would exhaust the heap into
:class:`~graph.errors.MemoryLimitExceeded`. Neo4j applies neither while it parses and plans, nor
inside one expression's loops (a list comprehension, ``reduce``), and some shapes overflow its
parser's stack, which leaves the Bolt request unanswered for the connection's 120 s read
timeout; so the text is first checked by :func:`graph.neo4j.cypher_shape.check_shape` (tokens,
bracket and ``CASE`` nesting, operator chains, ``UNION`` parts, ``range()`` spans), and the
query also runs in a worker thread that the caller stops waiting for shortly after the limit
(at most ``max_concurrent`` such workers at once). Parameters are checked for depth, size and
values the driver cannot send. At most ``row_cap`` rows are pulled
(:class:`~graph.errors.ResultTooLarge` on one more; the rest is discarded with the rollback).
Values become plain JSON: a node is ``{id: elementId, labels, properties}``, a relationship
``{id, type, start, end, properties}``, a path ``{nodes, relationships}``, temporal values
ISO 8601 strings.
"""

from __future__ import annotations

import base64
import math
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from neo4j import READ_ACCESS, Driver, Result
from neo4j.exceptions import Neo4jError
from neo4j.graph import Node, Path, Relationship
from neo4j.spatial import Point
from neo4j.time import Date, DateTime, Duration, Time

from graph.errors import GraphError, QueryError, QueryTimeout, ResultTooLarge, StoreUnavailable
from graph.neo4j.cypher_guard import ALLOWED_PROCEDURES, check_plan
from graph.neo4j.cypher_shape import CypherLimits, check_shape
from graph.neo4j.errors import neo4j_errors

__all__ = ["CypherLimits", "CypherResult", "GraphCypherService", "to_json"]

EXPLAIN_PREFIX = "EXPLAIN "
TX_METADATA = {"app": "diplograph", "endpoint": "cypher"}
MAX_NESTING = 64
"""Deepest nesting of parameter values (lists and maps) sent to Neo4j."""
MAX_PARAMETER_VALUES = 100_000
"""Most values (list items, map entries, scalars) in all parameters together."""
WAIT_GRACE_S = 1.0
"""How long past the time limit the caller waits for Neo4j's own timeout error."""
_ZERO_FRACTION = re.compile(r"\.0{1,9}(?!\d)")
"""An all-zero fraction of a second, which Neo4j writes as ``.000000000``."""


@dataclass(frozen=True)
class CypherResult:
    """Columns, rows of plain JSON values, and the server's notifications (warnings)."""

    columns: list[str]
    rows: list[list[Any]]
    notifications: list[str] = field(default_factory=list)


class GraphCypherService:
    """Run analysts' Cypher read-only on ``database`` through ``driver``.

    ``timeout_s`` and ``row_cap`` are defaults that :meth:`run` may override per call (the router
    passes the settings' values).
    """

    def __init__(
        self,
        driver: Driver,
        database: str = "neo4j",
        *,
        timeout_s: float = 10.0,
        row_cap: int = 1_000,
        allowed_procedures: frozenset[str] = ALLOWED_PROCEDURES,
        max_concurrent: int = 8,
        limits: CypherLimits | None = None,
    ) -> None:
        self._limits = limits or CypherLimits()
        self._slots = threading.BoundedSemaphore(max_concurrent)
        self._driver = driver
        self._database = database
        self._timeout_s = timeout_s
        self._row_cap = row_cap
        self._allowed_procedures = allowed_procedures

    def run(
        self,
        query: str,
        parameters: Mapping[str, Any] | None = None,
        *,
        timeout_s: float | None = None,
        row_cap: int | None = None,
    ) -> CypherResult:
        """Check that ``query`` only reads, then run it with ``parameters``.

        Raises WriteRejected (not read-only), QueryError (syntax, semantics, missing parameter),
        QueryTimeout, ResultTooLarge, StoreUnavailable (Neo4j down).
        """
        text = _statement(query)
        params = dict(parameters or {})
        _check_parameters(params)
        check_shape(text, self._limits, params)
        timeout = self._timeout_s if timeout_s is None else timeout_s
        cap = self._row_cap if row_cap is None else row_cap
        return self._run_bounded(lambda: self._run(text, params, timeout, cap), timeout)

    def _run_bounded(self, job: Callable[[], CypherResult], timeout: float) -> CypherResult:
        """Run ``job`` in a daemon worker; stop waiting shortly after ``timeout``."""
        deadline = time.monotonic() + timeout + WAIT_GRACE_S
        if not self._slots.acquire(timeout=timeout):
            raise StoreUnavailable(
                "too many Cypher queries are running; retry in a few seconds", retry_after=5.0
            )
        future: Future[CypherResult] = Future()

        def work() -> None:
            try:
                future.set_result(job())
            except BaseException as error:  # handed to the waiting caller
                future.set_exception(error)
            finally:
                self._slots.release()

        threading.Thread(target=work, name="cypher-query", daemon=True).start()
        try:
            return future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            raise QueryTimeout(
                f"the query did not finish within {timeout:g} s", timeout=timeout
            ) from None

    def _run(self, text: str, params: dict[str, Any], timeout: float, cap: int) -> CypherResult:
        """EXPLAIN check, then the query, in a READ transaction that is rolled back."""
        with (
            _user_errors(),
            neo4j_errors("running a read-only Cypher query"),
            self._driver.session(
                database=self._database,
                default_access_mode=READ_ACCESS,
                fetch_size=min(cap + 1, 1000),
            ) as session,
        ):
            tx = session.begin_transaction(timeout=timeout, metadata=TX_METADATA)
            try:
                explained = tx.run(EXPLAIN_PREFIX + text, params).consume()
                check_plan(
                    explained.query_type, explained.plan, self._database, self._allowed_procedures
                )
                return _collect(tx.run(text, params), cap)
            finally:
                tx.close()  # rolls back: this transaction never commits


def _statement(query: str) -> str:
    """The query without surrounding blanks and one final ``;`` (as cypher-shell users type)."""
    text = query.strip()
    if text.endswith(";"):
        text = text[:-1].rstrip()
    if not text:
        raise QueryError("the query is empty")
    _check_text(text, "the query")
    return text


@contextmanager
def _user_errors() -> Iterator[None]:
    """Neo4j's other failures of a read-only query it accepted (a ``Neo.DatabaseError…`` such as
    ``Statement.ExecutionFailed`` for ``allShortestPaths`` from a node to itself) are the
    query's fault on this endpoint: QueryError (400), not a server error (500). So is a value
    nested too deep for the driver to decode or for :func:`to_json` to convert."""
    try:
        yield
    except RecursionError:
        raise QueryError("the query returns a value nested too deep to send as JSON") from None
    except GraphError as error:
        if type(error) is GraphError and isinstance(error.__cause__, Neo4jError):
            raise QueryError(error.message) from error
        raise


def _check_parameters(params: Mapping[str, Any]) -> None:
    """QueryError for a value the driver cannot send (it would raise OverflowError,
    RecursionError or UnicodeEncodeError): an integer beyond 64 bits, nesting deeper than
    ``MAX_NESTING``, text with a lone surrogate (JSON's ``"\\udcff"``)."""
    pending: list[tuple[Any, str, int]] = [(params, "parameters", 0)]
    seen = 0
    while pending:
        value, where, depth = pending.pop()
        seen += 1
        if seen > MAX_PARAMETER_VALUES:
            raise QueryError(f"the parameters hold more than {MAX_PARAMETER_VALUES} values")
        if depth > MAX_NESTING:
            raise QueryError(f"{where}: nested more than {MAX_NESTING} levels deep")
        if isinstance(value, bool | float) or value is None:
            continue
        if isinstance(value, int) and not -(2**63) <= value < 2**63:
            raise QueryError(f"{where}: {value} does not fit in Neo4j's 64-bit integers")
        if isinstance(value, str):
            _check_text(value, where)
        elif isinstance(value, Mapping):
            for key, item in value.items():
                _check_text(str(key), f"{where} key")
                pending.append((item, f"{where}.{key}", depth + 1))
        elif isinstance(value, list | tuple):
            pending.extend((item, f"{where}[{i}]", depth + 1) for i, item in enumerate(value))


def _check_text(text: str, where: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise QueryError(
            f"{where}: not valid Unicode text ({error.reason} at position {error.start})"
        ) from None


def _collect(result: Result, cap: int) -> CypherResult:
    """At most ``cap`` rows of ``result`` as JSON values; ResultTooLarge on one more."""
    columns = list(result.keys())
    rows: list[list[Any]] = []
    for record in result:
        if len(rows) == cap:
            raise ResultTooLarge(
                f"the query returns more than {cap} rows; add a LIMIT (at most {cap})", limit=cap
            )
        rows.append([to_json(value) for value in record.values()])
    summary = result.consume()
    notes = [
        status.status_description
        for status in summary.gql_status_objects
        if status.is_notification and status.status_description
    ]
    return CypherResult(columns, rows, notes)


def to_json(value: Any) -> Any:
    """A value from the driver as plain JSON (nodes, relationships, paths, temporal, spatial)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Node):
        return _node(value)
    if isinstance(value, Relationship):
        return _relationship(value)
    if isinstance(value, Path):
        return {
            "nodes": [_node(node) for node in value.nodes],
            "relationships": [_relationship(rel) for rel in value.relationships],
        }
    if isinstance(value, Date | DateTime | Time | Duration):
        return _ZERO_FRACTION.sub("", value.iso_format())
    if isinstance(value, Point):
        return {"srid": value.srid, "coordinates": list(value)}
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Mapping):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if hasattr(value, "isoformat"):  # datetime.date/time from a custom hydration
        return value.isoformat()
    return str(value)


def _node(node: Node) -> dict[str, Any]:
    """A node as ``{id, labels, properties}`` (labels sorted)."""
    return {
        "id": node.element_id,
        "labels": sorted(node.labels),
        "properties": {key: to_json(value) for key, value in node.items()},
    }


def _relationship(rel: Relationship) -> dict[str, Any]:
    """A relationship as ``{id, type, start, end, properties}`` (ends are element ids)."""
    return {
        "id": rel.element_id,
        "type": rel.type,
        "start": rel.start_node.element_id if rel.start_node is not None else None,
        "end": rel.end_node.element_id if rel.end_node is not None else None,
        "properties": {key: to_json(value) for key, value in rel.items()},
    }
