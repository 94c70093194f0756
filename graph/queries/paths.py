"""Path algorithms over an adjacency function, and the ranking shared by both backends.

Paths are *simple* (no actor twice) sequences of steps; two facts between the same actors make
two paths. Enumeration goes by increasing length (1, 2, … hops) so that a path cap or a time
limit never drops a shorter path for a longer one; within a length, the DFS visits neighbours
in (actor IRI, step uri) order and prunes with breadth-first distances to the target.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from graph.errors import QueryTimeout
from graph.queries.model import Intermediary, LinkPath
from graph.rules.steps import Step

Adjacency = Callable[[str], list[tuple[str, Step]]]
"""Filtered neighbours of an actor: sorted (neighbour IRI, step) pairs."""
RawPath = tuple[tuple[str, ...], tuple[Step, ...]]
"""(actors, steps) of one path."""

_CHECK_EVERY = 512


def distances(adjacency: Adjacency, start: str, max_depth: int, blocked: str) -> dict[str, int]:
    """Breadth-first hop counts from ``start`` up to ``max_depth``, never passing ``blocked``."""
    seen = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        depth = seen[node]
        if depth >= max_depth or (node == blocked and node != start):
            continue
        for other, _ in adjacency(node):
            if other not in seen:
                seen[other] = depth + 1
                queue.append(other)
    return seen


@dataclass
class _Search:
    """State of one fixed-length DFS."""

    adjacency: Adjacency
    source: str
    target: str
    hops: int
    limit: int
    deadline: float | None
    to_target: dict[str, int]
    found: list[RawPath]
    ticks: int = 0

    def tick(self) -> None:
        """Raise :class:`QueryTimeout` once the deadline has passed (checked now and then)."""
        self.ticks += 1
        due = self.deadline is not None and self.ticks % _CHECK_EVERY == 0
        if due and time.monotonic() > (self.deadline or 0.0):
            raise QueryTimeout("path enumeration ran out of time")

    def walk(self, nodes: list[str], steps: list[Step]) -> None:
        """Extend the partial path depth-first until ``limit`` paths are found."""
        node, left = nodes[-1], self.hops - len(steps)
        for other, step in self.adjacency(node):
            if len(self.found) >= self.limit:
                return
            self.tick()
            if other == self.target:
                if left == 1:
                    self.found.append(((*nodes, other), (*steps, step)))
                continue
            if left == 1 or other in nodes or self.to_target.get(other, left) > left - 1:
                continue
            nodes.append(other)
            steps.append(step)
            self.walk(nodes, steps)
            nodes.pop()
            steps.pop()


def paths_of_length(
    adjacency: Adjacency,
    source: str,
    target: str,
    hops: int,
    limit: int,
    deadline: float | None = None,
) -> list[RawPath]:
    """Up to ``limit`` simple paths of exactly ``hops`` steps; QueryTimeout past ``deadline``."""
    if source == target or limit <= 0:
        return []
    to_target = distances(adjacency, target, hops - 1, source)
    search = _Search(adjacency, source, target, hops, limit, deadline, to_target, [])
    search.walk([source], [])
    return search.found


def path_key(path: LinkPath) -> tuple[int, tuple[str, ...], tuple[str, ...]]:
    """Sort key: length, then actors, then step uris."""
    return (len(path.steps), path.nodes, tuple(s.uri for s in path.steps))


def to_link_paths(raw: Iterable[RawPath]) -> list[LinkPath]:
    """Sorted, de-duplicated :class:`LinkPath` objects."""
    unique = {tuple(s.uri for s in steps): LinkPath(nodes, steps) for nodes, steps in raw}
    return sorted(unique.values(), key=path_key)


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
