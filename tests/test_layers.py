"""The layering rules of DESIGN.md, checked on the source: imports run one way.

``ontology`` ← ``graph`` ← ``api`` and ``ontology`` ← ``loaders`` ← ``api``; ``graph`` never imports
FastAPI; ``api`` never touches the Neo4j driver or pyoxigraph; ``loaders`` and ``graph`` do not
import each other; ``ontology`` imports rdflib only.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ontology", "loaders", "graph", "api")

FORBIDDEN: dict[str, tuple[str, ...]] = {
    "ontology": ("loaders", "graph", "api", "fastapi", "neo4j", "pyoxigraph", "networkx"),
    "loaders": ("graph", "api", "fastapi", "neo4j", "pyoxigraph"),
    "graph": ("loaders", "api", "fastapi", "starlette", "uvicorn"),
    "api": ("neo4j", "pyoxigraph"),
}


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module ``path`` imports (absolute imports only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_run_one_way(package: str) -> None:
    offending = {
        str(path.relative_to(ROOT)): sorted(imported_modules(path) & set(FORBIDDEN[package]))
        for path in sources(package)
    }
    assert {path: names for path, names in offending.items() if names} == {}


def test_the_checker_sees_imports() -> None:
    # The rule above would pass vacuously if the parser saw nothing.
    assert "rdflib" in imported_modules(ROOT / "ontology" / "namespace.py")
    assert {"fastapi", "graph"} <= set().union(*(imported_modules(p) for p in sources("api")))
