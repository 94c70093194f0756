"""Agreements (parties, signatories and on whose behalf, areas, commitments, bodies) and
influences."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.schemas.common import (
    AS_OF,
    AS_OF_SOURCE,
    MOU_ID,
    MOU_TITLE,
    WHEN,
    ApiModel,
    AttributionOut,
    ConceptOut,
    EntityOut,
    PageOut,
    time_fields,
)
from api.schemas.entities import InfluenceOut
from api.schemas.lifecycle import EndingOut, RoleOut
from api.schemas.reactions import FactLinkOut, ReactionOut
from graph.queries.agreement_model import (
    AgreementDetail,
    AgreementEvent,
    AgreementPage,
    AgreementSummary,
    Body,
    CommitmentInfo,
    InfluencePage,
    Signatory,
)
from graph.queries.refs import short_id

__all__ = [
    "AgreementDetailOut",
    "AgreementList",
    "AgreementSummaryOut",
    "BodyOut",
    "CommitmentOut",
    "InfluenceList",
    "SignatureOut",
]


class AgreementSummaryOut(ApiModel):
    """An agreement in a list."""

    id: str = Field(description="agreement id (`/agreements/{id}`)", examples=[MOU_ID])
    uri: str = Field(examples=["https://w3id.org/diplograph/id/agreement/6adbefced86e5f19"])
    types: list[str] = Field(examples=[["Agreement", "MOU"]])
    title: str | None = Field(examples=[MOU_TITLE])
    date_signed: str | None = Field(examples=["2025-01-22"])
    parties: list[EntityOut]
    signatories: list[EntityOut]
    areas: list[ConceptOut] = Field(description="cooperation areas covered")

    @classmethod
    def of(cls, item: AgreementSummary) -> AgreementSummaryOut:
        """From an agreement summary."""
        return cls(
            id=item.id,
            uri=item.uri,
            types=list(item.types),
            title=item.title,
            date_signed=item.date_signed,
            parties=[EntityOut.of(p) for p in item.parties],
            signatories=[EntityOut.of(s) for s in item.signatories],
            areas=[ConceptOut.of(a) for a in item.areas],
        )


class AgreementList(PageOut):
    """A page of agreements by date signed (undated last)."""

    items: list[AgreementSummaryOut]
    included: list[EntityOut] = Field(
        description="with include=subordinates: the organisations and officials of the actors "
        "asked for that the filters also matched"
    )

    @classmethod
    def of(cls, page: AgreementPage) -> AgreementList:
        """From an agreement page."""
        return cls(
            items=[AgreementSummaryOut.of(a) for a in page.items],
            included=[EntityOut.of(e) for e in page.included],
            **PageOut.fields(page.total, page.limit, page.offset),
        )


class SignatureOut(ApiModel):
    """Who signed, on whose behalf, when, and the evidence."""

    id: str = Field(examples=["signature/0c5e1f2a3b4d5e6f"])
    signatory: EntityOut
    on_behalf_of: list[EntityOut]
    date: str | None = Field(examples=["2025-01-22"])
    evidence: AttributionOut
    start: str | None = Field(default=None, examples=[None])
    end: str | None = Field(default=None, examples=[None])
    when: str | None = WHEN
    as_of: str | None = AS_OF
    as_of_source: Literal["sheet", "article"] | None = AS_OF_SOURCE

    @classmethod
    def of(cls, item: Signatory) -> SignatureOut:
        """From a signature."""
        return cls(
            id=short_id(item.uri),
            signatory=EntityOut.of(item.signatory),
            on_behalf_of=[EntityOut.of(o) for o in item.on_behalf_of],
            date=item.date,
            evidence=AttributionOut.of(item.evidence),
            start=item.start,
            end=item.end,
            **time_fields(item.time),
        )


class CommitmentOut(ApiModel):
    """One undertaking of an agreement and its status."""

    id: str = Field(examples=["commitment/e0e27701e6df5b73"])
    kind: ConceptOut | None
    area: ConceptOut | None
    actors: list[EntityOut]
    status: ConceptOut | None = Field(description="agreed, planned, to-be-explored, ongoing…")
    due_date: str | None = Field(examples=[None])
    description: str | None = Field(
        examples=["The MOU instructs both sides to start meeting on foreign military sales."]
    )
    evidence: AttributionOut
    start: str | None = Field(default=None, examples=[None])
    end: str | None = Field(default=None, examples=[None])
    when: str | None = WHEN
    as_of: str | None = AS_OF
    as_of_source: Literal["sheet", "article"] | None = AS_OF_SOURCE

    @classmethod
    def of(cls, item: CommitmentInfo) -> CommitmentOut:
        """From a commitment."""
        return cls(
            id=short_id(item.uri),
            kind=ConceptOut.maybe(item.kind),
            area=ConceptOut.maybe(item.area),
            actors=[EntityOut.of(a) for a in item.actors],
            status=ConceptOut.maybe(item.status),
            due_date=item.due_date,
            description=item.description,
            evidence=AttributionOut.of(item.evidence),
            start=item.start,
            end=item.end,
            **time_fields(item.time),
        )


class BodyOut(ApiModel):
    """A body the agreement establishes."""

    entity: EntityOut
    meeting_frequency: str | None = Field(description="ISO 8601 duration", examples=["P1Y"])
    first_meeting: str | None = Field(examples=["2025"])
    follow_up: bool | None = Field(
        default=None, description="true on a follow-up (monitoring) body", examples=[True]
    )

    @classmethod
    def of(cls, body: Body) -> BodyOut:
        """From an established body."""
        return cls(
            entity=EntityOut.of(body.entity),
            meeting_frequency=body.meeting_frequency,
            first_meeting=body.first_meeting,
            follow_up=body.follow_up,
        )


class AgreementEventOut(ApiModel):
    """An event about the agreement (its signing, a meeting, its termination…)."""

    id: str = Field(examples=["event/5f1c0e"])
    kind: ConceptOut | None
    start: str | None = Field(examples=["2025-01-22"])
    end: str | None = Field(examples=[None])
    place: EntityOut | None
    participants: list[EntityOut]
    description: str | None
    sources: list[str]
    when: str | None = WHEN
    as_of: str | None = AS_OF
    as_of_source: Literal["sheet", "article"] | None = AS_OF_SOURCE
    in_response_to: list[FactLinkOut] = Field(
        default=[], description="format 2: the facts this event answers"
    )
    place_country: EntityOut | None = Field(
        default=None, description="the country of `place` when it is a city or site"
    )

    @classmethod
    def of(cls, event: AgreementEvent) -> AgreementEventOut:
        """From an agreement event."""
        return cls(
            id=short_id(event.uri),
            kind=ConceptOut.maybe(event.kind),
            start=event.start,
            end=event.end,
            place=EntityOut.of(event.place) if event.place else None,
            participants=[EntityOut.of(p) for p in event.participants],
            description=event.description,
            sources=list(event.sources),
            **time_fields(event.time),
            in_response_to=FactLinkOut.all(event.in_response_to),
            place_country=EntityOut.of(event.place_country) if event.place_country else None,
        )


class AgreementDetailOut(AgreementSummaryOut):
    """An agreement with everything the articles say about it."""

    place_signed: EntityOut | None
    legally_binding: bool | None = Field(examples=[False])
    negotiated_by: list[EntityOut]
    negotiation_period: str | None = Field(examples=["P2Y"])
    signatures: list[SignatureOut] = Field(description="who signed on whose behalf")
    commitments: list[CommitmentOut]
    bodies: list[BodyOut] = Field(description="bodies it establishes")
    evidence: AttributionOut
    sources: list[str] = Field(description="articles (IRIs) reporting the agreement")
    events: list[AgreementEventOut] = Field(
        description="events about it (signing, meetings, termination), by start date"
    )
    start: str | None = Field(default=None, examples=["2015-05-15"])
    end: str | None = Field(default=None, examples=[None])
    when: str | None = WHEN
    as_of: str | None = AS_OF
    as_of_source: Literal["sheet", "article"] | None = AS_OF_SOURCE
    status: ConceptOut | None = Field(
        default=None, description="where it stands (agreement-status scheme), as reported"
    )
    entry_into_force: str | None = Field(default=None, examples=["2015-06-20"])
    expires: str | None = Field(default=None, examples=["2030"])
    duration: str | None = Field(default=None, description="ISO 8601", examples=["P5Y"])
    ended: list[EndingOut] = Field(
        default=[], description="how it ended or was suspended (`ended` and plain events)"
    )
    roles: list[RoleOut] = Field(
        default=[], description="mediators, guarantors, witnesses… (not parties)"
    )
    reactions: list[ReactionOut] = Field(
        default=[], description="format 2: reactions towards it, by date (undated last)"
    )
    in_response_to: list[FactLinkOut] = Field(
        default=[], description="format 2: the facts this agreement answers"
    )
    place_signed_country: EntityOut | None = Field(
        default=None, description="the country of `place_signed` when it is a city or site"
    )

    @classmethod
    def of_detail(cls, detail: AgreementDetail) -> AgreementDetailOut:
        """From an agreement detail."""
        summary = AgreementSummaryOut.of(detail.summary)
        return cls(
            **dict(summary),
            place_signed=EntityOut.of(detail.place_signed) if detail.place_signed else None,
            legally_binding=detail.legally_binding,
            negotiated_by=[EntityOut.of(n) for n in detail.negotiated_by],
            negotiation_period=detail.negotiation_period,
            signatures=[SignatureOut.of(s) for s in detail.signatures],
            commitments=[CommitmentOut.of(c) for c in detail.commitments],
            bodies=[BodyOut.of(b) for b in detail.bodies],
            evidence=AttributionOut.of(detail.evidence),
            sources=list(detail.sources),
            events=[AgreementEventOut.of(e) for e in detail.events],
            start=detail.start,
            end=detail.end,
            **time_fields(detail.time),
            status=ConceptOut.maybe(detail.lifecycle.status),
            entry_into_force=detail.lifecycle.entry_into_force,
            expires=detail.lifecycle.expires,
            duration=detail.lifecycle.duration,
            ended=[EndingOut.of(e) for e in detail.ended],
            roles=[RoleOut.of(r) for r in detail.roles],
            reactions=ReactionOut.all(detail.reactions),
            in_response_to=FactLinkOut.all(detail.in_response_to),
            place_signed_country=(
                EntityOut.of(detail.place_signed_country) if detail.place_signed_country else None
            ),
        )


class InfluenceList(PageOut):
    """A page of influences by start (undated last)."""

    items: list[InfluenceOut]
    included: list[EntityOut] = Field(
        description="with include=subordinates: the organisations and officials of the actors "
        "asked for that the filters also matched"
    )

    @classmethod
    def of(cls, page: InfluencePage) -> InfluenceList:
        """From an influence page."""
        return cls(
            items=[InfluenceOut.of(i) for i in page.items],
            included=[EntityOut.of(e) for e in page.included],
            **PageOut.fields(page.total, page.limit, page.offset),
        )
