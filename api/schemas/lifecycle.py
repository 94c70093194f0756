"""Agreement lifecycle and roles in the API answers (format 2): roles, endings."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.schemas.common import ApiModel, AttributionOut, ConceptOut, EntityOut
from graph.queries.lifecycle import Ending, RoleInfo
from graph.queries.refs import short_id
from ontology.lifecycle import EndingHow

__all__ = ["EndingOut", "RoleOut"]


class RoleOut(ApiModel):
    """An actor's role in an agreement or event (mediator, guarantor…): not a party."""

    id: str = Field(examples=["role/0dc6b7e0e03c8587"])
    actor: EntityOut
    role: ConceptOut | None = Field(description="a concept of the role scheme")
    evidence: AttributionOut
    sources: list[str] = Field(description="articles (IRIs) stating the role")

    @classmethod
    def of(cls, role: RoleInfo) -> RoleOut:
        """From a role."""
        return cls(
            id=short_id(role.uri),
            actor=EntityOut.of(role.actor),
            role=ConceptOut.maybe(role.role),
            evidence=AttributionOut.of(role.evidence),
            sources=list(role.sources),
        )


class EndingOut(ApiModel):
    """How the agreement ended or was suspended: an event concerning it."""

    id: str = Field(examples=["ending/1b703485374b009c"])
    how: EndingHow | None = Field(examples=["terminated"])
    kind: ConceptOut | None = Field(description="the event kind (termination, suspension…)")
    date: str | None = Field(examples=["2024-01-25"])
    by: list[EntityOut] = Field(description="who ended it, as the article says (`ended.by`)")
    participants: list[EntityOut] = Field(
        description="participants of a plain event (not said to have ended it)"
    )
    effect: str | None = Field(examples=["immediate"])
    description: str | None
    evidence: AttributionOut
    sources: list[str]
    written_as: Literal["ended", "event"] = Field(
        description="`ended`: the agreement's `ended` key; `event`: a plain event about it"
    )

    @classmethod
    def of(cls, ending: Ending) -> EndingOut:
        """From an ending."""
        return cls(
            id=short_id(ending.uri),
            how=ending.how,
            kind=ConceptOut.maybe(ending.kind),
            date=ending.date,
            by=[EntityOut.of(e) for e in ending.by],
            participants=[EntityOut.of(e) for e in ending.participants],
            effect=ending.effect,
            description=ending.description,
            evidence=AttributionOut.of(ending.evidence),
            sources=list(ending.sources),
            written_as=ending.written_as,
        )
