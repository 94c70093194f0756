"""Batches of projection rows handed from the thread computing them to the one writing them.

A load's records are computed in the caller's thread while a worker thread runs the Neo4j
transaction that writes them; a retried transaction reads the batches again from the first.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

Rows = list[dict[str, Any]]


class _Aborted(Exception):
    """The thread computing the records failed: roll the transaction back."""


class Feed:
    """Batches of (node rows, relationship rows) handed from the thread computing them to the
    one writing them; the writer may read them again from the first (a retried transaction)."""

    def __init__(self) -> None:
        self._batches: list[tuple[Rows, Rows]] = []
        self._ready = threading.Condition()
        self._closed = False
        self._aborted = False

    @classmethod
    def of(cls, nodes: Rows, relationships: Rows) -> Feed:
        """A closed feed of one batch."""
        feed = cls()
        feed.put(nodes, relationships)
        feed.close()
        return feed

    def put(self, nodes: Rows, relationships: Rows) -> None:
        """Hand one more batch over."""
        with self._ready:
            self._batches.append((nodes, relationships))
            self._ready.notify_all()

    def close(self) -> None:
        """No more batches."""
        with self._ready:
            self._closed = True
            self._ready.notify_all()

    def abort(self) -> None:
        """No more batches, and the ones handed over must not be committed."""
        with self._ready:
            self._aborted = True
            self._ready.notify_all()

    def check(self) -> None:
        """Raise :class:`_Aborted` if the feed was aborted (last thing before a commit)."""
        with self._ready:
            if self._aborted:
                raise _Aborted("the records could not be computed")

    def __iter__(self) -> Iterator[tuple[Rows, Rows]]:
        """Every batch from the first, waiting for the next until the feed is closed."""
        index = 0
        while True:
            with self._ready:
                while index == len(self._batches) and not (self._closed or self._aborted):
                    self._ready.wait()
                if self._aborted:
                    raise _Aborted("the records could not be computed")
                if index == len(self._batches):
                    return
                batch = self._batches[index]
            index += 1
            yield batch
