"""The explorer: a web page over the public JSON API, served at ``/``.

Plain JavaScript (ES modules) and CSS under ``static/``; the one library it draws graphs with,
Cytoscape.js, is vendored under ``static/vendor/`` from the npm lockfile in ``explorer/`` (see
``explorer/vendor.mjs``), so the page loads nothing from any other host. The page only calls the
JSON API the dashboards use (``/entities``, ``/links``, ``/agreements``, ``/export``…).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC_URL = "/explorer"
"""Where the explorer's files are served (the page itself is ``/``)."""
STATIC_DIR = Path(str(files("api.explorer") / "static"))

INDEX_HEADERS = {
    # Everything the page loads or calls is on this origin (no CDN, no other API).
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "Cache-Control": "no-cache",
}


def install_explorer(app: FastAPI) -> None:
    """Serve the explorer page at ``/`` and its files under :data:`STATIC_URL`."""
    app.mount(STATIC_URL, StaticFiles(directory=STATIC_DIR), name="explorer")

    @app.get("/", include_in_schema=False)
    async def explorer_page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers=INDEX_HEADERS)
