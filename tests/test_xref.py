"""``xref``: candidate duplicates the rules did not merge, over a corpus with planted duplicates
(``tests/fixtures/identity``: four articles that spell the same actors and the same signing
differently), in a real Oxigraph store, and through the command line."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from test_cli import run

from api.identity import candidates
from api.ingest import ingest_paths
from graph.rdf.store import OxigraphStore
from graph.writer import GraphStore
from loaders.identity.judgements import Judgement, JudgementLog
from loaders.identity.xref import (
    AgreementRecord,
    EntityRecord,
    Spelling,
    TenureRecord,
    find_candidates,
)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "identity"
ID = "https://w3id.org/diplograph/id/"

PLANTED = [
    ("person/said-chanegriha", "person/said-chengriha"),
    ("organization/foreign-ministry", "organization/ministry-of-foreign-affairs"),
    ("person/sergei-shoigu", "person/sergey-shoygu"),
]


@pytest.fixture(scope="module")
def store() -> GraphStore:
    graph_store = GraphStore(OxigraphStore())
    ingest_paths(graph_store, [CORPUS])
    return graph_store


def _pair(a: str, b: str) -> tuple[str, str]:
    return tuple(sorted((a.removeprefix(ID), b.removeprefix(ID))))  # type: ignore[return-value]


def test_the_rules_keep_the_planted_duplicates_apart(store: GraphStore) -> None:
    iris = {e.iri.removeprefix(ID) for e in store.rdf.entity_records()}
    for a, b in PLANTED:
        assert a in iris and b in iris, (a, b)


def test_xref_ranks_the_planted_duplicates_first_with_their_evidence(store: GraphStore) -> None:
    found = candidates(store, JudgementLog(None))
    pairs = [_pair(c.a, c.b) for c in found]
    assert pairs[:3] == [_pair(*p) for p in PLANTED]
    chief = found[0]
    assert chief.group == "person"
    rules = {e.rule for e in chief.evidence}
    assert rules == {"similar-names", "shared-post"}
    names = next(e for e in chief.evidence if e.rule == "similar-names").names
    assert set(names) == {"Said Chengriha", "Saïd Chanegriha"}
    assert {a.rsplit("/", 1)[1] for a in chief.evidence[0].articles} == {
        "aps-2025-01-chengriha-washington",
        "reuters-2025-01-us-algeria-pact",
    }
    assert found[0].score >= found[1].score >= found[2].score


def test_the_same_signing_reported_as_two_agreements_is_a_candidate(store: GraphStore) -> None:
    found = candidates(store, JudgementLog(None))
    agreements = [c for c in found if c.group == "agreement"]
    assert len(agreements) == 1
    evidence = agreements[0].evidence[0]
    assert evidence.rule == "same-day-agreement"
    assert "2025-01-22" in evidence.detail


def test_different_states_and_a_shared_first_name_are_not_candidates(store: GraphStore) -> None:
    found = {_pair(c.a, c.b) for c in candidates(store, JudgementLog(None))}
    moroccan = "organization/moroccan-ministry-of-foreign-affairs"
    assert _pair(moroccan, "organization/ministry-of-foreign-affairs") not in found
    assert _pair("person/ahmed-attaf", "person/ahmed-benali") not in found
    assert len(found) == 4  # the three planted entity pairs and the agreement pair


def test_judged_pairs_are_left_out(store: GraphStore) -> None:
    log = JudgementLog(None)
    log.record([Judgement((ID + "person/sergei-shoigu", ID + "person/sergey-shoygu"), "not-same")])
    log.record([Judgement((ID + "person/said-chengriha", ID + "person/said-chanegriha"), "same")])
    pairs = [_pair(c.a, c.b) for c in candidates(store, log)]
    assert _pair(*PLANTED[0]) not in pairs and _pair(*PLANTED[2]) not in pairs
    assert pairs[0] == _pair(*PLANTED[1])


def _person(iri: str, *names: str, local_ids: tuple[str, ...] = ()) -> EntityRecord:
    spellings = tuple(Spelling(n, (f"{ID}article/{iri}",)) for n in names)
    return EntityRecord(ID + iri, "person", names[0], spellings, local_ids)


def test_a_not_same_judgement_on_a_former_id_covers_the_merged_entity() -> None:
    merged = _person(
        "person/a", "Abdelmadjid Tebboune", local_ids=(ID + "person/a", ID + "person/b")
    )
    other = _person("person/c", "Abdelmajid Tebboun")
    assert [c.b for c in find_candidates([merged, other])] == [ID + "person/c"]
    judged = [(ID + "person/b", ID + "person/c")]
    assert find_candidates([merged, other], judged=judged) == []


def test_transliterations_diacritics_and_word_order_match_but_other_surnames_do_not() -> None:
    records = [
        _person("person/1", "Mohammed bin Salman"),
        _person("person/2", "Muhammad Bin Salmane"),
        _person("person/3", "Ahmed Ali"),
        _person("person/4", "Ahmed Benali"),
        _person("person/5", "Chengriha Said"),
        _person("person/6", "Saïd Chanegriha"),
    ]
    pairs = {(c.a.removeprefix(ID), c.b.removeprefix(ID)) for c in find_candidates(records)}
    assert pairs == {("person/1", "person/2"), ("person/5", "person/6")}


def test_shared_post_needs_overlapping_periods() -> None:
    records = [_person("person/x", "Karim Doe"), _person("person/y", "Yusuf Roe")]
    post = ID + "post/chief"
    apart = [
        TenureRecord(ID + "person/x", post, "2010", "2014-06", "a1"),
        TenureRecord(ID + "person/y", post, "2014-07", None, "a2"),
    ]
    assert find_candidates(records, apart) == []
    overlapping = [*apart[:1], TenureRecord(ID + "person/y", post, "2014", None, "a2")]
    [found] = find_candidates(records, overlapping)
    assert found.evidence[0].rule == "shared-post"


def test_blocking_keeps_xref_far_from_quadratic() -> None:
    # 20,000 persons with distinct, similar-looking names: comparing every pair (2e8) would take
    # minutes; blocks on word skeletons keep it to the near-duplicates.
    first = ["Ahmed", "Karim", "Yusuf", "Omar", "Samir", "Nadia", "Leila", "Amina"]
    records = [
        _person(f"person/p{i}", f"{first[i % len(first)]} Surname{i:05d}x") for i in range(20_000)
    ]
    started = time.perf_counter()
    find_candidates(records)
    assert time.perf_counter() - started < 20


def test_the_command_line_lists_candidates_records_and_refuses(tmp_path: Path) -> None:
    assert run("load", str(CORPUS), data_dir=tmp_path).returncode == 0
    listed = run("xref", "--json", "--limit", "2", data_dir=tmp_path)
    assert listed.returncode == 0, listed.stderr
    body = json.loads(listed.stdout)
    assert body["total"] == 4 and len(body["items"]) == 2
    assert body["items"][0]["ids"] == [ID + p for p in PLANTED[0]]

    merged = run("merge", *PLANTED[0], "--note", "one general", "--by", "ana", data_dir=tmp_path)
    assert merged.returncode == 0, merged.stderr
    assert "recorded: person/said-chanegriha same person/said-chengriha" in merged.stdout
    saved = (tmp_path / "judgements.jsonl").read_text(encoding="utf-8")
    assert json.loads(saved)["by"] == "ana"

    refused = run("merge", "country/DZA", "person/said-chengriha", data_dir=tmp_path)
    assert refused.returncode == 2
    assert "is a country" in refused.stderr and "nothing was recorded" in refused.stderr
    assert (tmp_path / "judgements.jsonl").read_text(encoding="utf-8") == saved

    as_csv = run("judgements", "--format", "csv", data_dir=tmp_path)
    at = json.loads(saved)["at"]
    assert as_csv.stdout.splitlines()[1].endswith(f",same,{at},ana,one general")
    table = run("xref", data_dir=tmp_path)  # the merged pair is left out of the table
    assert "Sergei Shoigu" in table.stdout and "3 of 3 candidate pair(s)" in table.stdout

    undone = run("undo-judgement", *PLANTED[0], data_dir=tmp_path)
    assert undone.returncode == 0 and "removed:" in undone.stdout
    assert (tmp_path / "judgements.jsonl").read_text(encoding="utf-8") == ""


def test_a_corrupt_judgement_file_is_reported_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "judgements.jsonl").write_text('{"ids": [], "judgement": "same"}\n')
    result = run("judgements", data_dir=tmp_path)
    assert result.returncode == 2
    assert "judgements.jsonl:1:" in result.stderr and "two entity IRIs" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_shared_alias_the_rules_left_apart_is_a_candidate_but_not_across_states() -> None:
    def org(iri: str, state: str, *names: str) -> EntityRecord:
        spellings = tuple(Spelling(n, (f"{ID}article/{iri}",)) for n in names)
        return EntityRecord(ID + iri, "organization", names[0], spellings, state=state)

    records = [
        org("organization/mfa", ID + "country/DZA", "Ministry of Foreign Affairs", "MFA"),
        org("organization/mae", ID + "country/DZA", "Ministère des Affaires étrangères", "MFA"),
        org("organization/mfa-mar", ID + "country/MAR", "Ministry of Foreign Affairs", "MFA"),
    ]
    [found] = find_candidates(records)
    assert {found.a, found.b} == {ID + "organization/mfa", ID + "organization/mae"}
    assert found.evidence[0].rule == "shared-alias" and found.score == 100.0


def test_agreements_match_on_parties_and_compatible_dates_only() -> None:
    def deal(iri: str, date: str, *parties: str) -> AgreementRecord:
        return AgreementRecord(
            ID + iri, "MOU", "Defence MOU", date, parties, (f"{ID}article/{iri}",)
        )

    usa, dza, mar = ID + "country/USA", ID + "country/DZA", ID + "country/MAR"
    records = [
        deal("agreement/day", "2025-01-22", usa, dza),
        deal("agreement/month", "2025-01", dza, usa),
        deal("agreement/other-month", "2025-02", usa, dza),
        deal("agreement/other-parties", "2025-01-22", usa, mar),
    ]
    [found] = find_candidates([], agreements=records)
    assert {found.a, found.b} == {ID + "agreement/day", ID + "agreement/month"}
    assert "2025-01" in found.evidence[0].detail and "same parties" in found.evidence[0].detail
