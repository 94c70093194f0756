"""Building blocks shared by the API models: entity references, concepts, evidence, pages.

API models are not storage types: every model here is built from the frozen dataclasses of
``graph.queries.model`` by an explicit ``of`` constructor, so the HTTP contract stays put when
the storage types change. Entity ``id`` is the short form (``country/DZA``) that every route
accepts; ``uri`` is the full IRI. Articles are referred to by IRI (their named graph).
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from graph.queries.model import Attribution, Concept, EntityRef, Evidence, TimeInfo
from ontology.classes import primary_type as entity_primary_type

__all__ = [
    "MOU_ID",
    "MOU_TITLE",
    "ApiModel",
    "AttributionOut",
    "ConceptOut",
    "EntityOut",
    "EvidenceOut",
    "PageOut",
    "json_response",
    "next_offset",
    "primary_type",
]

MOU_ID = "agreement/6adbefced86e5f19"
MOU_TITLE = "U.S.-Algeria Defense Cooperation Memorandum of Understanding"
"""Examples for the OpenAPI document (the agreement of the example article)."""


class ApiModel(BaseModel):
    """Base of every API model: immutable and strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def json_response(model: BaseModel) -> Response:
    """``model`` as a JSON response, serialised once by pydantic (the route's
    ``response_model`` documents it; FastAPI does not validate and serialise it again)."""
    return Response(model.model_dump_json(), media_type="application/json")


def primary_type(types: tuple[str, ...] | list[str]) -> str:
    """The one type a dashboard colours a node by (``Entity`` when none is known)."""
    return entity_primary_type(types) or (types[0] if types else "Entity")


def next_offset(offset: int, limit: int, total: int) -> int | None:
    """The offset of the next page, or None on the last page."""
    return offset + limit if offset + limit < total else None


class EntityOut(ApiModel):
    """A reference to an entity (actor or region)."""

    id: str = Field(
        description="short id, usable in every route (`/entities/{id}`)",
        examples=["country/DZA"],
    )
    uri: str = Field(examples=["https://w3id.org/diplograph/id/country/DZA"])
    name: str | None = Field(description="preferred name", examples=["Algeria"])
    types: list[str] = Field(description="dg types, sorted", examples=[["Country"]])

    @classmethod
    def of(cls, ref: EntityRef) -> EntityOut:
        """From a query-service reference."""
        return cls(id=ref.id, uri=ref.uri, name=ref.name, types=list(ref.types))


class ConceptOut(ApiModel):
    """A SKOS concept (cooperation area, influence kind, commitment status…)."""

    notation: str = Field(examples=["counterterrorism"])
    uri: str = Field(examples=["https://w3id.org/diplograph/vocab/area/counterterrorism"])

    @classmethod
    def of(cls, concept: Concept) -> ConceptOut:
        """From a query-service concept."""
        return cls(notation=concept.notation, uri=concept.uri)

    @classmethod
    def maybe(cls, concept: Concept | None) -> ConceptOut | None:
        """From an optional concept."""
        return None if concept is None else cls.of(concept)


class EvidenceOut(ApiModel):
    """One piece of evidence: the article, the quote and who made the claim."""

    article: str = Field(
        examples=["https://w3id.org/diplograph/id/article/defensescoop-2025-01-us-algeria-mou"]
    )
    quote: str = Field(
        examples=["The United States sees a real opportunity in this moment to reduce Russian "
                  "influence in Algeria,"]
    )  # fmt: skip
    claimant: str | None = Field(examples=["Martin Pimentel"])

    @classmethod
    def of(cls, item: Evidence) -> EvidenceOut:
        """From a step's evidence item."""
        return cls(article=item.article, quote=item.quote, claimant=item.claimant)


class AttributionOut(ApiModel):
    """The folded evidence of a fact: its distinct quotes and claimants."""

    quotes: list[str]
    claimants: list[str] = Field(examples=[["Martin Pimentel", "a U.S. defense official"]])

    @classmethod
    def of(cls, attribution: Attribution) -> AttributionOut:
        """From a query-service attribution."""
        return cls(quotes=list(attribution.quotes), claimants=list(attribution.claimants))


class PageOut(ApiModel):
    """Offset pagination: ``next`` is the offset of the next page, null on the last one."""

    total: int = Field(description="items matching, over every page", examples=[42])
    limit: int = Field(examples=[20])
    offset: int = Field(examples=[0])
    next: int | None = Field(description="offset of the next page, or null", examples=[20])

    @staticmethod
    def fields(total: int, limit: int, offset: int) -> dict[str, Any]:
        """The page fields of a result (for ``Model(**PageOut.fields(...), items=...)``)."""
        return {
            "total": total,
            "limit": limit,
            "offset": offset,
            "next": next_offset(offset, limit, total),
        }


# ---------------------------------------------------------------------- format 2: time

WHEN = Field(
    default=None,
    description="when the fact happened or held, one date (partial ISO or EDTF)",
    examples=["2014-07~"],
)
AS_OF = Field(
    default=None,
    description="the date the fact is known to hold: as stated, else the latest publication "
    "date of the articles stating it (see as_of_source)",
    examples=["2025-01"],
)
AS_OF_SOURCE = Field(
    default=None,
    description='"sheet" when a fact sheet states as_of; "article" when it is the '
    "article's date (derived, not stated); null when neither is known",
    examples=["article"],
)


def time_fields(time: TimeInfo) -> dict[str, str | None]:
    """The ``when``/``as_of``/``as_of_source`` fields of an answer from a fact's qualifiers."""
    return {"when": time.when, "as_of": time.as_of, "as_of_source": time.as_of_source}
