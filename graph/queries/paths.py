"""Actor paths between two actors, and the ranking of intermediaries, shared by both backends.

A path is a sequence of distinct actors; one *hop* joins two consecutive actors and carries
every fact (step) connecting them that passes the filter, so two facts between the same actors
make one path, not two. Counts, caps and rankings are over actor paths.

The search needs only two backend primitives: the distinct neighbours of some actors
(:data:`Neighbours`, called once per breadth-first level) and, for the paths kept, the steps
between each pair of consecutive actors. It runs in three parts:

1. breadth-first distances to the target over the actor graph without the source, up to
   ``max_hops - 1`` (one batched call per level), plus the source's own neighbours;
2. for each length 1, 2, … ``max_hops``: a depth-first walk from the source in actor IRI order,
   pruned by those distances, so paths come out sorted by their actors. The first ``cap`` paths
   (shortest lengths first) are kept; past the cap the walk goes on counting, without keeping,
   until ``count_limit`` paths or the deadline, so the answer says how many paths exist per
   length (exactly, or a lower bound);
3. the steps of the hops of the kept paths.
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from graph.errors import QueryTimeout
from graph.queries.model import Intermediary, LinkPath, PathCount

Neighbours = Callable[[Sequence[str]], dict[str, list[str]]]
"""Distinct neighbours (through steps passing the filter) of each of some actors."""
Pair = tuple[str, str]
"""Two actors, in IRI order."""

_CHECK_EVERY = 512


def pair(u: str, v: str) -> Pair:
    """The unordered pair ``{u, v}`` in IRI order."""
    return (u, v) if u <= v else (v, u)


@dataclass
class ActorGraphPart:
    """The part of the actor graph a search needs: adjacency and distances to the target."""

    adjacency: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    to_target: dict[str, int] = field(default_factory=dict)

    def sorted_adjacency(self) -> dict[str, list[str]]:
        """Known neighbours of every actor, sorted (the walk's visiting order)."""
        return {node: sorted(others) for node, others in self.adjacency.items()}


def explore(
    neighbours: Neighbours, source: str, target: str, max_hops: int, deadline: float | None
) -> ActorGraphPart:
    """Distances to ``target`` up to ``max_hops - 1`` (never through ``source``), the adjacency
    of every actor a path of at most ``max_hops`` may pass through, and that of ``source``."""
    part = ActorGraphPart()
    part.to_target[target] = 0
    frontier = [target]
    first = True
    for level in range(1, max_hops):
        if not frontier:
            break
        _check_deadline(deadline)
        asked = [*frontier, source] if first else frontier
        found = neighbours(asked)
        if first:
            _add(part, source, found.get(source, ()))
            first = False
        reached: set[str] = set()
        for node in frontier:
            others = found.get(node, ())
            _add(part, node, others)
            reached.update(o for o in others if o not in part.to_target and o != source)
        for node in reached:
            part.to_target[node] = level
        frontier = sorted(reached)
    if first:
        _add(part, source, neighbours([source]).get(source, ()))
    return part


def _add(part: ActorGraphPart, node: str, others: Iterable[str]) -> None:
    """Record undirected adjacencies (self-loops dropped)."""
    for other in others:
        if other != node:
            part.adjacency[node].add(other)
            part.adjacency[other].add(node)


def _check_deadline(deadline: float | None) -> None:
    """QueryTimeout once ``deadline`` has passed."""
    if deadline is not None and time.monotonic() > deadline:
        raise QueryTimeout("path enumeration ran out of time")


@dataclass
class _Walk:
    """State of the depth-first walks of one search."""

    adjacency: dict[str, list[str]]
    near_target: set[str]
    to_target: dict[str, int]
    target: str
    keep: int
    count_limit: int
    deadline: float | None
    kept: list[tuple[str, ...]] = field(default_factory=list)
    counted: int = 0
    ticks: int = 0

    def walk(self, nodes: list[str], hops: int) -> bool:
        """Extend ``nodes`` to paths of exactly ``hops`` hops; False once ``count_limit``."""
        node, left = nodes[-1], hops - (len(nodes) - 1)
        self.ticks += 1
        if self.ticks % _CHECK_EVERY == 0:
            _check_deadline(self.deadline)
        if left == 1:
            if node in self.near_target:
                return self._found((*nodes, self.target))
            return True
        to_target = self.to_target
        for other in self.adjacency.get(node, ()):
            if other == self.target or other in nodes or to_target.get(other, left) > left - 1:
                continue
            nodes.append(other)
            more = self.walk(nodes, hops)
            nodes.pop()
            if not more:
                return False
        return True

    def _found(self, nodes: tuple[str, ...]) -> bool:
        """Count (and keep, under the cap) one path; False once ``count_limit`` is reached."""
        self.counted += 1
        if len(self.kept) < self.keep:
            self.kept.append(nodes)
        return self.counted < self.count_limit


@dataclass
class ActorPaths:
    """Actor sequences of the paths kept, the count per length, and why the search stopped
    early if it did (``path-cap``: more paths than the cap; ``timeout``)."""

    kept: list[tuple[str, ...]]
    counts: list[PathCount]
    truncated: bool
    reason: str | None


def actor_paths(
    neighbours: Neighbours,
    source: str,
    target: str,
    max_hops: int,
    cap: int,
    deadline: float | None,
    count_limit: int,
    stop_at_first: bool = False,
) -> ActorPaths:
    """The first ``cap`` actor paths of at most ``max_hops`` hops (shortest first, then by
    actors), with counts per length (see the module docstring). ``stop_at_first``: only the
    shortest length that has a path."""
    if source == target:
        return ActorPaths([], [], False, None)
    count_limit = max(count_limit, cap + 1)
    try:
        part = explore(neighbours, source, target, max_hops, deadline)
    except QueryTimeout:
        unknown = [PathCount(n, 0, False) for n in range(1, max_hops + 1)]
        return ActorPaths([], unknown, True, "timeout")
    near = set(part.adjacency.get(target, ()))
    adjacency = part.sorted_adjacency()
    walk = _Walk(adjacency, near, part.to_target, target, cap, count_limit, deadline)
    counts: list[PathCount] = []
    stopped: str | None = None
    for hops in range(1, max_hops + 1):
        if stopped is not None:
            counts.append(PathCount(hops, 0, False))
            continue
        before = walk.counted
        try:
            complete = walk.walk([source], hops)
        except QueryTimeout:
            complete, stopped = False, "timeout"
        if not complete and stopped is None:
            stopped = "count-limit"
        counts.append(PathCount(hops, walk.counted - before, complete))
        if stop_at_first and walk.counted > before:
            break
    truncated = walk.counted > len(walk.kept) or stopped == "timeout"
    reason = "timeout" if stopped == "timeout" else "path-cap" if truncated else None
    return ActorPaths(walk.kept, counts, truncated, reason)


def hop_pairs(paths: Iterable[tuple[str, ...]]) -> list[Pair]:
    """The distinct consecutive-actor pairs of some paths, sorted."""
    return sorted({pair(u, v) for nodes in paths for u, v in itertools.pairwise(nodes)})


@dataclass(frozen=True)
class Support:
    """How many distinct paths and articles support an intermediary."""

    paths: int
    sources: frozenset[str]


def intermediary_support(paths: Iterable[LinkPath]) -> dict[str, Support]:
    """For each intermediate actor: the paths through it and the articles of their steps."""
    counts: dict[str, int] = defaultdict(int)
    sources: dict[str, set[str]] = defaultdict(set)
    for path in paths:
        articles = set(path.sources)
        for node in path.nodes[1:-1]:
            counts[node] += 1
            sources[node] |= articles
    return {n: Support(counts[n], frozenset(sources[n])) for n in counts}


def rank_intermediaries(
    support: dict[str, Support], make: Callable[[str], Intermediary]
) -> list[Intermediary]:
    """Intermediaries by paths, then sources (both descending), then name, then IRI."""
    items = [make(node) for node in support]
    return sorted(items, key=lambda i: (-i.paths, -i.sources, i.entity.name or "", i.entity.uri))
