"""Which descriptions a change can reach: the keys (buckets) that clustering compares on.

Clustering (:mod:`loaders.identity.canon`, :mod:`loaders.identity.facts`) only ever tries to
join two descriptions that share a bucket: a local id, a code, a name key, an explicit
``sameAs``, a fact's key fields and a member. Descriptions linked through shared keys,
transitively, form a *component*; the clusters of one component depend on its descriptions
alone (every union is between two of them, in an order sorted within the bucket), so a change
re-clusters only the components its descriptions belong to, before and after the change.

Facts of a kind with member sets (an agreement's parties) are compared within their bucket only
with facts sharing a member, unless the bucket holds a fact without members, which is compared
with all of them: the bucket is then one component.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from loaders.identity.canon import Node


@dataclass(frozen=True)
class Reach:
    """What one description is linked by: its keys, its bucket (facts) and whether it is
    compared with every description of its bucket."""

    keys: tuple[Hashable, ...]
    bucket: Hashable | None = None
    whole: bool = False


class KeyIndex:
    """The keys of every description of one phase, and the descriptions of every key."""

    def __init__(self) -> None:
        self.reach: dict[Node, Reach] = {}
        self._by_key: dict[Hashable, set[Node]] = defaultdict(set)
        self._bucket: dict[Hashable, set[Node]] = defaultdict(set)
        self._open: dict[Hashable, set[Node]] = defaultdict(set)
        """Bucket → its descriptions compared with the whole bucket."""

    def __len__(self) -> int:
        return len(self.reach)

    def add(self, node: Node, reach: Reach) -> None:
        """Index a description."""
        self.reach[node] = reach
        for key in reach.keys:
            self._by_key[key].add(node)
        if reach.bucket is not None:
            self._bucket[reach.bucket].add(node)
            if reach.whole:
                self._open[reach.bucket].add(node)

    def remove(self, node: Node) -> Reach:
        """Forget a description; what it was linked by (to reach its former component)."""
        reach = self.reach.pop(node)
        for key in reach.keys:
            _discard(self._by_key, key, node)
        if reach.bucket is not None:
            _discard(self._bucket, reach.bucket, node)
            _discard(self._open, reach.bucket, node)
        return reach

    def component(self, nodes: Iterable[Node], former: Iterable[Reach] = ()) -> set[Node]:
        """Every indexed description linked to ``nodes`` or to the keys of removed descriptions
        (``former``), transitively."""
        found: set[Node] = set()
        seen_keys: set[Hashable] = set()
        seen_buckets: set[Hashable] = set()
        todo: list[Node] = []

        def visit(reach: Reach) -> None:
            for key in reach.keys:
                if key not in seen_keys:
                    seen_keys.add(key)
                    todo.extend(self._by_key.get(key, ()))
            bucket = reach.bucket
            if (
                bucket is not None
                and bucket not in seen_buckets
                and (reach.whole or self._open.get(bucket))
            ):
                seen_buckets.add(bucket)
                todo.extend(self._bucket.get(bucket, ()))

        for reach in former:
            visit(reach)
        todo.extend(nodes)
        while todo:
            node = todo.pop()
            if node in found or node not in self.reach:
                continue
            found.add(node)
            visit(self.reach[node])
        return found


def _discard(index: dict[Hashable, set[Node]], key: Hashable, node: Node) -> None:
    nodes = index.get(key)
    if nodes is not None:
        nodes.discard(node)
        if not nodes:
            del index[key]
