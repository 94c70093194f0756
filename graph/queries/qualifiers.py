"""Time qualifiers of facts as reads show them (format 2, part "time").

A fact states ``when`` (``pointInTime``) and ``as_of`` (``asOf``) or not. An undated fact is
still placed in time by its articles: without a stated ``as_of``, reads give the latest
publication date of the articles stating it, marked ``as_of_source: "article"``. That date is
derived here, when reading, and never written into the fact's RDF.
"""

from __future__ import annotations

from collections.abc import Iterable

from graph.queries.model import TimeInfo
from graph.queries.source import Described, GraphSource
from ontology.dates import last_day


def time_infos(source: GraphSource, facts: Iterable[Described]) -> dict[str, TimeInfo]:
    """The :class:`TimeInfo` of each fact, by IRI (one ``describe`` of the articles needed)."""
    facts = list(facts)
    needed = sorted({a for f in facts if not f.text("asOf") for a in f.texts("sources")})
    articles = source.describe(needed) if needed else {}
    published = {u: d for u, a in articles.items() if (d := a.text("date"))}
    found: dict[str, TimeInfo] = {}
    for fact in facts:
        stated = fact.text("asOf")
        if stated:
            found[fact.uri] = TimeInfo(fact.text("pointInTime"), stated, "sheet")
            continue
        dates = [published[a] for a in fact.texts("sources") if a in published]
        latest = max(dates, key=lambda d: (last_day(d) or "", d)) if dates else None
        found[fact.uri] = TimeInfo(fact.text("pointInTime"), latest, "article" if latest else None)
    return found


def time_info(source: GraphSource, fact: Described) -> TimeInfo:
    """The :class:`TimeInfo` of one fact."""
    return time_infos(source, [fact])[fact.uri]
