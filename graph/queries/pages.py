"""A page's reads answered from one fetch: :class:`Prefetched` wraps a backend with the
:class:`PageRecords` of a :class:`PagePlan`.

The detail services (``facts.entity_detail``, ``agreements.agreement_detail``) stay written over
``describe``/``referrers``/``entity_infos`` as before; given a :class:`Prefetched` source they
read what the page fetched and ask the backend only for what the plan did not cover (the same
answer either way, one query instead of a dozen when the plan covers the page).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from graph.queries.entities import EntityInfo
from graph.queries.filters import StepFilter
from graph.queries.source import (
    FACT_LABELS,
    Described,
    Expansion,
    GraphSource,
    PagePlan,
    PageRecords,
)
from graph.rules.steps import Step

ENTITY_PAGE = PagePlan(
    referrers=(
        "ENDED_BY", "ESTABLISHES", "HOLDER", "INFLUENCED", "INFLUENCER", "NEGOTIATED_BY",
        "ON_BEHALF_OF", "PARTY", "POST", "ROLE_ACTOR", "SIGNATORY", "REACTOR", "MEMBER",
    ),
    follow=(
        "AGREEMENT", "CONCERNS", "COUNTRY", "HOLDER", "INFLUENCED", "INFLUENCER", "POST",
        "POST_IN", "ROLE_IN", "IN_RESPONSE_TO", "TOWARDS", "HOLDS", "MEMBER",
    ),
    then=("POST_IN",),
)  # fmt: skip
"""Entity detail: tenures (their posts and where; a post's holders), agreement roles
(signatures' agreements; roles played and endings, format 2), influences (both ends),
reactions (the facts they are towards and answer), the country of a place or organisation, a
group's members and an actor's groups, the post a person known only by role holds."""

AGREEMENT_PAGE = PagePlan(
    referrers=("AGREEMENT", "CONCERNS", "ROLE_IN", "TOWARDS"),
    follow=(
        "ACTOR", "ENDED_BY", "ESTABLISHES", "LOCATION", "NEGOTIATED_BY", "ON_BEHALF_OF",
        "PARTICIPANT", "PARTY", "PLACE_SIGNED", "ROLE_ACTOR", "SIGNATORY", "REACTOR",
        "IN_RESPONSE_TO",
    ),
    then=("COUNTRY",),
)  # fmt: skip
"""Agreement detail: signatures and commitments, events about it (its endings among them),
roles played in it, bodies, every actor named, reactions towards it (their reactors) and the
facts it, its events and reactions answer, the country of a place it was signed in or an event
took place in."""


class Prefetched:
    """A :class:`GraphSource` answering from a page's records and the expansions it made,
    else from ``source`` (for one request)."""

    def __init__(self, source: GraphSource, page: PageRecords | None = None) -> None:
        self.source = source
        self.page_records = page or PageRecords("", PagePlan((), ()), {}, (), {})
        self._entities = dict(self.page_records.entities)
        self._looked_up = set(self.page_records.looked_up)
        self._expansions: dict[tuple[tuple[str, ...], StepFilter, frozenset[str]], Expansion] = {}

    @property
    def root(self) -> str:
        """The page's root."""
        return self.page_records.root

    def expand(self, uris: Sequence[str], flt: StepFilter, exempt: frozenset[str]) -> Expansion:
        """See :class:`GraphSource` (each expansion fetched once; its entities kept)."""
        key = (tuple(uris), flt, exempt)
        found = self._expansions.get(key)
        if found is None:
            found = self._expansions[key] = self.source.expand(uris, flt, exempt)
            self._entities.update(found.entities)
            self._looked_up.update(found.looked_up)
        return found

    # ------------------------------------------------------------------ answered from the page

    def describe(self, uris: Sequence[str]) -> dict[str, Described]:
        """See :class:`GraphSource`."""
        known, articles = self.page_records.described, self.page_records.articles
        # a bare node (no label) may be a dg:Relation pointed at: the backend describes it
        found = {u: known[u] for u in uris if u in known and known[u].labels}
        found.update((u, articles[u]) for u in uris if u in articles)
        missing = [u for u in uris if u not in found]
        if missing:
            found.update(self.source.describe(missing))
        return found

    def referrers(self, uri: str, rel_types: Sequence[str]) -> list[tuple[str, str]]:
        """See :class:`GraphSource`."""
        page = self.page_records
        if uri != page.root or not set(rel_types) <= set(page.plan.referrers):
            return self.source.referrers(uri, rel_types)
        wanted = set(rel_types)
        return [(s, t) for s, t in self.page_records.referrers if t in wanted]

    def entity_infos(self, uris: Sequence[str]) -> dict[str, EntityInfo]:
        """See :class:`GraphSource` (a described node that is no entity is known not to be)."""
        known, entities = self._looked_up, self._entities
        found = {u: entities[u] for u in uris if u in entities}
        missing = [u for u in uris if u not in known]
        if missing:
            found.update(self.source.entity_infos(missing))
        return found

    def page(self, uri: str, plan: PagePlan) -> PageRecords:
        """See :class:`GraphSource` (this page when it is the same)."""
        if uri == self.page_records.root and plan == self.page_records.plan:
            return self.page_records
        return self.source.page(uri, plan)

    # ------------------------------------------------------------------ passed through

    def entities(self) -> list[EntityInfo]:
        """See :class:`GraphSource`."""
        return self.source.entities()

    def incident(
        self, uris: Sequence[str], flt: StepFilter, exempt: frozenset[str]
    ) -> dict[str, list[Step]]:
        """See :class:`GraphSource`."""
        return self.source.incident(uris, flt, exempt)

    def degrees(
        self, uris: Sequence[str], flt: StepFilter, exempt: frozenset[str]
    ) -> dict[str, int]:
        """See :class:`GraphSource`."""
        return self.source.degrees(uris, flt, exempt)

    def neighbours(
        self, uris: Sequence[str], flt: StepFilter, exempt: frozenset[str]
    ) -> dict[str, list[str]]:
        """See :class:`GraphSource`."""
        return self.source.neighbours(uris, flt, exempt)

    def between(
        self, pairs: Sequence[tuple[str, str]], flt: StepFilter
    ) -> dict[tuple[str, str], list[Step]]:
        """See :class:`GraphSource`."""
        return self.source.between(pairs, flt)

    def edges(self, flt: StepFilter) -> list[tuple[str, str]]:
        """See :class:`GraphSource`."""
        return self.source.edges(flt)

    def relation_counts(self) -> dict[str, int]:
        """See :class:`GraphSource`."""
        return self.source.relation_counts()

    def instances(self, label: str) -> list[str]:
        """See :class:`GraphSource`."""
        return self.source.instances(label)

    def label_counts(self, labels: Sequence[str]) -> dict[str, int]:
        """See :class:`GraphSource`."""
        return self.source.label_counts(labels)

    def local_refs(self, refs: Sequence[str]) -> dict[str, str]:
        """See :class:`GraphSource`."""
        return self.source.local_refs(refs)


def compose_page(source: GraphSource, uri: str, plan: PagePlan) -> PageRecords:
    """:meth:`GraphSource.page` from the other primitives (several reads; for a backend whose
    reads are in-process, where one fetch saves nothing). The entities reached by ``follow``
    and ``then`` are given as :class:`EntityInfo` only: describing a hub actor reads every
    article naming it, and pages ask only its reference."""
    described = source.describe([uri])
    referrers: list[tuple[str, str]] = []
    looked_up = {uri}
    entities: dict[str, EntityInfo] = {}
    if uri in described:
        referrers = sorted(set(source.referrers(uri, plan.referrers))) if plan.referrers else []
        level1 = [uri, *sorted({s for s, _ in referrers})]
        described.update(source.describe(level1))
        looked_up.update(level1)
        entities.update(source.entity_infos(level1))
        uris = level1
        for types in (plan.follow, plan.then):
            uris = [u for u in _targets(described, uris, types) if u not in looked_up]
            found = source.entity_infos(uris)
            entities.update(found)
            # posts (entities too) are described for the ``then`` step; actors are not
            described.update(source.describe([u for u in uris if not _is_actor(found.get(u))]))
            looked_up.update(uris)
    else:
        entities.update(source.entity_infos([uri]))
    articles = source.describe(_articles_of(described.values()))
    return PageRecords(
        uri, plan, described, tuple(referrers), entities, frozenset(looked_up), articles
    )


def _articles_of(nodes: Iterable[Described]) -> list[str]:
    """The articles stating the facts among ``nodes``, sorted."""
    facts = (n for n in nodes if not set(FACT_LABELS).isdisjoint(n.labels))
    return sorted({a for f in facts for a in f.texts("sources")})


def _is_actor(info: EntityInfo | None) -> bool:
    return info is not None and info.is_actor


def _targets(
    described: dict[str, Described], uris: Sequence[str], types: Sequence[str]
) -> list[str]:
    """The targets of ``types`` relationships out of the described ``uris``, sorted."""
    found = {t for u in uris if u in described for rel in types for t in described[u].all(rel)}
    return sorted(found)


def compose_expansion(
    source: GraphSource, uris: Sequence[str], flt: StepFilter, exempt: frozenset[str]
) -> Expansion:
    """:meth:`GraphSource.expand` from the other primitives (for an in-process backend)."""
    incident = source.incident(uris, flt, exempt)
    others = sorted({s.other(u) for u, steps in incident.items() for s in steps})
    looked_up = frozenset((*uris, *others))
    return Expansion(
        {u: tuple(steps) for u, steps in incident.items()},
        source.degrees(others, flt, exempt),
        source.entity_infos(sorted(looked_up)),
        looked_up,
    )
