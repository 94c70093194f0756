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
    model_validator,
)

from loaders.dates import DATE_PATTERN, EDTF_PATTERN, MEETING_WORDS, check_date, duration_text
from ontology.identifiers import MAX_ID_LENGTH, MAX_IRI_LENGTH, MAX_NAME_LENGTH, SLUG_PATTERN
from ontology.lifecycle import EndingHow

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


FactTarget = Annotated[
    str,
    StringConstraints(
        pattern=r"^([A-Za-z][A-Za-z0-9+.-]*:\S+|([a-z0-9]+(-[a-z0-9]+)*#)?[a-z0-9]+(-[a-z0-9]+)*)$",
        max_length=MAX_IRI_LENGTH,
    ),
    Field(
        description="A fact: the local `id` of an agreement, event, reaction, influence or "
        "relation of this sheet, another article's entry as `article-id#local-id`, or an IRI."
    ),
]


def _date_before(value: Any) -> Any:
    """Accept ``2025`` (a YAML integer) and dates as strings (partial ISO dates, and EDTF
    level 0/1 values: ``2025~``, ``2025-01?``, ``2020-09/2021-09``…); check the calendar."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:04d}" if 0 <= value <= 9999 else str(value)
    if isinstance(value, str):
        check_date(value)
    return value


EdtfDate = Annotated[
    str,
    BeforeValidator(_date_before),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 0, "maximum": 9999},
                {"type": "string", "pattern": DATE_PATTERN},
                {"type": "string", "pattern": EDTF_PATTERN},
            ],
            "description": "YYYY, YYYY-MM or YYYY-MM-DD; in format 2 also EDTF level 0/1: "
            "2025~ (approximate), 2025-01? (uncertain), 2025-01% (both), 2020-09/2021-09 "
            "(interval), 2021-09/.. or ../2021 (open end), 2021/ (unknown end), 2020-XX",
        }
    ),
]
"""A date of a fact sheet: a partial ISO date or (format 2) an EDTF level 0/1 value
(:mod:`ontology.dates` gives its meaning)."""
PartialDate = EdtfDate
"""The name format 1 used; the same type."""


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


class Qualified(Model):
    """Time qualifiers every fact takes in format 2 (Wikidata-style): when it happened or held
    (``when``, one date), and the date it is stated to hold at (``as_of``; reads fall back to
    the article's ``published`` date, marked as such). ``start``/``end`` are on each fact."""

    when: EdtfDate | None = Field(default=None, json_schema_extra=FORMAT_2)
    as_of: EdtfDate | None = Field(default=None, json_schema_extra=FORMAT_2)


class Spanned(Qualified):
    """A fact that gets ``start``/``end`` in format 2 (agreements, signatories, commitments):
    the period it covers or held over."""

    start: EdtfDate | None = Field(default=None, json_schema_extra=FORMAT_2)
    end: EdtfDate | None = Field(default=None, json_schema_extra=FORMAT_2)


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
    """A person; an ``official`` holds or held a public post.

    A person known only by role ("the Tunisian minister of national defense") has no ``name``
    but ``holds`` (format 2): the post they hold, ``as_of`` a date (else the article's)."""

    type: Literal["person", "official"]
    name: Name | None = None  # type: ignore[assignment]  # absent for a role-only person
    honorific: Text | None = None
    nationality: Ref | None = None
    holds: Ref | None = Field(
        default=None,
        json_schema_extra=FORMAT_2,
        description="A person known only by role: the local id of the post they hold "
        "(`posts:`); the entity then has no `name`.",
    )
    as_of: PartialDate | None = Field(
        default=None,
        json_schema_extra=FORMAT_2,
        description="With `holds`: when the person held the post (else the article's date).",
    )


class RegionEntity(EntityBase):
    """A geographic or political region."""

    type: Literal["region"]
    includes: list[Ref] = []


class Coordinates(Model):
    """WGS84 latitude and longitude in decimal degrees."""

    lat: Annotated[float, Field(ge=-90, le=90, description="latitude, -90 to 90")]
    lon: Annotated[float, Field(ge=-180, le=180, description="longitude, -180 to 180")]


class PlaceEntity(EntityBase):
    """A city, capital, site or base below the country (format 2); not an actor. Its country,
    coordinates and GeoNames id come from the gazetteer when the sheet does not give them."""

    type: Literal["place"] = Field(json_schema_extra=FORMAT_2)
    kind: Notation | None = Field(
        default=None, json_schema_extra=FORMAT_2, description="place-kind: city, capital…"
    )
    country: Ref | None = Field(
        default=None,
        json_schema_extra=FORMAT_2,
        description="The country it is in; optional when the gazetteer knows the name.",
    )
    coordinates: Coordinates | None = Field(default=None, json_schema_extra=FORMAT_2)
    geonames: Annotated[int, Field(ge=1, le=2**31)] | None = Field(
        default=None, json_schema_extra=FORMAT_2, description="GeoNames id, e.g. 2507480."
    )


class GroupEntity(EntityBase):
    """A collective actor (format 2): a coalition, an alliance, "the Sahelian military regimes",
    with its members where known."""

    type: Literal["group"] = Field(json_schema_extra=FORMAT_2)
    kind: Notation | None = Field(default=None, json_schema_extra=FORMAT_2)
    members: list[Ref] = Field(default_factory=list, json_schema_extra=FORMAT_2)


Entity = Annotated[
    CountryEntity | OrganizationEntity | PersonEntity | GroupEntity | RegionEntity | PlaceEntity,
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


class Tenure(Qualified):
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


class Signatory(Spanned):
    """Who signed, on whose behalf."""

    signatory: Ref
    on_behalf_of: Ref | None = None
    evidence: EvidenceList


class Establishes(Model):
    """A body an agreement sets up."""

    body: Ref
    meets: Frequency | None = None
    first_meeting: PartialDate | None = None
    follow_up: bool | None = Field(
        default=None,
        json_schema_extra=FORMAT_2,
        description="True when the body follows up (monitors) the agreement's implementation.",
    )


class Commitment(Spanned):
    """One undertaking within an agreement."""

    kind: Notation
    area: Notation | None = None
    actors: list[Ref] = []
    status: Notation | None = None
    due: PartialDate | None = None
    description: Text | None = None
    evidence: EvidenceList


# --- format 2: lifecycle (agreement status, entry into force, expiry, ending; roles)


class Ended(Model):
    """How, when and by whom an agreement ended (or was suspended): a ``dg:AgreementEnding``."""

    how: EndingHow
    date: PartialDate | None = None
    by: list[Ref] = Field(default_factory=list, description="The actors that ended it.")
    effect: Text | None = Field(
        default=None, description="When the ending takes effect, in words (e.g. 'immediate')."
    )
    description: Text | None = None
    evidence: EvidenceList


class Role(Model):
    """An actor's role in an agreement or event other than party or participant."""

    actor: Ref
    role: Annotated[
        str,
        StringConstraints(min_length=1, max_length=MAX_NAME_LENGTH),
        Field(description="A notation of the `role` scheme (mediator, guarantor, witness…)."),
    ]
    evidence: EvidenceList


Roles = Annotated[
    list[Role],
    Field(
        default_factory=list,
        json_schema_extra=FORMAT_2,
        description="Mediators, guarantors, witnesses… (not parties: a role is not a party).",
    ),
]


AgreementKind = Literal["mou", "treaty", "declaration", "roadmap", "contract", "agreement"]


class Agreement(Spanned):
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
    status: Notation | None = Field(
        default=None,
        json_schema_extra=FORMAT_2,
        description="A notation of the closed `agreement-status` scheme (signed, in-force…).",
    )
    entry_into_force: PartialDate | None = Field(default=None, json_schema_extra=FORMAT_2)
    expires: PartialDate | None = Field(default=None, json_schema_extra=FORMAT_2)
    duration: Annotated[str, AfterValidator(duration_text)] | None = Field(
        default=None,
        json_schema_extra=FORMAT_2,
        description="How long it runs, an ISO 8601 duration (P5Y).",
        examples=["P5Y"],
    )
    ended: Ended | None = Field(default=None, json_schema_extra=FORMAT_2)
    roles: Roles
    in_response_to: list[FactTarget] = Field(default_factory=list, json_schema_extra=FORMAT_2)
    evidence: EvidenceList


class Quantity(Model):
    """How much of an influence: an amount with its unit, and/or a share of a whole."""

    value: Annotated[float, Field(allow_inf_nan=False)] | None = None
    unit: Text | None = None
    share: Annotated[float, Field(ge=0, le=1)] | None = Field(
        default=None, description="A share from 0 to 1 (three-quarters: 0.75)."
    )
    of: Text | None = Field(default=None, description="What the share is a share of.")
    approximate: bool | None = None

    @model_validator(mode="after")
    def _something(self) -> Quantity:
        if self.value is None and self.share is None:
            raise ValueError("a quantity needs a `value` (with its `unit`) or a `share`")
        if self.of is not None and self.share is None:
            raise ValueError("`of` says what a `share` is a share of: give the `share` too")
        return self


class Influence(Qualified):
    """A directed influence of one actor on another actor or a region."""

    id: Slug | None = Field(default=None, json_schema_extra=FORMAT_2)
    influencer: Ref
    influenced: Ref
    kind: Notation
    direction: Literal["strengthening", "weakening"] | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None
    description: Text | None = None
    quantity: Quantity | None = Field(default=None, json_schema_extra=FORMAT_2)
    in_response_to: list[FactTarget] = Field(default_factory=list, json_schema_extra=FORMAT_2)
    evidence: EvidenceList


class Event(Qualified):
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
    roles: Roles
    in_response_to: list[FactTarget] = Field(default_factory=list, json_schema_extra=FORMAT_2)
    evidence: EvidenceList


class Relation(Qualified):
    """A direct relation between two actors (a statement node)."""

    id: Slug | None = Field(default=None, json_schema_extra=FORMAT_2)
    subject: Ref
    object: Ref
    kind: Notation
    start: PartialDate | None = None
    end: PartialDate | None = None
    description: Text | None = None
    in_response_to: list[FactTarget] = Field(default_factory=list, json_schema_extra=FORMAT_2)
    evidence: EvidenceList


class Reaction(Model):
    """An actor's stance towards a fact (an agreement, event, other reaction…): a fact about
    a fact."""

    id: Slug | None = None
    actor: Ref
    stance: Notation
    towards: FactTarget
    when: PartialDate | None = None
    as_of: PartialDate | None = None
    description: Text | None = None
    in_response_to: list[FactTarget] = []
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
    reactions: list[Reaction] = Field(default_factory=list, json_schema_extra=FORMAT_2)
