"""Batches: all-or-nothing by default, keep-going on request, one article id per batch; the
reference example loads and passes SHACL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib import namespace as ns

from api.ingest import ingest_paths
from graph.model import Lit
from graph.rdf.store import OxigraphStore
from graph.writer import GraphStore
from loaders import (
    BatchError,
    EntityIndex,
    load_factsheet,
    load_paths,
    shacl_problems,
)
from ontology.namespace import DG, ID, concept

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"
GOOD = FIXTURES / "good.yaml"
BAD = FIXTURES / "bad"
EXAMPLE = Path(__file__).parent.parent / "examples" / "us-algeria-mou.yaml"


def test_all_or_nothing_reports_every_bad_file() -> None:
    paths = [GOOD, BAD / "unknown-entity.yaml", BAD / "unknown-slug.yaml"]
    with pytest.raises(BatchError) as caught:
        load_paths(paths, EntityIndex())
    error = caught.value
    assert sorted(error.failed) == sorted(str(p) for p in paths[1:])
    assert {p.file for p in error.problems} == {str(p) for p in paths[1:]}
    assert "unknown entity 'dzaa'" in str(error)


def test_keep_going_returns_the_good_articles_and_the_problems() -> None:
    paths = [BAD / "malformed.yaml", GOOD]
    result = load_paths(paths, EntityIndex(), keep_going=True)
    assert [a.iri for a in result.articles] == [ID["article/test-us-algeria"]]
    assert list(result.failed) == [str(BAD / "malformed.yaml")]
    assert result.problems[0].message.startswith("malformed YAML")
    assert [w.path for w in result.warnings] == ["agreements[0].areas[2]"]


def test_the_same_article_twice_in_a_batch_is_an_error(tmp_path: Path) -> None:
    copy = tmp_path / "copy.yaml"
    shutil.copy(GOOD, copy)
    with pytest.raises(BatchError) as caught:
        load_paths([GOOD, copy], EntityIndex())
    (problem,) = caught.value.problems
    assert problem.file == str(copy)
    assert problem.line == 2  # the `article:` mapping
    assert problem.message == (
        f"article 'test-us-algeria' is loaded twice in this batch (also {GOOD})"
    )


def test_directories_are_expanded(tmp_path: Path) -> None:
    shutil.copy(GOOD, tmp_path / "a.yaml")
    (tmp_path / "README.md").write_text("not a fact sheet")
    result = load_paths([tmp_path], EntityIndex())
    assert len(result.articles) == 1


def test_a_later_file_resolves_against_an_earlier_one(tmp_path: Path) -> None:
    (tmp_path / "later.yaml").write_text(
        "article: {id: later}\n"
        "entities:\n"
        "  - {id: c, type: person, name: Chengriha}\n"
        "  - {id: a, type: organization, name: Africom}\n"
    )
    store = GraphStore(OxigraphStore())
    ingest_paths(store, [GOOD, tmp_path / "later.yaml"])
    later = {
        (q.subject, q.predicate, q.object) for q in store.rdf.graph_quads(f"{ID}article/later")
    }
    assert (str(ID["person/said-chanegriha"]), str(DG.name), Lit("Chengriha")) in later
    organization = (
        str(ID["organization/us-africa-command"]),
        str(ns.RDF.type),
        str(DG.Organization),
    )
    assert organization in later


# ---------------------------------------------------------------- the reference example


def test_reference_example_loads_and_passes_shacl() -> None:
    article = load_factsheet(EXAMPLE, EntityIndex(), shacl=False)
    assert shacl_problems(article.graph, article.source, article.origins) == []
    assert article.iri == ID["article/defensescoop-2025-01-us-algeria-mou"]
    graph = article.graph
    (mou,) = graph.subjects(ns.RDF.type, DG.MOU)
    assert set(graph.objects(mou, DG.party)) == {ID["country/USA"], ID["country/DZA"]}
    for area in ("maritime-search-and-rescue", "counterterrorism"):
        assert (mou, DG.coversArea, concept("area", area)) in graph
    (langley_signs,) = graph.subjects(DG.signatory, ID["person/michael-langley"])
    assert (langley_signs, DG.onBehalfOf, ID["country/USA"]) in graph
    (jmc,) = graph.objects(mou, DG.establishes)
    assert (jmc, DG.meetingFrequency, Literal("P1Y", datatype=ns.XSD.duration)) in graph
    assert (ID["country/SUN"], DG.historic, Literal(True)) in graph


def test_reference_example_is_deterministic() -> None:
    load_factsheet(EXAMPLE, EntityIndex())  # warm caches (vocabularies, shapes, pycountry)
    first = load_factsheet(EXAMPLE, EntityIndex())
    second = load_factsheet(EXAMPLE, EntityIndex())
    assert set(first.graph) == set(second.graph)
