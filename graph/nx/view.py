"""An in-process networkx view of the RDF store: actors joined by steps.

:class:`ActorGraph` is an immutable snapshot: an undirected ``nx.MultiGraph`` whose nodes are the
actors (attributes ``types``, ``name``, ``aliases``) and whose edges are the steps of
``graph.rules.steps`` keyed by step uri (attribute ``step``), plus every entity (actors and
regions) by IRI for search and references. :class:`NxView` keeps the current snapshot:
``current()`` rebuilds it when the store's ``generation`` changed (a counter bumped by every
write), and ``apply(delta)`` updates it in place of a rebuild after a load whose touched
subjects are known.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import networkx as nx

from graph.model import RDFStore
from graph.nx.entities import read_entities
from graph.queries.entities import EntityInfo
from graph.rdf.reader import SparqlReader
from graph.rules.step_reads import StepDelta, StoreSource, all_steps, step_delta
from graph.rules.steps import Step

Version = Hashable


@dataclass(frozen=True)
class ActorGraph:
    """One consistent snapshot of the actor graph (never mutated once published)."""

    graph: nx.MultiGraph = field(hash=False, compare=False)
    entities: dict[str, EntityInfo] = field(hash=False, compare=False)
    steps: dict[str, Step] = field(hash=False, compare=False)
    version: Version = None

    def incident(self, actor: str) -> list[Step]:
        """Every step touching ``actor``, sorted by uri."""
        if actor not in self.graph:
            return []
        found = {
            key: data["step"] for _, _, key, data in self.graph.edges(actor, keys=True, data=True)
        }
        return [found[k] for k in sorted(found)]

    def degree(self, actor: str) -> int:
        """Number of steps touching ``actor``."""
        return int(self.graph.degree(actor)) if actor in self.graph else 0


def build_actor_graph(
    entities: dict[str, EntityInfo], steps: Iterable[Step], version: Version = None
) -> ActorGraph:
    """A snapshot from entities and steps (actors become nodes, in IRI order)."""
    graph = nx.MultiGraph()
    for uri in sorted(entities):
        info = entities[uri]
        if info.is_actor:
            graph.add_node(uri, types=info.types, name=info.name, aliases=info.aliases)
    by_uri: dict[str, Step] = {}
    for step in sorted(steps, key=lambda s: s.uri):
        if step.source in graph and step.target in graph:
            graph.add_edge(step.source, step.target, key=step.uri, step=step)
            by_uri[step.uri] = step
    return ActorGraph(graph, dict(entities), by_uri, version)


class NxView:
    """The current :class:`ActorGraph` of an RDF store, rebuilt when the store changes."""

    def __init__(self, store: RDFStore, reader: SparqlReader) -> None:
        """Steps read from ``store``'s indexes, entities through ``reader``; the store's
        ``generation`` tells when it changed."""
        self._store = store
        self._steps = StoreSource(store)
        self._reader = reader
        self._lock = threading.Lock()
        self._snapshot: ActorGraph | None = None

    @classmethod
    def of_store(cls, store: RDFStore, timeout: float | None = None) -> NxView:
        """A view of the project's RDF store."""
        return cls(store, SparqlReader.of_store(store, timeout))

    def current(self) -> ActorGraph:
        """The snapshot for the store as it is now (rebuilt first if the store changed)."""
        version = self._store.generation
        snapshot = self._snapshot
        if snapshot is not None and snapshot.version == version:
            return snapshot
        with self._lock:
            if self._snapshot is None or self._snapshot.version != version:
                self._snapshot = self._build(version)
            return self._snapshot

    def invalidate(self) -> None:
        """Forget the snapshot; the next ``current()`` rebuilds it."""
        with self._lock:
            self._snapshot = None

    def _build(self, version: Version) -> ActorGraph:
        """A full rebuild from the store."""
        return build_actor_graph(read_entities(self._reader), all_steps(self._steps), version)

    def apply_touched(self, touched: Iterable[str]) -> None:
        """Update the snapshot after a load/retraction touching ``touched`` (no full rebuild)."""
        self.apply(step_delta(self._steps, touched))

    def apply(self, delta: StepDelta) -> None:
        """Replace the steps of ``delta``'s facts and subjects; entities are re-read."""
        with self._lock:
            old = self._snapshot
            if old is None:
                return
            vias, subjects = set(delta.vias), set(delta.plain_subjects)
            kept = [
                s
                for s in old.steps.values()
                if not (s.via in vias or (s.via is None and s.source in subjects))
            ]
            version = self._store.generation
            entities = read_entities(self._reader)
            self._snapshot = build_actor_graph(entities, [*kept, *delta.steps], version)
