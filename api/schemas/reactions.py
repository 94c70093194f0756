"""Format 2, facts about facts: reactions, the facts a fact answers, quantities on influences."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.schemas.common import (
    AS_OF,
    AS_OF_SOURCE,
    WHEN,
    ApiModel,
    AttributionOut,
    ConceptOut,
    EntityOut,
    time_fields,
)
from graph.queries.model import FactLink, QuantityInfo, ReactionInfo
from graph.queries.refs import short_id

__all__ = ["FactLinkOut", "QuantityOut", "ReactionList", "ReactionOut"]


class FactLinkOut(ApiModel):
    """A fact pointed at: its id when it is a fact of the store, else the reference as written."""

    id: str | None = Field(description="fact id (`agreement/…`, `event/…`)", examples=["event/1"])
    uri: str | None
    ref: str | None = Field(
        description="another article's `article-id#local-id`, kept as written until resolved "
        "through dg:localRef",
        examples=[None],
    )
    types: list[str] = Field(description="the fact's classes", examples=[["Event"]])
    resolved: bool = Field(description="whether the fact is loaded")

    @classmethod
    def of(cls, link: FactLink) -> FactLinkOut:
        """From a fact link."""
        return cls(
            id=short_id(link.uri) if link.uri else None,
            uri=link.uri,
            ref=link.ref,
            types=list(link.types),
            resolved=link.resolved,
        )

    @classmethod
    def all(cls, links: tuple[FactLink, ...]) -> list[FactLinkOut]:
        """From fact links."""
        return [cls.of(link) for link in links]


class QuantityOut(ApiModel):
    """How much of an influence: a value in a unit, and/or a share of something."""

    value: float | None = Field(examples=[None])
    unit: str | None = Field(examples=[None])
    share: float | None = Field(description="from 0 to 1", examples=[0.75])
    share_of: str | None = Field(examples=["weapons imports"])
    approximate: bool | None = Field(examples=[True])

    @classmethod
    def maybe(cls, quantity: QuantityInfo | None) -> QuantityOut | None:
        """From a quantity, if any."""
        if quantity is None:
            return None
        return cls(
            value=quantity.value,
            unit=quantity.unit,
            share=quantity.share,
            share_of=quantity.share_of,
            approximate=quantity.approximate,
        )


class ReactionOut(ApiModel):
    """An actor's stance towards a fact, and the evidence."""

    id: str = Field(examples=["reaction/83a353e77514c0d1"])
    reactor: EntityOut
    stance: ConceptOut | None
    towards: FactLinkOut
    when: str | None = WHEN
    as_of: str | None = AS_OF
    as_of_source: Literal["sheet", "article"] | None = AS_OF_SOURCE
    description: str | None
    in_response_to: list[FactLinkOut]
    evidence: AttributionOut
    sources: list[str]

    @classmethod
    def of(cls, info: ReactionInfo) -> ReactionOut:
        """From a reaction."""
        return cls(
            id=short_id(info.uri),
            reactor=EntityOut.of(info.reactor),
            stance=ConceptOut.maybe(info.stance),
            towards=FactLinkOut.of(info.towards),
            **time_fields(info.time),
            description=info.description,
            in_response_to=FactLinkOut.all(info.in_response_to),
            evidence=AttributionOut.of(info.evidence),
            sources=list(info.sources),
        )

    @classmethod
    def all(cls, items: tuple[ReactionInfo, ...] | list[ReactionInfo]) -> list[ReactionOut]:
        """From reactions."""
        return [cls.of(item) for item in items]


class ReactionList(ApiModel):
    """Reactions by date (undated last), then id."""

    items: list[ReactionOut]
