"""The explorer's files without a browser: the vendored JavaScript is what the npm lockfile pins
(so a fresh clone needs no npm), nothing names another host, and ``diplograph serve``'s app
serves the page at ``/`` (the OpenAPI docs staying at ``/docs``) over real HTTP."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from live_server import live_server
from test_api_support import embedded_settings

from api.app import create_app
from api.explorer import STATIC_DIR

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "explorer" / "package-lock.json"
VENDOR = STATIC_DIR / "vendor"
# src/href attributes, ES module specifiers (static and dynamic imports), fetch/url() targets
REFERENCES = re.compile(
    r"""(?:\b(?:src|href)\s*=\s*|\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|\burl\(\s*)["']([^"']+)["']"""
)


def own_files() -> list[Path]:
    """The explorer's own page, scripts and styles (the vendored library aside)."""
    return [
        p
        for p in STATIC_DIR.rglob("*")
        if p.suffix in {".html", ".js", ".css"} and VENDOR not in p.parents
    ]


def test_vendored_files_are_the_locked_packages() -> None:
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text())
    lock = json.loads(LOCK.read_text())["packages"]
    declared = json.loads((ROOT / "explorer" / "package.json").read_text())["dependencies"]
    assert manifest, "nothing vendored"
    for name, entry in manifest.items():
        data = (VENDOR / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], f"{name} changed by hand"
        assert lock[f"node_modules/{entry['package']}"]["version"] == entry["version"]
        assert declared[entry["package"]] == entry["version"], "package.json pins exact versions"
    assert {p.name for p in VENDOR.iterdir()} == {*manifest, "MANIFEST.json"}


def test_every_reference_is_to_this_server() -> None:
    seen = 0
    for path in own_files():
        for target in REFERENCES.findall(path.read_text()):
            seen += 1
            assert not re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", target, re.I) or target.startswith(
                "data:"
            ), f"{path.name} refers to another host: {target}"
    assert seen >= 10  # the pattern does find the page's references


def test_every_module_imported_exists() -> None:
    for path in own_files():
        for target in REFERENCES.findall(path.read_text()):
            if target.startswith("."):
                assert (path.parent / target).resolve().is_file(), f"{path.name}: {target}"
            elif target.startswith("/explorer/"):
                assert (STATIC_DIR / target.removeprefix("/explorer/")).is_file(), target


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with live_server(create_app(embedded_settings())) as url:
        yield url


def test_page_served_at_root_and_docs_kept(base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        page = client.get("/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert 'src="/explorer/js/main.js"' in page.text
        for path in ("/explorer/js/main.js", "/explorer/vendor/cytoscape.esm.min.js"):
            script = client.get(path)
            assert script.status_code == 200, path
            assert "javascript" in script.headers["content-type"], path  # ES modules need it
        assert client.get("/explorer/style.css").status_code == 200
        assert client.get("/docs").status_code == 200
        assert "/" not in client.get("/openapi.json").json()["paths"]
        assert client.get("/explorer/nothing.js").status_code == 404


def test_every_module_is_preloaded() -> None:
    """index.html preloads every module (fetched at once, not in waves of imports)."""
    page = (STATIC_DIR / "index.html").read_text()
    preloaded = set(re.findall(r'rel="modulepreload" href="/explorer/([^"]+)"', page))
    modules = {f"js/{p.name}" for p in (STATIC_DIR / "js").glob("*.js")} - {"js/main.js"}
    assert preloaded == modules | {"vendor/cytoscape.esm.min.js"}
