"""Decoded descriptions of subjects, kept between reads of the embedded backend.

Describing a subject (``NxSource.describe``: its quads decoded from the on-disk store, then
projected by ``graph.rules.records``) is what bounds an entity page or an agreement list: a
hub's page describes some 1,500 subjects. Each subject's description depends only on its own
quads and those of its dependencies (evidence nodes, their claimants:
``graph.rules.records.dependencies``), so it can be kept until a write touches one of them.

:class:`DescribedCache` keeps them per subject together with the subjects each was computed
from, and drops exactly those a committed write touched (``committed``, called by the
:class:`graph.nx.view.NxView` that owns it, from the writer's thread).

Consistency with the store rests on its ``generation`` (bumped after every change):

- an entry is used only while the generation is the one the cache last accounted for
  (every write since was notified), otherwise reads bypass the cache until the write's
  notification arrives;
- an entry is kept only if the generation did not move while it was computed, so a read
  racing a write never stores what it saw half-way;
- a notification that does not follow the last accounted generation directly (a write that
  failed and was undone, a bulk load, a write nobody notified) drops everything;
- a cache whose owner does not follow the writes drops everything whenever the generation
  moved.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from graph.queries.source import Described

MAX_ENTRIES = 200_000
"""Past this many kept subjects the cache starts over (a bound on memory, far above the
subjects of a 10,000-article store's busiest pages)."""


@dataclass(frozen=True)
class Computed:
    """Fresh descriptions of some subjects: ``found`` as ``describe`` answers (a subject
    describing to nothing is absent), ``sources`` the subjects each one's quads came from."""

    found: Mapping[str, Described]
    sources: Mapping[str, frozenset[str]]


Compute = Callable[[list[str]], Computed]


class DescribedCache:
    """Descriptions by subject, valid for the store generation they were computed at."""

    def __init__(self, generation: Callable[[], int], *, follows_writes: bool) -> None:
        """``generation`` reads the store's write counter; with ``follows_writes`` every write
        is announced through :meth:`committed`."""
        self._generation = generation
        self._follows = follows_writes
        self._lock = threading.Lock()
        self._known = generation()
        self._entries: dict[str, Described | None] = {}
        self._users: dict[str, set[str]] = defaultdict(set)
        """Subject → the kept subjects whose description read its quads."""

    def __len__(self) -> int:
        return len(self._entries)

    def describe(self, uris: Sequence[str], compute: Compute) -> dict[str, Described]:
        """The descriptions of ``uris`` (absent: describes to nothing), computing the missing
        ones with ``compute`` in one batch."""
        wanted = list(dict.fromkeys(uris))
        started = self._generation()
        with self._lock:
            if started != self._known and not self._follows:
                self._clear(started)
            usable = started == self._known
            kept = {u: self._entries[u] for u in wanted if u in self._entries} if usable else {}
        missing = [u for u in wanted if u not in kept]
        fresh = compute(missing) if missing else Computed({}, {})
        if missing and usable:
            self._keep(missing, fresh, started)
        found = {u: d for u, d in kept.items() if d is not None}
        found.update(fresh.found)
        return found

    def committed(self, touched: frozenset[str], generation: int) -> None:
        """A write reaching ``generation`` changed the quads of ``touched``: drop what read them."""
        with self._lock:
            if generation != self._known + 1:
                self._clear(generation)
                return
            for subject in touched:
                self._entries.pop(subject, None)
                for user in self._users.pop(subject, ()):
                    self._entries.pop(user, None)
            self._known = generation

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._clear(self._generation())

    def _keep(self, subjects: Iterable[str], fresh: Computed, started: int) -> None:
        with self._lock:
            # a write landed while computing (or was announced): what was read may be stale
            if self._generation() != started or self._known != started:
                return
            if len(self._entries) > MAX_ENTRIES:
                self._clear(started)
            for subject in subjects:
                self._entries[subject] = fresh.found.get(subject)
                for source in fresh.sources.get(subject, frozenset((subject,))):
                    self._users[source].add(subject)

    def _clear(self, generation: int) -> None:
        self._entries.clear()
        self._users.clear()
        self._known = generation
