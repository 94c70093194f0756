"""Dates (partial ISO dates and EDTF) and meeting frequencies as RDF literals."""

from __future__ import annotations

import re
from functools import lru_cache

from rdflib import Literal
from rdflib.namespace import XSD

from ontology.dates import DATE_PATTERN, EDTF_PATTERN, check_date, check_partial_date, is_plain
from ontology.namespace import DG

__all__ = [
    "DATE_PATTERN",
    "EDTF_PATTERN",
    "MEETING_WORDS",
    "check_date",
    "check_partial_date",
    "date_literal",
    "duration_literal",
    "duration_text",
]

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


@lru_cache(maxsize=1 << 14)
def date_literal(text: str) -> Literal:
    """``2025`` → ``xsd:gYear``, ``2025-01`` → ``xsd:gYearMonth``, ``2025-01-22`` → ``xsd:date``;
    any other EDTF value (``2025~``, ``2020-09/2021-09``) → ``dg:edtf``. Cached: dates recur
    across the facts of a corpus, and a typed ``Literal`` parses its value (16 µs)."""
    check_date(text)
    if not is_plain(text):
        return Literal(text, datatype=DG.edtf)
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
