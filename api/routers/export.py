"""``/export/{format}``: a subgraph as a file (GEXF, GraphML, Gephi CSV, Cytoscape JSON, RDF).

The query parameters mirror ``diplograph export``: no ``seed`` and no ``link`` is the whole
graph; ``seed`` (repeatable) the ego network to ``depth``; ``link=A&link=B`` the links between
two actors in at most ``k`` steps; ``type``, ``relation``, ``since``/``until`` filter every
shape. The selection is read before the response starts (errors are problem+json), then the
file streams with its media type and a ``Content-Disposition`` attachment name. The parameters
are the graph API's own types (:mod:`api.schemas.params`), so a bad date, type, relation or id
is the same 422 naming the parameter as on every other route.
"""

from __future__ import annotations

from dataclasses import replace
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from api.deps import ExportDep, SettingsDep
from api.schemas.params import Ids, Relations, Since, Types, Until, check_window, invalid
from graph.errors import QueryError
from graph.export import FORMATS, Export, Selection

router = APIRouter(tags=["export"])

ExportFormatName = Enum(  # type: ignore[misc]
    "ExportFormatName", {name: name for name in FORMATS}, type=str
)
"""The format names, as an enum so OpenAPI lists them."""

_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file, streamed",
        "content": {fmt.media_type: {} for fmt in FORMATS.values()},
    },
    400: {"description": "Bad parameter (unknown type or relation, malformed date, depth…)"},
    404: {"description": "A seed or link end is not a known actor"},
    413: {"description": "More nodes than max_nodes: narrow the selection"},
}


def selection_of(
    seed: list[str] | None,
    depth: int,
    link: list[str] | None,
    k: int,
    types: list[str] | None,
    relations: list[str] | None,
    since: str | None,
    until: str | None,
    max_nodes: int,
    hub_cap: int | None,
) -> Selection:
    """The :class:`Selection` of the query parameters (QueryError when they conflict)."""
    if link and len(link) != 2:
        raise QueryError("give exactly two link parameters: link=A&link=B")
    if link and seed:
        raise QueryError("give either seed (ego network) or link (links between two actors)")
    return Selection(
        seeds=tuple(seed or ()),
        depth=depth,
        link=(link[0], link[1]) if link else None,
        k=k,
        types=tuple(types) if types else None,
        relations=tuple(relations) if relations else None,
        since=since,
        until=until,
        max_nodes=max_nodes,
        hub_cap=hub_cap,
    )


@router.get(
    "/export/{format}",
    summary="Export a subgraph as a file",
    response_class=StreamingResponse,
    responses=_RESPONSES,
)
async def export(
    settings: SettingsDep,
    service: ExportDep,
    format: Annotated[ExportFormatName, Path(description="File format")],
    seed: Annotated[
        Ids, Query(description="Ego network seed (repeatable)", examples=["country/DZA"])
    ] = None,
    depth: Annotated[int, Query(ge=1, description="Ego network depth")] = 1,
    link: Annotated[Ids, Query(description="Links between two actors: link=A&link=B")] = None,
    k: Annotated[int, Query(ge=1, description="Longest path, in steps, for link")] = 3,
    types: Types = None,
    relation: Relations = None,
    since: Since = None,
    until: Until = None,
    max_nodes: Annotated[
        int | None,
        Query(ge=1, description="Node cap (default and ceiling: the server's export_node_cap)"),
    ] = None,
    hub_cap: Annotated[int | None, Query(ge=1, description="Ego networks: hub cap")] = None,
    mixed: Annotated[
        bool, Query(description="GEXF/CSV: symmetric relations as undirected edges (Gephi only)")
    ] = False,
    inferred: Annotated[
        bool, Query(description="also export inferred links (each with its rule); off by default")
    ] = False,
) -> StreamingResponse:
    """Select the subgraph, then stream it in ``format``."""
    cap = settings.export_node_cap
    if max_nodes is not None and max_nodes > cap:
        message = f"max_nodes={max_nodes} is more than {cap} (export_node_cap)"
        invalid("max_nodes", message, max_nodes)
    check_window(since, until, ("since", "until"))
    nodes = max_nodes or cap
    selection = selection_of(seed, depth, link, k, types, relation, since, until, nodes, hub_cap)
    selection = replace(selection, inferred=inferred)
    result: Export = await run_in_threadpool(
        service.export, str(format.value), selection, mixed=mixed
    )
    headers = {
        "Content-Disposition": f'attachment; filename="{result.filename}"',
        "X-Export-Nodes": str(len(result.subgraph.nodes)),
        "X-Export-Edges": str(len(result.subgraph.edges)),
    }
    if "truncated" in result.subgraph.meta:
        headers["X-Export-Truncated"] = result.subgraph.meta["truncated"]
    return StreamingResponse(result.chunks, media_type=result.format.media_type, headers=headers)
