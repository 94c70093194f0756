"""The README cannot rot: its settings table, its test command and its example queries are
checked against the code, the CI script and the example data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import Driver

from api.ingest import ingest_paths
from api.settings import Settings
from graph.backends import BackendConfig, Backends, open_backends

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def fenced_after(marker: str) -> str:
    """The body of the first fenced block after the HTML comment ``marker``."""
    match = re.search(rf"<!-- {re.escape(marker)} -->\s*```\w*\n(.*?)```", README, re.S)
    assert match, f"README has no block after <!-- {marker} -->"
    return match.group(1)


def first_block(language: str, after: str) -> str:
    """The first ``language`` fenced block after the heading text ``after``."""
    start = README.index(after)
    match = re.search(rf"```{language}\n(.*?)```", README[start:], re.S)
    assert match
    return match.group(1)


def table_rows(text: str) -> list[list[str]]:
    """The rows of a text table written with ``|`` separators (header excluded)."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return [[cell.strip() for cell in line.split("|")] for line in lines[1:]]


def test_every_setting_is_documented_and_nothing_else() -> None:
    documented = set(re.findall(r"^\| `DIPLOGRAPH_([A-Z0-9_]+)` \|", README, re.M))
    fields = {name.upper() for name in Settings.model_fields}
    assert documented == fields


def test_the_ci_script_runs_the_readme_test_command_verbatim() -> None:
    quickstart = README[README.index("## Quickstart") : README.index("## Using it")]
    commands = re.findall(r"```bash\n(.*?)\n```", quickstart, re.S)
    assert len(commands) == 2, "the quickstart is exactly two commands"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()


@pytest.fixture
def example_with_neo4j(
    neo4j_connection: tuple[str, str, str], clean_neo4j: Driver
) -> Iterator[Backends]:
    uri, user, password = neo4j_connection
    backends = open_backends(
        BackendConfig(data_dir=None, neo4j_uri=uri, neo4j_user=user, neo4j_password=password)
    )
    backends.store.ensure_schema()
    ingest_paths(backends.store, [ROOT / "examples"])
    yield backends
    backends.close()


@pytest.mark.neo4j
def test_the_signatories_query_prints_what_the_readme_shows(
    example_with_neo4j: Backends, clean_neo4j: Driver
) -> None:
    query = fenced_after("readme-cypher: signatories")
    expected = table_rows(fenced_after("readme-output: signatories"))
    records, _, keys = clean_neo4j.execute_query(query)
    header = [
        cell.strip()
        for cell in fenced_after("readme-output: signatories").splitlines()[0].split("|")
    ]
    assert header == keys
    assert [[str(record[key]) for key in keys] for record in records] == expected


def test_the_sparql_version_gives_the_same_answer() -> None:
    backends = open_backends(BackendConfig(data_dir=None))
    try:
        ingest_paths(backends.store, [ROOT / "examples"])
        query = first_block("sparql", "The same in SPARQL")
        result = backends.rdf.query(query)
    finally:
        backends.close()
    rows = [[str(getattr(cell, "value", cell)) for cell in row] for row in result.rows]  # type: ignore[union-attr]
    expected = [[r[1], r[2], r[3]] for r in table_rows(fenced_after("readme-output: signatories"))]
    assert rows == expected
