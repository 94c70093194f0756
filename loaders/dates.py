"""Partial dates (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) and meeting frequencies as RDF literals."""

from __future__ import annotations

import calendar
import re

from rdflib import Literal
from rdflib.namespace import XSD

DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
_DATE = re.compile(DATE_PATTERN)

MEETING_WORDS: dict[str, str] = {
    "annually": "P1Y",
    "biannually": "P6M",
    "quarterly": "P3M",
    "monthly": "P1M",
}
"""Words accepted for ``meets``, as ISO 8601 durations (biannually = twice a year)."""

_DURATION = re.compile(
    r"^P(?=[0-9T])([0-9]+Y)?([0-9]+M)?([0-9]+D)?(T(?=[0-9])([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]+)?S)?)?$"
)


def check_partial_date(text: str) -> None:
    """Raise ``ValueError`` unless ``text`` is a real partial date (``2025-02-30`` is not)."""
    if not _DATE.match(text):
        raise ValueError(f"'{text}' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
    parts = [int(p) for p in text.split("-")]
    if len(parts) >= 2 and not 1 <= parts[1] <= 12:
        raise ValueError(f"impossible date '{text}': there is no month {parts[1]}")
    if len(parts) == 3:
        days = calendar.monthrange(parts[0], parts[1])[1]
        if not 1 <= parts[2] <= days:
            month = calendar.month_name[parts[1]]
            raise ValueError(f"impossible date '{text}': {month} {parts[0]} has {days} days")


def date_literal(text: str) -> Literal:
    """``2025`` → ``xsd:gYear``, ``2025-01`` → ``xsd:gYearMonth``, ``2025-01-22`` → ``xsd:date``."""
    check_partial_date(text)
    datatype = {1: XSD.gYear, 2: XSD.gYearMonth, 3: XSD.date}[text.count("-") + 1]
    return Literal(text, datatype=datatype)


def duration_text(text: str) -> str:
    """Normalise a meeting frequency to an ISO 8601 duration; raise ``ValueError`` if invalid."""
    word = MEETING_WORDS.get(text.strip().lower())
    if word is not None:
        return word
    if _DURATION.match(text):
        return text
    words = ", ".join(MEETING_WORDS)
    raise ValueError(f"'{text}' is not an ISO 8601 duration (e.g. P1Y) nor one of: {words}")


def duration_literal(text: str) -> Literal:
    """A meeting frequency as ``xsd:duration`` (``annually`` → ``"P1Y"^^xsd:duration``)."""
    return Literal(duration_text(text), datatype=XSD.duration)
