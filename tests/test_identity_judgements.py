"""The judgement log (``loaders/identity/judgements.py``) and the checks that guard it
(``api/identity.py``): file format round trip, last word wins, undo, corrupt files refused with
line numbers, atomic concurrent writes, and refusals that write nothing (real Oxigraph)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from neo4j import Driver

from api.identity import Resolved, check_pair, judge, split, undo
from api.ingest import ingest_paths, reresolve, retract
from graph.backends import open_backends
from graph.rdf.store import OxigraphStore
from graph.writer import GraphStore
from loaders.identity.judgements import (
    Judgement,
    JudgementFileError,
    JudgementLog,
    JudgementRefused,
    NoJudgement,
    parse_judgements,
)
from tests.conftest import Neo4jConnection, fuzz_examples, fuzz_profile, neo4j_backend_config

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "identity"
ID = "https://w3id.org/diplograph/id/"
A, B, C = ID + "person/said-chengriha", ID + "person/said-chanegriha", ID + "person/sergei-shoigu"


@pytest.fixture
def log(tmp_path: Path) -> JudgementLog:
    return JudgementLog.for_data_dir(tmp_path)


@pytest.fixture(scope="module")
def store() -> GraphStore:
    graph_store = GraphStore(OxigraphStore())
    ingest_paths(graph_store, [CORPUS])
    return graph_store


# ------------------------------------------------------------------ the file


def test_the_file_is_one_sorted_json_object_a_line_and_reads_back(log: JudgementLog) -> None:
    log.record([Judgement((A, B), "same", at="2026-01-02T03:04:05Z", by="ana", note="Saïd")])
    log.record([Judgement((C, A), "not-same", at="2026-01-02T03:04:06Z")])
    assert log.path is not None
    lines = log.path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert list(first) == sorted(first)  # sorted keys: a stable, diffable line
    assert first == {
        "at": "2026-01-02T03:04:05Z",
        "by": "ana",
        "ids": sorted([A, B]),
        "judgement": "same",
        "note": "Saïd",
    }
    assert "Saïd" in lines[0]  # UTF-8 as is, not \u escapes
    assert json.loads(lines[1])["ids"] == sorted([A, C])  # a pair has one spelling
    again = JudgementLog(log.path).judgements()
    assert again == log.judgements()
    assert log.same_pairs() == [tuple(sorted([A, B]))]
    assert log.not_same_pairs() == [tuple(sorted([A, C]))]


def test_the_last_word_on_a_pair_wins(log: JudgementLog) -> None:
    log.record([Judgement((A, B), "same")])
    log.record([Judgement((C, A), "not-same")])
    replaced = log.record([Judgement((B, A), "not-same", note="two men")])
    assert [j.judgement for j in replaced] == ["same"]
    assert log.same_pairs() == []
    assert log.not_same_pairs() == [tuple(sorted([A, C])), tuple(sorted([A, B]))]
    assert log.path is not None
    assert len(log.path.read_text().splitlines()) == 2


def test_a_hand_edited_file_naming_a_pair_twice_keeps_the_last_line() -> None:
    same = json.dumps({"ids": [A, B], "judgement": "same"})
    different = json.dumps({"ids": [B, A], "judgement": "not-same"})
    parsed = parse_judgements(f"{same}\n\n{different}\n".encode())
    assert [(j.ids, j.judgement) for j in parsed] == [(tuple(sorted([A, B])), "not-same")]


def test_a_line_without_at_by_or_note_survives_a_rewrite(log: JudgementLog) -> None:
    assert log.path is not None
    log.path.write_text(json.dumps({"ids": [A, B], "judgement": "same"}) + "\n")
    log.record([Judgement((A, C), "not-same")])
    first = json.loads(log.path.read_text().splitlines()[0])
    assert first == {
        "at": None,
        "by": None,
        "ids": sorted([A, B]),
        "judgement": "same",
        "note": None,
    }
    assert len(log.judgements()) == 2


def test_remove_undoes_a_judgement_and_refuses_a_pair_without_one(log: JudgementLog) -> None:
    log.record([Judgement((A, B), "same"), Judgement((A, C), "not-same")])
    removed = log.remove(B, A)
    assert removed.judgement == "same"
    assert log.same_pairs() == []
    with pytest.raises(NoJudgement, match="no judgement"):
        log.remove(A, B)
    assert len(log.judgements()) == 1


def test_no_file_means_no_judgements_and_memory_mode_keeps_them(tmp_path: Path) -> None:
    assert JudgementLog.for_data_dir(tmp_path / "missing").judgements() == []
    memory = JudgementLog.for_data_dir(None)
    memory.record([Judgement((A, B), "same")])
    assert memory.same_pairs() == [tuple(sorted([A, B]))]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "expected a JSON object"),
        (json.dumps({"ids": [A, B], "judgement": "maybe"}), "'same' or 'not-same'"),
        (json.dumps({"ids": [A], "judgement": "same"}), "two entity IRIs"),
        (json.dumps({"ids": [A, A], "judgement": "same"}), "same entity twice"),
        (json.dumps({"ids": [A, "not an iri"], "judgement": "same"}), "id"),
        (json.dumps({"ids": [A, B]}), "missing key 'judgement'"),
        (json.dumps({"ids": [A, B], "judgement": "same", "score": 1}), "unknown key 'score'"),
        (json.dumps({"ids": [A, B], "judgement": "same", "at": "yesterday"}), "ISO 8601"),
        (json.dumps({"ids": [A, B], "judgement": "same", "note": 3}), "note must be"),
    ],
)
def test_a_corrupt_line_is_refused_with_its_number(
    log: JudgementLog, line: str, message: str
) -> None:
    good = json.dumps({"ids": [A, C], "judgement": "same"})
    assert log.path is not None
    log.path.write_text(f"{good}\n{good}\n{line}\n", encoding="utf-8")
    with pytest.raises(JudgementFileError) as caught:
        log.judgements()
    assert [p.line for p in caught.value.problems] == [3] * len(caught.value.problems)
    assert "judgements.jsonl:3:" in str(caught.value)
    assert str(log.path.parent) not in str(caught.value)  # no server path in an HTTP error
    assert message in str(caught.value)
    with pytest.raises(JudgementFileError):  # nothing is written over a file that is not read
        log.record([Judgement((A, B), "same")])
    assert log.path.read_text(encoding="utf-8").count("\n") == 3


@pytest.mark.parametrize("line", [b"[" * 100_000, b'{"ids": ' + b"9" * 5000 + b"}"])
def test_hostile_json_is_a_numbered_problem_not_a_crash(line: bytes) -> None:
    with pytest.raises(JudgementFileError, match=r"judgements\.jsonl:2: not JSON"):
        parse_judgements(b"\n" + line)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=12,
)
LINES = st.one_of(
    st.binary(max_size=200),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries(
        {"ids": JSON_VALUES, "judgement": st.sampled_from(["same", "not-same", "x", 1])},
        optional={"at": JSON_VALUES, "by": JSON_VALUES, "note": JSON_VALUES, "x": JSON_VALUES},
    ).map(lambda v: json.dumps(v).encode()),
)


@fuzz_profile(fuzz_examples(200))
@given(lines=st.lists(LINES, max_size=5))
def test_any_file_content_reads_or_is_refused_line_by_line(lines: list[bytes]) -> None:
    raw = b"\n".join(lines)
    try:
        judgements = parse_judgements(raw)
    except JudgementFileError as error:
        assert error.problems and all(p.line for p in error.problems)
        return
    again = parse_judgements("".join(j.line() for j in judgements).encode())
    assert again == judgements  # what is read is written back the same


def test_every_bad_line_is_reported_not_only_the_first(log: JudgementLog) -> None:
    assert log.path is not None
    log.path.write_bytes(b'{"ids": 1}\n\xff\xfe\n' + json.dumps({"ids": [A, B]}).encode())
    with pytest.raises(JudgementFileError) as caught:
        log.judgements()
    assert sorted({p.line for p in caught.value.problems}) == [1, 2, 3]
    assert "not UTF-8" in str(caught.value)


def test_concurrent_writers_lose_nothing_and_leave_no_temporary_file(tmp_path: Path) -> None:
    logs = [JudgementLog.for_data_dir(tmp_path) for _ in range(2)]  # two handles, one file
    ids = [f"{ID}person/p{i}" for i in range(41)]

    def write(start: int) -> None:
        for i in range(start, 40, 2):
            logs[start].record([Judgement((ids[i], ids[i + 1]), "same")])

    threads = [threading.Thread(target=write, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(logs[0].judgements()) == 40
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".judgements.jsonl.lock",
        "judgements.jsonl",
    ]


# ------------------------------------------------------------------ refusals (against the store)


def _file(log: JudgementLog) -> bytes | None:
    assert log.path is not None
    return log.path.read_bytes() if log.path.exists() else None


@pytest.mark.parametrize(
    ("verdict", "a", "b", "message"),
    [
        ("same", "person/nobody", "person/said-chengriha", "unknown id 'person/nobody'"),
        ("not-same", "person/said-chengriha", ID + "person/x", "unknown id"),
        (
            "same",
            "country/DZA",
            "person/said-chengriha",
            "is a country and person/said-chengriha",
        ),
        ("same", "country/DZA", "organization/foreign-ministry", "only entities of one kind"),
        ("same", "person/said-chengriha", "id:person/said-chengriha", "the same id"),
        ("same", "country/DZA", "country/USA", "different ISO codes"),
        ("same", "not an id!", "country/DZA", "not an entity id"),
    ],
)
def test_bad_judgements_are_refused_and_write_nothing(
    store: GraphStore, log: JudgementLog, verdict: str, a: str, b: str, message: str
) -> None:
    log.record([Judgement((A, C), "not-same", at="2026-01-01T00:00:00Z")])
    before = _file(log)
    with pytest.raises(JudgementRefused, match=message):
        judge(store, log, "same" if verdict == "same" else "not-same", a, b)
    assert _file(log) == before


def test_not_same_of_two_ids_the_iso_code_forces_together_is_refused() -> None:
    # Two former ids of one state (the canonicaliser merged them by their ISO code).
    left = Resolved("country/algeria", ID + "country/algeria", ID + "country/DZA", "country", "DZA")
    right = Resolved("country/DZA", ID + "country/DZA", ID + "country/DZA", "country", "DZA")
    with pytest.raises(JudgementRefused, match="share the ISO code DZA"):
        check_pair("not-same", left, right)
    with pytest.raises(JudgementRefused, match="already one entity"):
        check_pair("same", left, right)
    person = Resolved("person/x", ID + "person/x", ID + "person/y", "person", None)
    other = Resolved("person/y", ID + "person/y", ID + "person/y", "person", None)
    check_pair("not-same", person, other)  # a split of a person merged by name is allowed


def test_merge_and_not_same_record_full_iris_from_short_ids(
    store: GraphStore, log: JudgementLog
) -> None:
    outcome = judge(
        store, log, "same", "person/said-chengriha", "id:person/said-chanegriha", by="ana"
    )
    assert [j.ids for j in outcome.recorded] == [tuple(sorted([A, B]))]
    assert log.same_pairs() == [tuple(sorted([A, B]))]
    again = judge(store, log, "not-same", B, "person/said-chengriha", note="two men")
    assert [j.judgement for j in again.replaced] == ["same"]
    assert log.same_pairs() == [] and log.not_same_pairs() == [tuple(sorted([A, B]))]
    undo(store, log, "person/said-chengriha", "person/said-chanegriha")
    assert log.judgements() == []


def test_split_of_an_id_merged_with_nothing_is_refused(
    store: GraphStore, log: JudgementLog
) -> None:
    with pytest.raises(JudgementRefused, match="not merged with any other id"):
        split(store, log, "person/said-chengriha")
    assert _file(log) is None


def test_undo_of_a_pair_without_a_judgement_changes_nothing(
    store: GraphStore, log: JudgementLog
) -> None:
    log.record([Judgement((A, C), "not-same")])
    before = _file(log)
    with pytest.raises(NoJudgement):
        undo(store, log, "person/said-chengriha", "person/said-chanegriha")
    assert _file(log) == before


def test_merge_then_split_change_the_store_and_judgements_survive_reload(
    log: JudgementLog,
) -> None:
    graph_store = GraphStore(OxigraphStore())
    ingest_paths(graph_store, [CORPUS], judged=log)
    assert _people(graph_store) >= {A, B}

    merged = judge(graph_store, log, "same", A, "person/said-chanegriha", by="ana")
    assert merged.report is not None and merged.report.rewritten  # both stores re-pointed
    assert B in _people(graph_store) and A not in _people(graph_store)
    assert graph_store.rdf.merged_into(A) == [B]
    with pytest.raises(JudgementRefused, match="already one entity"):
        judge(graph_store, log, "same", A, "person/said-chanegriha")

    # reloading every article (and a retraction) keeps the judgement applied
    ingest_paths(graph_store, [CORPUS], judged=log)
    assert A not in _people(graph_store)

    outcome = split(graph_store, log, "person/said-chengriha", note="another general")
    assert [j.ids for j in outcome.recorded] == [tuple(sorted([A, B]))]
    assert {j.judgement for j in log.judgements()} == {"not-same"}
    assert _people(graph_store) >= {A, B}


def _people(store: GraphStore) -> set[str]:
    result = store.rdf.query(
        "SELECT DISTINCT ?p WHERE { GRAPH ?g "
        "{ ?p a <https://w3id.org/diplograph/ontology#Person> } }"
    )
    return {str(row[0]) for row in result.rows}  # type: ignore[union-attr]


@pytest.mark.neo4j
def test_a_judgement_survives_retraction_and_sync_in_both_stores(
    neo4j_connection: Neo4jConnection, clean_neo4j: Driver, neo4j_database: str, tmp_path: Path
) -> None:
    log = JudgementLog.for_data_dir(tmp_path)
    backends = open_backends(neo4j_backend_config(neo4j_connection, neo4j_database))
    try:
        ingest_paths(backends.store, [CORPUS], judged=log)
        judge(backends.store, log, "same", A, B)
        retract(backends.store, "map-2024-12-morocco-diplomacy", log)  # names neither of them
        reresolve(backends.store, log)  # what `diplograph sync` does before the rebuild
        backends.store.sync()
        rows = clean_neo4j.execute_query(
            "MATCH (n:Person) WHERE n.uri IN [$a, $b] RETURN n.uri AS uri, n.localIri AS former",
            a=A,
            b=B,
            database_=neo4j_database,
        ).records
        assert [(r["uri"], A in (r["former"] or [])) for r in rows] == [(B, True)]
        assert backends.store.rdf.merged_into(A) == [B]
    finally:
        backends.close()
