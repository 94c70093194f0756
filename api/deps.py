"""FastAPI dependencies: the settings and the backends opened in the lifespan."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from api.settings import Settings


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_backends(request: Request) -> Any:
    """The ``graph.backends.Backends`` opened in the lifespan (stores and query services)."""
    return request.app.state.backends
