"""Entities (actors and regions) as the query services see them, whichever backend reads them.

An entity's ``types`` are the local names of its ``dg:`` classes, sorted (``("Official",
"Person")``); its ``name`` is the one most articles give (``ontology.choice.most_stated``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ontology.classes import ACTOR_TYPES, DG_NS
from ontology.classes import ENTITY_TYPES as ENTITY_TYPE_NAMES


@dataclass(frozen=True)
class EntityInfo:
    """What search and references need about an entity."""

    uri: str
    types: tuple[str, ...]
    name: str | None
    aliases: tuple[str, ...]

    @property
    def is_actor(self) -> bool:
        """Whether the entity is a country, organisation or person."""
        return not ACTOR_TYPES.isdisjoint(self.types)


def dg_types(values: Iterable[str]) -> tuple[str, ...]:
    """Sorted local names of the dg classes among IRIs or labels (other values dropped)."""
    names = set()
    for value in values:
        local = value.removeprefix(DG_NS)
        if local in ENTITY_TYPE_NAMES:
            names.add(local)
    return tuple(sorted(names))


def make_entity(
    uri: str, types: Iterable[str], name: str | None, aliases: Iterable[str]
) -> EntityInfo:
    """An :class:`EntityInfo` (types filtered to entity classes, aliases sorted and distinct)."""
    return EntityInfo(uri, dg_types(list(types)), name, tuple(sorted(set(aliases))))
