"""The current actor graph of the RDF store for the embedded backend (see ``graph.nx.graph``).

:class:`NxView` publishes one :class:`ActorGraph` at a time. Built whole on the first read; then,
when it follows the writes (``follows_writes``, registered as a
:class:`graph.writer.WriteObserver` of the :class:`graph.writer.GraphStore`), each committed
write advances it from the subjects the write touched (``graph.nx.upkeep``), in the writer's
thread, and swaps the new graph in: a read takes the published graph without a lock and never
waits for a write (while one runs, reads see the last committed graph). A view that does not
follow the writes (tests writing the store directly) rebuilds when the store's ``generation``
changed, as does a following view whose upkeep failed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from graph.model import RDFStore
from graph.nx.described import DescribedCache
from graph.nx.entities import read_entities
from graph.nx.graph import ActorGraph, build_actor_graph
from graph.nx.upkeep import advance
from graph.rdf.reader import SparqlReader
from graph.rules.step_reads import StoreSource, all_steps

log = logging.getLogger("diplograph.nx")

__all__ = ["ActorGraph", "NxView", "build_actor_graph"]


class NxView:
    """The current :class:`ActorGraph` of an RDF store (see the module docstring)."""

    def __init__(
        self, store: RDFStore, reader: SparqlReader, *, follows_writes: bool = False
    ) -> None:
        """Steps read from ``store``'s indexes, entities through ``reader``. With
        ``follows_writes``, every write must reach :meth:`committed`."""
        self._store = store
        self._reader = reader
        self._follows = follows_writes
        self._lock = threading.Lock()  # held by a full build and by an upkeep, never by reads
        self._snapshot: ActorGraph | None = None
        self.described = DescribedCache(
            store.subject_quads, lambda: store.generation, follows_writes=follows_writes
        )
        """Descriptions of subjects kept between reads (``NxSource.describe``), dropped by the
        same notifications that advance the graph."""

    @classmethod
    def of_store(
        cls, store: RDFStore, timeout: float | None = None, *, follows_writes: bool = False
    ) -> NxView:
        """A view of the project's RDF store."""
        return cls(store, SparqlReader.of_store(store, timeout), follows_writes=follows_writes)

    def current(self) -> ActorGraph:
        """The published graph; built first if there is none (or, for a view that does not
        follow the writes, if the store changed since)."""
        snapshot = self._snapshot
        if snapshot is not None and (self._follows or snapshot.version == self._generation()):
            return snapshot
        with self._lock:
            snapshot = self._snapshot
            if snapshot is None or not (self._follows or snapshot.version == self._generation()):
                snapshot = self._snapshot = self.rebuilt()
            return snapshot

    def rebuilt(self) -> ActorGraph:
        """A full build from the store (not published)."""
        version = self._generation()
        return build_actor_graph(
            read_entities(self._reader), all_steps(StoreSource(self._store)), version
        )

    def committed(self, touched: frozenset[str], generation: int) -> None:
        """:class:`graph.writer.WriteObserver`: advance the published graph past a write.

        Nothing to do before the first read (it builds). A failure is logged and drops the
        graph, so that the next read rebuilds it rather than serve a graph missing the write.
        """
        self.described.committed(touched, generation)  # first: it is cheap, reads wait on it
        with self._lock:
            old = self._snapshot
            if old is None:
                return
            try:
                self._snapshot = advance(old, self._store, touched, generation)
            except Exception:
                log.exception("the actor graph could not follow a write: rebuilding it")
                self._snapshot = None

    def apply_touched(self, touched: Iterable[str]) -> None:
        """Advance the graph past a write touching ``touched`` that was not observed."""
        self.committed(frozenset(touched), self._generation())

    def invalidate(self) -> None:
        """Forget the graph and the kept descriptions; the next :meth:`current` rebuilds it."""
        self.described.clear()
        with self._lock:
            self._snapshot = None

    def _generation(self) -> int:
        return self._store.generation
