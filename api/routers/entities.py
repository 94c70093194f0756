"""Entities: search by name or alias, detail, ego network (neighbours) and timeline.

An entity id is its short form (``country/DZA``, ``person/said-chanegriha``) or its full IRI;
both work in the path (``/entities/country/DZA``,
``/entities/https://w3id.org/diplograph/id/country/DZA``). Unknown ids are 404 problems.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.deps import BackendsDep, QueriesDep
from api.graphjson import neighbourhood_graph, to_cytoscape
from api.resolution import entity_identity
from api.schemas.common import json_response
from api.schemas.entities import EntityDetailOut, EntityPage, TimelineOut
from api.schemas.graph import NeighbourhoodCytoscape, NeighbourhoodGraph
from api.schemas.params import (
    MAX_DEPTH,
    Format,
    GraphFormat,
    Id,
    Limit,
    Offset,
    Types,
    clean_id,
    step_filter,
)
from graph.queries import StepFilter

router = APIRouter(prefix="/entities", tags=["entities"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No entity has this id (problem+json)"},
    422: {"description": "A parameter is invalid: the problem names it (problem+json)"},
}

EntityId = Annotated[
    Id,
    Path(
        description="Short id (`country/DZA`) or full IRI of the entity.",
        openapi_examples={
            "country": {"summary": "Algeria", "value": "country/DZA"},
            "official": {"summary": "Saïd Chanegriha", "value": "person/said-chanegriha"},
            "iri": {
                "summary": "a full IRI",
                "value": "https://w3id.org/diplograph/id/country/RUS",
            },
        },
    ),
]


@router.get(
    "",
    response_model=EntityPage,
    summary="Search entities by name or alias, or list them by type",
    responses={422: NOT_FOUND[422]},
)
async def search(
    queries: QueriesDep,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="Text to find in names and aliases (case and accents ignored); "
            "without it, every entity of the `type`s asked, by name (paginated).",
            openapi_examples={
                "alias": {"summary": "an alias of Algeria", "value": "Algiers"},
                "misspelt": {"summary": "a spelling in the press", "value": "Chengriha"},
            },
        ),
    ] = None,
    types: Types = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> Response:
    """Entities (countries, organisations, people, regions) whose name or alias matches `q`,
    best first: exact matches, then prefixes, then substrings, each by name. Case and accents
    are ignored, so `chengriha` finds Saïd Chanegriha. `type` narrows the hits
    (repeat it or separate types with commas); without `q`, `/entities?type=organization`
    lists every organisation by name. Offset pagination: `next` is the offset of the
    next page, null on the last one."""
    result = await run_in_threadpool(
        queries.search, q or "", types=types or None, limit=limit, offset=offset
    )
    return json_response(EntityPage.of(result))


@router.get(
    "/{entity_id:path}/neighbours",
    response_model=NeighbourhoodGraph | NeighbourhoodCytoscape,
    summary="Ego network of an actor",
    responses=NOT_FOUND,
)
async def neighbours(
    entity_id: EntityId,
    queries: QueriesDep,
    flt: Annotated[StepFilter, Depends(step_filter)],
    depth: Annotated[
        int, Query(ge=1, le=MAX_DEPTH, description=f"steps from the actor, 1..{MAX_DEPTH}")
    ] = 1,
    limit: Limit = 100,
    offset: Offset = 0,
    hub_cap: Annotated[
        int | None,
        Query(ge=1, description="actors with more steps are shown but not expanded"),
    ] = None,
    fmt: Format = GraphFormat.json,
) -> Response:
    """The actors within `depth` steps of an actor and the facts (edges, with their evidence)
    among them. A step is one fact: an agreement, a signature, a commitment, an influence, a
    tenure, an event or a direct relation. Hubs (more than `hub_cap` steps, default from the
    server settings) are shown but not expanded, so a country party to everything does not
    drown the answer; filter by `relation`, `type` (of the actors reached) and a `since`/`until`
    window (undated facts always pass). Nodes come by depth then name (the centre first, depth
    0); pages cut the non-centre nodes, and edges join the nodes of the page.
    `format=cytoscape` returns Cytoscape.js elements instead of `{nodes, edges}`."""
    result = await run_in_threadpool(
        queries.neighbours,
        clean_id(entity_id),
        depth=depth,
        flt=flt,
        hub_cap=hub_cap,
        limit=limit,
        offset=offset,
    )
    graph = neighbourhood_graph(result)
    return json_response(to_cytoscape(graph) if fmt is GraphFormat.cytoscape else graph)


@router.get(
    "/{entity_id:path}/timeline",
    response_model=TimelineOut,
    summary="Timeline of an actor",
    responses=NOT_FOUND,
)
async def timeline(
    entity_id: EntityId,
    queries: QueriesDep,
    include_undated: Annotated[
        bool, Query(description="also list the facts without any date (in `undated`)")
    ] = True,
) -> Response:
    """The facts an entity takes part in (agreements signed, posts held, influences, events,
    commitments, relations) in date order, by the first day each date covers (`2025` sorts as
    2025-01-01). Facts without any date are listed apart in `undated`."""
    result = await run_in_threadpool(
        queries.timeline, clean_id(entity_id), include_undated=include_undated
    )
    return json_response(TimelineOut.of(result))


@router.get(
    "/{entity_id:path}",
    response_model=EntityDetailOut,
    summary="Detail of an entity",
    responses=NOT_FOUND,
)
async def detail(entity_id: EntityId, queries: QueriesDep, backends: BackendsDep) -> Response:
    """Everything known about an entity: names and aliases, ISO code and Wikidata id, the posts
    held (or the posts it has), the agreements it takes part in with its roles (party,
    signatory, on-behalf-of…), the influences it exerts or undergoes with their evidence, the
    articles that mention it, and how its identity was decided: every spelling with its
    articles, and the ids it had before a merge (`merged_from`; a former id is answered with
    the entity it became)."""
    result = await run_in_threadpool(queries.entity, clean_id(entity_id))
    identity = await run_in_threadpool(entity_identity, backends.store, result.entity.uri)
    return json_response(EntityDetailOut.of(result, identity))
