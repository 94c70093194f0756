"""Read the quads the step rules need from the RDF store (all of them, or around touched subjects).

``all_steps(reader)`` derives every step of the store (networkx view, full ``LINK`` rebuild);
``step_delta(reader, touched)`` recomputes only what an article load or retraction touched:
the facts it states, the facts whose evidence, post, influenced region or agreement it touched,
and the plain property steps (part-of, country, nationality) of its subjects.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from graph.queries.sparql import SparqlReader, iri_list
from graph.steps import DG_NS, RDF_TYPE, STEP_PREDICATES, FactIndex, Quad, Step, derive_steps
from ontology.namespace import DG

_PREDICATE_VALUES = " ".join(f"<{p}>" for p in sorted(STEP_PREDICATES))

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

AFFECTED_FACTS = f"""
SELECT DISTINCT ?f WHERE {{
  VALUES ?t {{ {{subjects}} }}
  {{ VALUES ?p {{ <{DG.evidence}> <{DG.post}> <{DG.influenced}> <{DG.agreement}> }}
    GRAPH ?g {{ ?f ?p ?t }} }}
  UNION {{ GRAPH ?g {{ ?t <{DG.agreement}> ?f }} }}
}}"""
"""Facts affected by touched subjects: through their evidence, post, region or agreement."""

PARTS_OF_AGREEMENTS = (
    "SELECT DISTINCT ?s WHERE { VALUES ?a { {subjects} } GRAPH ?g { ?s <"
    + str(DG.agreement)
    + "> ?a } }"
)
"""Signatures and commitments of some agreements."""

_FOLLOW_FROM_FACTS = frozenset(
    str(p)
    for p in (
        DG.party, DG.negotiatedBy, DG.establishes, DG.signatory, DG.onBehalfOf, DG.actor,
        DG.influencer, DG.influenced, DG.holder, DG.post, DG.participant, DG.relationSubject,
        DG.relationObject, DG.evidence, DG.agreement, DG.claimedBy, DG.postIn, DG.includes,
    )
)  # fmt: skip
"""Objects fetched next when reached from a fact, evidence, post or region."""
_FOLLOW_FROM_TOUCHED = frozenset(str(p) for p in (DG.partOf, DG.country, DG.nationality))
_EXPANDED_CLASSES = frozenset(
    str(c)
    for c in (
        DG.Agreement, DG.Signature, DG.Commitment, DG.Influence, DG.Tenure, DG.Event,
        DG.Relation, DG.Evidence, DG.Post, DG.Region,
    )
)  # fmt: skip
_BATCH = 400


@dataclass(frozen=True)
class StepDelta:
    """What to rewrite after a load or retraction.

    Drop every existing step whose ``via`` is in ``vias`` or that has no ``via`` and starts at a
    subject of ``plain_subjects``; then write ``steps``.
    """

    vias: tuple[str, ...]
    plain_subjects: tuple[str, ...]
    steps: tuple[Step, ...]


def all_quads(reader: SparqlReader) -> list[Quad]:
    """Every quad the step rules read, from every article graph."""
    return [_quad(row) for row in reader.select(ALL_QUADS)]


def all_steps(reader: SparqlReader) -> list[Step]:
    """Every step of the store, sorted by uri."""
    return derive_steps(all_quads(reader))


def _quad(row: dict[str, str | None]) -> Quad:
    """A quad from a solution with ?s ?p ?o ?g bound."""
    return (row["s"] or "", row["p"] or "", row["o"] or "", row["g"] or "")


def _chunks(items: list[str]) -> Iterable[list[str]]:
    """``items`` in batches small enough for a VALUES clause."""
    for start in range(0, len(items), _BATCH):
        yield items[start : start + _BATCH]


def _select_column(reader: SparqlReader, template: str, subjects: list[str], var: str) -> set[str]:
    """One column of ``template`` run over ``subjects`` in batches."""
    found: set[str] = set()
    for chunk in _chunks(subjects):
        for row in reader.select(template.replace("{subjects}", iri_list(chunk))):
            value = row.get(var)
            if value:
                found.add(value)
    return found


def subject_quads(reader: SparqlReader, subjects: Iterable[str]) -> list[Quad]:
    """The quads (step predicates and dg types only) of ``subjects``."""
    quads: list[Quad] = []
    for chunk in _chunks(sorted(set(subjects))):
        query = SUBJECT_QUADS.format(subjects=iri_list(chunk))
        for row in reader.select(query):
            quad = _quad(row)
            if quad[1] in STEP_PREDICATES or (quad[1] == RDF_TYPE and quad[2].startswith(DG_NS)):
                quads.append(quad)
    return quads


def affected_facts(reader: SparqlReader, touched: Iterable[str]) -> set[str]:
    """The touched subjects plus the facts whose steps they may change."""
    subjects = sorted(set(touched))
    found = set(subjects) | _select_column(reader, AFFECTED_FACTS, subjects, "f")
    return found | _select_column(reader, PARTS_OF_AGREEMENTS, sorted(found), "s")


def _next_subjects(quads: list[Quad], touched: set[str]) -> set[str]:
    """IRIs to fetch next: what facts, evidence, posts, regions and touched actors point to."""
    expanded = {s for s, p, o, _ in quads if p == RDF_TYPE and o in _EXPANDED_CLASSES}
    found = set()
    for s, p, o, _ in quads:
        if (s in expanded and p in _FOLLOW_FROM_FACTS) or (
            s in touched and p in _FOLLOW_FROM_TOUCHED
        ):
            found.add(o)
    return found


def closure_quads(reader: SparqlReader, start: set[str], touched: set[str]) -> list[Quad]:
    """Quads of ``start`` and of everything its facts reach (at most five rounds)."""
    quads: list[Quad] = []
    fetched: set[str] = set()
    pending = set(start)
    for _ in range(5):
        pending -= fetched
        if not pending:
            break
        fresh = subject_quads(reader, pending)
        fetched |= pending
        quads.extend(fresh)
        pending = _next_subjects(fresh, touched)
    return quads


def step_delta(reader: SparqlReader, touched: Iterable[str]) -> StepDelta:
    """The steps to rewrite after the subjects ``touched`` by a load or retraction changed."""
    subjects = {str(s) for s in touched}
    facts = affected_facts(reader, subjects)
    index = FactIndex(closure_quads(reader, facts | subjects, subjects))
    steps = [
        s
        for s in derive_steps(index)
        if (s.via is not None and s.via in facts) or (s.via is None and s.source in subjects)
    ]
    return StepDelta(tuple(sorted(facts)), tuple(sorted(subjects)), tuple(steps))
