"""Decoded descriptions of subjects, kept between reads of the embedded backend.

Describing a subject (``NxSource.describe``: its quads decoded from the on-disk store, then
projected by ``graph.rules.records``) is what bounds an entity page or an agreement list: a
hub's page describes some 1,500 subjects. A subject's description depends only on its own
quads, those of its evidence nodes, and the names of their claimers
(``graph.rules.records.project``), so it can be kept until a write changes one of them.

:class:`DescribedCache` keeps each description with what it read (:class:`Reads`), and the
decoded quads of each subject (a claimer such as a publisher has thousands and is read for
every fact it vouches for). :meth:`DescribedCache.committed`, called by the
:class:`graph.nx.view.NxView` that owns it from the writer's thread, drops the quads of the
subjects a write touched, the descriptions that read them, and the descriptions naming a
touched claimer whose names changed (most writes restate a publisher without renaming it).

Consistency with the store rests on its ``generation`` (bumped after every change):

- what is kept is used only while the generation is the one the cache last accounted for
  (every write since was announced); otherwise reads bypass it until the announcement;
- what a read computed is kept only if the generation did not move meanwhile, so a read
  racing a write never keeps what it saw half-way;
- an announcement that does not follow the last accounted generation directly (a write that
  failed and was undone, a bulk load, a write nobody announced) drops everything;
- a cache whose owner does not follow the writes drops everything whenever the generation
  moved.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from graph.model import QuadRow
from graph.queries.source import Described
from ontology.namespace import DG

MAX_ENTRIES = 100_000
"""Past this many kept subjects the cache starts over (a bound on memory, far above the
subjects of a 10,000-article store's busiest pages)."""

WAIT_S = 10.0
"""How long a read waits for another's computation of the same subjects before computing
them itself."""

_NAME = str(DG.name)

Names = frozenset[tuple[object, str]]
"""A claimer's ``dg:name`` values with the graphs stating them: all its chosen name depends on."""


def names_of(quads: Iterable[QuadRow]) -> Names:
    """The :data:`Names` among a claimer's quads."""
    return frozenset((q.object, q.graph) for q in quads if q.predicate == _NAME)


@dataclass(frozen=True)
class Reads:
    """What one description read: the quads of ``subjects``, the names of ``claimers``."""

    subjects: frozenset[str]
    claimers: Mapping[str, Names]


@dataclass(frozen=True)
class Computed:
    """Fresh descriptions of some subjects: ``found`` as ``describe`` answers (a subject
    describing to nothing is absent), ``reads`` what each one read."""

    found: Mapping[str, Described]
    reads: Mapping[str, Reads]


Fetch = Callable[[Iterable[str]], list[QuadRow]]
Compute = Callable[[list[str], Fetch], Computed]


class DescribedCache:
    """Descriptions and decoded quads by subject, valid for the generation they were read at."""

    def __init__(
        self, fetch: Fetch, generation: Callable[[], int], *, follows_writes: bool
    ) -> None:
        """``fetch`` reads subjects' quads from the store, ``generation`` its write counter;
        with ``follows_writes`` every write is announced through :meth:`committed`."""
        self._fetch = fetch
        self._generation = generation
        self._follows = follows_writes
        self._lock = threading.Lock()
        self._known = generation()
        self._entries: dict[str, Described | None] = {}
        self._quads: dict[str, list[QuadRow]] = {}
        self._users: dict[str, set[str]] = defaultdict(set)
        """Subject → the kept descriptions that read its quads."""
        self._name_users: dict[str, set[str]] = defaultdict(set)
        """Claimer → the kept descriptions that read its names (:attr:`_names`)."""
        self._names: dict[str, Names] = {}
        self._pending: dict[str, threading.Event] = {}
        """Subjects some read is computing, and the event it sets when done."""

    def __len__(self) -> int:
        return len(self._entries)

    def describe(self, uris: Sequence[str], compute: Compute) -> dict[str, Described]:
        """The descriptions of ``uris`` (absent: describes to nothing), computing the missing
        ones with ``compute`` in one batch. Subjects another read is computing are waited
        for rather than computed twice (eight readers opening the same cold hub page)."""
        wanted = list(dict.fromkeys(uris))
        started = self._generation()
        with self._lock:
            if started != self._known and not self._follows:
                self._clear(started)
            usable = started == self._known
            kept = {u: self._entries[u] for u in wanted if u in self._entries} if usable else {}
            missing = [u for u in wanted if u not in kept]
            pending = self._pending if usable else {}
            theirs = {pending[u] for u in missing if u in pending}
            mine = [u for u in missing if u not in pending]
            done = threading.Event()
            if usable:
                self._pending.update(dict.fromkeys(mine, done))
        found = {u: d for u, d in kept.items() if d is not None}
        try:
            found.update(self._computed(mine, compute, usable, started).found)
        finally:
            with self._lock:
                for subject in mine:
                    if self._pending.get(subject) is done:
                        del self._pending[subject]
            done.set()
        if theirs:
            for event in theirs:
                event.wait(WAIT_S)
            found.update(self.describe([u for u in missing if u not in mine], compute))
        return found

    def _computed(
        self, subjects: list[str], compute: Compute, usable: bool, started: int
    ) -> Computed:
        """``compute`` of ``subjects``, kept when ``usable`` (and nothing moved meanwhile)."""
        if not subjects:
            return Computed({}, {})
        fetched: dict[str, list[QuadRow]] = {}
        fresh = compute(subjects, self._reader(usable, fetched))
        if usable:
            self._keep(subjects, fresh, fetched, started)
        return fresh

    def committed(self, touched: frozenset[str], generation: int) -> None:
        """A write reaching ``generation`` changed the quads of ``touched``: drop them and the
        descriptions that read them (or a claimer's names that changed)."""
        with self._lock:
            claimers = [s for s in touched if s in self._name_users]
        renamed = self._renamed(claimers)  # reads the store: outside the lock
        with self._lock:
            if generation != self._known + 1:
                self._clear(generation)
                return
            for subject in touched:
                self._quads.pop(subject, None)
                self._entries.pop(subject, None)
                for user in self._users.pop(subject, ()):
                    self._entries.pop(user, None)
            for claimer in renamed:
                self._names.pop(claimer, None)
                for user in self._name_users.pop(claimer, ()):
                    self._entries.pop(user, None)
            self._known = generation

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._clear(self._generation())

    def _renamed(self, claimers: list[str]) -> list[str]:
        """The claimers whose names are no longer those the kept descriptions read."""
        if not claimers:
            return []
        by_subject: dict[str, list[QuadRow]] = defaultdict(list)
        for quad in self._fetch(claimers):
            by_subject[str(quad.subject)].append(quad)
        return [c for c in claimers if self._names.get(c) != names_of(by_subject[c])]

    def _reader(self, usable: bool, fetched: dict[str, list[QuadRow]]) -> Fetch:
        """A fetch answering from the kept quads (when usable), noting what it decoded."""

        def fetch(subjects: Iterable[str]) -> list[QuadRow]:
            rows: list[QuadRow] = []
            for subject in subjects:
                found = self._quads.get(subject) if usable else None
                if found is None:
                    found = fetched[subject] = self._fetch([subject])
                rows.extend(found)
            return rows

        return fetch

    def _keep(
        self,
        subjects: Iterable[str],
        fresh: Computed,
        fetched: Mapping[str, list[QuadRow]],
        started: int,
    ) -> None:
        with self._lock:
            # a write landed while computing (or was announced): what was read may be stale
            if self._generation() != started or self._known != started:
                return
            if len(self._entries) + len(self._quads) > MAX_ENTRIES:
                self._clear(started)
            self._quads.update(fetched)
            for subject in subjects:
                self._entries[subject] = fresh.found.get(subject)
                reads = fresh.reads.get(subject)
                if reads is None:  # nothing known of what it read: it goes with any write
                    reads = Reads(frozenset((subject,)), {})
                for source in reads.subjects:
                    self._users[source].add(subject)
                for claimer, names in reads.claimers.items():
                    self._name_users[claimer].add(subject)
                    self._names[claimer] = names

    def _clear(self, generation: int) -> None:
        self._entries.clear()
        self._quads.clear()
        self._users.clear()
        self._name_users.clear()
        self._names.clear()
        self._known = generation
