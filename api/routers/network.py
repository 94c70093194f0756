"""The network between actors: links (every path of at most k steps), shortest paths,
brokers (betweenness) and influences.

A step is one fact connecting two actors (an agreement, a signature, a commitment, an
influence, a tenure, an event or a direct relation), with its evidence. Graph-shaped answers
use the neutral ``{nodes, edges}`` form of ``api.schemas.graph`` (or Cytoscape.js with
``format=cytoscape``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.deps import QueriesDep
from api.graphjson import links_graph, paths_graph, to_cytoscape
from api.schemas.agreements import InfluenceList
from api.schemas.common import json_response
from api.schemas.graph import (
    Brokers,
    LinksCytoscape,
    LinksGraph,
    PathsCytoscape,
    PathsGraph,
)
from api.schemas.params import (
    MAX_DEPTH,
    ClaimedBy,
    Format,
    GraphFormat,
    Id,
    Ids,
    Include,
    Limit,
    Offset,
    clean_id,
    hop_cap,
    path_cap,
    step_filter,
)
from api.schemas.reactions import ReactionList, ReactionOut
from graph.queries import StepFilter

router = APIRouter(tags=["network"])

DEFAULT_K = 3
"""Steps a links query takes when ``k`` is not given (capped by ``max_path_hops``)."""

ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "An end is not a known actor (problem+json)"},
    422: {"description": "A parameter is invalid: the problem names it (problem+json)"},
    504: {"description": "The search ran out of time (problem+json)"},
}


def _end(name: str, example: str, label: str) -> Any:
    """``Query`` of an end of a links or paths query."""
    return Query(
        min_length=1,
        description=f"{name}: short id (`country/DZA`), IRI or name (`Algeria`) of an actor; "
        "an ambiguous name is a 409 problem listing the candidates.",
        openapi_examples={label: {"summary": label, "value": example}},
    )


A = Annotated[Id, _end("One end", "country/DZA", "Algeria")]
B = Annotated[Id, _end("The other end", "country/RUS", "Russia")]
MaxPaths = Annotated[
    int | None,
    Query(ge=1, description="most paths to enumerate (default and ceiling: the server's cap)"),
]
Filter = Annotated[StepFilter, Depends(step_filter)]


@router.get(
    "/links",
    response_model=LinksGraph | LinksCytoscape,
    summary="Which actors link two actors",
    responses=ERRORS,
)
async def links(
    request: Request,
    queries: QueriesDep,
    a: A,
    b: B,
    flt: Filter,
    k: Annotated[
        int | None,
        Query(
            ge=1,
            description="most steps a path may take, 1..max_path_hops (a server setting, "
            f"default 4); default {DEFAULT_K}, or max_path_hops when smaller",
            openapi_examples={"three": {"summary": "up to three steps", "value": 3}},
        ),
    ] = None,
    max_paths: MaxPaths = None,
    fmt: Format = GraphFormat.json,
) -> Response:
    """Every simple path of at most `k` steps between actors `a` and `b`, the intermediate
    actors ranked by how many distinct paths and articles support them, and for every step
    its evidence (relation, article, quote, claimant). "Which actors link Algeria and Russia?"
    is `/links?a=country/DZA&b=country/RUS&k=3`. Filter by `relation`, by the `type` of the
    actors a path may pass through, and by a `since`/`until` window (undated facts always
    pass). The enumeration stops at `max_paths` paths or at the server's time limit;
    `truncated` and `reason` say so. `format=cytoscape` returns Cytoscape.js elements."""
    hops = hop_cap(queries, k, "k") or min(DEFAULT_K, queries.limits.max_hops)
    path_cap(queries, max_paths)
    result = await run_in_threadpool(
        queries.links, clean_id(a), clean_id(b), max_hops=hops, flt=flt, max_paths=max_paths
    )
    graph = links_graph(result)
    return json_response(to_cytoscape(graph) if fmt is GraphFormat.cytoscape else graph)


@router.get(
    "/paths",
    response_model=PathsGraph | PathsCytoscape,
    summary="Shortest paths between two actors",
    responses=ERRORS,
)
async def paths(
    request: Request,
    queries: QueriesDep,
    a: A,
    b: B,
    flt: Filter,
    max_hops: Annotated[
        int | None,
        Query(
            ge=1,
            description="longest path considered (default and ceiling: max_path_hops)",
            openapi_examples={"four": {"summary": "up to four steps", "value": 4}},
        ),
    ] = None,
    max_paths: MaxPaths = None,
    fmt: Format = GraphFormat.json,
) -> Response:
    """All shortest paths (up to `max_paths`) of at most `max_hops` steps between actors `a`
    and `b`, with the evidence of every step. `length` is null when no path is that short.
    Takes the same filters as `/links`."""
    hop_cap(queries, max_hops, "max_hops")
    path_cap(queries, max_paths)
    result = await run_in_threadpool(
        queries.shortest_paths,
        clean_id(a),
        clean_id(b),
        max_hops=max_hops,
        flt=flt,
        max_paths=max_paths,
    )
    graph = paths_graph(result)
    return json_response(to_cytoscape(graph) if fmt is GraphFormat.cytoscape else graph)


@router.get("/brokers", response_model=Brokers, summary="Brokers (betweenness)", responses=ERRORS)
async def brokers(
    queries: QueriesDep,
    flt: Filter,
    seed: Annotated[
        Ids,
        Query(
            description="actors whose ego network is scored (repeatable); none: the whole graph",
            openapi_examples={"algeria": {"summary": "around Algeria", "value": ["country/DZA"]}},
        ),
    ] = None,
    depth: Annotated[
        int, Query(ge=1, le=MAX_DEPTH, description=f"radius of the ego network, 1..{MAX_DEPTH}")
    ] = 1,
    limit: Limit = 20,
) -> Response:
    """The actors that most often sit on shortest paths between others (normalised
    betweenness centrality), on the whole actor graph or on the ego network of the `seed`
    actors to `depth`. Filters restrict the steps counted."""
    seeds = [clean_id(s) for s in seed or ()]
    result = await run_in_threadpool(
        queries.brokers, seeds=seeds, depth=depth, flt=flt, limit=limit
    )
    return json_response(Brokers.of(result))


def _actor(description: str, example: str) -> Any:
    """``Query`` of an optional actor filter."""
    return Query(
        description=description, openapi_examples={"ex": {"summary": example, "value": example}}
    )


@router.get("/influences", response_model=InfluenceList, summary="Influences", responses=ERRORS)
async def influences(
    queries: QueriesDep,
    influencer: Annotated[Id | None, _actor("who exerts the influence", "country/RUS")] = None,
    influenced: Annotated[
        Id | None, _actor("who (or which region) undergoes it", "country/DZA")
    ] = None,
    kind: Annotated[
        Id | None,
        Query(
            description="influence kind (notation or IRI): arms-supply, military-presence, "
            "diplomatic-alignment, energy, destabilization…",
            openapi_examples={"arms": {"summary": "arms supply", "value": "arms-supply"}},
        ),
    ] = None,
    direction: Annotated[
        Literal["strengthening", "weakening"] | None,
        Query(description="whether the influence grows or fades"),
    ] = None,
    claimed_by: ClaimedBy = None,
    include: Include = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    """Directed influences (influencer, influenced actor or region, kind, direction, period)
    with their evidence, by start date (undated last). "How does Russia influence Algeria?"
    is `/influences?influencer=country/RUS&influenced=country/DZA`. Actors are ids or names;
    `include=subordinates` widens `influencer`/`influenced`/`claimed_by` to a state's
    organisations and officials; `claimed_by` keeps what that actor vouches for. An influence
    on a region is listed as such, never as an influence on each member country."""
    result = await run_in_threadpool(
        queries.influences,
        influencer=clean_id(influencer) if influencer else None,
        influenced=clean_id(influenced) if influenced else None,
        kind=kind,
        direction=direction,
        limit=limit,
        offset=offset,
        claimed_by=clean_id(claimed_by) if claimed_by else None,
        subordinates=include == "subordinates",
    )
    return json_response(InfluenceList.of(result))


# --- format 2: reactions


@router.get("/reactions", response_model=ReactionList, summary="Reactions", responses=ERRORS)
async def reactions(
    queries: QueriesDep,
    actor: Annotated[Id | None, _actor("who reacted", "country/DZA")] = None,
    towards: Annotated[
        Id | None,
        Query(
            description="the fact reacted to: its id (`agreement/…`, `event/…`) or IRI",
            openapi_examples={"event": {"summary": "an event", "value": "event/63100b3783fafbc5"}},
        ),
    ] = None,
    stance: Annotated[
        Id | None,
        Query(
            description="stance (notation or IRI): welcomes, supports, regrets, opposes, "
            "condemns, concerned, rejects, neutral",
            openapi_examples={"regrets": {"summary": "regrets", "value": "regrets"}},
        ),
    ] = None,
) -> Response:
    """Reactions (an actor's stance towards an agreement, event or other fact) with their
    evidence, by date (undated last). "How did Algeria react to the end of the Algiers
    accord?" is `/reactions?actor=country/DZA&towards=agreement/…`; a reaction towards an
    event about an agreement is found with `towards=event/…`."""
    result = await run_in_threadpool(
        queries.reactions,
        actor=clean_id(actor) if actor else None,
        towards=clean_id(towards) if towards else None,
        stance=stance,
    )
    return json_response(ReactionList(items=ReactionOut.all(result)))
