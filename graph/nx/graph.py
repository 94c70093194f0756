"""The actor graph of the embedded backend as plain dictionaries, immutable once published.

:class:`ActorGraph` holds the entities (actors and regions) by IRI, the steps of
``graph.rules.steps`` between actors by uri, and three indexes: the steps touching each actor,
the steps of each fact (``via``) and the via-less steps starting at each subject. A write
produces the next graph with :meth:`ActorGraph.advanced`: the dictionaries are copied (a C-level
copy, milliseconds for 100,000 entries) and only the entries a write changed are replaced, so a
reader holding the previous graph keeps a consistent one and never waits for the writer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from graph.queries.entities import EntityInfo
from graph.rules.step_reads import StepDelta
from graph.rules.steps import Step

Version = Hashable

_Index = dict[str, tuple[str, ...]]
_KeysOf = Callable[[Step], tuple[str, ...]]
"""A step → the keys an index files it under."""


@dataclass(frozen=True)
class ActorGraph:
    """One consistent snapshot of the actor graph (never mutated once published)."""

    entities: Mapping[str, EntityInfo] = field(hash=False, compare=False)
    steps: Mapping[str, Step] = field(hash=False, compare=False)
    adjacency: Mapping[str, tuple[str, ...]] = field(hash=False, compare=False)
    """Actor → uris of the steps touching it, sorted."""
    by_via: Mapping[str, tuple[str, ...]] = field(hash=False, compare=False)
    """Fact → uris of its steps."""
    plain: Mapping[str, tuple[str, ...]] = field(hash=False, compare=False)
    """Subject → uris of the via-less steps (part-of, country, nationality) it starts."""
    version: Version = None

    def is_actor(self, uri: str) -> bool:
        """Whether ``uri`` is an actor (a node of the graph)."""
        info = self.entities.get(uri)
        return info is not None and info.is_actor

    def types(self, uri: str) -> tuple[str, ...]:
        """The entity types of ``uri`` (empty if it is not an entity)."""
        info = self.entities.get(uri)
        return info.types if info is not None else ()

    def incident(self, actor: str) -> list[Step]:
        """Every step touching ``actor``, sorted by uri."""
        return [self.steps[k] for k in self.adjacency.get(actor, ())]

    def degree(self, actor: str) -> int:
        """Number of steps touching ``actor``."""
        return len(self.adjacency.get(actor, ()))

    def between(self, u: str, v: str) -> list[Step]:
        """The steps joining ``u`` and ``v`` (either direction), sorted by uri."""
        return [s for s in self.incident(u) if s.other(u) == v]

    def advanced(
        self, entities: Mapping[str, EntityInfo | None], delta: StepDelta, version: Version
    ) -> ActorGraph:
        """The next graph: ``entities`` replaced (None: no longer an entity), the steps of
        ``delta`` rewritten (see :class:`StepDelta`). ``self`` is left as it was."""
        new_entities = dict(self.entities)
        for uri, info in entities.items():
            if info is None:
                new_entities.pop(uri, None)
            else:
                new_entities[uri] = info
        removed = [u for via in delta.vias for u in self.by_via.get(via, ())]
        removed += [u for s in delta.plain_subjects for u in self.plain.get(s, ())]
        steps = dict(self.steps)
        old = [steps.pop(u) for u in dict.fromkeys(removed)]
        added = [s for s in delta.steps if _joins_actors(new_entities, s)]
        steps.update((s.uri, s) for s in added)
        return ActorGraph(
            new_entities,
            steps,
            _reindexed(self.adjacency, old, added, lambda s: (s.source, s.target)),
            _reindexed(self.by_via, old, added, lambda s: (s.via,) if s.via else ()),
            _reindexed(self.plain, old, added, lambda s: () if s.via else (s.source,)),
            version,
        )


def _joins_actors(entities: Mapping[str, EntityInfo], step: Step) -> bool:
    """Whether both ends of ``step`` are actors."""
    ends = entities.get(step.source), entities.get(step.target)
    return all(info is not None and info.is_actor for info in ends)


def _reindexed(
    index: Mapping[str, tuple[str, ...]],
    removed: Iterable[Step],
    added: Iterable[Step],
    keys_of: _KeysOf,
) -> _Index:
    """A copy of ``index`` (key → sorted step uris) without ``removed`` and with ``added``."""
    changes: dict[str, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for step in removed:
        for key in keys_of(step):
            changes[key][0].add(step.uri)
    for step in added:
        for key in keys_of(step):
            changes[key][1].add(step.uri)
    new = dict(index)
    for key, (gone, fresh) in changes.items():
        uris = (set(new.get(key, ())) - gone) | fresh
        if uris:
            new[key] = tuple(sorted(uris))
        else:
            new.pop(key, None)
    return new


def build_actor_graph(
    entities: Mapping[str, EntityInfo], steps: Iterable[Step], version: Version = None
) -> ActorGraph:
    """A snapshot from entities and steps (steps between two actors only)."""
    kept = {s.uri: s for s in steps if _joins_actors(entities, s)}
    empty = ActorGraph({}, {}, {}, {}, {})
    ordered = [kept[u] for u in sorted(kept)]
    return ActorGraph(
        dict(entities),
        kept,
        _reindexed(empty.adjacency, (), ordered, lambda s: (s.source, s.target)),
        _reindexed(empty.by_via, (), ordered, lambda s: (s.via,) if s.via else ()),
        _reindexed(empty.plain, (), ordered, lambda s: () if s.via else (s.source,)),
        version,
    )
