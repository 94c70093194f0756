"""Union-find with cannot-links: clusters that grow only while their constraints hold."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
P = TypeVar("P")


class Clusters(Generic[K, P]):
    """Disjoint sets of keys, each with a profile; :meth:`union` refuses a merge that the
    ``allowed`` test rejects for the two profiles (two countries, two ISO codes, one article
    twice, a not-same judgement). The result depends on the order of unions, so callers make
    that order a function of the data (sorted), never of arrival."""

    def __init__(
        self,
        profiles: dict[K, P],
        allowed: Callable[[P, P], bool],
        combine: Callable[[P, P], P],
    ) -> None:
        self._parent: dict[K, K] = {key: key for key in profiles}
        self._profile = dict(profiles)
        self._allowed, self._combine = allowed, combine
        self.reasons: dict[K, list[str]] = {}

    def find(self, key: K) -> K:
        """The representative of ``key``'s cluster."""
        root = key
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[key] != root:  # path compression
            self._parent[key], key = root, self._parent[key]
        return root

    def profile(self, key: K) -> P:
        """The profile of ``key``'s cluster."""
        return self._profile[self.find(key)]

    def union(self, a: K, b: K, reason: str, allowed: Callable[[P, P], bool] | None = None) -> bool:
        """Merge the clusters of ``a`` and ``b`` if allowed (by ``allowed`` when given, else by
        the test the clusters were made with); whether they are now one."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if not (allowed or self._allowed)(self._profile[ra], self._profile[rb]):
            return False
        keep, gone = (ra, rb) if repr(ra) <= repr(rb) else (rb, ra)
        self._parent[gone] = keep
        self._profile[keep] = self._combine(self._profile[keep], self._profile.pop(gone))
        self.reasons.setdefault(keep, []).extend([reason, *self.reasons.pop(gone, [])])
        return True

    def groups(self) -> dict[K, list[K]]:
        """Representative → sorted members."""
        out: dict[K, list[K]] = {}
        for key in sorted(self._parent, key=repr):
            out.setdefault(self.find(key), []).append(key)
        return out

    def join_first(self, key: K, candidates: list[K], reason: str) -> bool:
        """Join ``key`` with the first of ``candidates`` (in order) whose cluster accepts it."""
        return any(self.union(other, key, reason) for other in candidates)
