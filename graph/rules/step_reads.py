"""Read the quads the step rules need from the RDF store (all of them, or around touched subjects).

``all_steps(reader)`` derives every step of the store (networkx view, full ``LINK`` rebuild);
``step_delta(source, touched)`` recomputes only what an article load or retraction touched:
the facts it states, the facts whose evidence, post, influenced region or agreement it touched,
and the plain property steps (part-of, country, nationality) of its subjects.

A delta reads the store through a :class:`StepSource`: the quads of some subjects, and the
subjects pointing at some objects. :class:`StoreSource` reads ``RDFStore.subject_quads`` — which
a load has just called for the same subjects (the projection) and may answer from its cache —
and looks referrers up in the store's indexes; ``graph.rdf.step_source.SparqlSource`` asks
SPARQL SELECT queries instead (for a store reached only through SPARQL).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from graph.model import BNode, Lit, QuadRow, RDFStore
from graph.rules.fact_index import RDF_TYPE, FactIndex, Quad
from graph.rules.steps import STEP_PREDICATES, Step, derive_steps
from ontology.classes import DG_NS
from ontology.namespace import DG

AFFECTING = tuple(
    str(p)
    for p in (
        DG.evidence,
        DG.post,
        DG.influenced,
        DG.agreement,
        DG.relationSubject,
        DG.relationObject,
        DG.roleIn,
        DG.concerns,
        DG.towards,
    )
)
"""A fact pointing at a touched subject through these may change: its evidence, the post of a
tenure, the influenced region of an influence or the region a relation names (its countries),
the agreement of a signature or commitment, the agreement or event of a role, the agreement an
ending concerns (their parties are its ends), the fact a reaction is towards (its actors are the
reaction's targets)."""
AGREEMENT, HOLDS = str(DG.agreement), str(DG.holds)

_FOLLOW_FROM_FACTS = frozenset(
    str(p)
    for p in (
        DG.party, DG.negotiatedBy, DG.establishes, DG.signatory, DG.onBehalfOf, DG.actor,
        DG.influencer, DG.influenced, DG.holder, DG.post, DG.participant, DG.relationSubject,
        DG.relationObject, DG.evidence, DG.agreement, DG.claimedBy, DG.postIn, DG.includes,
        DG.roleIn, DG.roleActor, DG.endedBy, DG.concerns, DG.reactor, DG.towards,
    )
)  # fmt: skip
"""Objects fetched next when reached from a fact, evidence, post or region."""
_FOLLOW_FROM_TOUCHED = frozenset(
    str(p) for p in (DG.partOf, DG.country, DG.nationality, DG.member, DG.holds)
)
_EXPANDED_CLASSES = frozenset(
    str(c)
    for c in (
        DG.Agreement, DG.Signature, DG.Commitment, DG.Influence, DG.Tenure, DG.Event,
        DG.Relation, DG.Evidence, DG.Post, DG.Region, DG.Role, DG.Reaction,
    )
)  # fmt: skip


@dataclass(frozen=True)
class StepDelta:
    """What to rewrite after a load or retraction.

    Drop every existing step whose ``via`` is in ``vias`` or that has no ``via`` and starts at a
    subject of ``plain_subjects``; then write ``steps``.
    """

    vias: tuple[str, ...]
    plain_subjects: tuple[str, ...]
    steps: tuple[Step, ...]


def all_steps(source: StepSource) -> list[Step]:
    """Every step of the store, sorted by uri."""
    return derive_steps(source.all_quads())


def is_step_quad(predicate: str, obj: str) -> bool:
    """Whether the step rules read a quad (step predicates, ``dg:`` types)."""
    return predicate in STEP_PREDICATES or (predicate == RDF_TYPE and obj.startswith(DG_NS))


def _text(term: str | BNode | Lit) -> str:
    """A store term as :class:`SparqlReader` writes it (IRI, lexical form, ``_:id``)."""
    if isinstance(term, str):
        return term
    if isinstance(term, Lit):
        return term.value
    return f"_:{term.id}"


def step_quads(rows: Iterable[QuadRow]) -> list[Quad]:
    """The quads of ``rows`` the step rules read, as :func:`subject_quads` gives them."""
    quads: list[Quad] = []
    for subject, predicate, obj, graph in rows:
        if predicate in STEP_PREDICATES:
            quads.append((_text(subject), predicate, _text(obj), graph))
        elif predicate == RDF_TYPE and isinstance(obj, str) and obj.startswith(DG_NS):
            quads.append((_text(subject), predicate, obj, graph))
    return quads


# ---------------------------------------------------------------------- sources


class StepSource(Protocol):
    """What :func:`step_delta` reads."""

    def quads(self, subjects: Iterable[str]) -> list[Quad]:
        """The step quads (step predicates and ``dg:`` types) of ``subjects``, every graph."""
        ...

    def referrers(self, predicates: Sequence[str], objects: Iterable[str]) -> set[str]:
        """Subjects stating ``(s p o)`` for a ``p`` of ``predicates``, an ``o`` of ``objects``."""
        ...

    def objects(self, subjects: Iterable[str], predicates: Sequence[str]) -> set[str]:
        """Objects (as text) stated by ``(s p o)`` for an ``s`` of ``subjects``, a ``p`` of
        ``predicates``."""
        ...

    def all_quads(self) -> list[Quad]:
        """Every step quad of the store."""
        ...


class StoreSource:
    """A :class:`StepSource` over an :class:`RDFStore`'s ``subject_quads`` (see the module)."""

    def __init__(self, store: RDFStore) -> None:
        self.store = store

    def quads(self, subjects: Iterable[str]) -> list[Quad]:
        """See :class:`StepSource`."""
        return step_quads(self.store.subject_quads(sorted(set(subjects))))

    def referrers(self, predicates: Sequence[str], objects: Iterable[str]) -> set[str]:
        """See :class:`StepSource`."""
        return self.store.referring_subjects(predicates, objects)

    def objects(self, subjects: Iterable[str], predicates: Sequence[str]) -> set[str]:
        """See :class:`StepSource`."""
        return {_text(o) for o in self.store.subject_objects(subjects, predicates)}

    def all_quads(self) -> list[Quad]:
        """See :class:`StepSource` (index scans of the step predicates)."""
        return step_quads(self.store.predicate_quads([*sorted(STEP_PREDICATES), RDF_TYPE]))


# ---------------------------------------------------------------------- delta


@dataclass(frozen=True)
class DeltaScope:
    """What a load or retraction recomputes: the touched subjects (their via-less steps) and
    the facts (their steps), see :func:`delta_scope`."""

    subjects: frozenset[str]
    facts: frozenset[str]


def delta_scope(source: StepSource, touched: Iterable[str]) -> DeltaScope:
    """The touched subjects, and the facts whose steps they may change: the touched subjects
    themselves, facts pointing at one through :data:`AFFECTING`, the agreements of touched
    signatures and commitments, then the signatures and commitments of every agreement found.

    Only index lookups: the quads of the subjects are not read (see :func:`delta_steps`).
    """
    subjects = {str(s) for s in touched}
    # a person known only by role steps to the actor of the post they hold: a touched post
    # touches them
    subjects |= source.referrers((HOLDS,), subjects)
    found = subjects | source.referrers(AFFECTING, subjects)
    found |= source.objects(subjects, (AGREEMENT,))
    # AFFECTING has dg:agreement: what points at the touched subjects through it is in already
    found |= source.referrers((AGREEMENT,), found - subjects)
    return DeltaScope(frozenset(subjects), frozenset(found))


def affected_facts(source: StepSource, touched: Iterable[str]) -> set[str]:
    """The touched subjects plus the facts whose steps they may change (:func:`delta_scope`)."""
    return set(delta_scope(source, touched).facts)


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


def closure_quads(source: StepSource, start: set[str], touched: set[str]) -> list[Quad]:
    """Quads of ``start`` and of everything its facts reach (at most five rounds)."""
    quads: list[Quad] = []
    fetched: set[str] = set()
    pending = set(start)
    for _ in range(5):
        pending -= fetched
        if not pending:
            break
        fresh = source.quads(pending)
        fetched |= pending
        quads.extend(fresh)
        pending = _next_subjects(fresh, touched)
    return quads


def delta_steps(source: StepSource, scope: DeltaScope) -> StepDelta:
    """The steps to rewrite for ``scope``: every step of its facts, and the via-less steps
    starting at its subjects, from the quads around them."""
    subjects, facts = set(scope.subjects), set(scope.facts)
    index = FactIndex(closure_quads(source, facts | subjects, subjects))
    steps = [
        s
        for s in derive_steps(index)
        if (s.via is not None and s.via in facts) or (s.via is None and s.source in subjects)
    ]
    return StepDelta(tuple(sorted(facts)), tuple(sorted(subjects)), tuple(steps))


def step_delta(source: StepSource, touched: Iterable[str]) -> StepDelta:
    """The steps to rewrite after the subjects ``touched`` by a load or retraction changed."""
    return delta_steps(source, delta_scope(source, touched))
