"""The dates of a step, from its fact's dates (see :mod:`graph.rules.steps`): the earliest start
and the latest end win; a fact with no period spans its ``pointInTime``."""

from __future__ import annotations

from graph.rules.fact_index import FactIndex
from ontology.dates import first_day, last_day
from ontology.namespace import DG


def fact_dates(index: FactIndex, fact: str) -> tuple[str | None, str | None]:
    """Earliest ``startDate`` and latest ``endDate`` of ``fact``; a fact with neither spans its
    ``pointInTime`` (format 2 ``when``: earliest to latest)."""
    starts = index.all(fact, str(DG.startDate))
    ends = index.all(fact, str(DG.endDate))
    if not starts and not ends:
        starts = ends = index.all(fact, str(DG.pointInTime))
    return (
        min(starts, key=first_key) if starts else None,
        max(ends, key=last_key) if ends else None,
    )


def with_date(
    date: str | None, dates: tuple[str | None, str | None], *, ends: bool = False
) -> tuple[str | None, str | None]:
    """A fact's own date (signed, due) merged with its stated period (format 2): the earlier
    start, or (``ends``) the later end."""
    start, end = dates
    if ends:
        return start, max((d for d in (date, end) if d), key=last_key, default=None)
    return min((d for d in (date, start) if d), key=first_key, default=None), end


def first_key(date: str) -> str:
    """Sort key: first day of a partial date."""
    return first_day(date) or ""


def last_key(date: str) -> str:
    """Sort key: last day of a partial date."""
    return last_day(date) or ""


def earliest(values: list[str]) -> str | None:
    """The earliest of some partial dates, or None."""
    return min(values, key=first_key) if values else None
