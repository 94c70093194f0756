"""The fact-sheet format of ``docs/fact-sheets.md`` as pydantic models.

The models check shape and types only (strictly: a number is not a string, a string is not a
list). References between entries, vocabulary notations and country codes are checked afterwards
(:mod:`loaders.checks`, :mod:`loaders.resolve`), where the whole sheet is known.
``loaders/factsheet.schema.json`` is generated from :class:`FactSheet` (:mod:`loaders.schema`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from loaders.dates import DATE_PATTERN, MEETING_WORDS, check_partial_date, duration_text
from ontology.identifiers import MAX_ID_LENGTH, MAX_IRI_LENGTH, MAX_NAME_LENGTH, SLUG_PATTERN

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=MAX_ID_LENGTH)]
"""A local id: lower-case letters, digits and hyphens, at most ``MAX_ID_LENGTH`` characters."""
Text = Annotated[str, StringConstraints(min_length=1)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME_LENGTH)]
"""An entity name or alias (names are index keys and mint IRIs)."""
IriText = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", max_length=MAX_IRI_LENGTH),
]
Ref = Annotated[
    str,
    StringConstraints(max_length=MAX_ID_LENGTH),
    Field(description="Reference to the local `id` of an entry of this sheet."),
]
Notation = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_NAME_LENGTH),
    Field(description="A notation of a SKOS scheme, or a new label with spaces or capitals."),
]


FactRef = Annotated[
    str,
    StringConstraints(
        pattern=r"^([A-Za-z][A-Za-z0-9+.-]*:\S+|[a-z0-9]+(-[a-z0-9]+)*#[a-z0-9]+(-[a-z0-9]+)*)$",
        max_length=MAX_IRI_LENGTH,
    ),
    Field(
        description="The same agreement or event elsewhere: its IRI, or another article's "
        "entry as `article-id#local-id`."
    ),
]


def _date_before(value: Any) -> Any:
    """Accept ``2025`` (a YAML integer) and dates as strings; check the calendar."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:04d}" if 0 <= value <= 9999 else str(value)
    if isinstance(value, str):
        check_partial_date(value)
    return value


PartialDate = Annotated[
    str,
    BeforeValidator(_date_before),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 0, "maximum": 9999},
                {"type": "string", "pattern": DATE_PATTERN},
            ],
            "description": "YYYY, YYYY-MM or YYYY-MM-DD",
        }
    ),
]


Frequency = Annotated[
    str,
    AfterValidator(duration_text),
    Field(
        description="ISO 8601 duration (P1Y) or one of: " + ", ".join(MEETING_WORDS),
        examples=["P1Y", "annually"],
    ),
]


FORMAT_2: dict[str, Any] = {"x-format": 2}
"""``json_schema_extra`` of a key new in format 2: a sheet using it must declare ``format: 2``
(checked in :mod:`loaders.formats`; ``diplograph migrate`` rewrites a format 1 sheet)."""


def renamed_in_format_2(new_key: str) -> dict[str, Any]:
    """``json_schema_extra`` of a format 1 key that format 2 calls ``new_key`` (refused there)."""
    return {"x-format-max": 1, "x-renamed-to": new_key}


class Model(BaseModel):
    """Base of every fact-sheet model: unknown keys are errors, types are strict."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=False)


class Evidence(Model):
    """What supports a fact: a short quote and who made the claim."""

    quote: Annotated[str, StringConstraints(min_length=1, max_length=600)]
    claimed_by: Ref | None = None
    claimant: Text | None = None
    anonymous: bool | None = None
    confidence: Annotated[float, Field(ge=0, le=1)] | None = None


def _listify(value: Any) -> Any:
    return [value] if isinstance(value, dict) else value


EvidenceList = Annotated[
    list[Evidence],
    BeforeValidator(_listify, json_schema_input_type=Evidence | list[Evidence]),
    Field(min_length=1, description="One evidence object or a list of them."),
]


class EntityBase(Model):
    """Fields every entity has."""

    id: Slug
    name: Name
    aliases: list[Name] = []
    wikidata: Annotated[str, StringConstraints(pattern=r"^Q[1-9][0-9]*$", max_length=20)] | None = (
        None
    )
    same_as: list[IriText] = []


class CountryEntity(EntityBase):
    """A state, by ISO 3166-1 alpha-3 code (ISO 3166-3 for historic states)."""

    type: Literal["country"]
    iso: str | None = Field(default=None, json_schema_extra={"pattern": "^[A-Z]{3}$"})


class OrganizationEntity(EntityBase):
    """A ministry, command, armed group, outlet, international or joint body…"""

    type: Literal["organization"]
    kind: Notation | None = None
    part_of: Ref | None = None
    country: Ref | None = None


class PersonEntity(EntityBase):
    """A person; an ``official`` holds or held a public post."""

    type: Literal["person", "official"]
    honorific: Text | None = None
    nationality: Ref | None = None


class RegionEntity(EntityBase):
    """A geographic or political region."""

    type: Literal["region"]
    includes: list[Ref] = []


Entity = Annotated[
    CountryEntity | OrganizationEntity | PersonEntity | RegionEntity,
    Field(discriminator="type"),
]


class Article(Model):
    """The article the sheet's facts come from."""

    id: Slug
    title: Text | None = None
    url: Annotated[str, StringConstraints(min_length=1, max_length=MAX_IRI_LENGTH)] | None = None
    published: PartialDate | None = None
    publisher: Ref | None = None
    authors: list[Ref] = []


class Post(Model):
    """A position in an organisation or state."""

    id: Slug
    name: Name
    aliases: list[Name] = []
    in_: Ref | None = Field(default=None, alias="in")


class Tenure(Model):
    """A person holding a post over a period."""

    holder: Ref
    post: Ref
    start: PartialDate | None = None
    end: PartialDate | None = None
    evidence: EvidenceList


class Signed(Model):
    """When and where an agreement was signed."""

    date: PartialDate | None = None
    place: Ref | None = None


class Signatory(Model):
    """Who signed, on whose behalf."""

    signatory: Ref
    on_behalf_of: Ref | None = None
    evidence: EvidenceList


class Establishes(Model):
    """A body an agreement sets up."""

    body: Ref
    meets: Frequency | None = None
    first_meeting: PartialDate | None = None


class Commitment(Model):
    """One undertaking within an agreement."""

    kind: Notation
    area: Notation | None = None
    actors: list[Ref] = []
    status: Notation | None = None
    due: PartialDate | None = None
    description: Text | None = None
    evidence: EvidenceList


AgreementKind = Literal["mou", "treaty", "declaration", "roadmap", "contract", "agreement"]


class Agreement(Model):
    """A commitment between actors."""

    id: Slug | None = None
    kind: AgreementKind = "agreement"
    title: Text | None = None
    aliases: list[Name] = []
    same_as: list[FactRef] = []
    parties: Annotated[list[Ref], Field(min_length=1)]
    signed: Signed | None = None
    signatories: list[Signatory] = []
    legally_binding: bool | None = None
    areas: list[Notation] = []
    establishes: list[Establishes] = []
    negotiated_by: list[Ref] = []
    negotiation_period: Text | None = None
    commitments: list[Commitment] = []
    evidence: EvidenceList


class Influence(Model):
    """A directed influence of one actor on another actor or a region."""

    influencer: Ref
    influenced: Ref
    kind: Notation
    direction: Literal["strengthening", "weakening"] | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None
    description: Text | None = None
    evidence: EvidenceList


class Event(Model):
    """Something that happened at a time or over a period."""

    id: Slug | None = None
    kind: Notation
    aliases: list[Name] = []
    same_as: list[FactRef] = []
    participants: list[Ref] = []
    location: Ref | None = Field(
        default=None,
        description="Where it happened (format 1; format 2 writes `place`).",
        json_schema_extra=renamed_in_format_2("place"),
    )
    place: Ref | None = Field(
        default=None,
        description="Where it happened (format 2's name of `location`).",
        json_schema_extra=FORMAT_2,
    )
    start: PartialDate | None = None
    end: PartialDate | None = None
    concerns: Ref | None = None
    description: Text | None = None
    evidence: EvidenceList


class Relation(Model):
    """A direct relation between two actors (a statement node)."""

    subject: Ref
    object: Ref
    kind: Notation
    start: PartialDate | None = None
    end: PartialDate | None = None
    description: Text | None = None
    evidence: EvidenceList


class FactSheet(Model):
    """The facts of one article (``docs/fact-sheets.md``)."""

    model_config = ConfigDict(
        title="diplograph fact sheet",
        json_schema_extra={
            "description": "The facts of one news article; see docs/fact-sheets.md."
        },
    )

    schema_: str | None = Field(default=None, alias="$schema")
    format: Literal[1, 2] = Field(
        default=1, description="The format version the sheet follows; absent means 1."
    )
    article: Article
    entities: list[Entity] = []
    posts: list[Post] = []
    tenures: list[Tenure] = []
    agreements: list[Agreement] = []
    influences: list[Influence] = []
    events: list[Event] = []
    relations: list[Relation] = []
