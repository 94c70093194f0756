"""What a step is: the relations, the facts and predicates the rules read, the inference rules,
:class:`Step` and its IRI. How facts become steps is :mod:`graph.rules.steps`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from graph.rules.fact_index import Evidence
from ontology.dates import first_day, last_day
from ontology.namespace import DG, ID

FACT_CLASSES = frozenset(
    str(c)
    for c in (
        DG.Agreement,
        DG.Signature,
        DG.Commitment,
        DG.Influence,
        DG.Tenure,
        DG.Event,
        DG.Relation,
        DG.Role,
        DG.AgreementEnding,
        DG.Reaction,
    )
)
PLAIN_PREDICATES = {
    str(DG.partOf): "part-of",
    str(DG.country): "country",
    str(DG.nationality): "nationality",
    str(DG.member): "member",
}
"""Direct actor → actor properties that are steps of their own (``via`` is None)."""

RELATIONS = (
    "agreement",
    "signature",
    "commitment",
    "influence",
    "tenure",
    "event",
    "relation",
    "part-of",
    "country",
    "nationality",
    "role",
    "ended",
    "reaction",
    "member",
)
"""Relation kinds; ``relation`` stands for every ``relation:<notation>``, ``role`` for every
``role:<notation>``."""

PREFIXED_RELATIONS = ("relation", "role")
"""Families of relation kinds spelt ``<family>:<notation>`` (``relation:ruled``,
``role:mediator``); the family name alone stands for all of them in filters."""

SYMMETRIC_RELATIONS = frozenset(("agreement", "commitment", "event"))

REGION_MEMBERSHIP = "region-membership"
INFERENCE_RULES = {
    REGION_MEMBERSHIP: "an influence on a region stands for an influence on each country the "
    "region includes (influencer → member country); a relation with a region likewise "
    "stands for the relation with each country the region includes",
}
"""Every rule producing inferred steps, by name (docs/data-model.md states them)."""
"""Relations whose steps have no direction: their endpoints are ordered by IRI."""

STEP_PREDICATES = frozenset(
    str(p)
    for p in (
        DG.party, DG.negotiatedBy, DG.establishes, DG.dateSigned, DG.agreement, DG.signatory,
        DG.onBehalfOf, DG.date, DG.actor, DG.commitmentKind, DG.dueDate, DG.influencer,
        DG.influenced, DG.influenceKind, DG.includes, DG.holder, DG.post, DG.postIn,
        DG.participant, DG.eventKind, DG.relationSubject, DG.relationObject, DG.relationKind,
        DG.startDate, DG.endDate, DG.evidence, DG.quote, DG.inArticle, DG.claimant,
        DG.claimedBy, DG.name, DG.partOf, DG.country, DG.nationality, DG.member, DG.holds,
        DG.pointInTime, DG.roleIn, DG.roleActor, DG.role, DG.endedBy, DG.concerns,
        DG.reactor, DG.towards, DG.stance,
    )
)  # fmt: skip
"""Predicates (besides ``rdf:type``) whose quads the step rules read."""


@dataclass(frozen=True)
class Step:
    """One fact connecting two actors (see the module docstring for the rules)."""

    uri: str
    source: str
    target: str
    relation: str
    via: str | None
    kind: str | None
    start: str | None
    end: str | None
    sources: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    rule: str | None = None
    """The inference rule that produced the step (see :data:`INFERENCE_RULES`); None when an
    article states the fact between these two actors."""

    @property
    def inferred(self) -> bool:
        """Whether the step is inferred rather than stated."""
        return self.rule is not None

    @property
    def start_key(self) -> str | None:
        """First day of ``start`` (``2025`` → ``2025-01-01``), for comparisons."""
        return first_day(self.start)

    @property
    def end_key(self) -> str | None:
        """Last day of ``end`` (``2025-02`` → ``2025-02-28``), for comparisons."""
        return last_day(self.end)

    @property
    def directed(self) -> bool:
        """False for a symmetric fact (agreement, commitment, event): source and target are
        only ordered by IRI."""
        return self.relation not in SYMMETRIC_RELATIONS

    def other(self, actor: str) -> str:
        """The endpoint that is not ``actor``."""
        return self.target if actor == self.source else self.source


# ------------------------------------------------------------------------------------- dates


# ------------------------------------------------------------------------------------- steps


def step_uri(via: str | None, source: str, target: str, relation: str) -> str:
    """Deterministic IRI of a step: a hash of its fact, endpoints and relation."""
    key = "\x1f".join((via or "", source, target, relation))
    return f"{ID}link/{hashlib.sha256(key.encode()).hexdigest()[:32]}"


def notation(iri: str | None) -> str | None:
    """The notation of a concept IRI: its last path segment (``…/relation-kind/ruled``)."""
    if iri is None:
        return None
    return iri.rstrip("/").rsplit("/", 1)[-1]
