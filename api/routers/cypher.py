"""``/cypher``: read-only Cypher on the Neo4j projection (POST JSON or GET ``?query=``).

The query is checked with ``EXPLAIN`` and run in a READ transaction that is rolled back (see
``graph.neo4j.cypher``); parameters travel separately and are bound by the server. In the embedded
default (no Neo4j configured) the endpoint answers 501 and says how to start Neo4j.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import CypherDep
from graph.errors import QueryError
from graph.neo4j.cypher import MAX_NESTING, CypherResult, GraphCypherService

router = APIRouter(tags=["cypher"])

NEO4J_NOT_CONFIGURED = (
    "Cypher needs Neo4j, and this server runs on the embedded RDF store only. Start a local "
    'Neo4j with `diplograph neo4j start`, then `eval "$(diplograph neo4j env)"` and restart '
    "the server (or set DIPLOGRAPH_NEO4J_URI, _USER and _PASSWORD). SPARQL works without it: "
    "/sparql."
)
MAX_PARAMETER_DEPTH = MAX_NESTING + 1
"""The parameters object itself is one level."""
_EXAMPLE = "MATCH (c:Country) RETURN c.name AS name, c.isoCode AS iso ORDER BY name"


class CypherRequest(BaseModel):
    """A Cypher query and its parameters (bound by the server, never spliced)."""

    query: str = Field(min_length=1, examples=[_EXAMPLE])
    parameters: dict[str, Any] = Field(
        default_factory=dict, examples=[{"iso": "DZA"}], description="$name → value"
    )


class CypherResponse(BaseModel):
    """Rows as lists in column order; nodes, relationships and paths as plain JSON."""

    columns: list[str]
    rows: list[list[Any]]
    notifications: list[str] = Field(
        default_factory=list, description="The server's warnings (deprecations, cartesian products)"
    )


_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "Syntax or semantic error (the server's message), missing parameter"},
    403: {"description": "The query writes, administers, uses LOAD CSV or a disallowed procedure"},
    413: {"description": "More rows than the configured cap"},
    501: {"description": "No Neo4j configured (embedded default)"},
    503: {"description": "Neo4j is unreachable"},
    504: {"description": "The query did not finish in time"},
}


@router.post("/cypher", summary="Read-only Cypher (POST)", responses=_RESPONSES)
async def cypher_post(body: CypherRequest, service: CypherDep) -> CypherResponse:
    """Run ``query`` with ``parameters``, read-only, within the time limit and row cap."""
    return await _answer(service, body.query, body.parameters)


@router.get("/cypher", summary="Read-only Cypher (GET)", responses=_RESPONSES)
async def cypher_get(
    service: CypherDep,
    query: Annotated[str, Query(min_length=1, examples=[_EXAMPLE])],
    parameters: Annotated[
        str | None, Query(description="The parameters as a JSON object", examples=['{"n": 5}'])
    ] = None,
) -> CypherResponse:
    """Like POST, with the query (and optionally the parameters as JSON) in the URL."""
    return await _answer(service, query, _parse_parameters(parameters))


def _parse_parameters(raw: str | None) -> dict[str, Any]:
    """The ``parameters`` query parameter: a JSON object, or nothing."""
    if raw is None or not raw.strip():
        return {}
    if (depth := _json_depth(raw)) > MAX_PARAMETER_DEPTH:
        # json.loads recurses once per level and raises RecursionError near 1,000.
        raise QueryError(
            f"'parameters' nests {depth} levels deep; at most {MAX_PARAMETER_DEPTH} are accepted"
        )
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as error:
        raise QueryError(f"'parameters' is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise QueryError("'parameters' must be a JSON object")
    return value


def _json_depth(raw: str) -> int:
    """The deepest nesting of ``[`` and ``{`` in JSON text, outside strings."""
    depth = deepest = 0
    in_string = escaped = False
    for char in raw:
        if in_string:
            escaped, in_string = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


async def _answer(
    service: GraphCypherService | None, query: str, parameters: dict[str, Any]
) -> CypherResponse:
    """Run the query in a worker thread (the driver blocks) and wrap the result (the service
    enforces the time limit and row cap it was built with)."""
    if service is None:
        raise HTTPException(501, NEO4J_NOT_CONFIGURED)
    result: CypherResult = await run_in_threadpool(service.run, query, parameters)
    return CypherResponse(
        columns=result.columns, rows=result.rows, notifications=result.notifications
    )
