"""Ego networks, links between two actors and shortest paths, over a backend's primitives."""

from __future__ import annotations

import time
from dataclasses import dataclass

from graph.errors import QueryTimeout
from graph.queries.filters import StepFilter
from graph.queries.model import Intermediary, LinksResult, Neighbour, Neighbourhood, PathsResult
from graph.queries.paths import (
    RawPath,
    intermediary_support,
    rank_intermediaries,
    to_link_paths,
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
        ego.degrees.update(source.degrees(frontier, flt, exempt))
        expand = [u for u in frontier if u == center or ego.degrees[u] <= hub_cap]
        ego.hubs.update(u for u in frontier if u not in expand)
        found: set[str] = set()
        for node, steps in source.incident(expand, flt, exempt).items():
            ego.expanded.add(node)
            for step in steps:
                ego.steps[step.uri] = step
                other = step.other(node)
                if other not in ego.depths:
                    found.add(other)
        for other in found:
            ego.depths[other] = level
        frontier = sorted(found)
    if frontier:
        ego.degrees.update(source.degrees(frontier, flt, exempt))
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


@dataclass
class _Enumeration:
    """Paths found so far and why the enumeration stopped early, if it did."""

    raw: list[RawPath]
    truncated: bool = False
    reason: str | None = None


def _enumerate(
    source: GraphSource,
    a: str,
    b: str,
    hops: range,
    flt: StepFilter,
    cap: int,
    timeout: float,
    stop_at_first: bool = False,
) -> _Enumeration:
    """Paths by increasing length up to ``cap`` (``stop_at_first``: the shortest length only)."""
    deadline = time.monotonic() + timeout
    state = _Enumeration([])
    for length in hops:
        remaining = cap - len(state.raw)
        left = deadline - time.monotonic()
        if left <= 0:
            state.truncated, state.reason = True, "timeout"
            break
        try:
            found = source.paths(a, b, length, flt, remaining + 1, left)
        except QueryTimeout:
            state.truncated, state.reason = True, "timeout"
            break
        if len(found) > remaining:
            kept = to_link_paths(found)[:remaining]
            state.raw.extend((p.nodes, p.steps) for p in kept)
            state.truncated, state.reason = True, "path-cap"
            break
        state.raw.extend(found)
        if stop_at_first and found:
            break
    return state


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
    """Simple paths of at most ``max_hops`` steps between two actors, and who is on them."""
    state = _enumerate(source, a, b, range(1, max_hops + 1), flt, cap, timeout)
    paths = to_link_paths(state.raw)
    support = intermediary_support(paths)
    everyone = {a, b} | {n for p in paths for n in p.nodes}
    refs.load(everyone)

    def make(node: str) -> Intermediary:
        return Intermediary(refs.ref(node), support[node].paths, len(support[node].sources))

    return LinksResult(
        source=refs.ref(a),
        target=refs.ref(b),
        max_hops=max_hops,
        paths=tuple(paths),
        intermediaries=tuple(rank_intermediaries(support, make)),
        entities=refs.refs(everyone),
        truncated=state.truncated,
        reason=state.reason,
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
    """Every shortest simple path (up to ``cap``) of at most ``max_hops`` steps."""
    state = _enumerate(source, a, b, range(1, max_hops + 1), flt, cap, timeout, True)
    paths = to_link_paths(state.raw)
    length = len(paths[0].steps) if paths else None
    everyone = {a, b} | {n for p in paths for n in p.nodes}
    return PathsResult(
        refs.ref(a), refs.ref(b), length, tuple(paths), refs.refs(everyone), state.truncated
    )
