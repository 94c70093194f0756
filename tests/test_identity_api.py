"""Identity over HTTP, on both backends: a merged entity answers its former ids, its detail
lists every spelling with its articles, and loading an article that bridges two stored entities
merges them (in both stores) and says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import test_api_support as support
from test_api_support import TestClient, ok

ROOT = Path(__file__).resolve().parents[1]
MATCHING = ROOT / "tests" / "fixtures" / "matching"
BRIDGE = MATCHING / "a2-mou-signed.yaml"
ID = "https://w3id.org/diplograph/id/"
WRITE_KEY = "identity-test-key"


@pytest.fixture(scope="module", params=["nx", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """The app over the matching corpus without the article that bridges the spellings."""
    corpus = tmp_path_factory.mktemp("corpus")
    for sheet in MATCHING.glob("*.yaml"):
        if sheet != BRIDGE:
            (corpus / sheet.name).write_text(sheet.read_text())
    options = {"examples_dir": corpus, "api_keys": [WRITE_KEY]}
    if request.param == "nx":
        yield from support.serve(support.embedded_settings(**options))
        return
    connection = request.getfixturevalue("neo4j_connection")
    support.clear_neo4j(
        request.getfixturevalue("neo4j_driver"), request.getfixturevalue("neo4j_database")
    )
    yield from support.serve(support.neo4j_settings(connection, **options))


def test_a_bridging_article_merges_stored_entities_and_former_ids_still_answer(
    client: TestClient,
) -> None:
    before = ok(client.get("/entities/person/said-chengriha"))
    assert before["entity"]["uri"] == f"{ID}person/said-chengriha"
    assert (
        ok(client.get("/entities/person/said-chanegriha"))["entity"]["uri"]
        != before["entity"]["uri"]
    )

    (first_mou,) = [
        a["id"]
        for a in ok(client.get("/agreements", params={"party": "country/DZA"}))["items"]
        if "MOU" in a["types"]
    ]
    response = client.post(
        "/articles",
        content=BRIDGE.read_text(),
        headers={"content-type": "application/yaml", "x-api-key": WRITE_KEY},
    )
    assert response.status_code == 201, response.text
    loaded = response.json()
    merged = {m["id"]: m for m in loaded["merged"]}
    person = merged[f"{ID}person/said-chanegriha"]
    assert f"{ID}person/said-chengriha" in person["merged_from"]
    assert len(loaded["rewritten"]) >= 2

    # the former id answers with the entity it became, which says where each spelling comes from
    after = ok(client.get("/entities/person/said-chengriha"))
    assert after["entity"]["uri"] == f"{ID}person/said-chanegriha"
    assert f"{ID}person/said-chengriha" in after["merged_from"]
    spellings = {(s["text"], s["kind"]): s["articles"] for s in after["spellings"]}
    assert spellings[("Saïd Chengriha", "alias")] == [
        f"{ID}article/test-defense-wire-2025-01-22-mou"
    ]
    assert len(after["sources"]) == 4

    # one MOU, with the day the most precise article gives; its former id still answers
    agreements = ok(client.get("/agreements", params={"party": "country/DZA"}))
    mous = [a for a in agreements["items"] if "MOU" in a["types"]]
    assert len(mous) == 1 and mous[0]["date_signed"] == "2025-01-22"
    assert mous[0]["id"] != first_mou
    assert ok(client.get(f"/agreements/{first_mou}"))["id"] == mous[0]["id"]


def test_posts_are_searchable_by_name_and_alias_and_list_their_holders(client: TestClient) -> None:
    found = ok(client.get("/entities", params={"q": "Chief of Army Staff"}))
    posts = [e for e in found["items"] if e["entity"]["types"] == ["Post"]]
    assert len(posts) == 1
    detail = ok(client.get(f"/entities/{posts[0]['entity']['id']}"))
    holders = {t["holder"]["id"] for t in detail["tenures"]}
    assert "person/said-chanegriha" in holders
