"""The undo journal and the stale-projection marker (``graph/journal.py``) and their use by the
stores; the crashes themselves are in ``tests/test_crash_replace.py``."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from graph.errors import StoreUnavailable
from graph.journal import STALE_FILE, UNDO_FILE, StaleMarker, UndoJournal
from graph.model import GraphSnapshot
from graph.rdf.store import BULK_THRESHOLD, OxigraphStore
from graph.writer import GraphStore
from tests.storeutil import algeria_russia, nquads_lines, us_algeria

A1, A2 = us_algeria(), algeria_russia()


def test_the_journal_gives_back_what_it_was_given(tmp_path: Path) -> None:
    snapshot = GraphSnapshot(
        {
            "http://e/a": b'<http://e/s> <http://e/p> "x\\ty" .\n',
            "http://e/b": None,
            "http://e/c": b"",
        }
    )
    journal = UndoJournal(tmp_path)
    assert journal.read() is None
    journal.write(snapshot)
    assert journal.read() == snapshot
    assert dict(journal.read().graphs) == dict(snapshot.graphs)  # type: ignore[union-attr]
    journal.clear()
    assert journal.read() is None and not (tmp_path / UNDO_FILE).exists()


@pytest.mark.parametrize("cut", [5, 30, -3])
def test_a_damaged_journal_is_refused_clearly(tmp_path: Path, cut: int) -> None:
    UndoJournal(tmp_path).write(GraphSnapshot({"http://e/a": b"<http://e/s> <http://e/p> 1 .\n"}))
    path = tmp_path / UNDO_FILE
    path.write_bytes(path.read_bytes()[:cut])
    with pytest.raises(StoreUnavailable, match=r"undo journal .* is damaged"):
        UndoJournal(tmp_path).read()


def test_opening_a_store_with_a_journal_puts_the_graphs_back(tmp_path: Path) -> None:
    """As after a crash in the middle of a bulk load: the journal holds the former content."""
    store = OxigraphStore(tmp_path / "rdf")
    store.replace_graphs({str(A1.iri): A1.graph})
    before = nquads_lines(store.dump())
    UndoJournal(tmp_path / "rdf").write(store.snapshot([str(A1.iri), str(A2.iri)]))
    store.drop_graphs([str(A1.iri)])  # the load had dropped A1 and written part of A2
    partial = Graph()
    partial.add(next(iter(A2.graph)))
    store.replace_graphs({str(A2.iri): partial})
    store.flush()
    del store
    again = OxigraphStore(tmp_path / "rdf")
    assert nquads_lines(again.dump()) == before
    assert not (tmp_path / "rdf" / UNDO_FILE).exists()


def _big(iri: str, triples: int, tag: str) -> Graph:
    graph = Graph()
    for number in range(triples):
        graph.add((URIRef(f"{iri}/s{number}"), URIRef("http://e/p"), Literal(f"{tag}{number}")))
    return graph


def test_a_bulk_replacement_leaves_no_journal_and_the_new_content(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "rdf")
    store.replace_graphs({"http://e/g": _big("http://e/g", 100, "old")})
    new = _big("http://e/g", BULK_THRESHOLD + 1, "new")
    store.replace_graphs({"http://e/g": new})
    assert store.counts().triples == len(new)
    assert not (tmp_path / "rdf" / UNDO_FILE).exists()


def test_a_write_without_projection_marks_a_projection_stale(tmp_path: Path) -> None:
    """A projection of this data dir (Neo4j configured later) is behind: the marker stays."""
    marker = StaleMarker(tmp_path)
    store = GraphStore(OxigraphStore(tmp_path / "rdf"), marker=marker)
    assert not marker.present
    store.load_graphs({str(A1.iri): A1.graph})
    assert (tmp_path / STALE_FILE).exists()
    assert StaleMarker(tmp_path).present
    assert not store.projection_stale  # no projection here to be stale
    marker.clear()
    assert not (tmp_path / STALE_FILE).exists() and not StaleMarker(tmp_path).present
