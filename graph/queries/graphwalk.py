"""Ego networks, actor paths between two actors and shortest paths, over a backend's
primitives."""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass

from graph.queries.filters import StepFilter
from graph.queries.model import (
    Intermediary,
    LinkPath,
    LinksResult,
    Neighbour,
    Neighbourhood,
    PathsResult,
)
from graph.queries.paths import (
    ActorPaths,
    actor_paths,
    hop_pairs,
    intermediary_support,
    pair,
    rank_intermediaries,
)
from graph.queries.refs import Refs
from graph.queries.source import GraphSource
from graph.rules.steps import Step
from ontology.text import fold


@dataclass
class _Ego:
    """Breadth-first state of an ego network."""

    depths: dict[str, int]
    degrees: dict[str, int]
    expanded: set[str]
    hubs: set[str]
    steps: dict[str, Step]


def _expand_ego(
    source: GraphSource, center: str, depth: int, flt: StepFilter, hub_cap: int
) -> _Ego:
    """Breadth-first expansion to ``depth``; nodes with more than ``hub_cap`` steps (other than
    the centre) are kept but not expanded."""
    exempt = frozenset((center,))
    ego = _Ego({center: 0}, {}, set(), set(), {})
    frontier = [center]
    for level in range(1, depth + 1):
        if not frontier:
            break
        # the degrees of the frontier came with the expansion that found it (one fetch a level)
        expand = [u for u in frontier if u == center or ego.degrees[u] <= hub_cap]
        ego.hubs.update(u for u in frontier if u not in expand)
        found: set[str] = set()
        expansion = source.expand(expand, flt, exempt) if expand else None
        if expansion is not None:
            ego.degrees.update(expansion.degrees)
            for node, steps in expansion.incident.items():
                ego.expanded.add(node)
                for step in steps:
                    ego.steps[step.uri] = step
                    other = step.other(node)
                    if other not in ego.depths:
                        found.add(other)
        for other in found:
            ego.depths[other] = level
        frontier = sorted(found)
    ego.hubs.update(u for u in frontier if ego.degrees[u] > hub_cap)
    return ego


def neighbourhood(
    source: GraphSource,
    refs: Refs,
    center: str,
    depth: int,
    flt: StepFilter,
    hub_cap: int,
    limit: int,
    offset: int,
) -> Neighbourhood:
    """A page of the ego network of ``center`` (see :class:`Neighbourhood`)."""
    ego = _expand_ego(source, center, depth, flt, hub_cap)
    others = [u for u in ego.depths if u != center]
    refs.load([center, *others])
    ordered = sorted(others, key=lambda u: (ego.depths[u], fold(refs.ref(u).name or ""), u))
    page = ordered[offset : offset + limit]
    shown = {center, *page}
    nodes = tuple(
        Neighbour(
            refs.ref(u),
            ego.depths[u],
            ego.degrees.get(u, 0),
            u in ego.expanded,
            ego.degrees.get(u, 0) > hub_cap,
        )
        for u in page
    )
    steps = tuple(
        ego.steps[k]
        for k in sorted(ego.steps)
        if ego.steps[k].source in shown and ego.steps[k].target in shown
    )
    hubs = tuple(sorted(ego.hubs))
    return Neighbourhood(refs.ref(center), depth, len(ordered), limit, offset, nodes, steps, hubs)


def ego_nodes(
    source: GraphSource, seeds: list[str], depth: int, flt: StepFilter, hub_cap: int
) -> set[str]:
    """Every actor within ``depth`` steps of some seed (hubs kept, not expanded)."""
    found: set[str] = set()
    for seed in seeds:
        found.update(_expand_ego(source, seed, depth, flt, hub_cap).depths)
    return found


COUNT_FACTOR = 20
"""Past the cap, paths are still counted (not kept) up to this many times the cap."""


def _search(
    source: GraphSource,
    refs: Refs,
    ends: tuple[str, str],
    max_hops: int,
    flt: StepFilter,
    cap: int,
    timeout: float,
    stop_at_first: bool,
) -> tuple[ActorPaths, list[LinkPath]]:
    """Actor paths between ``ends`` and their hops' steps (see ``graph.queries.paths``)."""
    a, b = ends
    exempt = frozenset(ends)
    deadline = time.monotonic() + timeout

    def neighbours(uris: Sequence[str]) -> dict[str, list[str]]:
        return source.neighbours(uris, flt, exempt)

    found = actor_paths(
        neighbours, a, b, max_hops, cap, deadline, cap * COUNT_FACTOR, stop_at_first
    )
    steps = source.between(hop_pairs(found.kept), flt) if found.kept else {}
    paths = [
        LinkPath(
            nodes,
            tuple(tuple(steps.get(pair(u, v), ())) for u, v in itertools.pairwise(nodes)),
        )
        for nodes in found.kept
    ]
    refs.load({a, b} | {n for p in paths for n in p.nodes})
    return found, paths


def links(
    source: GraphSource,
    refs: Refs,
    a: str,
    b: str,
    max_hops: int,
    flt: StepFilter,
    cap: int,
    timeout: float,
) -> LinksResult:
    """Actor paths of at most ``max_hops`` hops between two actors, and who is on them."""
    found, paths = _search(source, refs, (a, b), max_hops, flt, cap, timeout, False)
    support = intermediary_support(paths)
    everyone = {a, b} | {n for p in paths for n in p.nodes}

    def make(node: str) -> Intermediary:
        return Intermediary(refs.ref(node), support[node].paths, len(support[node].sources))

    return LinksResult(
        source=refs.ref(a),
        target=refs.ref(b),
        max_hops=max_hops,
        paths=tuple(paths),
        intermediaries=tuple(rank_intermediaries(support, make)),
        entities=refs.refs(everyone),
        truncated=found.truncated,
        reason=found.reason,
        counts=tuple(found.counts),
        ranking_complete=not found.truncated,
        inferred=flt.inferred,
    )


def shortest_paths(
    source: GraphSource,
    refs: Refs,
    a: str,
    b: str,
    max_hops: int,
    flt: StepFilter,
    cap: int,
    timeout: float,
) -> PathsResult:
    """Every shortest actor path (up to ``cap``) of at most ``max_hops`` hops."""
    found, paths = _search(source, refs, (a, b), max_hops, flt, cap, timeout, True)
    length = paths[0].length if paths else None
    everyone = {a, b} | {n for p in paths for n in p.nodes}
    return PathsResult(
        refs.ref(a),
        refs.ref(b),
        length,
        tuple(paths),
        refs.refs(everyone),
        found.truncated,
        found.reason,
        tuple(found.counts),
    )
