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


# ------------------------------------------------------------------ the rooms of graph/

GRAPH_FOLDERS: dict[str, tuple[str, ...]] = {
    # backend-neutral query services: no backend, no writer
    "graph/queries": (
        "graph.rdf", "graph.neo4j", "graph.nx", "graph.writer", "graph.backends",
        "graph.export", "neo4j", "pyoxigraph",
    ),
    # pure derivations from quads: no store, no query service, no I/O library
    "graph/rules": (
        "graph.rdf", "graph.neo4j", "graph.nx", "graph.writer", "graph.backends",
        "graph.queries", "graph.export", "neo4j", "pyoxigraph", "networkx",
    ),
    # each backend talks to its own client library only
    "graph/rdf": ("graph.neo4j", "graph.nx", "graph.writer", "graph.backends", "neo4j"),
    "graph/neo4j": ("graph.rdf", "graph.nx", "graph.writer", "graph.backends", "pyoxigraph"),
    "graph/nx": ("graph.neo4j", "graph.writer", "graph.backends", "neo4j", "pyoxigraph"),
    "graph/export": ("graph.rdf", "graph.neo4j", "graph.nx", "graph.backends", "neo4j"),
}  # fmt: skip
"""What each folder of ``graph/`` must not import (module prefixes)."""
BASE_MODULES = ("graph/model.py", "graph/errors.py")
"""Records, protocols and errors: they import no other module of ``graph``."""


def dotted_imports(path: Path) -> set[str]:
    """Full dotted names of every module ``path`` imports (absolute imports only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _matches(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


@pytest.mark.parametrize("folder", sorted(GRAPH_FOLDERS))
def test_each_room_of_graph_imports_only_what_it_may(folder: str) -> None:
    paths = sorted((ROOT / folder).rglob("*.py"))
    assert paths, folder
    offending = {
        str(path.relative_to(ROOT)): sorted(
            name
            for name in dotted_imports(path)
            if any(_matches(name, prefix) for prefix in GRAPH_FOLDERS[folder])
        )
        for path in paths
    }
    assert {path: names for path, names in offending.items() if names} == {}


@pytest.mark.parametrize("module", BASE_MODULES)
def test_records_and_errors_depend_on_nothing_in_graph(module: str) -> None:
    imported = dotted_imports(ROOT / module)
    assert sorted(n for n in imported if _matches(n, "graph") and n != "graph.errors") == []


def test_the_room_checker_sees_dotted_imports() -> None:
    assert "graph.rules.steps" in dotted_imports(ROOT / "graph" / "nx" / "graph.py")
