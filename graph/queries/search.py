"""Entity search by name or alias: case- and accent-insensitive, ranked, paginated."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from graph.queries.entities import EntityInfo
from graph.queries.model import EntityHit, SearchResult
from graph.queries.refs import make_ref
from ontology.text import fold

_folded = lru_cache(maxsize=1 << 16)(fold)
""":func:`ontology.text.fold` of names and aliases, remembered: folding every label of every
entity was most of a search (a pure function of a string, so nothing to invalidate)."""

MATCHES = ("exact", "prefix", "substring", "listed")
"""Match kinds, best first; ``listed``: no search text, every entity of the types asked."""


def best_match(query: str, info: EntityInfo) -> tuple[int, str] | None:
    """(rank, matched label) of the best match of a folded query on the name or an alias.

    Rank 0 = exact, 1 = prefix, 2 = substring; on equal ranks the name wins, then the
    alias first in sort order. None when nothing matches.
    """
    labels = ([info.name] if info.name else []) + list(info.aliases)
    best: tuple[int, str] | None = None
    for label in labels:
        folded = _folded(label)
        if folded == query:
            rank = 0
        elif folded.startswith(query):
            rank = 1
        elif query in folded:
            rank = 2
        else:
            continue
        if best is None or rank < best[0]:
            best = (rank, label)
    return best


def search_entities(
    entities: Iterable[EntityInfo],
    text: str,
    types: frozenset[str] | None,
    limit: int,
    offset: int,
) -> SearchResult:
    """Rank ``entities`` against ``text`` (exact > prefix > substring, then name, then IRI);
    with no text, every entity of ``types`` by name then IRI (match ``listed``)."""
    query = fold(text)
    scored = []
    if not query:
        for info in entities:
            if types is None or not types.isdisjoint(info.types):
                scored.append((3, _folded(info.name or ""), info.uri, info.name or info.uri, info))
    else:
        for info in entities:
            if types is not None and types.isdisjoint(info.types):
                continue
            match = best_match(query, info)
            if match is not None:
                scored.append((match[0], _folded(info.name or ""), info.uri, match[1], info))
    scored.sort(key=lambda s: (s[0], s[1], s[2]))
    page = scored[offset : offset + limit]
    hits = tuple(
        EntityHit(make_ref(s[4].uri, s[4]), s[4].aliases, s[3], MATCHES[s[0]]) for s in page
    )
    return SearchResult(text, len(scored), limit, offset, hits)
