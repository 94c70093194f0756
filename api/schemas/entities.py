"""Entities: search hits, detail (names, posts, agreements, influences) and timelines."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.resolution import EntityIdentity
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
from api.schemas.reactions import FactLinkOut, QuantityOut, ReactionOut
from graph.queries.model import (
    AgreementRole,
    EntityDetail,
    EntityHit,
    InfluenceInfo,
    PlaceInfo,
    SearchResult,
    TenureInfo,
    Timeline,
    TimelineEntry,
)
from graph.queries.refs import short_id

__all__ = [
    "AgreementRoleOut",
    "EntityDetailOut",
    "EntityHitOut",
    "EntityPage",
    "InfluenceOut",
    "TenureOut",
    "TimelineEntryOut",
    "TimelineOut",
]


class EntityHitOut(ApiModel):
    """One search hit and why it matched."""

    entity: EntityOut
    aliases: list[str] = Field(examples=[["Algiers", "People's Democratic Republic of Algeria"]])
    matched: str = Field(description="the name or alias that matched", examples=["Algiers"])
    match: Literal["exact", "prefix", "substring", "listed"] = Field(
        description="listed: no search text was given (every entity of the types asked)",
        examples=["exact"],
    )

    @classmethod
    def of(cls, hit: EntityHit) -> EntityHitOut:
        """From a search hit."""
        return cls(
            entity=EntityOut.of(hit.entity),
            aliases=list(hit.aliases),
            matched=hit.matched,
            match=hit.match,
        )


class EntityPage(PageOut):
    """A page of search hits, best first (exact, prefix, substring; then by name)."""

    query: str = Field(examples=["algiers"])
    items: list[EntityHitOut]

    @classmethod
    def of(cls, result: SearchResult) -> EntityPage:
        """From a search result."""
        return cls(
            query=result.query,
            items=[EntityHitOut.of(h) for h in result.hits],
            **PageOut.fields(result.total, result.limit, result.offset),
        )


class TenureOut(ApiModel):
    """A post held over a period."""

    id: str = Field(examples=["tenure/3f2a9c0d1e2b4a5c"])
    holder: EntityOut
    post: str = Field(description="post id", examples=["post/chief-of-staff-of-the-anp"])
    post_name: str | None = Field(examples=["Chief of Staff of the People's National Army"])
    post_in: EntityOut | None
    start: str | None = Field(examples=["2019-12"])
    end: str | None = Field(examples=[None])
    sources: list[str]
    when: str | None = WHEN
    as_of: str | None = AS_OF
    as_of_source: Literal["sheet", "article"] | None = AS_OF_SOURCE

    @classmethod
    def of(cls, tenure: TenureInfo) -> TenureOut:
        """From a tenure."""
        return cls(
            id=short_id(tenure.uri),
            holder=EntityOut.of(tenure.holder),
            post=short_id(tenure.post),
            post_name=tenure.post_name,
            post_in=EntityOut.of(tenure.post_in) if tenure.post_in else None,
            start=tenure.start,
            end=tenure.end,
            sources=list(tenure.sources),
            **time_fields(tenure.time),
        )


class AgreementRoleOut(ApiModel):
    """An agreement the entity takes part in, with its roles."""

    id: str = Field(description="agreement id (`/agreements/{id}`)", examples=[MOU_ID])
    title: str | None = Field(examples=[MOU_TITLE])
    date_signed: str | None = Field(examples=["2025-01-22"])
    roles: list[str] = Field(
        description="party, signatory, on-behalf-of, negotiator, established",
        examples=[["on-behalf-of", "party"]],
    )

    @classmethod
    def of(cls, role: AgreementRole) -> AgreementRoleOut:
        """From an agreement role."""
        return cls(
            id=short_id(role.uri), title=role.title, date_signed=role.date_signed,
            roles=list(role.roles),
        )  # fmt: skip


class InfluenceOut(ApiModel):
    """A directed influence (the influenced may be a region) and its evidence."""

    id: str = Field(examples=["influence/d093a88d10720904"])
    influencer: EntityOut
    influenced: EntityOut
    kind: ConceptOut | None
    direction: str | None = Field(description="strengthening or weakening", examples=["weakening"])
    start: str | None = Field(examples=["2022"])
    end: str | None = Field(examples=[None])
    description: str | None = Field(
        examples=["Russia has been slow producing and supplying defense systems to Algeria."]
    )
    evidence: AttributionOut
    sources: list[str]
    when: str | None = WHEN
    as_of: str | None = AS_OF
    as_of_source: Literal["sheet", "article"] | None = AS_OF_SOURCE
    quantity: QuantityOut | None = Field(default=None, description="format 2: how much")
    in_response_to: list[FactLinkOut] = Field(
        default=[], description="format 2: the facts this influence answers"
    )

    @classmethod
    def of(cls, info: InfluenceInfo) -> InfluenceOut:
        """From an influence."""
        return cls(
            id=short_id(info.uri),
            influencer=EntityOut.of(info.influencer),
            influenced=EntityOut.of(info.influenced),
            kind=ConceptOut.maybe(info.kind),
            direction=info.direction,
            start=info.start,
            end=info.end,
            description=info.description,
            evidence=AttributionOut.of(info.evidence),
            sources=list(info.sources),
            **time_fields(info.time),
            quantity=QuantityOut.maybe(info.quantity),
            in_response_to=FactLinkOut.all(info.in_response_to),
        )


class SpellingOut(ApiModel):
    """A name or alias of the entity and the articles that give it."""

    text: str = Field(examples=["Saïd Chengriha"])
    kind: str = Field(description="name (an article's preferred name) or alias")
    articles: list[str] = Field(description="IRIs of the articles")


class CoordinatesOut(ApiModel):
    """A WGS84 position in decimal degrees, and where it comes from."""

    lat: float = Field(examples=[36.73225])
    lon: float = Field(examples=[3.08746])
    source: Literal["sheet", "gazetteer"] = Field(
        description="sheet: an article states it; gazetteer: taken from the offline GeoNames "
        "gazetteer (derived)",
        examples=["gazetteer"],
    )


class PlaceOut(ApiModel):
    """What is known about a place (a city, site or base; format 2)."""

    kind: ConceptOut | None
    country: EntityOut | None
    country_source: Literal["sheet", "gazetteer"] | None = Field(examples=["sheet"])
    coordinates: CoordinatesOut | None
    geonames_id: int | None = Field(examples=[2507480])
    geonames_source: Literal["sheet", "gazetteer"] | None = Field(examples=["gazetteer"])

    @classmethod
    def of(cls, place: PlaceInfo) -> PlaceOut:
        """From a place."""
        coordinates = None
        if place.lat is not None and place.lon is not None and place.coordinates_source:
            coordinates = CoordinatesOut(
                lat=place.lat, lon=place.lon, source=place.coordinates_source
            )
        return cls(
            kind=ConceptOut.maybe(place.kind),
            country=EntityOut.of(place.country) if place.country else None,
            country_source=place.country_source,
            coordinates=coordinates,
            geonames_id=place.geonames_id,
            geonames_source=place.geonames_source,
        )


class HeldPostOut(ApiModel):
    """A post held by a person an article names only by role (format 2)."""

    post: str = Field(description="IRI of the post")
    post_name: str | None
    post_in: EntityOut | None
    as_of: str | None = Field(description="when the post was held", examples=["2025-01"])
    as_of_source: str | None = Field(
        description="`sheet` (stated) or `article` (the article's date: derived)",
        examples=["sheet"],
    )


class EntityDetailOut(ApiModel):
    """Everything known about one entity."""

    entity: EntityOut
    names: list[str] = Field(examples=[["Algeria"]])
    aliases: list[str] = Field(examples=[["Algiers", "People's Democratic Republic of Algeria"]])
    iso_code: str | None = Field(description="ISO 3166 alpha-3 (countries)", examples=["DZA"])
    wikidata: str | None = Field(description="Wikidata QID", examples=["Q262"])
    same_as: list[str] = Field(examples=[["http://www.wikidata.org/entity/Q262"]])
    tenures: list[TenureOut] = Field(description="posts held (people) or posts in it")
    agreements: list[AgreementRoleOut] = Field(description="by date signed, undated last")
    influences: list[InfluenceOut] = Field(description="exerted or undergone")
    sources: list[str] = Field(description="articles mentioning the entity")
    merged_from: list[str] = Field(
        default=[],
        description="ids articles gave this entity before identity resolution merged or renamed "
        "it; every route still answers them",
        examples=[["https://w3id.org/diplograph/id/person/said-chengriha"]],
    )
    spellings: list[SpellingOut] = Field(
        default=[], description="every name and alias seen, with the articles that give it"
    )
    reactions: list[ReactionOut] = Field(
        default=[], description="format 2: this actor's reactions, by date (undated last)"
    )
    place: PlaceOut | None = Field(
        default=None, description="a place's country, coordinates and GeoNames id (places only)"
    )
    members: list[EntityOut] = Field(default=[], description="a collective actor's members")
    member_of: list[EntityOut] = Field(
        default=[], description="the collective actors the entity is a member of"
    )
    role_only: bool = Field(
        default=False,
        description="an article names the person only by the post they hold; the name "
        "'holder of …' is derived until an article names them",
    )
    holds: list[HeldPostOut] = Field(
        default=[], description="posts held by a person known only by role"
    )

    @classmethod
    def of(cls, detail: EntityDetail, identity: EntityIdentity | None = None) -> EntityDetailOut:
        """From an entity detail."""
        return cls(
            entity=EntityOut.of(detail.entity),
            names=list(detail.names),
            aliases=list(detail.aliases),
            iso_code=detail.iso_code,
            wikidata=detail.wikidata,
            same_as=list(detail.same_as),
            tenures=[TenureOut.of(t) for t in detail.tenures],
            agreements=[AgreementRoleOut.of(a) for a in detail.agreements],
            influences=[InfluenceOut.of(i) for i in detail.influences],
            sources=list(detail.sources),
            merged_from=list(identity.merged_from) if identity else [],
            place=PlaceOut.of(detail.place) if detail.place else None,
            spellings=[
                SpellingOut(text=s.text, kind=s.kind, articles=list(s.articles))
                for s in (identity.spellings if identity else ())
            ],
            reactions=ReactionOut.all(detail.reactions),
            members=[EntityOut.of(m) for m in detail.members],
            member_of=[EntityOut.of(m) for m in detail.member_of],
            role_only=detail.role_only,
            holds=[
                HeldPostOut(
                    post=h.post,
                    post_name=h.post_name,
                    post_in=EntityOut.of(h.post_in) if h.post_in else None,
                    as_of=h.as_of,
                    as_of_source=h.as_of_source,
                )
                for h in detail.holds
            ],
        )


class TimelineEntryOut(ApiModel):
    """A dated (or undated) fact the entity takes part in."""

    date: str | None = Field(examples=["2025-01-22"])
    end: str | None = Field(examples=[None])
    category: str = Field(
        description="agreement, signature, commitment, influence, tenure, event, relation, "
        "reaction (format 2)",
        examples=["agreement"],
    )
    fact: str = Field(description="id of the fact", examples=["agreement/6adbefced86e5f19"])
    label: str | None = Field(examples=[MOU_TITLE])
    roles: list[str] = Field(examples=[["signatory"]])
    counterparts: list[EntityOut]
    sources: list[str]
    kind: ConceptOut | None = Field(description="event or influence kind, reaction stance")
    place: EntityOut | None = Field(
        description="where an event took place or an agreement was signed"
    )
    when: str | None = WHEN
    as_of: str | None = AS_OF
    as_of_source: Literal["sheet", "article"] | None = AS_OF_SOURCE
    place_country: EntityOut | None = Field(
        default=None, description="the country of `place` when it is a city or site"
    )

    @classmethod
    def of(cls, entry: TimelineEntry) -> TimelineEntryOut:
        """From a timeline entry."""
        return cls(
            date=entry.date,
            end=entry.end,
            category=entry.category,
            fact=short_id(entry.fact),
            label=entry.label,
            roles=list(entry.roles),
            counterparts=[EntityOut.of(c) for c in entry.counterparts],
            kind=ConceptOut.maybe(entry.kind),
            place=EntityOut.of(entry.place) if entry.place else None,
            sources=list(entry.sources),
            **time_fields(entry.time),
            place_country=EntityOut.of(entry.place_country) if entry.place_country else None,
        )


class TimelineOut(ApiModel):
    """An entity's facts in date order (by the first day of each date); undated ones apart."""

    entity: EntityOut
    entries: list[TimelineEntryOut]
    undated: list[TimelineEntryOut]

    @classmethod
    def of(cls, timeline: Timeline) -> TimelineOut:
        """From a timeline."""
        return cls(
            entity=EntityOut.of(timeline.entity),
            entries=[TimelineEntryOut.of(e) for e in timeline.entries],
            undated=[TimelineEntryOut.of(e) for e in timeline.undated],
        )
