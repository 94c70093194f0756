"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.settings import Settings


def create_app(settings: Settings, *, load_examples: bool = False) -> FastAPI:
    """Build the app for ``settings``; stores are opened in the lifespan, not at import."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        yield

    app = FastAPI(title="diplograph", version="0.1.0", lifespan=lifespan)

    @app.get("/health", tags=["meta"], summary="Liveness")
    async def health() -> dict[str, str]:
        """The process is up. Says nothing about the stores; see ``/ready``."""
        return {"status": "ok"}

    return app
