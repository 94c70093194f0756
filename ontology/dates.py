"""Partial dates (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``): what they mean, in one place.

Fact sheets, RDF literals, API parameters and the graph's date filters all take partial ISO
dates. A partial date covers a period: ``2025`` is 1 January to 31 December 2025, ``2025-02`` is
1 to 28 February 2025. :func:`check_partial_date` says whether a text is one (``2025-13`` and
``2025-02-30`` are not); :func:`first_day` and :func:`last_day` give the period's bounds as
``YYYY-MM-DD`` keys that compare as text; :func:`overlaps` is the window rule of every filter.
"""

from __future__ import annotations

import calendar
import re

from ontology.identifiers import preview

DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
"""A partial ISO date's shape, ASCII digits (the JSON Schema of fact sheets uses it too)."""
_DATE = re.compile(DATE_PATTERN)
_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    """Days of ``month`` (1..12) in ``year``; unlike ``calendar.monthrange``, any year works
    (year 0 included)."""
    return 29 if month == 2 and calendar.isleap(year) else _DAYS[month]


def check_partial_date(text: str) -> str:
    """``text`` when it is a real partial date; ``ValueError`` with the reason otherwise."""
    if not _DATE.fullmatch(text):
        raise ValueError(f"{preview(text)} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
    parts = [int(p) for p in text.split("-")]
    if len(parts) >= 2 and not 1 <= parts[1] <= 12:
        raise ValueError(f"impossible date '{text}': there is no month {parts[1]}")
    if len(parts) == 3:
        days = days_in_month(parts[0], parts[1])
        if not 1 <= parts[2] <= days:
            month = calendar.month_name[parts[1]]
            raise ValueError(
                f"impossible date '{text}': {month} {parts[0]} has {days} days (no day {parts[2]})"
            )
    return text


def first_day(date: str | None) -> str | None:
    """``YYYY-MM-DD`` of the first day a partial date covers; None stays None."""
    if not date:
        return None
    text = date[:10]
    if len(text) == 4:
        return f"{text}-01-01"
    if len(text) == 7:
        return f"{text}-01"
    return text


def last_day(date: str | None) -> str | None:
    """``YYYY-MM-DD`` of the last day a partial date covers; None stays None."""
    if not date:
        return None
    text = date[:10]
    if len(text) == 4:
        return f"{text}-12-31"
    if len(text) == 7:
        year, month = int(text[:4]), int(text[5:7])
        return f"{text}-{days_in_month(year, month):02d}"
    return text


def overlaps(
    start_key: str | None, end_key: str | None, since: str | None, until: str | None
) -> bool:
    """Whether a period overlaps the window ``[since, until]`` (all first/last-day keys).

    Unknown bounds never exclude: a fact with no dates at all is kept by every window.
    """
    if until is not None and start_key is not None and start_key > until:
        return False
    return not (since is not None and end_key is not None and end_key < since)


def is_partial_date(text: str) -> bool:
    """Whether ``text`` has the shape of a partial date (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``)."""
    return _DATE.fullmatch(text) is not None


def refines(precise: str, coarse: str) -> bool:
    """Whether the partial date ``precise`` lies within ``coarse`` (``2025-01-22`` within
    ``2025-01`` and ``2025``; every date within itself)."""
    return precise[: len(coarse)] == coarse and (
        len(precise) == len(coarse) or precise[len(coarse)] == "-"
    )


def compatible(a: str | None, b: str | None, *, unknown: bool = True) -> bool:
    """Whether two partial dates can name the same day: one lies within the other. ``unknown``
    says what an absent date is compatible with (anything, or only another absent date)."""
    if a is None or b is None:
        return unknown or a == b
    return refines(a, b) or refines(b, a)


def most_precise(dates: list[str]) -> str | None:
    """The most precise of partial dates that are all compatible with each other; None when two
    of them cannot name the same day (then no date refines the others)."""
    if not dates:
        return None
    finest = max(dates, key=lambda d: (len(d), d))
    return finest if all(refines(finest, d) for d in dates) else None
