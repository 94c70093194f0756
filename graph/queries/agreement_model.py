"""What the agreement and influence queries answer (lists and details), backend-neutral."""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.queries.lifecycle import Ending, Lifecycle, RoleInfo
from graph.queries.model import (
    NO_TIME,
    Attribution,
    Concept,
    EntityRef,
    FactLink,
    InfluenceInfo,
    ReactionInfo,
    TimeInfo,
)


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
    start: str | None = None
    end: str | None = None
    time: TimeInfo = NO_TIME


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
    start: str | None = None
    end: str | None = None
    time: TimeInfo = NO_TIME


@dataclass(frozen=True)
class Body:
    """A body an agreement establishes (``meeting_frequency`` an ISO duration)."""

    entity: EntityRef
    meeting_frequency: str | None
    first_meeting: str | None
    follow_up: bool | None = None
    """True on a follow-up (monitoring) body (format 2), None if not said."""


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
    time: TimeInfo = NO_TIME
    in_response_to: tuple[FactLink, ...] = ()
    """Format 2: the facts the event answers."""
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
    start: str | None = None
    end: str | None = None
    time: TimeInfo = NO_TIME
    lifecycle: Lifecycle = field(default_factory=Lifecycle)
    """Status, entry into force, expiry, duration (format 2)."""
    ended: tuple[Ending, ...] = ()
    """Its endings (``ended`` and plain termination/suspension/withdrawal/expiry events)."""
    roles: tuple[RoleInfo, ...] = ()
    """Roles played in it (mediator, guarantor…), by actor IRI; not parties."""
    reactions: tuple[ReactionInfo, ...] = ()
    """Format 2: reactions towards the agreement, by date (undated last) then IRI."""
    in_response_to: tuple[FactLink, ...] = ()
    """Format 2: the facts the agreement answers."""
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
