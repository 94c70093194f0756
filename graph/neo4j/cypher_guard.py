"""Decide from Neo4j's ``EXPLAIN`` whether an analyst's Cypher query only reads.

The server plans the query (``EXPLAIN`` never executes it) and reports what it would do: the
query type (``r`` read, ``rw`` read-write, ``w`` write, ``s`` schema/administration) and the
operator tree. :func:`check_plan` accepts a plan only if all of these hold:

* the query type is ``r`` (or ``s`` for a query whose only procedure calls are allowlisted,
  because ``dbms.components()`` is classified ``s``);
* every operator runs on our database (an ``@system`` operator is an administration command);
* no operator writes, administers, loads or manages transactions (:data:`FORBIDDEN_OPERATOR`:
  ``Create``, ``Merge``, ``Set…``, ``Remove…``, ``…Delete…``, ``Foreach``, ``LoadCSV``,
  ``Transaction…`` for ``CALL … IN TRANSACTIONS``, ``AdministrationCommand``,
  ``CreateIndex``/``DropConstraint``…, ``TerminateTransactions``…); ``LOAD CSV`` is refused even
  though the server calls it a read, because it reads files and fetches URLs from the server;
* every procedure call is on :data:`ALLOWED_PROCEDURES`;
* ``SHOW`` commands are limited to :data:`ALLOWED_SHOW_OPERATORS` (indexes, constraints,
  procedures, functions): ``SHOW TRANSACTIONS`` and ``SHOW SETTINGS`` reveal other users'
  queries and the server's configuration.

This module is pure (plans are the driver's plain dicts) so it is tested without a server.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graph.errors import WriteRejected

ALLOWED_PROCEDURES: frozenset[str] = frozenset(
    {
        "db.labels",
        "db.relationshipTypes",
        "db.propertyKeys",
        "db.schema.visualization",
        "db.schema.nodeTypeProperties",
        "db.schema.relTypeProperties",
        "db.index.fulltext.queryNodes",
        "db.index.fulltext.queryRelationships",
        "dbms.components",
    }
)
"""Procedures an analyst may call: schema introspection, full-text search, the server version."""

ALLOWED_SHOW_OPERATORS: frozenset[str] = frozenset(
    {"ShowIndexes", "ShowConstraints", "ShowProcedures", "ShowFunctions"}
)

FORBIDDEN_OPERATOR = re.compile(
    r"Create|Merge|Set[A-Z]|Remove|Delete|Foreach|LoadCSV|Transaction|Administration"
    r"|Terminate|Drop|Alter|Grant|Deny|Revoke|Rename|Enable|Allocate|Start|Stop"
)
"""Operator names (Neo4j 5 plan operators) that write, administer, load or manage transactions."""

_PROCEDURE_NAME = re.compile(r"^\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*\(")


@dataclass(frozen=True)
class Operator:
    """One operator of a plan: ``Create@neo4j`` is name ``Create`` on database ``neo4j``."""

    name: str
    database: str | None
    details: str | None


def operators(plan: Mapping[str, Any] | None) -> Iterator[Operator]:
    """Every operator of ``plan`` (the driver's ``summary.plan`` dict), depth first."""
    pending = [plan] if plan else []
    while pending:
        node = pending.pop()
        name, _, database = str(node.get("operatorType", "")).partition("@")
        details = (node.get("args") or {}).get("Details")
        yield Operator(name, database or None, None if details is None else str(details))
        pending.extend(reversed(list(node.get("children") or [])))


def procedure_name(details: str | None) -> str | None:
    """The procedure a ``ProcedureCall`` operator calls, from its details (``db.labels() :: …``)."""
    match = _PROCEDURE_NAME.match(details or "")
    return match.group(1) if match else None


def check_plan(
    query_type: str | None,
    plan: Mapping[str, Any] | None,
    database: str,
    allowed_procedures: frozenset[str] = ALLOWED_PROCEDURES,
) -> None:
    """Raise :class:`WriteRejected` unless the explained query only reads ``database``."""
    if plan is None:
        raise WriteRejected("the server returned no plan for the query; refusing to run it")
    procedures = [_check_operator(op, database, allowed_procedures) for op in operators(plan)]
    called = [name for name in procedures if name is not None]
    if query_type == "r" or (query_type == "s" and called):
        return
    raise WriteRejected(
        f"this endpoint is read-only, and Neo4j classifies the query as {_KINDS.get(query_type)}"
    )


_KINDS = {
    "rw": "read-write",
    "w": "write",
    "s": "schema or administration",
    None: "unknown",
}


def _check_operator(op: Operator, database: str, allowed: frozenset[str]) -> str | None:
    """Raise for a forbidden operator; return the procedure name of an allowed call."""
    if op.database is not None and op.database != database:
        raise WriteRejected(
            f"the query runs on the {op.database!r} database; only {database!r} can be queried"
        )
    if op.name == "LoadCSV":
        raise WriteRejected("LOAD CSV is not allowed: it reads files and URLs from the server")
    if FORBIDDEN_OPERATOR.search(op.name):
        raise WriteRejected(f"this endpoint is read-only; the query would run {op.name}")
    if op.name.startswith("Show") and op.name not in ALLOWED_SHOW_OPERATORS:
        raise WriteRejected(f"{op.name} is not allowed; SHOW INDEXES and SHOW CONSTRAINTS are")
    if op.name != "ProcedureCall":
        return None
    name = procedure_name(op.details)
    if name is None or name not in allowed:
        listed = ", ".join(sorted(allowed))
        raise WriteRejected(f"procedure {name or op.details!r} is not allowed; allowed: {listed}")
    return name
