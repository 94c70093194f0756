"""Dates (partial ISO dates and EDTF): what they mean, in one place.

Fact sheets, RDF literals, API parameters and the graph's date filters all take partial ISO
dates. A partial date covers a period: ``2025`` is 1 January to 31 December 2025, ``2025-02`` is
1 to 28 February 2025. :func:`check_partial_date` says whether a text is one (``2025-13`` and
``2025-02-30`` are not); :func:`first_day` and :func:`last_day` give the period's bounds as
``YYYY-MM-DD`` keys that compare as text; :func:`overlaps` is the window rule of every filter.

Format 2 sheets also take EDTF level 0/1 values, read with the ``edtf`` package (``2025~``,
``2025-01?``, ``2020-09/2021-09``, ``2021-09/..``); :func:`first_day` and :func:`last_day` give the
earliest and latest day the value may cover (approximate and uncertain values widened), None for
an open or unknown end, and :func:`refines`/:func:`compatible`/:func:`most_precise` compare
bounds. Plain partial dates keep their exact meaning, so format 1 graphs read as before.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

import edtf

from ontology.identifiers import preview

DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
"""A partial ISO date's shape, ASCII digits (the JSON Schema of fact sheets uses it too)."""
_DATE = re.compile(DATE_PATTERN)
_EDTF_END = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?[~?%]?"
EDTF_PATTERN = (
    rf"^({_EDTF_END}|[0-9]{{2}}([0-9]X|XX)|[0-9]{{4}}-XX(-XX)?|[0-9]{{4}}-[0-9]{{2}}-XX"
    rf"|({_EDTF_END}|\.\.)?/({_EDTF_END}|\.\.)?)$"
)
"""The shape of an EDTF level 0/1 value this project reads (for the JSON Schema; the calendar
and the interval's order are checked by :func:`check_date`)."""
_EDTF_SHAPE = re.compile(EDTF_PATTERN)
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
    """``YYYY-MM-DD`` of the first day a date covers (the earliest an EDTF value may mean, None
    for an open or unknown start); None stays None."""
    if not date:
        return None
    if _is_edtf_form(date):
        return _read(date).earliest
    text = date[:10]
    if len(text) == 4:
        return f"{text}-01-01"
    if len(text) == 7:
        return f"{text}-01"
    return text


def last_day(date: str | None) -> str | None:
    """``YYYY-MM-DD`` of the last day a date covers (the latest an EDTF value may mean, None for
    an open or unknown end); None stays None."""
    if not date:
        return None
    if _is_edtf_form(date):
        return _read(date).latest
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
    """Whether the date ``precise`` lies within ``coarse`` (``2025-01-22`` within ``2025-01``,
    ``2025`` and ``2025~``; every date within itself). EDTF values compare by their bounds."""
    if is_partial_date(precise) and is_partial_date(coarse):
        return precise[: len(coarse)] == coarse and (
            len(precise) == len(coarse) or precise[len(coarse)] == "-"
        )
    inner, outer = bounds(precise), bounds(coarse)
    low = outer.earliest is None or (
        inner.earliest is not None and inner.earliest >= outer.earliest
    )
    high = outer.latest is None or (inner.latest is not None and inner.latest <= outer.latest)
    return low and high


def compatible(a: str | None, b: str | None, *, unknown: bool = True) -> bool:
    """Whether two dates can name the same day: one partial date lies within the other, or the
    bounds of two EDTF values overlap. ``unknown`` says what an absent date is compatible with
    (anything, or only another absent date)."""
    if a is None or b is None:
        return unknown or a == b
    if is_partial_date(a) and is_partial_date(b):
        return refines(a, b) or refines(b, a)
    x, y = bounds(a), bounds(b)
    return overlaps(x.earliest, x.latest, y.earliest, y.latest)


def most_precise(dates: list[str]) -> str | None:
    """The most precise of dates that are all compatible with each other (the one within all
    the others); None when no date lies within all the others."""
    if not dates:
        return None
    if all(is_partial_date(d) for d in dates):
        finest = max(dates, key=lambda d: (len(d), d))
    else:
        finest = min(dates, key=lambda d: (_span(d), not is_partial_date(d), d))
    return finest if all(refines(finest, d) for d in dates) else None


def _span(date: str) -> int:
    """Days a date may cover (open or unknown bounds count as the whole calendar)."""
    b = bounds(date)
    low = _ordinal(b.earliest) if b.earliest else 0
    high = _ordinal(b.latest) if b.latest else 10_000 * 366
    return high - low


def _ordinal(key: str) -> int:
    year, month, day = int(key[:4]), int(key[5:7]), int(key[8:10])
    return year * 366 + month * 31 + day


# ---------------------------------------------------------------------- EDTF (format 2)

EDTF_HELP = (
    "write an EDTF date: YYYY, YYYY-MM or YYYY-MM-DD, followed by ~ (approximate: 2020~), "
    "? (uncertain: 2020-09?) or % (both); an interval 2020-09/2020-12; an open end 2021-09/.. "
    "or ../2021; an unknown end 2021/ or /2021; X for unspecified digits (2020-XX)"
)
"""How to write a date, for error messages."""
_EDTF_MARK = re.compile(r"[~?%/X.]")
_PARTS = re.compile(r"[0-9X]{4}(-[0-9X]{2}(-[0-9X]{2})?)?")


@dataclass(frozen=True)
class Bounds:
    """The earliest and latest day (``YYYY-MM-DD``) an EDTF value may cover; None when open or
    unknown (an unknown bound never excludes anything)."""

    earliest: str | None
    latest: str | None


def _read(text: str) -> Bounds:
    """The bounds of a stored value, unknown when it is no date (reads never fail on one: the
    loaders and the shapes refuse them on the way in)."""
    try:
        return bounds(text)
    except ValueError:
        return Bounds(None, None)


def _is_edtf_form(text: str) -> bool:
    """Whether ``text`` is not a plain partial date (maybe followed by a time) but EDTF."""
    return not is_partial_date(text[:10]) or _EDTF_MARK.search(text) is not None


def is_plain(text: str) -> bool:
    """Whether a date is a plain partial date, written as ``xsd:gYear``/``gYearMonth``/``date``
    (anything else is a ``dg:edtf`` literal)."""
    return is_partial_date(text)


def is_date(text: str) -> bool:
    """Whether ``text`` is a date this project reads (a partial date or EDTF level 0/1)."""
    if not _EDTF_SHAPE.fullmatch(text):  # cheap: most texts asked about are names
        return False
    try:
        check_date(text)
    except ValueError:
        return False
    return True


def check_date(text: str) -> str:
    """``text`` when it is a partial date or an EDTF level 0/1 value this project reads;
    ``ValueError`` saying what is wrong and how to write it otherwise."""
    if is_partial_date(text):
        return check_partial_date(text)
    bounds(text)
    return text


@lru_cache(maxsize=4096)
def bounds(text: str) -> Bounds:
    """The bounds of a date (plain or EDTF); ``ValueError`` when it is not one we read.

    Approximate (``~``) and uncertain (``?``) values are widened by one unit of their own
    precision (a year for ``2025~``, a month for ``2025-01?``, a day for ``2025-01-22~``),
    ``%`` (both) by two units. The ``edtf`` package's own fuzzy bounds add a year to every
    qualified date whatever its precision (``2025-01?`` would span December 2023 to February
    2026), too wide to tell facts apart, so we take its strict bounds and pad them here.
    """
    if is_partial_date(text):
        check_partial_date(text)
        return Bounds(first_day(text), last_day(text))
    ends = _parse(text)
    low, high = _end(ends[0], text, "earliest"), _end(ends[-1], text, "latest")
    if len(ends) == 2 and _strict_after(ends[0], ends[1], text):
        raise ValueError(f"interval '{text}' ends before it starts: write the earlier date first")
    return Bounds(low, high)


def _parse(text: str) -> tuple[edtf.EDTFObject, ...]:
    """The ends of ``text`` as the edtf package parses it (one, or two for an interval),
    restricted to the level 0/1 forms this project reads."""
    _check_calendar(text)
    if "X" in text and not _UNSPECIFIED.fullmatch(text):
        # level 1 has only these; the package prints and fails on other X patterns
        raise ValueError(f"'{text}': X may stand for the last digits only (201X, 2020-XX)")
    try:
        parsed: edtf.EDTFObject = edtf.parse_edtf(text)
    except Exception as exc:  # the parser raises parse errors and, on some inputs, others
        raise ValueError(f"{preview(text)} is not a date: {EDTF_HELP}{_hint(text)}") from exc
    ends: tuple[edtf.EDTFObject, ...] = (parsed,)
    if isinstance(parsed, edtf.Interval) and type(parsed) in _INTERVALS:
        ends = (parsed.lower, parsed.upper)
    for end in ends:
        if type(end) not in _READ or type(_plain(end)) not in _READ:
            name = type(end).__name__
            raise ValueError(f"'{text}' is EDTF this project does not read ({name}): {EDTF_HELP}")
    return ends


def _check_calendar(text: str) -> None:
    """A real calendar date in every part (``2025-02-30~`` names the impossible day)."""
    for part in text.split("/"):
        core = part.rstrip("~?%")
        if _PARTS.fullmatch(core) and "X" not in core:
            try:
                check_partial_date(core)
            except ValueError as exc:
                raise ValueError(str(exc).replace(f"'{core}'", f"'{text}'")) from None


def _end(end: edtf.EDTFObject, text: str, lean: str) -> str | None:
    """One bound of one end of a value: None when open (``..``) or unknown (empty)."""
    if isinstance(end, edtf.UnspecifiedIntervalSection):
        return None
    strict = end.lower_strict() if lean == "earliest" else end.upper_strict()
    key = f"{strict.tm_year:04d}-{strict.tm_mon:02d}-{strict.tm_mday:02d}"
    if not _YEAR_RANGE.fullmatch(key[:4]) or strict.tm_year < 0:
        raise ValueError(f"'{text}': years from 0000 to 9999 only")
    units = 2 if end.is_uncertain_and_approximate else int(end.is_approximate or end.is_uncertain)
    if not units:
        return key
    digits = len(str(end).rstrip("~?%"))
    return _shift(
        key, {4: "year", 7: "month"}.get(digits, "day"), -units if lean == "earliest" else units
    )


_UNSPECIFIED = re.compile(r"[0-9]{2}([0-9]X|XX)|[0-9]{4}-XX(-XX)?|[0-9]{4}-[0-9]{2}-XX")
_YEAR = re.compile(r"\b[0-9]{4}\b")


def _hint(text: str) -> str:
    """An example built from the year a free text names (``late 2020`` → ``2020-09/2020-12``)."""
    found = _YEAR.search(text)
    if found is None:
        return ""
    year = found.group()
    return f" (for '{text}', e.g. {year}-09/{year}-12 or {year}~)"


_YEAR_RANGE = re.compile(r"[0-9]{4}")
# exact types: the package's level 2 classes (seasons, partial qualifiers) subclass these
_READ = (edtf.Date, edtf.UncertainOrApproximate, edtf.Unspecified, edtf.UnspecifiedIntervalSection)
_INTERVALS = (edtf.Interval, edtf.Level1Interval)


def _strict_after(lower: edtf.EDTFObject, upper: edtf.EDTFObject, text: str) -> bool:
    """Whether an interval's start (strictly read, without padding) lies after its end."""
    low, high = _end(_plain(lower), text, "earliest"), _end(_plain(upper), text, "latest")
    return low is not None and high is not None and low > high


def _plain(end: edtf.EDTFObject) -> edtf.EDTFObject:
    return end.date if type(end) is edtf.UncertainOrApproximate else end


def _shift(key: str, unit: str, amount: int) -> str:
    """``key`` moved by ``amount`` years, months or days, to the first (earlier) or last (later)
    day of the period reached; clamped to years 0000..9999."""
    year, month, day = int(key[:4]), int(key[5:7]), int(key[8:10])
    if unit == "year":
        year += amount
    elif unit == "month":
        total = year * 12 + month - 1 + amount
        year, month = divmod(total, 12)
        month += 1
    else:
        return _clamp_day(year, month, day, amount)
    if year < 0:
        return "0000-01-01"
    if year > 9999:
        return "9999-12-31"
    day = 1 if amount < 0 else days_in_month(year, month)
    return f"{year:04d}-{month:02d}-{day:02d}"


def _clamp_day(year: int, month: int, day: int, amount: int) -> str:
    try:
        moved = datetime.date(max(year, 1), month, day) + datetime.timedelta(days=amount)
    except OverflowError:
        return "9999-12-31" if amount > 0 else "0001-01-01"
    return moved.isoformat()
