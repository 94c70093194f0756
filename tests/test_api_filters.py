"""The filters analysts asked for (issue 17), over HTTP on both backends: names wherever an id
is, entities listed by type, agreements by area through their commitments, a state's
subordinates, claims by who made them, event kind and place in timelines, an agreement's
events."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import test_api_support as support
from test_api_support import CHANEGRIHA, DZA, LANGLEY, RUS, TestClient, ok, problem

from api.schemas.agreements import AgreementDetailOut, AgreementList, InfluenceList
from api.schemas.entities import EntityPage, TimelineOut
from api.schemas.graph import LinksGraph

api_client = support.api_client  # the example, on each backend in turn
REGIONS = Path(__file__).parent / "fixtures" / "regions"
PIMENTEL = "person/martin-pimentel"


def get(client: TestClient, url: str, model: Any, **params: Any) -> Any:
    """GET a 200 answer checked against its response model."""
    body = ok(client.get(url, params=params))
    model.model_validate(body)
    return body


@pytest.fixture(scope="module", params=["nx", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def regions_client(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    """The app over the region corpus (where "Foreign Ministry" names two ministries)."""
    if request.param == "nx":
        yield from support.serve(support.embedded_settings(examples_dir=REGIONS))
        return
    connection = request.getfixturevalue("neo4j_connection")
    support.clear_neo4j(
        request.getfixturevalue("neo4j_driver"), request.getfixturevalue("neo4j_database")
    )
    yield from support.serve(support.neo4j_settings(connection, examples_dir=REGIONS))


# ---------------------------------------------------------------------------------- names


def test_names_are_accepted_wherever_an_id_is(api_client: TestClient) -> None:
    by_id = get(api_client, "/links", LinksGraph, a=DZA, b=RUS, k=2)
    by_name = get(api_client, "/links", LinksGraph, a="Algeria", b="russia", k=2)
    assert by_name == by_id
    by_alias = get(api_client, "/links", LinksGraph, a="Chengriha", b="Russia", k=2)
    assert by_alias["source"]["id"] == CHANEGRIHA
    detail = ok(api_client.get("/entities/Algeria"))
    assert detail["entity"]["id"] == DZA
    mou = get(api_client, "/agreements", AgreementList, party="Algeria")
    assert mou["total"] == get(api_client, "/agreements", AgreementList, party=DZA)["total"] >= 1
    influences = get(api_client, "/influences", InfluenceList, influencer="Russia")
    assert influences["total"] >= 1


def test_an_unknown_name_is_a_404(api_client: TestClient) -> None:
    body = problem(api_client.get("/links", params={"a": "Atlantis", "b": RUS}), 404)
    assert "Atlantis" in body["detail"]


def test_an_ambiguous_name_is_a_409_listing_the_candidates(regions_client: TestClient) -> None:
    body = problem(
        regions_client.get("/links", params={"a": "Foreign Ministry", "b": "country/USA"}), 409
    )
    ids = {c["id"] for c in body["problems"]}
    assert ids == {
        "organization/ministry-of-foreign-affairs-of-russia",
        "organization/ministry-of-foreign-affairs-of-morocco",
    }, body
    assert all(c["name"] and c["types"] == ["Organization"] for c in body["problems"])
    chosen = sorted(ids)[0]
    assert ok(regions_client.get(f"/entities/{chosen}"))["entity"]["id"] == chosen


# ------------------------------------------------------------------------- entity listing


def test_entities_of_a_type_without_a_search_text(api_client: TestClient) -> None:
    first = get(api_client, "/entities", EntityPage, type="organization", limit=5)
    assert first["total"] >= 10 and len(first["items"]) == 5 and first["next"] == 5
    rest = get(api_client, "/entities", EntityPage, type="organization", limit=100, offset=5)
    items = first["items"] + rest["items"]
    assert len(items) == first["total"]
    assert all("Organization" in i["entity"]["types"] for i in items)
    assert all(i["match"] == "listed" for i in items)
    names = [i["entity"]["name"].casefold() for i in items]
    assert names == sorted(names)
    everything = get(api_client, "/entities", EntityPage, limit=1000)
    assert everything["total"] > first["total"]


# ------------------------------------------------------------------------------ agreements


def test_area_filter_includes_the_areas_of_commitments(api_client: TestClient) -> None:
    # foreign military sales is a commitment of the MOU, not one of its own areas
    body = get(api_client, "/agreements", AgreementList, area="foreign-military-sales")
    assert body["total"] == 1
    assert "foreign-military-sales" not in {a["notation"] for a in body["items"][0]["areas"]}
    none = get(api_client, "/agreements", AgreementList, area="nuclear")
    assert none["total"] == 0


def test_a_states_agreements_signed_by_its_officials(api_client: TestClient) -> None:
    plain = get(api_client, "/agreements", AgreementList, signatory=DZA)
    assert plain["total"] == 0 and plain["included"] == []  # the state itself signed nothing
    wide = get(api_client, "/agreements", AgreementList, signatory=DZA, include="subordinates")
    assert wide["total"] == 1
    # the ministries (country: Algeria; the foreign ministry is the format 2 example's), the army
    # (part of the defence ministry) and the official holding posts in them
    assert [e["id"] for e in wide["included"]] == [
        "organization/algerian-ministry-of-national-defense",
        "organization/ministry-of-foreign-affairs-of-algeria",
        "organization/national-peoples-army",
        CHANEGRIHA,
    ]


def test_an_agreement_lists_the_events_about_it(api_client: TestClient) -> None:
    mou = get(api_client, "/agreements", AgreementList, party=DZA)["items"][0]
    detail = get(api_client, f"/agreements/{mou['id']}", AgreementDetailOut)
    events = detail["events"]
    assert len(events) == 3
    assert "signing" in {e["kind"]["notation"] for e in events if e["kind"]}
    starts = [e["start"] for e in events if e["start"]]
    assert starts == sorted(starts)
    assert any(e["place"] and e["place"]["id"] == DZA for e in events)


# ------------------------------------------------------------------------------ claims


def test_influences_claimed_by_an_actor(api_client: TestClient) -> None:
    everything = get(api_client, "/influences", InfluenceList, limit=100)
    vouched = get(api_client, "/influences", InfluenceList, claimed_by=PIMENTEL)
    assert 0 < vouched["total"] < everything["total"]
    assert all("Martin Pimentel" in i["evidence"]["claimants"] for i in vouched["items"])
    by_name = get(api_client, "/influences", InfluenceList, claimed_by="Martin Pimentel")
    assert by_name["items"] == vouched["items"]


def test_claims_by_any_official_of_a_state(api_client: TestClient) -> None:
    pimentel = get(api_client, "/influences", InfluenceList, claimed_by=PIMENTEL)
    state = get(api_client, "/influences", InfluenceList, claimed_by="country/USA")
    officials = get(
        api_client, "/influences", InfluenceList, claimed_by="country/USA", include="subordinates"
    )
    # the state itself vouches for one influence (the format 2 example: "according to U.S.
    # officials"); its officials for more
    assert state["total"] == 1
    assert PIMENTEL in {e["id"] for e in officials["included"]}  # he holds a post at CSIS
    ids = {i["id"] for i in officials["items"]}
    assert {i["id"] for i in pimentel["items"]} | {i["id"] for i in state["items"]} <= ids
    assert len(ids) > state["total"]


# ------------------------------------------------------------------------------ timeline


def test_timeline_entries_say_the_event_kind_and_place(api_client: TestClient) -> None:
    body = get(api_client, f"/entities/{LANGLEY}/timeline", TimelineOut)
    events = [e for e in body["entries"] if e["category"] == "event"]
    assert {e["kind"]["notation"] for e in events} == {"visit", "signing"}
    assert any(e["place"] and e["place"]["id"] == DZA for e in events)
    assert all(e["kind"] is None for e in body["entries"] if e["category"] == "tenure")


# ------------------------------------------------------------------------------ cookbook


COOKBOOK = Path(__file__).resolve().parents[1] / "docs" / "queries.md"


def cookbook_requests() -> list[str]:
    """The JSON API requests docs/queries.md gives that need no id filled in."""
    text = COOKBOOK.read_text(encoding="utf-8")
    found = re.findall(r"`GET (/[^`{…]+?)`", text)
    return sorted({f for f in found if not f.startswith(("/cypher", "/sparql"))})


def test_the_cookbooks_json_requests_answer(api_client: TestClient) -> None:
    requests = cookbook_requests()
    assert len(requests) >= 8
    for request in requests:
        response = api_client.get(request)
        assert response.status_code == 200, (request, response.text)
        body = response.json()
        assert body.get("total", 1) > 0 or body.get("items") or body.get("entries"), request
