"""The organisations and officials of a state (``include=subordinates``), over a backend's
primitives.

An organisation belongs to a state when its ``dg:country`` is the state or when it is
``dg:partOf`` an organisation that belongs to it (any depth): the ministry, the armed forces,
their commands. An official belongs to it when they hold a post (``dg:Tenure``) in the state or
in one of its organisations, or when they are a ``dg:Official`` of its nationality.
"""

from __future__ import annotations

from graph.queries.source import GraphSource

MAX_DEPTH = 8
"""Longest part-of chain followed (fact sheets nest a few levels at most)."""


def organisations_of(source: GraphSource, state: str) -> set[str]:
    """Organisations whose country is ``state`` or that are part of one of them."""
    found: set[str] = set()
    frontier = [state]
    for _ in range(MAX_DEPTH):
        reached: set[str] = set()
        for node in frontier:
            for subject, _type in source.referrers(node, ["COUNTRY", "PART_OF"]):
                if subject not in found and subject != state:
                    reached.add(subject)
        infos = source.entity_infos(sorted(reached))
        reached = {u for u in reached if u in infos and "Organization" in infos[u].types}
        if not reached:
            break
        found |= reached
        frontier = sorted(reached)
    return found


def officials_of(source: GraphSource, state: str, organisations: set[str]) -> set[str]:
    """People holding a post in ``state`` or its ``organisations``, and its nationals typed
    ``dg:Official``."""
    posts = {
        subject
        for place in sorted({state, *organisations})
        for subject, _type in source.referrers(place, ["POST_IN"])
    }
    tenures = {s for post in sorted(posts) for s, _type in source.referrers(post, ["POST"])}
    described = source.describe(sorted(tenures))
    holders = {h for t in described.values() for h in t.all("HOLDER")}
    nationals = {s for s, _type in source.referrers(state, ["NATIONALITY"])}
    infos = source.entity_infos(sorted(nationals))
    holders |= {u for u in nationals if u in infos and "Official" in infos[u].types}
    return holders


def subordinates(source: GraphSource, state: str) -> tuple[str, ...]:
    """The organisations and officials of ``state`` (not the state itself), sorted."""
    organisations = organisations_of(source, state)
    return tuple(sorted(organisations | officials_of(source, state, organisations)))
