"""The load pipeline (loaders → both stores) as the CLI and the API use it, on a real Neo4j."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import Driver

from api.ingest import entity_index, ingest_paths, ingest_text, retract
from graph.backends import BackendConfig, Backends, open_backends
from loaders.errors import LoadError
from tests.storeutil import neo4j_dump

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
EXAMPLE = EXAMPLES / "us-algeria-mou.yaml"
BAD = sorted((ROOT / "tests" / "fixtures" / "loaders" / "bad").iterdir())

ALGERIA = "https://w3id.org/diplograph/id/country/DZA"

# A second article that names shared entities only by aliases and other spellings.
FOLLOW_UP = """
article:
  id: follow-up-jmc-2025
  title: Follow-up on the joint commission
  published: 2025-06
entities:
  - id: algiers
    type: country
    name: Algeria
    aliases: [Algiers]
  - id: chengriha
    type: official
    name: Chengriha
  - id: washington
    type: country
    name: Washington
    iso: USA
events:
  - kind: meeting
    participants: [algiers, washington, chengriha]
    start: 2025-06
    evidence:
      quote: "Chengriha met U.S. officials"
      claimant: a reporter
"""


def _open(connection: tuple[str, str, str] | None) -> Backends:
    if connection is None:
        return open_backends(BackendConfig(data_dir=None))
    uri, user, password = connection
    backends = open_backends(
        BackendConfig(data_dir=None, neo4j_uri=uri, neo4j_user=user, neo4j_password=password)
    )
    backends.store.ensure_schema()
    return backends


@pytest.fixture
def embedded() -> Iterator[Backends]:
    backends = _open(None)
    yield backends
    backends.close()


@pytest.fixture
def with_neo4j(neo4j_connection: tuple[str, str, str], clean_neo4j: Driver) -> Iterator[Backends]:
    backends = _open(neo4j_connection)
    yield backends
    backends.close()


def _state(backends: Backends, driver: Driver | None = None) -> tuple[bytes, object]:
    rdf = backends.rdf.dump()
    graph = neo4j_dump(driver, "neo4j") if driver is not None else None
    return rdf, graph


def test_reloading_the_example_changes_nothing_in_the_rdf_store(embedded: Backends) -> None:
    first = ingest_paths(embedded.store, [EXAMPLES])
    dump = sorted(embedded.rdf.dump().splitlines())
    second = ingest_paths(embedded.store, [EXAMPLES])
    assert first.triples == second.triples > 900
    assert sorted(embedded.rdf.dump().splitlines()) == dump


@pytest.mark.neo4j
def test_reloading_the_example_changes_nothing_in_neo4j(
    with_neo4j: Backends, clean_neo4j: Driver
) -> None:
    ingest_paths(with_neo4j.store, [EXAMPLES])
    counts = with_neo4j.store.stats().projection
    dump = neo4j_dump(clean_neo4j, "neo4j")
    ingest_paths(with_neo4j.store, [EXAMPLES])
    assert with_neo4j.store.stats().projection == counts
    assert neo4j_dump(clean_neo4j, "neo4j") == dump
    assert counts is not None and counts.nodes > 50


@pytest.mark.neo4j
def test_articles_sharing_entities_give_one_node_per_entity(
    with_neo4j: Backends, clean_neo4j: Driver
) -> None:
    ingest_paths(with_neo4j.store, [EXAMPLES])
    ingest_text(with_neo4j.store, FOLLOW_UP, file="follow-up.yaml")
    records = clean_neo4j.execute_query(
        "MATCH (n:Resource) WHERE n.name IN ['Algeria', 'United States', 'Saïd Chanegriha'] "
        "RETURN n.name AS name, n.uri AS uri, size(n.sources) AS sources ORDER BY name"
    ).records
    # both example articles and the follow-up name Algeria and the United States
    assert [(r["name"], r["sources"]) for r in records] == [
        ("Algeria", 3),
        ("Saïd Chanegriha", 2),
        ("United States", 3),
    ]
    # The second article's spelling ("Chengriha") is the same entity, which keeps that article's
    # own id for it as a former id.
    chanegriha = clean_neo4j.execute_query(
        "MATCH (n:Person {name: 'Saïd Chanegriha'}) RETURN n.uri AS uri, n.localIri AS former"
    ).records[0]
    assert chanegriha["uri"].endswith("person/said-chanegriha")
    assert [f.rsplit("/", 1)[1] for f in chanegriha["former"]] == ["chengriha"]


@pytest.mark.neo4j
def test_retracting_the_follow_up_keeps_what_the_example_states(
    with_neo4j: Backends, clean_neo4j: Driver
) -> None:
    ingest_paths(with_neo4j.store, [EXAMPLES])
    before = neo4j_dump(clean_neo4j, "neo4j")
    rdf_before = sorted(with_neo4j.rdf.dump().splitlines())
    ingest_text(with_neo4j.store, FOLLOW_UP, file="follow-up.yaml")
    retract(with_neo4j.store, "follow-up-jmc-2025")
    assert neo4j_dump(clean_neo4j, "neo4j") == before
    assert sorted(with_neo4j.rdf.dump().splitlines()) == rdf_before


@pytest.mark.neo4j
@pytest.mark.parametrize("bad", BAD, ids=lambda p: p.name)
def test_a_bad_file_leaves_both_stores_exactly_as_they_were(
    bad: Path, with_neo4j: Backends, clean_neo4j: Driver, tmp_path: Path
) -> None:
    ingest_paths(with_neo4j.store, [EXAMPLES])
    rdf_before = sorted(with_neo4j.rdf.dump().splitlines())
    graph_before = neo4j_dump(clean_neo4j, "neo4j")
    good = tmp_path / "follow-up.yaml"
    good.write_text(FOLLOW_UP, encoding="utf-8")
    with pytest.raises(LoadError) as raised:
        ingest_paths(with_neo4j.store, [good, bad])
    assert str(bad) in str(raised.value)
    assert sorted(with_neo4j.rdf.dump().splitlines()) == rdf_before
    assert neo4j_dump(clean_neo4j, "neo4j") == graph_before


def test_keep_going_loads_the_good_files_and_reports_the_bad(
    embedded: Backends, tmp_path: Path
) -> None:
    for bad in BAD[:3]:
        shutil.copy(bad, tmp_path / bad.name)
    shutil.copy(EXAMPLE, tmp_path / EXAMPLE.name)
    report = ingest_paths(embedded.store, [tmp_path], keep_going=True)
    assert len(report.articles) == 1
    assert sorted(Path(f).name for f in report.failed) == sorted(b.name for b in BAD[:3])
    assert embedded.rdf.counts().articles == 1


def test_the_entity_index_comes_from_the_store(embedded: Backends) -> None:
    assert entity_index(embedded.store).get(ALGERIA) is None
    ingest_paths(embedded.store, [EXAMPLES])
    record = entity_index(embedded.store).get(ALGERIA)
    assert record is not None and record.iso == "DZA" and "Algiers" in record.aliases
