"""The primitives a backend provides; every query service is built on them once (``service``).

Two implementations: ``nx_source.NxSource`` (networkx view + the RDF store, facts described by
running ``graph.rules.records`` in memory, so they read exactly like the Neo4j projection) and
``neo4j_source.Neo4jSource`` (Cypher over the projection and the ``LINK`` relationships).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from graph.queries.entities import EntityInfo
from graph.queries.filters import StepFilter
from graph.rules.steps import Step


@dataclass(frozen=True)
class Described:
    """A projected node (or ``dg:Relation`` relationship): labels, properties and the targets
    of its outgoing relationships by type (``PARTY`` → IRIs), as ``docs/data-model.md`` says."""

    uri: str
    labels: tuple[str, ...]
    props: Mapping[str, Any] = field(hash=False)
    out: Mapping[str, tuple[str, ...]] = field(hash=False)

    def text(self, key: str) -> str | None:
        """A single property as a string (first item of a list), or None."""
        value = self.props.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        return None if value is None else str(value)

    def texts(self, key: str) -> tuple[str, ...]:
        """A property as a sorted tuple of strings (a single value gives one item)."""
        value = self.props.get(key)
        if value is None:
            return ()
        items = value if isinstance(value, list) else [value]
        return tuple(sorted(str(v) for v in items))

    def ordered(self, key: str) -> tuple[str, ...]:
        """A list property as stored (order kept)."""
        value = self.props.get(key)
        if value is None:
            return ()
        return tuple(str(v) for v in (value if isinstance(value, list) else [value]))

    def one(self, rel_type: str) -> str | None:
        """The smallest target of ``rel_type``, or None."""
        targets = self.out.get(rel_type, ())
        return targets[0] if targets else None

    def all(self, rel_type: str) -> tuple[str, ...]:
        """Every target of ``rel_type``, sorted."""
        return self.out.get(rel_type, ())


FACT_LABELS = ("Agreement", "Commitment", "Event", "Influence", "Signature", "Tenure")
"""Labels of the facts whose articles a page describes too (their ``as_of`` fallback)."""


@dataclass(frozen=True)
class PagePlan:
    """What a page reads around its root node, in one fetch (``GraphSource.page``).

    The root; the subjects of its incoming relationships of ``referrers``; the targets of
    ``follow`` relationships out of the root and those subjects; the targets of ``then``
    relationships out of those targets. Each is described (:class:`Described`), and the
    entities among them given as :class:`EntityInfo`. The query services choose the plan
    (which relationships a page needs is their rule); a backend only fetches it.
    """

    referrers: tuple[str, ...]
    follow: tuple[str, ...]
    then: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageRecords:
    """What :class:`PagePlan` read around ``root`` (nothing described if it is unknown)."""

    root: str
    plan: PagePlan
    described: Mapping[str, Described] = field(hash=False)
    referrers: tuple[tuple[str, str], ...]
    """(subject, relationship type) of the root's incoming ``plan.referrers``, sorted."""
    entities: Mapping[str, EntityInfo] = field(hash=False)
    """The entities among ``looked_up`` (the others are not entities)."""
    looked_up: frozenset[str] = frozenset()
    """Every IRI the page looked up: ``described``, and the entities a backend gave as
    :class:`EntityInfo` only (an in-process backend need not describe them: a page reading
    more asks for it)."""
    articles: Mapping[str, Described] = field(default_factory=dict, hash=False)
    """The articles stating the described facts (:data:`FACT_LABELS`), described: their
    publication dates place undated facts in time (``graph.queries.qualifiers``)."""


@dataclass(frozen=True)
class Expansion:
    """One level of an ego network in one fetch (``GraphSource.expand``)."""

    incident: Mapping[str, tuple[Step, ...]] = field(hash=False)
    """What :meth:`GraphSource.incident` gives for each expanded actor."""
    degrees: Mapping[str, int] = field(hash=False)
    """What :meth:`GraphSource.degrees` gives for each actor at the other end of those."""
    entities: Mapping[str, EntityInfo] = field(hash=False)
    """The entities among the expanded actors and the other ends (all ``looked_up``)."""
    looked_up: frozenset[str] = frozenset()


class GraphSource(Protocol):
    """What a backend answers; filters have the semantics of ``graph.queries.filters``."""

    def entities(self) -> list[EntityInfo]:
        """Every actor and region."""
        ...

    def entity_infos(self, uris: Sequence[str]) -> dict[str, EntityInfo]:
        """The entities among ``uris`` (unknown ones are absent)."""
        ...

    def incident(
        self, uris: Sequence[str], flt: StepFilter, exempt: frozenset[str]
    ) -> dict[str, list[Step]]:
        """Steps touching each actor that pass ``flt``; the other end must pass the node-type
        filter unless it is in ``exempt``. Sorted by uri."""
        ...

    def degrees(
        self, uris: Sequence[str], flt: StepFilter, exempt: frozenset[str]
    ) -> dict[str, int]:
        """How many steps :meth:`incident` would return for each actor."""
        ...

    def neighbours(
        self, uris: Sequence[str], flt: StepFilter, exempt: frozenset[str]
    ) -> dict[str, list[str]]:
        """The distinct actors joined to each of ``uris`` by a step passing ``flt`` (the other
        end passes the node-type filter unless it is in ``exempt``), sorted."""
        ...

    def between(
        self, pairs: Sequence[tuple[str, str]], flt: StepFilter
    ) -> dict[tuple[str, str], list[Step]]:
        """The steps passing ``flt`` between the two actors of each pair (given in IRI order),
        sorted by uri; pairs with none are absent."""
        ...

    def edges(self, flt: StepFilter) -> list[tuple[str, str]]:
        """(source, target) of every step passing ``flt`` whose two ends pass the type filter."""
        ...

    def relation_counts(self) -> dict[str, int]:
        """Number of steps by relation."""
        ...

    def describe(self, uris: Sequence[str]) -> dict[str, Described]:
        """The projected nodes (or Relation relationships) of ``uris``; unknown ones absent."""
        ...

    def referrers(self, uri: str, rel_types: Sequence[str]) -> list[tuple[str, str]]:
        """Sorted (subject, type) of the projected relationships of ``rel_types`` into ``uri``."""
        ...

    def instances(self, label: str) -> list[str]:
        """IRIs of every node with a dg label, sorted."""
        ...

    def label_counts(self, labels: Sequence[str]) -> dict[str, int]:
        """Number of nodes with each label."""
        ...

    def expand(self, uris: Sequence[str], flt: StepFilter, exempt: frozenset[str]) -> Expansion:
        """:meth:`incident` of ``uris``, :meth:`degrees` of the actors at their other ends and
        :meth:`entity_infos` of both, in one fetch (one query on Neo4j)."""
        ...

    def local_refs(self, refs: Sequence[str]) -> dict[str, str]:
        """Format 2: the agreement, event, influence or reaction each ``article-id#local-id``
        names through ``dg:localRef`` (one IRI each; references naming none are absent)."""
        ...

    def page(self, uri: str, plan: PagePlan) -> PageRecords:
        """Everything ``plan`` reads around ``uri``, in one fetch (one query on Neo4j): what
        :meth:`describe`, :meth:`referrers` and :meth:`entity_infos` would answer for it."""
        ...
