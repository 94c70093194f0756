"""Health, readiness and statistics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response, status
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import BackendsDep
from api.security import require_read_access
from graph.errors import GraphError

router = APIRouter(tags=["meta"])


class Health(BaseModel):
    """The process is up."""

    status: str = Field(examples=["ok"])


class StoreState(BaseModel):
    """One store's readiness."""

    ready: bool
    configured: bool = True
    detail: str | None = None


class Readiness(BaseModel):
    """Whether each store answers; 503 unless every configured one does."""

    ready: bool
    stores: dict[str, StoreState]


class Statistics(BaseModel):
    """Sizes of the stores: triples and articles in the RDF store; nodes and relationships by
    label and type in Neo4j (absent without Neo4j)."""

    triples: int
    articles: int
    last_load: str | None = None
    nodes: int | None = None
    relationships: int | None = None
    labels: dict[str, int] = Field(default_factory=dict)
    relationship_types: dict[str, int] = Field(default_factory=dict)


@router.get("/health", response_model=Health, summary="Liveness")
async def health() -> Health:
    """The process answers. Says nothing about the stores: see `/ready`."""
    return Health(status="ok")


PROJECTION_STALE = (
    "projection stale: a write or sync was interrupted, so Neo4j may disagree with the RDF "
    "store; it is being rebuilt (or run `diplograph sync`)"
)


def _readiness(backends: Any) -> Readiness:
    stores: dict[str, StoreState] = {}
    try:
        backends.rdf.counts()
        stores["rdf"] = StoreState(ready=True)
    except GraphError as error:
        stores["rdf"] = StoreState(ready=False, detail=str(error))
    projection = backends.store.projection
    if projection is None:
        stores["neo4j"] = StoreState(ready=True, configured=False, detail="not configured")
    else:
        try:
            projection.check()
            stores["neo4j"] = StoreState(ready=True)
        except GraphError as error:
            stores["neo4j"] = StoreState(ready=False, detail=str(error))
        if stores["neo4j"].ready and backends.store.projection_stale:
            stores["neo4j"] = StoreState(ready=False, detail=PROJECTION_STALE)
    return Readiness(ready=all(s.ready for s in stores.values()), stores=stores)


@router.get(
    "/ready",
    response_model=Readiness,
    summary="Readiness of each store",
    responses={503: {"model": Readiness, "description": "a configured store does not answer"}},
)
async def ready(backends: BackendsDep, response: Response) -> Readiness:
    """Check that the RDF store and, when configured, Neo4j answer. 503 (with `Retry-After`)
    while any configured store is down, or while the Neo4j projection is stale (rebuilt after
    an interrupted write); it recovers by itself when the store comes back."""
    result = await run_in_threadpool(_readiness, backends)
    if not result.ready:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        response.headers["Retry-After"] = "5"
    return result


def _statistics(backends: Any) -> Statistics:
    stats = backends.store.stats()
    # last_load stays null: the store records no load times (this used to list every article
    # to look for one, a third of the cost of /stats, and found none)
    result = Statistics(triples=stats.rdf.triples, articles=stats.rdf.articles)
    if stats.projection is not None:
        result.nodes = stats.projection.nodes
        result.relationships = stats.projection.relationships
        result.labels = dict(stats.projection.labels)
        result.relationship_types = dict(stats.projection.types)
    return result


@router.get(
    "/stats",
    response_model=Statistics,
    summary="Store statistics",
    # The meta router is left open for the probes; statistics are a read like any other.
    dependencies=[Depends(require_read_access)],
)
async def statistics(backends: BackendsDep) -> Statistics:
    """Counts of triples and articles in the RDF store and, with Neo4j, of nodes and
    relationships by label and type."""
    return await run_in_threadpool(_statistics, backends)
