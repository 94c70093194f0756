"""The ontology, the SKOS vocabularies and the typed namespace agree with each other."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib import namespace as ns

from ontology.namespace import DG, ONTOLOGY_IRI, VOCAB, concept, ontology_path, scheme_iri

ROOT = Path(__file__).parent.parent
CODE_DIRS = ("loaders", "graph", "api", "ontology")
TERM_TYPES = {ns.OWL.Class, ns.OWL.ObjectProperty, ns.OWL.DatatypeProperty, ns.RDFS.Datatype}
SCHEMES_USED_BY_LOADERS = (
    "area",
    "influence-kind",
    "organization-kind",
    "relation-kind",
    "event-kind",
    "commitment-kind",
    "commitment-status",
    "direction",
)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ontology_path("diplograph.ttl"), format="turtle")


@pytest.fixture(scope="module")
def vocabularies() -> Graph:
    return Graph().parse(ontology_path("vocabularies.ttl"), format="turtle")


def dg_members() -> set[str]:
    return set(DG.__annotations__)


def declared_terms(ontology: Graph) -> set[str]:
    prefix = str(DG._NS)
    return {
        str(s)[len(prefix) :]
        for s in ontology.subjects(ns.RDF.type, None)
        if str(s).startswith(prefix)
    }


@pytest.mark.parametrize("name", ["diplograph.ttl", "vocabularies.ttl", "shapes.ttl"])
def test_turtle_files_parse(name: str) -> None:
    assert len(Graph().parse(ontology_path(name), format="turtle")) > 10


def test_ontology_has_a_version_iri(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, ns.RDF.type, ns.OWL.Ontology) in ontology
    version = ontology.value(ONTOLOGY_IRI, ns.OWL.versionIRI)
    assert isinstance(version, URIRef)
    assert str(version).startswith(str(ONTOLOGY_IRI) + "/")
    assert ontology.value(ONTOLOGY_IRI, ns.OWL.versionInfo) is not None


def test_every_dg_member_is_declared_with_label_and_comment(ontology: Graph) -> None:
    missing = []
    for name in sorted(dg_members()):
        term = URIRef(f"{DG._NS}{name}")
        types = set(ontology.objects(term, ns.RDF.type))
        if not types & TERM_TYPES:
            missing.append(f"dg:{name} has no owl type")
        for prop in (ns.RDFS.label, ns.RDFS.comment):
            if ontology.value(term, prop) is None:
                missing.append(f"dg:{name} has no {prop.n3(ontology.namespace_manager)}")
    assert missing == []


def test_the_namespace_module_lists_exactly_the_ontology_terms(ontology: Graph) -> None:
    assert dg_members() == declared_terms(ontology)


def test_a_misspelled_term_fails() -> None:
    with pytest.raises(AttributeError):
        _ = DG.Contry


def test_every_dg_term_used_in_code_is_declared() -> None:
    members = dg_members()
    unknown = []
    for folder in CODE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for name in re.findall(r"\bDG\.([A-Za-z]\w*)", path.read_text(encoding="utf-8")):
                if name not in members:
                    unknown.append(f"{path.relative_to(ROOT)}: DG.{name}")
    assert unknown == []


def test_classes_and_properties_are_distinct_kinds(ontology: Graph) -> None:
    for name in dg_members():
        kinds = set(ontology.objects(URIRef(f"{DG._NS}{name}"), ns.RDF.type)) & TERM_TYPES
        assert len(kinds) == 1, name
        is_class = ns.OWL.Class in kinds
        assert is_class == name[0].isupper(), f"dg:{name}: classes are PascalCase"


def test_every_concept_is_well_described(vocabularies: Graph) -> None:
    for member in vocabularies.subjects(ns.SKOS.inScheme, None):
        scheme = vocabularies.value(member, ns.SKOS.inScheme)
        notation = str(vocabularies.value(member, ns.SKOS.notation))
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", notation), member
        assert member == URIRef(f"{scheme}/{notation}")
        assert vocabularies.value(member, ns.SKOS.prefLabel) is not None, member
        dg_types = [
            t for t in vocabularies.objects(member, ns.RDF.type) if str(t).startswith(DG._NS)
        ]
        assert len(dg_types) == 1, member


def test_notations_are_unique_per_scheme(vocabularies: Graph) -> None:
    pairs = Counter(
        (str(vocabularies.value(m, ns.SKOS.inScheme)), str(vocabularies.value(m, ns.SKOS.notation)))
        for m in vocabularies.subjects(ns.SKOS.inScheme, None)
    )
    assert [pair for pair, n in pairs.items() if n > 1] == []


@pytest.mark.parametrize("scheme", SCHEMES_USED_BY_LOADERS)
def test_schemes_used_by_the_loaders_exist(vocabularies: Graph, scheme: str) -> None:
    assert (scheme_iri(scheme), ns.RDF.type, ns.SKOS.ConceptScheme) in vocabularies
    assert scheme_iri(scheme).startswith(str(VOCAB))


def test_concept_helper() -> None:
    assert concept("area", "counterterrorism") == URIRef(
        "https://w3id.org/diplograph/vocab/area/counterterrorism"
    )
