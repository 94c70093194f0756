"""The query services: one implementation of :class:`GraphQueries` over any :class:`GraphSource`.

Entity ids are IRIs or their short form (``country/DZA``, ``person/michael-langley``). Invalid
parameters raise :class:`graph.errors.QueryError`; unknown entities or agreements raise
:class:`graph.errors.NotFound`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from graph.errors import NotFound, QueryError
from graph.queries import agreements, analytics, facts, graphwalk, reactions
from graph.queries.agreement_model import AgreementDetail, AgreementPage, InfluencePage
from graph.queries.filters import StepFilter, normalise_types
from graph.queries.model import (
    BrokersResult,
    EntityDetail,
    LinksResult,
    Neighbourhood,
    PathsResult,
    ReactionInfo,
    SearchResult,
    Statistics,
    Timeline,
)
from graph.queries.pages import AGREEMENT_PAGE, ENTITY_PAGE, Prefetched
from graph.queries.refs import FormerIds, Refs, concept_iri, to_iri
from graph.queries.search import search_entities
from graph.queries.source import GraphSource, PagePlan
from graph.queries.subordinates import subordinates as subordinates_of


@dataclass(frozen=True)
class QueryLimits:
    """Caps of the graph queries (the API fills them from its settings)."""

    max_hops: int = 4
    """Largest ``max_hops`` a links/shortest-path query may ask for (≤ 8)."""
    max_paths: int = 500
    """Default and largest path cap."""
    hub_cap: int = 200
    """Default hub cap: an actor with more steps is not expanded by ego networks."""
    timeout: float = 10.0
    """Seconds a path enumeration may take (and each Neo4j read transaction)."""
    max_depth: int = 3
    max_page: int = 1000


def _check(value: int, low: int, high: int, name: str) -> int:
    """``value`` if ``low <= value <= high``, else QueryError."""
    if not low <= value <= high:
        raise QueryError(f"{name} must be between {low} and {high}, not {value}")
    return value


class QueryService:
    """:class:`GraphQueries` over a backend's primitives (see ``graph.queries.source``)."""

    def __init__(
        self,
        source: GraphSource,
        limits: QueryLimits | None = None,
        last_loaded: Callable[[], str | None] | None = None,
        former: FormerIds | None = None,
    ) -> None:
        """Answer from ``source`` within ``limits``; ``last_loaded`` feeds statistics;
        ``former`` answers ids that identity resolution merged or renamed."""
        self.source = source
        self.limits = limits or QueryLimits()
        self._last_loaded = last_loaded
        self._former = former

    def _refs(self) -> Refs:
        return Refs(self.source, self._former)

    def _page(self, limit: int, offset: int) -> tuple[int, int]:
        _check(offset, 0, 10**9, "offset")
        return _check(limit, 1, self.limits.max_page, "limit"), offset

    def search(
        self, text: str, *, types: Iterable[str] | None = None, limit: int = 20, offset: int = 0
    ) -> SearchResult:
        """Entities whose name or alias matches ``text`` (see ``graph.queries.search``)."""
        limit, offset = self._page(limit, offset)
        wanted = normalise_types(types)
        return search_entities(self.source.entities(), text, wanted, limit, offset)

    def _paged(self, value: str, plan: PagePlan) -> Prefetched | None:
        """The page of the entity id ``value`` (one fetch), None if it is no id (a name)."""
        try:
            uri = to_iri(value)
        except QueryError:
            return None
        return Prefetched(self.source, self.source.page(uri, plan))

    def entity(self, entity_id: str) -> EntityDetail:
        """Detail of one entity (NotFound if unknown), from one page fetch (two when
        ``entity_id`` is a name)."""
        paged = self._paged(entity_id, ENTITY_PAGE)
        uri = Refs(paged or self.source, self._former).resolve(entity_id)
        if paged is None or paged.root != uri:
            paged = Prefetched(self.source, self.source.page(uri, ENTITY_PAGE))
        return facts.entity_detail(paged, Refs(paged), uri)

    def neighbours(
        self,
        entity_id: str,
        *,
        depth: int = 1,
        flt: StepFilter | None = None,
        hub_cap: int | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> Neighbourhood:
        """Ego network of an actor up to ``depth`` (1..max_depth), hubs not expanded."""
        limit, offset = self._page(limit, offset)
        _check(depth, 1, self.limits.max_depth, "depth")
        cap = _check(hub_cap if hub_cap is not None else self.limits.hub_cap, 1, 10**9, "hub_cap")
        flt = flt or StepFilter()
        source = Prefetched(self.source)
        try:  # the first level of an id, fetched with its entity: one fetch a level in all
            uri = to_iri(entity_id)
            source.expand([uri], flt, frozenset((uri,)))
        except QueryError:
            pass  # a name: resolved first
        refs = Refs(source, self._former)
        center = refs.resolve(entity_id, actor=True)
        return graphwalk.neighbourhood(source, refs, center, depth, flt, cap, limit, offset)

    def _ends(self, refs: Refs, a: str, b: str) -> tuple[str, str]:
        return refs.resolve(a, actor=True), refs.resolve(b, actor=True)

    def links(
        self,
        a: str,
        b: str,
        *,
        max_hops: int = 3,
        flt: StepFilter | None = None,
        max_paths: int | None = None,
        timeout: float | None = None,
    ) -> LinksResult:
        """Paths of at most ``max_hops`` steps between two actors, capped and timed."""
        _check(max_hops, 1, self.limits.max_hops, "max_hops")
        cap = _check(max_paths or self.limits.max_paths, 1, self.limits.max_paths, "max_paths")
        limit = min(timeout or self.limits.timeout, self.limits.timeout)
        refs = self._refs()
        source, target = self._ends(refs, a, b)
        flt = flt or StepFilter()
        return graphwalk.links(self.source, refs, source, target, max_hops, flt, cap, limit)

    def shortest_paths(
        self,
        a: str,
        b: str,
        *,
        max_hops: int | None = None,
        flt: StepFilter | None = None,
        max_paths: int | None = None,
    ) -> PathsResult:
        """All shortest paths (up to the cap) of at most ``max_hops`` steps."""
        hops = _check(max_hops or self.limits.max_hops, 1, self.limits.max_hops, "max_hops")
        cap = _check(max_paths or self.limits.max_paths, 1, self.limits.max_paths, "max_paths")
        refs = self._refs()
        source, target = self._ends(refs, a, b)
        flt = flt or StepFilter()
        return graphwalk.shortest_paths(
            self.source, refs, source, target, hops, flt, cap, self.limits.timeout
        )

    def _actors(
        self, refs: Refs, value: str | None, subordinates: bool, included: set[str]
    ) -> tuple[str, ...] | None:
        """An actor filter: the actor (id or name) and, if asked, its organisations and
        officials (added to ``included``)."""
        if value is None:
            return None
        uri = refs.resolve(value)
        extra = subordinates_of(self.source, uri) if subordinates else ()
        included.update(extra)
        return (uri, *extra)

    def agreements(
        self,
        *,
        party: str | None = None,
        signatory: str | None = None,
        area: str | None = None,
        signed_since: str | None = None,
        signed_until: str | None = None,
        limit: int = 50,
        offset: int = 0,
        claimed_by: str | None = None,
        subordinates: bool = False,
    ) -> AgreementPage:
        """Agreements filtered by party, signatory (ids or names; with ``subordinates`` their
        organisations and officials too), area (notation or IRI, the agreement's or a
        commitment's), date signed and who vouches for them."""
        limit, offset = self._page(limit, offset)
        StepFilter.of(since=signed_since, until=signed_until)  # checks the dates
        refs = self._refs()
        included: set[str] = set()
        parties = self._actors(refs, party, subordinates, included)
        signers = self._actors(refs, signatory, subordinates, included)
        claimants = self._actors(refs, claimed_by, subordinates, included)
        return agreements.list_agreements(
            self.source,
            refs,
            party=parties,
            signatory=signers,
            area=concept_iri("area", area) if area else None,
            since=signed_since,
            until=signed_until,
            limit=limit,
            offset=offset,
            claimed_by=frozenset(claimants) if claimants is not None else None,
            included=tuple(sorted(included)),
        )

    def agreement(self, agreement_id: str) -> AgreementDetail:
        """Detail of one agreement (NotFound if unknown), from one page fetch; an id the
        agreement had before identity resolution merged it answers too."""
        uri = to_iri(agreement_id)
        paged = Prefetched(self.source, self.source.page(uri, AGREEMENT_PAGE))
        try:
            return agreements.agreement_detail(paged, Refs(paged), uri)
        except NotFound:
            became = self._former(uri) if self._former is not None else []
            if len(became) != 1:
                raise
        paged = Prefetched(self.source, self.source.page(became[0], AGREEMENT_PAGE))
        return agreements.agreement_detail(paged, Refs(paged), became[0])

    def influences(
        self,
        *,
        influencer: str | None = None,
        influenced: str | None = None,
        kind: str | None = None,
        direction: str | None = None,
        limit: int = 50,
        offset: int = 0,
        claimed_by: str | None = None,
        subordinates: bool = False,
    ) -> InfluencePage:
        """Influences filtered by influencer, influenced (ids or names; with ``subordinates``
        their organisations and officials too), kind and direction (notations), and who
        vouches for them."""
        limit, offset = self._page(limit, offset)
        refs = self._refs()
        included: set[str] = set()
        influencers = self._actors(refs, influencer, subordinates, included)
        influenceds = self._actors(refs, influenced, subordinates, included)
        claimants = self._actors(refs, claimed_by, subordinates, included)
        return agreements.list_influences(
            self.source,
            refs,
            influencer=influencers,
            influenced=influenceds,
            kind=concept_iri("influence-kind", kind) if kind else None,
            direction=concept_iri("direction", direction) if direction else None,
            limit=limit,
            offset=offset,
            claimed_by=frozenset(claimants) if claimants is not None else None,
            included=tuple(sorted(included)),
        )

    def reactions(
        self,
        *,
        actor: str | None = None,
        towards: str | None = None,
        stance: str | None = None,
    ) -> list[ReactionInfo]:
        """Reactions (format 2) by an actor (id or name), towards a fact (id), of a stance
        (notation or IRI), by date (undated last) then IRI."""
        refs = self._refs()
        return reactions.list_reactions(
            self.source,
            refs,
            actor=refs.resolve(actor) if actor else None,
            towards=to_iri(towards) if towards else None,
            stance=concept_iri("stance", stance) if stance else None,
        )

    def timeline(self, entity_id: str, *, include_undated: bool = True) -> Timeline:
        """Dated facts of an actor in date order (undated ones apart)."""
        refs = self._refs()
        return facts.timeline(self.source, refs, refs.resolve(entity_id), include_undated)

    def brokers(
        self,
        *,
        seeds: Iterable[str] = (),
        depth: int = 1,
        flt: StepFilter | None = None,
        limit: int = 20,
    ) -> BrokersResult:
        """Betweenness on the whole actor graph, or on the ego network of ``seeds``."""
        limit, _ = self._page(limit, 0)
        _check(depth, 1, self.limits.max_depth, "depth")
        refs = self._refs()
        flt = flt or StepFilter()
        starts = [refs.resolve(s, actor=True) for s in seeds]
        if not starts:
            graph = analytics.actor_graph(self.source.edges(flt))
            return analytics.brokers(refs, graph, "graph", limit)
        keep = graphwalk.ego_nodes(self.source, starts, depth, flt, self.limits.hub_cap)
        incident = self.source.incident(sorted(keep), flt, frozenset(starts))
        edges = [(s.source, s.target) for steps in incident.values() for s in steps]
        return analytics.brokers(refs, analytics.actor_graph(edges, keep), "ego", limit)

    def statistics(self) -> Statistics:
        """Counts by type and relation, articles, last load time (when recorded)."""
        last = self._last_loaded() if self._last_loaded else None
        return analytics.statistics(self.source.label_counts, self.source.relation_counts(), last)
