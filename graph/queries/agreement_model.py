"""What the agreement and influence queries answer (lists and details), backend-neutral."""

from __future__ import annotations

from dataclasses import dataclass

from graph.queries.model import Attribution, Concept, EntityRef, InfluenceInfo


@dataclass(frozen=True)
class AgreementSummary:
    """An agreement in a list."""

    uri: str
    id: str
    types: tuple[str, ...]
    title: str | None
    date_signed: str | None
    parties: tuple[EntityRef, ...]
    signatories: tuple[EntityRef, ...]
    areas: tuple[Concept, ...]


@dataclass(frozen=True)
class AgreementPage:
    """A page of agreements by date signed (undated last), then IRI."""

    total: int
    limit: int
    offset: int
    items: tuple[AgreementSummary, ...]
    included: tuple[EntityRef, ...] = ()
    """The subordinates (organisations, officials) the actor filters also matched."""


@dataclass(frozen=True)
class Signatory:
    """Who signed, on whose behalf, when."""

    uri: str
    signatory: EntityRef
    on_behalf_of: tuple[EntityRef, ...]
    date: str | None
    evidence: Attribution


@dataclass(frozen=True)
class CommitmentInfo:
    """One undertaking of an agreement."""

    uri: str
    kind: Concept | None
    area: Concept | None
    actors: tuple[EntityRef, ...]
    status: Concept | None
    due_date: str | None
    description: str | None
    evidence: Attribution


@dataclass(frozen=True)
class Body:
    """A body an agreement establishes (``meeting_frequency`` an ISO duration)."""

    entity: EntityRef
    meeting_frequency: str | None
    first_meeting: str | None


@dataclass(frozen=True)
class AgreementEvent:
    """An event about an agreement (``dg:concerns``): its signing, a meeting, its termination."""

    uri: str
    kind: Concept | None
    start: str | None
    end: str | None
    place: EntityRef | None
    participants: tuple[EntityRef, ...]
    description: str | None
    sources: tuple[str, ...]
    place_country: EntityRef | None = None
    """The country of ``place`` when it is a place (format 2), None otherwise."""


@dataclass(frozen=True)
class AgreementDetail:
    """An agreement with everything it says. Lists sorted by IRI (signatories by signatory
    IRI, commitments by IRI)."""

    summary: AgreementSummary
    place_signed: EntityRef | None
    legally_binding: bool | None
    negotiated_by: tuple[EntityRef, ...]
    negotiation_period: str | None
    signatures: tuple[Signatory, ...]
    commitments: tuple[CommitmentInfo, ...]
    bodies: tuple[Body, ...]
    evidence: Attribution
    sources: tuple[str, ...]
    events: tuple[AgreementEvent, ...] = ()
    """Events about the agreement, by start (undated last) then IRI."""
    place_signed_country: EntityRef | None = None
    """The country of ``place_signed`` when it is a place (format 2), None otherwise."""


@dataclass(frozen=True)
class InfluencePage:
    """A page of influences sorted by start (undated last), then IRI."""

    total: int
    limit: int
    offset: int
    items: tuple[InfluenceInfo, ...]
    included: tuple[EntityRef, ...] = ()
    """The subordinates (organisations, officials) the actor filters also matched."""
