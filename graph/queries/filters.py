"""Step filters shared by both backends: relation kinds, node types and a date window.

* ``relations``: kinds from :data:`graph.rules.steps.RELATIONS`; ``relation`` means every
  ``relation:<notation>``, ``relation:ruled`` one of them; likewise ``role`` and
  ``role:mediator``. None = all.
* ``node_types``: dg entity types (``Country``, ``Organization``, ``Person``, ``Official``); a
  step is followed only when the actor it leads to has one of them (the fixed ends of a query are
  exempt). None = all.
* ``since``/``until``: partial ISO dates. A step is kept when its known period overlaps the
  window (``start`` on its first day, ``end`` on its last); unknown bounds never exclude, so
  undated steps are always kept.
* ``inferred``: inferred steps (``Step.rule`` set, e.g. ``region-membership``) are left out
  unless True: nothing inferred passes as stated.

:meth:`StepFilter.cypher_params` gives the same filter as parameters of the ``LINK`` Cypher
(:data:`LINK_FILTER`), so Neo4j and networkx keep exactly the same steps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from graph.errors import QueryError
from graph.rules.steps import PREFIXED_RELATIONS, RELATIONS, Step
from ontology.classes import TYPE_PRIORITY as ENTITY_CLASSES
from ontology.dates import check_partial_date, first_day, last_day, overlaps

LINK_FILTER = """
($relations IS NULL OR l.relation IN $relations
   OR ($anyRelation AND l.relation STARTS WITH 'relation:')
   OR ($anyRole AND l.relation STARTS WITH 'role:'))
AND ($until IS NULL OR l.startKey IS NULL OR l.startKey <= $until)
AND ($since IS NULL OR l.endKey IS NULL OR l.endKey >= $since)
AND ($inferred OR NOT coalesce(l.inferred, false))
"""
"""Cypher predicate over a LINK bound to ``l`` (parameters from ``cypher_params``)."""

NODE_FILTER = "($types IS NULL OR any(x IN labels({node}) WHERE x IN $types))"
"""Cypher predicate over a node (``{node}`` is the variable name, fixed in the constants)."""


def _check_date(value: str | None, name: str) -> None:
    """Raise QueryError unless ``value`` is None or a real partial ISO date (the rule of
    :func:`ontology.identifiers.check_partial_date`, which the API and the loaders share)."""
    if value is None:
        return
    try:
        check_partial_date(value)
    except ValueError as error:
        raise QueryError(f"{name}: {error}") from None


def entity_type(value: str) -> str:
    """An entity type in its dg spelling (``country`` → ``Country``); QueryError if unknown."""
    by_lower = {c.lower(): c for c in ENTITY_CLASSES}
    found = by_lower.get(value.strip().lower())
    if found is None:
        raise QueryError(f"unknown type {value!r}; use one of {', '.join(ENTITY_CLASSES)}")
    return found


def relation_kind(value: str) -> str:
    """A relation kind (``agreement``… or ``relation:<notation>``), checked; QueryError if not."""
    key = value.strip()
    family, _, rest = key.partition(":")
    if key not in RELATIONS and not (family in PREFIXED_RELATIONS and rest):
        known = ", ".join(RELATIONS)
        raise QueryError(
            f"unknown relation {value!r}; use one of {known}, relation:<kind> or role:<role>"
        )
    return key


def normalise_types(types: Iterable[str] | None) -> frozenset[str] | None:
    """Entity types in their dg spelling (see :func:`entity_type`); None stays None."""
    return None if types is None else frozenset(entity_type(v) for v in types)


def normalise_relations(relations: Iterable[str] | None) -> frozenset[str] | None:
    """Relation kinds, checked (see :func:`relation_kind`); None stays None."""
    return None if relations is None else frozenset(relation_kind(v) for v in relations)


@dataclass(frozen=True)
class StepFilter:
    """Which steps a graph query may follow (see the module docstring)."""

    relations: frozenset[str] | None = None
    node_types: frozenset[str] | None = None
    since: str | None = None
    until: str | None = None
    inferred: bool = False

    @classmethod
    def of(
        cls,
        relations: Iterable[str] | None = None,
        node_types: Iterable[str] | None = None,
        since: str | None = None,
        until: str | None = None,
        inferred: bool = False,
    ) -> StepFilter:
        """A checked filter (QueryError on an unknown relation, type or malformed date)."""
        _check_date(since, "since")
        _check_date(until, "until")
        relations_ = normalise_relations(relations)
        return cls(relations_, normalise_types(node_types), since, until, inferred)

    def step_ok(self, step: Step) -> bool:
        """Whether the step's relation, dates and inference pass."""
        if step.inferred and not self.inferred:
            return False
        if self.relations is None and self.since is None and self.until is None:
            return True
        if self.relations is not None and not self._relation_ok(step.relation):
            return False
        return overlaps(step.start_key, step.end_key, first_day(self.since), last_day(self.until))

    def _relation_ok(self, relation: str) -> bool:
        """Whether a relation kind is asked for (``relation`` covers every ``relation:*``)."""
        assert self.relations is not None
        if relation in self.relations:
            return True
        family, colon, _ = relation.partition(":")
        return bool(colon) and family in PREFIXED_RELATIONS and family in self.relations

    def node_ok(self, types: Iterable[str]) -> bool:
        """Whether an actor with these dg types may be reached."""
        return self.node_types is None or not self.node_types.isdisjoint(types)

    def cypher_params(self) -> dict[str, Any]:
        """Parameters of :data:`LINK_FILTER` and :data:`NODE_FILTER`."""
        relations = sorted(self.relations) if self.relations is not None else None
        return {
            "relations": relations,
            "anyRelation": bool(relations and "relation" in relations),
            "anyRole": bool(relations and "role" in relations),
            "since": first_day(self.since),
            "until": last_day(self.until),
            "types": sorted(self.node_types) if self.node_types is not None else None,
            "inferred": self.inferred,
        }
