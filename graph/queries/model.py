"""Results of the query services: plain frozen dataclasses, identical for every backend.

Every collection is a tuple in a documented, deterministic order, so two backends answering the
same question give equal objects. IRIs are strings; ``id`` is the short form (``country/DZA``).
Dates are partial ISO strings as the articles state them (``2025``, ``2025-01``, ``2025-01-22``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from graph.rules.fact_index import Evidence
from graph.rules.steps import Step

__all__ = [
    "AgreementRole",
    "Attribution",
    "Broker",
    "BrokersResult",
    "Concept",
    "EntityDetail",
    "EntityHit",
    "EntityRef",
    "Evidence",
    "FactLink",
    "InfluenceInfo",
    "Intermediary",
    "LinkPath",
    "LinksResult",
    "Neighbour",
    "Neighbourhood",
    "PathCount",
    "PathsResult",
    "PlaceInfo",
    "QuantityInfo",
    "ReactionInfo",
    "SearchResult",
    "Statistics",
    "Step",
    "TenureInfo",
    "Timeline",
    "TimelineEntry",
]


@dataclass(frozen=True)
class TimeInfo:
    """A fact's time qualifiers (format 2): ``when`` as stated; ``as_of`` as stated
    (``as_of_source`` ``"sheet"``), else the latest publication date of the articles stating
    the fact (``"article"``: derived when reading, never stored); None when neither is known."""

    when: str | None = None
    as_of: str | None = None
    as_of_source: str | None = None


NO_TIME = TimeInfo()
"""The qualifiers of a fact read without them (the default of the answers' ``time``)."""


@dataclass(frozen=True)
class EntityRef:
    """An entity mentioned in a result: IRI, short id, preferred name and dg types."""

    uri: str
    id: str
    name: str | None
    types: tuple[str, ...]


@dataclass(frozen=True)
class Attribution:
    """The folded evidence of a fact as the projection keeps it (``docs/data-model.md``):
    distinct quotes and claimants, ordered by article then quote."""

    quotes: tuple[str, ...]
    claimants: tuple[str, ...]


@dataclass(frozen=True)
class Concept:
    """A SKOS concept (area, kind, status…): its IRI and notation."""

    uri: str
    notation: str


Source = Literal["sheet", "gazetteer"]
"""Where a place's value comes from: an article's sheet, or the offline gazetteer (derived)."""


@dataclass(frozen=True)
class PlaceInfo:
    """A place (format 2): kind, country, WGS84 position, GeoNames id; a ``*_source`` is
    None when the value is absent (``graph.queries.places``)."""

    kind: Concept | None
    country: EntityRef | None
    country_source: Source | None
    lat: float | None
    lon: float | None
    coordinates_source: Source | None
    geonames_id: int | None
    geonames_source: Source | None


# ------------------------------------------------------------------------------------ search


@dataclass(frozen=True)
class EntityHit:
    """One search hit: ``match`` is ``exact``, ``prefix`` or ``substring``; ``matched`` the
    name or alias that matched."""

    entity: EntityRef
    aliases: tuple[str, ...]
    matched: str
    match: str


@dataclass(frozen=True)
class SearchResult:
    """A page of hits, best first (exact > prefix > substring, then name, then IRI)."""

    query: str
    total: int
    limit: int
    offset: int
    hits: tuple[EntityHit, ...]


# ------------------------------------------------------------------------------------ detail


@dataclass(frozen=True)
class TenureInfo:
    """A post held over a period."""

    uri: str
    holder: EntityRef
    post: str
    post_name: str | None
    post_in: EntityRef | None
    start: str | None
    end: str | None
    sources: tuple[str, ...]
    time: TimeInfo = NO_TIME


@dataclass(frozen=True)
class AgreementRole:
    """An agreement an entity takes part in, with its roles (``party``, ``signatory``,
    ``on-behalf-of``, ``negotiator``, ``established``), sorted."""

    uri: str
    title: str | None
    date_signed: str | None
    roles: tuple[str, ...]


@dataclass(frozen=True)
class InfluenceInfo:
    """A directed influence; ``influenced`` may be a region."""

    uri: str
    influencer: EntityRef
    influenced: EntityRef
    kind: Concept | None
    direction: str | None
    start: str | None
    end: str | None
    description: str | None
    evidence: Attribution
    sources: tuple[str, ...]
    time: TimeInfo = NO_TIME
    quantity: QuantityInfo | None = None
    """Format 2: how much (value, unit, share)."""
    in_response_to: tuple[FactLink, ...] = ()
    """Format 2: the facts this influence answers."""


@dataclass(frozen=True)
class HeldPost:
    """A post held by a person an article names only by role (format 2), ``as_of`` a date:
    the sheet's (``as_of_source`` ``sheet``) or the article's (``article``, derived)."""

    post: str
    post_name: str | None
    post_in: EntityRef | None
    as_of: str | None
    as_of_source: str | None


@dataclass(frozen=True)
class EntityDetail:
    """Everything known about one entity. Tenures by start then IRI; agreements by date signed
    then IRI (undated last); influences by IRI; sources sorted."""

    entity: EntityRef
    names: tuple[str, ...]
    aliases: tuple[str, ...]
    iso_code: str | None
    wikidata: str | None
    same_as: tuple[str, ...]
    tenures: tuple[TenureInfo, ...]
    agreements: tuple[AgreementRole, ...]
    influences: tuple[InfluenceInfo, ...]
    sources: tuple[str, ...]
    reactions: tuple[ReactionInfo, ...] = ()
    """Format 2: the reactions of this actor, by date (undated last) then IRI."""
    place: PlaceInfo | None = None
    """A place's country, coordinates and GeoNames id (format 2); None for other entities."""
    members: tuple[EntityRef, ...] = ()
    """A collective actor's members (format 2)."""
    member_of: tuple[EntityRef, ...] = ()
    """The collective actors the entity belongs to."""
    role_only: bool = False
    """True when some article names the person only by the post they hold."""
    holds: tuple[HeldPost, ...] = ()
    """The posts a person known only by role holds (``dg:holds``)."""


# ------------------------------------------------------------------------------------ graph


@dataclass(frozen=True)
class Neighbour:
    """An actor of an ego network: its BFS depth and (filtered) step count; ``expanded`` is
    False for a hub (more than ``hub_cap`` steps) or a node at the depth limit."""

    entity: EntityRef
    depth: int
    degree: int
    expanded: bool
    hub: bool


@dataclass(frozen=True)
class Neighbourhood:
    """A page of an ego network: nodes by depth, then name, then IRI; ``steps`` are the steps
    between the centre and the returned nodes (sorted by uri)."""

    center: EntityRef
    depth: int
    total: int
    limit: int
    offset: int
    nodes: tuple[Neighbour, ...]
    steps: tuple[Step, ...]
    hubs: tuple[str, ...]
    """IRIs of the hubs met and not expanded (the centre is always expanded)."""


@dataclass(frozen=True)
class LinkPath:
    """An actor path: distinct actors (from the first to the last) and, for each hop between
    two consecutive actors, every step (fact) joining them that passed the filter, by uri."""

    nodes: tuple[str, ...]
    hops: tuple[tuple[Step, ...], ...]

    @property
    def length(self) -> int:
        """Number of hops."""
        return len(self.hops)

    @property
    def steps(self) -> tuple[Step, ...]:
        """The steps of every hop, hop after hop."""
        return tuple(step for hop in self.hops for step in hop)

    @property
    def sources(self) -> tuple[str, ...]:
        """Articles supporting any step of the path."""
        return tuple(sorted({a for s in self.steps for a in s.sources}))

    @property
    def inferred(self) -> bool:
        """Whether some hop rests only on inferred steps."""
        return any(all(s.inferred for s in hop) for hop in self.hops)


@dataclass(frozen=True)
class PathCount:
    """How many actor paths of one length exist: ``exact``, or ``paths`` is a lower bound (the
    counting stopped at its limit or at the time limit)."""

    length: int
    paths: int
    exact: bool


@dataclass(frozen=True)
class Intermediary:
    """An actor on paths between the two ends, with how many distinct paths and distinct
    sources (articles) support it."""

    entity: EntityRef
    paths: int
    sources: int


@dataclass(frozen=True)
class LinksResult:
    """Actor paths of at most ``max_hops`` hops, sorted by length then actors; intermediaries
    ranked by paths, then sources, then name, then IRI. ``truncated`` says the path cap or the
    time limit stopped the enumeration (``reason``: ``path-cap``/``timeout``); ``counts`` says
    how many paths exist per length (or a lower bound); ``ranking_complete`` is False when the
    ranking only covers the paths kept."""

    source: EntityRef
    target: EntityRef
    max_hops: int
    paths: tuple[LinkPath, ...]
    intermediaries: tuple[Intermediary, ...]
    entities: tuple[EntityRef, ...]
    truncated: bool
    reason: str | None
    counts: tuple[PathCount, ...] = ()
    ranking_complete: bool = True
    inferred: bool = False
    """Whether inferred steps were allowed (``inferred=true``)."""


@dataclass(frozen=True)
class PathsResult:
    """All shortest paths (up to the cap), sorted like :class:`LinksResult` paths."""

    source: EntityRef
    target: EntityRef
    length: int | None
    paths: tuple[LinkPath, ...]
    entities: tuple[EntityRef, ...]
    truncated: bool
    reason: str | None = None
    counts: tuple[PathCount, ...] = ()


# ------------------------------------------------------------------------------------ timeline


@dataclass(frozen=True)
class TimelineEntry:
    """A dated (or undated) fact an actor takes part in."""

    date: str | None
    end: str | None
    category: str
    fact: str
    label: str | None
    roles: tuple[str, ...]
    counterparts: tuple[EntityRef, ...]
    sources: tuple[str, ...]
    kind: Concept | None = None
    """The event or influence kind (None for other facts)."""
    place: EntityRef | None = None
    """Where an event took place or an agreement was signed."""
    time: TimeInfo = NO_TIME
    place_country: EntityRef | None = None
    """The country of ``place`` when it is a place (format 2)."""


@dataclass(frozen=True)
class Timeline:
    """Entries by the first day of their date, then category, then IRI; ``undated`` entries
    (no date at all) come separately, sorted by category then IRI."""

    entity: EntityRef
    entries: tuple[TimelineEntry, ...]
    undated: tuple[TimelineEntry, ...]


# ------------------------------------------------------------------------------------ analytics


@dataclass(frozen=True)
class Broker:
    """An actor and its betweenness centrality (normalised, rounded to 9 decimals)."""

    entity: EntityRef
    score: float


@dataclass(frozen=True)
class BrokersResult:
    """Top brokers by score then IRI. ``method`` is ``exact`` or ``sampled`` (then ``k``
    pivots with ``seed``); ``scope`` is ``graph`` or ``ego`` (the ego network of ``seeds``)."""

    items: tuple[Broker, ...]
    method: str
    k: int | None
    seed: int | None
    scope: str
    nodes: int
    edges: int
    computed_on: str
    """``networkx`` (always: Neo4j's LINK edges are pulled into networkx, GDS is not used)."""


@dataclass(frozen=True)
class Statistics:
    """Counts by dg type and by step relation (sorted by name), articles, last load time."""

    by_type: tuple[tuple[str, int], ...]
    by_relation: tuple[tuple[str, int], ...]
    articles: int
    steps: int
    last_loaded: str | None


# ------------------------------------------------------------------------ format 2: reactions


@dataclass(frozen=True)
class FactLink:
    """A fact another fact points at (``towards``, ``in_response_to``): its IRI, or another
    article's ``article-id#local-id`` reference that names no loaded fact yet (``uri`` None)."""

    uri: str | None
    ref: str | None
    types: tuple[str, ...] = ()
    """The target's dg labels (``Agreement``, ``Event``…); empty when it is not loaded."""

    @property
    def resolved(self) -> bool:
        """Whether the target is a fact of the store (an IRI not loaded, or another article's
        reference, is not)."""
        return bool(self.types)


@dataclass(frozen=True)
class QuantityInfo:
    """How much of an influence: a value in a unit and/or a share (0..1) of something."""

    value: float | None
    unit: str | None
    share: float | None
    share_of: str | None
    approximate: bool | None


@dataclass(frozen=True)
class ReactionInfo:
    """An actor's stance towards a fact, with its dates as the sheet states them."""

    uri: str
    reactor: EntityRef
    stance: Concept | None
    towards: FactLink
    when: str | None
    as_of: str | None
    description: str | None
    in_response_to: tuple[FactLink, ...]
    evidence: Attribution
    sources: tuple[str, ...]
    time: TimeInfo = NO_TIME
    """``as_of`` placed by the article when the sheet gives none (marked ``"article"``)."""
