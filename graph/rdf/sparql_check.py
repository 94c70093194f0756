"""Check an untrusted SPARQL query with a real parser before the engine sees it.

pyoxigraph's parser and optimiser recurse once per element of a chain (``!!!!…``, ``1+1+…``,
``?a || ?b || …``, ``UNION``, property-path sequences, collections, ``OPTIONAL`` after
``OPTIONAL``…) and overflow the stack on long ones; and it evaluates ``SERVICE`` by making HTTP
requests. Counting brackets or scanning for keywords does not see either reliably (a ``\\#`` in a
prefixed name looks like a comment to a scanner). So the query is parsed by rdflib's SPARQL
grammar (:func:`rdflib.plugins.sparql.parser.parseQuery`) and the *parse tree* is measured and
searched:

* ``SERVICE`` anywhere in the tree (a sub-query, ``EXISTS``, ``OPTIONAL``…) is refused, however it
  was spelt (case, escapes, comments and prefixed names are the parser's business);
* the tree's depth, its widest node (the operands of a flat chain) and its node count must stay
  within :class:`CheckLimits`;
* text that is not a query but parses as a SPARQL Update is :class:`~graph.errors.WriteRejected`.

A query rdflib's grammar refuses is refused even if pyoxigraph would have taken it (the safe
direction). This runs in the SPARQL worker processes (``graph.rdf.sparql_worker``), never in the API
process: the parser is pure Python, but it is slow on hostile input and recursive.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from graph.errors import QueryError, WriteRejected

MAX_MESSAGE = 300
"""Longest parser message relayed to the caller (a message may quote the query)."""

_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


@dataclass(frozen=True)
class CheckLimits:
    """Limits on the parse tree of a query (see the README for the settings)."""

    max_depth: int = 400
    """Deepest nesting of parse-tree nodes (a plain query is 10-25 deep)."""
    max_chain: int = 500
    """Most children of one node: operands of a flat ``||``/``&&``/``+``/``*`` chain, ``UNION``
    branches, path steps, collection items, patterns of one group (each ``OPTIONAL`` is one)."""
    max_nodes: int = 50_000
    """Most parse-tree nodes in all (terms included)."""


@dataclass(frozen=True)
class CheckedQuery:
    """What the parser found out about an accepted query."""

    form: str
    """SELECT, ASK, CONSTRUCT or DESCRIBE."""
    has_dataset_clause: bool
    """The query has FROM or FROM NAMED."""
    prefixes: dict[str, str] = field(default_factory=dict)


def check_query(text: str, limits: CheckLimits) -> CheckedQuery:
    """Parse ``text``; refuse updates (WriteRejected), SERVICE and over-limit trees (QueryError)."""
    try:
        tree = parseQuery(text)
    except ParseBaseException as error:
        _refuse_update(text, error)
        raise QueryError(f"malformed SPARQL query: {_message(error)}") from None
    except RecursionError:
        raise QueryError(
            "the query is nested too deeply for the SPARQL parser; simplify it"
        ) from None
    prologue, query = tree[0], tree[1]
    _measure(query, limits)
    return CheckedQuery(
        form=_FORMS.get(query.name, "SELECT"),
        has_dataset_clause="datasetClause" in query,
        prefixes={
            str(decl.get("prefix") or ""): str(decl["iri"])
            for decl in prologue
            if isinstance(decl, CompValue) and decl.name == "PrefixDecl"
        },
    )


def _message(error: ParseBaseException) -> str:
    """The parser's message with its position, in the form ``error at line:column: …``."""
    message = f"error at {error.lineno}:{error.col}: {error.msg}"
    found = error.found if hasattr(error, "found") else ""
    if found:
        message += f", found {found[:40]!r}"
    return message[:MAX_MESSAGE]


def is_update(text: str) -> bool:
    """Whether ``text`` is a SPARQL Update request (the one update detector: the endpoint's
    check and the store's own query method both ask it)."""
    try:
        parseUpdate(text)
    except (ParseBaseException, RecursionError):
        return False
    return True


def _refuse_update(text: str, error: ParseBaseException) -> None:
    """WriteRejected when ``text`` is an update, or a query followed by ``;`` and an update."""
    candidates = [text]
    if text[error.loc : error.loc + 1] == ";":
        candidates.append(text[error.loc + 1 :])
    if any(is_update(candidate) for candidate in candidates):
        raise WriteRejected(
            "SPARQL Update is not accepted: this endpoint is read-only and answers SELECT, ASK, "
            "CONSTRUCT and DESCRIBE queries"
        )


def _children(node: Any) -> list[Any]:
    """The children of a parse-tree node (CompValue is a dict, ParseResults a list)."""
    if isinstance(node, CompValue):
        return [value for key, value in node.items() if key != "service_string"]
    if isinstance(node, ParseResults | list | tuple):
        return list(node)
    return []


def _width(node: Any) -> int:
    """How many operands, patterns or steps a node joins: an expression chain is parsed as
    ``{expr: first, other: [the rest]}``, so it joins one more than ``other`` holds."""
    if isinstance(node, CompValue):
        other = node.get("other")
        if isinstance(other, ParseResults | list):
            return len(other) + 1
    return len(_children(node))


def _walk(root: Any) -> Iterator[tuple[Any, int]]:
    """Every node of the tree with its depth, iteratively (the tree may be deep)."""
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        yield node, depth
        stack.extend((child, depth + 1) for child in _children(node))


def _measure(query: Any, limits: CheckLimits) -> None:
    """QueryError on SERVICE or on a tree over ``limits``."""
    for nodes, (node, depth) in enumerate(_walk(query), start=1):
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            raise QueryError("SERVICE (federated query) is disabled on this endpoint")
        if depth > limits.max_depth:
            raise QueryError(
                f"the query is nested too deeply: its parse tree is more than "
                f"{limits.max_depth} levels deep (limit sparql_max_depth)"
            )
        width = _width(node)
        if width > limits.max_chain:
            raise QueryError(
                f"the query has a chain of {width} operands, patterns or path steps in one "
                f"place; at most {limits.max_chain} are accepted (limit sparql_max_chain)"
            )
        if nodes > limits.max_nodes:
            raise QueryError(
                f"the query is too large: more than {limits.max_nodes} parse-tree nodes "
                "(limit sparql_max_nodes)"
            )
