"""graph.neo4j.cypher_guard on plans shaped like the driver's ``summary.plan`` (no server needed).

The plans below are those Neo4j 5.26 returns for the queries in the comments (trimmed to
``operatorType``, ``args.Details`` and ``children``).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from graph.errors import WriteRejected
from graph.neo4j.cypher_guard import check_plan, operators, procedure_name


def op(name: str, details: str | None = None, *children: dict[str, Any]) -> dict[str, Any]:
    """One plan operator on database neo4j unless ``name`` says ``@db``."""
    operator_type = name if "@" in name else f"{name}@neo4j"
    args = {} if details is None else {"Details": details}
    return {"operatorType": operator_type, "args": args, "children": list(children)}


def results(*children: dict[str, Any]) -> dict[str, Any]:
    return op("ProduceResults", "", *children)


READS = {
    "MATCH (n) RETURN n LIMIT 1": ("r", results(op("Limit", "1", op("AllNodesScan", "n")))),
    "CALL db.labels()": ("r", results(op("ProcedureCall", "db.labels() :: (label :: STRING)"))),
    "CALL dbms.components()": (
        "s",
        results(op("ProcedureCall", "dbms.components() :: (name :: STRING)")),
    ),
    "SHOW INDEXES": ("r", results(op("ShowIndexes", "allIndexes, defaultColumns"))),
    "CALL db.index.fulltext.queryNodes('x', 'y')": (
        "r",
        results(op("ProcedureCall", "db.index.fulltext.queryNodes($a, $b) :: (node :: NODE)")),
    ),
}

WRITES = {
    "CREATE (n:X)": ("w", results(op("EmptyResult", None, op("Create", "(n:X)"))), "Create"),
    "MERGE (n:X)": ("w", results(op("Merge", "CREATE (n:X)")), "Merge"),
    "SET n.x = 1": ("w", results(op("SetProperty", "n.x = 1", op("AllNodesScan"))), "SetProperty"),
    "REMOVE n:X": ("w", results(op("RemoveLabels", "n:X")), "RemoveLabels"),
    "DETACH DELETE n": ("w", results(op("DetachDelete", "n")), "DetachDelete"),
    "FOREACH": ("w", results(op("Foreach", "i IN [1], CREATE (anon_0:X)")), "Foreach"),
    "CALL {} IN TRANSACTIONS": (
        "rw",
        results(op("TransactionForeach", "IN TRANSACTIONS", op("Delete", "n"))),
        "TransactionForeach",
    ),
    "LOAD CSV (classified read!)": ("r", results(op("LoadCSV", "r")), "LOAD CSV"),
    "TERMINATE TRANSACTIONS (classified read!)": (
        "r",
        results(op("TerminateTransactions", "transactions(x)")),
        "TerminateTransactions",
    ),
    "SHOW SETTINGS (classified read!)": ("r", results(op("ShowSettings")), "ShowSettings"),
    "SHOW TRANSACTIONS (classified read!)": (
        "r",
        results(op("ShowTransactions")),
        "ShowTransactions",
    ),
    "CALL db.awaitIndexes() (classified read!)": (
        "r",
        results(op("ProcedureCall", "db.awaitIndexes() :: ()")),
        "db.awaitIndexes",
    ),
    "CALL db.createLabel('X')": (
        "w",
        results(op("ProcedureCall", "db.createLabel($autostring_0) :: ()")),
        "db.createLabel",
    ),
    "CALL db.clearQueryCaches() (schema type)": (
        "s",
        results(op("ProcedureCall", "db.clearQueryCaches() :: (value :: STRING)")),
        "db.clearQueryCaches",
    ),
    "CREATE INDEX": ("s", op("CreateIndex", "RANGE INDEX x FOR (:X) ON (x)"), "CreateIndex"),
    "DROP CONSTRAINT": ("s", op("DropConstraint", "c"), "DropConstraint"),
    "CREATE USER": ("s", op("AdministrationCommand@system"), "system"),
    "unknown type, harmless plan": (None, results(op("Argument")), "unknown"),
}


@pytest.mark.parametrize("query", list(READS))
def test_reads_pass(query: str) -> None:
    query_type, plan = READS[query]
    check_plan(query_type, plan, "neo4j")


@pytest.mark.parametrize("query", list(WRITES))
def test_writes_are_rejected(query: str) -> None:
    query_type, plan, reason = WRITES[query]
    with pytest.raises(WriteRejected, match=re.escape(reason)):
        check_plan(query_type, plan, "neo4j")


def test_a_read_type_does_not_excuse_a_writing_operator() -> None:
    with pytest.raises(WriteRejected, match="Create"):
        check_plan("r", results(op("Apply", None, op("Argument"), op("Create", "(x)"))), "neo4j")


def test_another_database_is_rejected() -> None:
    with pytest.raises(WriteRejected, match="'other' database"):
        check_plan("r", results(op("AllNodesScan@other", "n")), "neo4j")


def test_missing_plan_is_rejected() -> None:
    with pytest.raises(WriteRejected, match="no plan"):
        check_plan("r", None, "neo4j")


def test_procedure_allowlist_can_be_narrowed() -> None:
    plan = results(op("ProcedureCall", "db.labels() :: (label :: STRING)"))
    with pytest.raises(WriteRejected, match=r"db\.labels"):
        check_plan("r", plan, "neo4j", frozenset({"db.propertyKeys"}))


def test_schema_type_needs_an_allowed_procedure() -> None:
    with pytest.raises(WriteRejected, match="schema or administration"):
        check_plan("s", results(op("Argument")), "neo4j")


def test_operators_walks_depth_first() -> None:
    plan = results(op("Apply", None, op("A"), op("B", None, op("C"))))
    assert [o.name for o in operators(plan)] == ["ProduceResults", "Apply", "A", "B", "C"]
    assert list(operators(None)) == []


@pytest.mark.parametrize(
    ("details", "name"),
    [
        ("db.labels() :: (label :: STRING)", "db.labels"),
        ("db.index.fulltext.queryNodes($a, $b) :: (node :: NODE)", "db.index.fulltext.queryNodes"),
        ("  dbms.components() :: ()", "dbms.components"),
        ("", None),
        (None, None),
        ("(weird", None),
    ],
)
def test_procedure_name(details: str | None, name: str | None) -> None:
    assert procedure_name(details) == name
