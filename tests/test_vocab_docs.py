"""The reference's vocabulary tables are generated from the SKOS schemes, and are complete."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from loaders import vocab_docs
from ontology.namespace import VOCAB, ontology_path


def _graph() -> Graph:
    return Graph().parse(ontology_path("vocabularies.ttl"), format="turtle")


def test_the_vocabularies_section_is_up_to_date() -> None:
    assert vocab_docs.current() == vocab_docs.render(), (
        "docs/fact-sheets.md ## Vocabularies is stale: run `python -m loaders.vocab_docs`"
    )


def test_every_concept_has_a_definition_and_a_label() -> None:
    graph = _graph()
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) > 90
    missing = sorted(
        str(c)
        for c in concepts
        if graph.value(c, SKOS.definition) is None or graph.value(c, SKOS.prefLabel) is None
    )
    assert missing == [], f"concepts without skos:definition or prefLabel: {missing}"


def test_every_scheme_says_what_it_is_for_and_where_it_is_written() -> None:
    graph = _graph()
    schemes = {
        str(s).removeprefix(str(VOCAB)) for s in graph.subjects(RDF.type, SKOS.ConceptScheme)
    }
    undefined = sorted(
        name for name in schemes if graph.value(VOCAB[name], SKOS.definition) is None
    )
    assert undefined == [], f"schemes without skos:definition: {undefined}"
    unused = sorted(schemes - set(vocab_docs.usages()))
    assert unused == [], f"schemes no example sheet uses (add one to examples/): {unused}"


def test_each_table_lists_every_notation_with_its_definition() -> None:
    section = vocab_docs.render()
    graph = _graph()
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        notation, definition = (
            graph.value(concept, SKOS.notation),
            graph.value(concept, SKOS.definition),
        )
        assert f"| `{notation}` |" in section
        assert str(definition) in section


def test_the_generator_rewrites_a_stale_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = vocab_docs.DOCS.read_text(encoding="utf-8")
    stale = fresh.replace("| `counterterrorism` |", "| `counter-terror` |")
    copy = tmp_path / "fact-sheets.md"
    copy.write_text(stale, encoding="utf-8")
    monkeypatch.setattr(vocab_docs, "DOCS", copy)
    assert vocab_docs.main(["--check"]) == 1
    assert vocab_docs.main([]) == 0
    assert vocab_docs.main(["--check"]) == 0
    assert stale != fresh
    assert copy.read_text(encoding="utf-8") == fresh
