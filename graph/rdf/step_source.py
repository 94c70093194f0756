"""A :class:`~graph.rules.step_reads.StepSource` that asks SPARQL SELECT queries.

For an RDF store reached only through SPARQL (a remote SPARQL 1.1 endpoint); the embedded store
is read through its indexes by ``graph.rules.step_reads.StoreSource``. Both give the same quads
(``tests/test_queries_links.py`` checks it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from graph.batching import chunks
from graph.rdf.reader import SparqlReader, iri_list
from graph.rules.fact_index import RDF_TYPE, Quad
from graph.rules.step_reads import is_step_quad
from graph.rules.steps import STEP_PREDICATES
from ontology.classes import DG_NS

_PREDICATE_VALUES = " ".join(f"<{p}>" for p in sorted(STEP_PREDICATES))
_BATCH = 400

ALL_QUADS = f"""
SELECT ?s ?p ?o ?g WHERE {{
  {{ VALUES ?p {{ {_PREDICATE_VALUES} }} GRAPH ?g {{ ?s ?p ?o }} }}
  UNION
  {{ GRAPH ?g {{ ?s <{RDF_TYPE}> ?o }} BIND(<{RDF_TYPE}> AS ?p)
     FILTER(STRSTARTS(STR(?o), "{DG_NS}")) }}
}}"""
"""Every quad the step rules read (dg types only for ``rdf:type``)."""

SUBJECT_QUADS = "SELECT ?s ?p ?o ?g WHERE {{ VALUES ?s {{ {subjects} }} GRAPH ?g {{ ?s ?p ?o }} }}"
"""Every quad of some subjects (filtered to the step predicates in Python)."""

REFERRERS = (
    "SELECT DISTINCT ?s WHERE { VALUES ?p { {predicates} } VALUES ?o { {objects} } "
    "GRAPH ?g { ?s ?p ?o } }"
)
"""Subjects pointing at some objects through some predicates."""

OBJECTS = (
    "SELECT DISTINCT ?o WHERE { VALUES ?p { {predicates} } VALUES ?s { {subjects} } "
    "GRAPH ?g { ?s ?p ?o } }"
)
"""Objects of some subjects through some predicates."""


def _quad(row: dict[str, str | None]) -> Quad:
    """A quad from a solution with ?s ?p ?o ?g bound."""
    return (row["s"] or "", row["p"] or "", row["o"] or "", row["g"] or "")


def subject_quads(reader: SparqlReader, subjects: Iterable[str]) -> list[Quad]:
    """The quads (step predicates and dg types only) of ``subjects``."""
    quads: list[Quad] = []
    for chunk in chunks(sorted(set(subjects)), _BATCH):
        query = SUBJECT_QUADS.format(subjects=iri_list(chunk))
        for row in reader.select(query):
            quad = _quad(row)
            if is_step_quad(quad[1], quad[2]):
                quads.append(quad)
    return quads


def referrers(reader: SparqlReader, predicates: Sequence[str], objects: Iterable[str]) -> set[str]:
    """Subjects of a quad whose predicate is one of ``predicates`` and object one of ``objects``."""
    found: set[str] = set()
    template = REFERRERS.replace("{predicates}", iri_list(predicates))
    for chunk in chunks(sorted(set(objects)), _BATCH):
        for row in reader.select(template.replace("{objects}", iri_list(chunk))):
            value = row.get("s")
            if value:
                found.add(value)
    return found


def objects(reader: SparqlReader, subjects: Iterable[str], predicates: Sequence[str]) -> set[str]:
    """Objects (as text) of a quad whose subject is one of ``subjects``, predicate one of
    ``predicates``."""
    found: set[str] = set()
    template = OBJECTS.replace("{predicates}", iri_list(predicates))
    for chunk in chunks(sorted(set(subjects)), _BATCH):
        for row in reader.select(template.replace("{subjects}", iri_list(chunk))):
            value = row.get("o")
            if value is not None:
                found.add(value)
    return found


class SparqlSource:
    """A :class:`StepSource` asking SPARQL SELECT queries (any store, or a SPARQL endpoint)."""

    def __init__(self, reader: SparqlReader) -> None:
        self.reader = reader

    def quads(self, subjects: Iterable[str]) -> list[Quad]:
        """See :class:`StepSource`."""
        return subject_quads(self.reader, subjects)

    def referrers(self, predicates: Sequence[str], objects: Iterable[str]) -> set[str]:
        """See :class:`StepSource`."""
        return referrers(self.reader, predicates, objects)

    def objects(self, subjects: Iterable[str], predicates: Sequence[str]) -> set[str]:
        """See :class:`StepSource`."""
        return objects(self.reader, subjects, predicates)

    def all_quads(self) -> list[Quad]:
        """See :class:`StepSource`."""
        return [_quad(row) for row in self.reader.select(ALL_QUADS)]
