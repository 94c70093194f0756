"""``/sparql``: the SPARQL 1.1 Protocol (query operation) over the RDF store.

Query by GET (``?query=``), by URL-encoded POST (``query=`` in the body) and by direct POST
(``Content-Type: application/sparql-query``), each with ``default-graph-uri`` and
``named-graph-uri``. The result format follows the ``Accept`` header (406 when nothing offered is
acceptable). Updates (``update=``, ``application/sparql-update``, or update text as a query) are
refused with 403. Errors are raised as ``graph.errors`` types; ``api.problems`` turns them into
problem+json. CORS (for YASGUI) is the app's middleware; preflight ``OPTIONS`` is answered there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.deps import SettingsDep, SparqlDep
from graph.errors import QueryError, WriteRejected
from graph.rdf.sparql_service import (
    GRAPH_MEDIA_TYPES,
    SOLUTION_MEDIA_TYPES,
    GraphSparqlService,
    Negotiated,
    SparqlResult,
)

router = APIRouter(tags=["sparql"])

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
QUERY_MEDIA_TYPE = "application/sparql-query"
UPDATE_MEDIA_TYPE = "application/sparql-update"
UPDATE_REFUSED = "SPARQL Update is not accepted: /sparql is a read-only query endpoint"

_EXAMPLE = "SELECT ?country ?name WHERE { ?country a dg:Country ; dg:name ?name }"
_POST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            QUERY_MEDIA_TYPE: {
                "schema": {"type": "string"},
                "example": "PREFIX dg: <https://w3id.org/diplograph/ontology#>\n" + _EXAMPLE,
            },
            FORM_MEDIA_TYPE: {
                "schema": {
                    "type": "object",
                    "required": ["query"],
                    "properties": {
                        "query": {"type": "string"},
                        "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                        "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                    },
                }
            },
        },
    }
}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "SELECT/ASK: SPARQL JSON, XML, CSV or TSV; CONSTRUCT/DESCRIBE: Turtle, "
        "N-Triples, JSON-LD or RDF/XML — as the Accept header asks.",
        "content": {
            "application/sparql-results+json": {},
            "application/sparql-results+xml": {},
            "text/csv": {},
            "text/tab-separated-values": {},
            "text/turtle": {},
            "application/n-triples": {},
            "application/ld+json": {},
            "application/rdf+xml": {},
        },
    },
    400: {"description": "Malformed query (the parser's message), SERVICE, or over a limit"},
    403: {"description": "SPARQL Update sent to the query endpoint"},
    406: {"description": "No acceptable result format for this query form"},
    413: {"description": "More results than the configured cap"},
    415: {"description": "POST body of an unsupported media type"},
    422: {"description": "The query exceeded the engine's limits (memory, stack)"},
    503: {"description": "Every SPARQL worker is busy"},
    504: {"description": "The query did not finish in time"},
}


@dataclass
class ProtocolRequest:
    """The query operation's parameters, however they were sent."""

    query: str
    default_graph_uris: list[str] = field(default_factory=list)
    named_graph_uris: list[str] = field(default_factory=list)


@router.get(
    "/sparql",
    summary="SPARQL query (GET)",
    responses=_RESPONSES,
    response_class=Response,
)
async def sparql_get(
    request: Request,
    service: SparqlDep,
    query: Annotated[str | None, Query(description="The SPARQL query", examples=[_EXAMPLE])] = None,
    default_graph_uri: Annotated[list[str], Query(alias="default-graph-uri")] = [],  # noqa: B006
    named_graph_uri: Annotated[list[str], Query(alias="named-graph-uri")] = [],  # noqa: B006
) -> Response:
    """Evaluate the ``query`` parameter. Without a dataset, the default graph is the union of
    every article graph and ``GRAPH ?g`` ranges over the articles."""
    params = _multi(request.query_params.multi_items())
    return await _answer(request, service, _protocol_request(params))


@router.post(
    "/sparql",
    summary="SPARQL query (POST, URL-encoded or direct)",
    responses=_RESPONSES,
    response_class=Response,
    openapi_extra=_POST_BODY,
)
async def sparql_post(request: Request, service: SparqlDep, settings: SettingsDep) -> Response:
    """Evaluate a query sent as ``application/x-www-form-urlencoded`` (``query=…``) or as
    ``application/sparql-query`` (the body is the query; graphs in the URL)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await _read_body(request, settings.max_body_bytes)
    if media_type == UPDATE_MEDIA_TYPE:
        raise WriteRejected(UPDATE_REFUSED)
    if media_type == FORM_MEDIA_TYPE:
        params = parse_qs(_decode(body), keep_blank_values=True)
        return await _answer(request, service, _protocol_request(params))
    if media_type == QUERY_MEDIA_TYPE:
        url_params = _multi(request.query_params.multi_items())
        url_params["query"] = [_decode(body)]
        return await _answer(request, service, _protocol_request(url_params))
    raise HTTPException(
        415, f"POST a query as {QUERY_MEDIA_TYPE} or {FORM_MEDIA_TYPE}, not {media_type or '?'}"
    )


def _multi(items: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Multi-valued parameters as a dict of lists."""
    params: dict[str, list[str]] = {}
    for key, value in items:
        params.setdefault(key, []).append(value)
    return params


def _protocol_request(params: dict[str, list[str]]) -> ProtocolRequest:
    """Check the protocol parameters: exactly one ``query``, no ``update``."""
    if "update" in params:
        raise WriteRejected(UPDATE_REFUSED)
    queries = params.get("query", [])
    if len(queries) != 1 or not queries[0].strip():
        raise QueryError("send exactly one non-empty 'query' parameter")
    return ProtocolRequest(
        query=queries[0],
        default_graph_uris=params.get("default-graph-uri", []),
        named_graph_uris=params.get("named-graph-uri", []),
    )


async def _read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 beyond ``limit`` bytes (``max_body_bytes``)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"the request body exceeds {limit} bytes")
    body = await request.body()
    if len(body) > limit:
        raise HTTPException(413, f"the request body exceeds {limit} bytes")
    return body


def _decode(body: bytes) -> str:
    """The body as UTF-8 text (the protocol's encoding)."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise QueryError(f"the request body is not UTF-8: {error}") from None


async def _answer(
    request: Request, service: GraphSparqlService, protocol: ProtocolRequest
) -> Response:
    """Negotiate the format for either result family, evaluate in a worker, wrap the bytes.

    The form of the query is only known once a worker has parsed it (the API process never
    parses untrusted SPARQL), so the worker picks the family's format (406 if it is None).
    """
    accept = request.headers.get("accept")
    negotiated = Negotiated(
        solutions=negotiate(accept, tuple(SOLUTION_MEDIA_TYPES)),
        graph=negotiate(accept, tuple(GRAPH_MEDIA_TYPES)),
    )
    result: SparqlResult = await run_in_threadpool(
        service.query,
        protocol.query,
        negotiated=negotiated,
        default_graph_uris=protocol.default_graph_uris,
        named_graph_uris=protocol.named_graph_uris,
    )
    return Response(result.body, media_type=result.media_type, headers={"Vary": "Accept"})


def _media_range(item: str) -> tuple[str, float]:
    """One ``type/subtype;q=…`` of an Accept header as (range, q)."""
    media_range, *params = (part.strip() for part in item.split(";"))
    quality = 1.0
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = min(max(float(value), 0.0), 1.0)
            except ValueError:
                quality = 0.0
    return media_range.lower(), quality


def _quality(offer: str, ranges: list[tuple[str, float]]) -> float:
    """The quality the client gives ``offer``: that of its most specific matching range."""
    kind = offer.split("/")[0]
    for candidate in (offer, f"{kind}/*", "*/*"):
        qualities = [quality for media_range, quality in ranges if media_range == candidate]
        if qualities:
            return max(qualities)
    return 0.0


def negotiate(accept: str | None, offered: tuple[str, ...]) -> str | None:
    """The offered media type the client prefers (ties: ours first); None if none is acceptable.

    No or an empty Accept header means anything, so the first offer.
    """
    if accept is None or not accept.strip():
        return offered[0]
    ranges = [_media_range(item) for item in accept.split(",") if item.strip()]
    best, best_quality = None, 0.0
    for offer in offered:
        quality = _quality(offer, ranges)
        if quality > best_quality:
            best, best_quality = offer, quality
    return best
