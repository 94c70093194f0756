"""The FastAPI application factory: settings in, app out; stores opened in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool
from starlette.routing import Route

from api.deps import backend_config
from api.docs import install_docs
from api.explorer import install_explorer
from api.guards import ConcurrencyLimit, HeadAsGet
from api.limits import BodySizeLimit
from api.problems import install_problem_handlers
from api.routers import (
    agreements,
    articles,
    cypher,
    entities,
    export,
    identity,
    meta,
    network,
    sparql,
)
from api.security import KeyRing, require_read_access
from api.settings import Settings
from graph.backends import Backends, open_backends
from graph.repair import ProjectionRepair
from loaders.identity.judgements import JudgementLog

log = logging.getLogger("diplograph.api")

ROUTERS: tuple[APIRouter, ...] = (
    articles.router,
    entities.router,
    network.router,
    agreements.router,
    sparql.router,
    cypher.router,
    export.router,
    identity.router,
)
"""Routers behind the read guard, in the order their tags appear in the OpenAPI document (after
``meta``: health and readiness stay open so that probes work when reads need a key)."""

DESCRIPTION = """\
A knowledge graph of states, officials and the commitments between them, built from news
articles. Every fact carries its evidence: the article, the quote and who made the claim.

* **Graph API** (JSON) for dashboards: entities, neighbours, links between two actors, paths,
  agreements, influences, timelines, brokers, statistics. Graph-shaped answers use one neutral
  form, `{nodes: [{id, …}], edges: [{id, source, target, …}]}`, or Cytoscape.js `elements`.
* **`/sparql`**: the SPARQL 1.1 Protocol over the RDF store (one named graph per article).
* **`/cypher`**: read-only Cypher over the Neo4j projection (when Neo4j is configured).
* **`/export/{format}`**: subgraphs as GEXF, GraphML, Gephi CSV, Cytoscape JSON or RDF.

Errors are `application/problem+json` (RFC 9457).
"""


def load_example_articles(backends: Backends, examples_dir: Path, judgements: JudgementLog) -> None:
    """Load the bundled example fact sheets (a no-op when they are already loaded)."""
    from api.ingest import ingest_paths

    if not examples_dir.is_dir():
        log.warning("no examples directory at %s; nothing loaded", examples_dir)
        return
    report = ingest_paths(backends.store, [examples_dir], judged=judgements)
    log.info("loaded %d example article(s) from %s", len(report.articles), examples_dir)


def _include_routers(app: FastAPI) -> list[Route]:
    """Include ``meta`` and the :data:`ROUTERS`; return their routes."""
    app.include_router(meta.router)
    for router in ROUTERS:
        app.include_router(router, dependencies=[Depends(require_read_access)])
    return [r for router in (meta.router, *ROUTERS) for r in router.routes if isinstance(r, Route)]


def create_app(settings: Settings, *, load_examples: bool = False) -> FastAPI:
    """Build the app for ``settings``; the stores are opened when the app starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        backends = await run_in_threadpool(open_backends, backend_config(settings))
        app.state.backends = backends
        backends.sparql.start()  # worker processes for /sparql, in the background
        # an interrupted write left the projection stale: rebuilt while serving (/ready: 503)
        repair = ProjectionRepair(backends.store)
        try:
            if backends.neo4j_enabled:
                try:
                    await run_in_threadpool(backends.store.ensure_schema)
                except Exception as error:  # Neo4j may come up later; /ready says so
                    log.warning("Neo4j schema not created yet: %s", error)
            repair.start()
            if load_examples:
                await run_in_threadpool(
                    load_example_articles, backends, settings.examples_dir, app.state.judgements
                )
            yield
        finally:
            repair.stop()
            await run_in_threadpool(backends.close)

    app = FastAPI(
        title="diplograph",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        license_info={"name": "Apache-2.0"},
        # Served from packaged assets by install_docs, not from CDNs.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.keyring = KeyRing.from_settings(settings)
    app.state.judgements = JudgementLog.for_data_dir(settings.data_dir)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "HEAD", "POST", "DELETE", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["Content-Disposition", "Retry-After", "Link"],
    )
    install_problem_handlers(app)
    install_docs(app)
    install_explorer(app)
    routes = _include_routers(app)
    # Added last, so outermost: a refused request costs nothing; HEAD is GET for everything.
    app.add_middleware(ConcurrencyLimit, max_requests=settings.max_concurrent_requests)
    own_routes = [route for route in app.router.routes if isinstance(route, Route)]
    app.add_middleware(HeadAsGet, routes=[*own_routes, *routes])
    return app
