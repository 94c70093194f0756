"""Partial dates have one rule (``ontology.dates``), used by loaders, the API and graph filters."""

from __future__ import annotations

import pytest

from graph.errors import QueryError
from graph.queries.filters import StepFilter
from loaders.dates import date_literal
from ontology.dates import check_partial_date, first_day, last_day, overlaps


@pytest.mark.parametrize("text", ["2025", "2025-01", "2024-02-29", "1991-12-26"])
def test_real_partial_dates_pass(text: str) -> None:
    assert check_partial_date(text) == text
    assert StepFilter.of(since=text, until=text).since == text
    assert str(date_literal(text)) == text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2025-13", "no month 13"),
        ("2025-00", "no month 0"),
        ("2025-02-30", "no day 30"),
        ("2023-02-29", "no day 29"),
        ("2025-13-45", "no month 13"),
        ("25-01", "YYYY"),
        ("2025-1", "YYYY"),
        ("yesterday", "YYYY"),
    ],
)
def test_impossible_dates_fail_the_same_way_everywhere(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        check_partial_date(text)
    with pytest.raises(ValueError, match=reason):
        date_literal(text)
    # the graph's own filter (used by exports and both backends) is as strict as the API
    with pytest.raises(QueryError, match=reason):
        StepFilter.of(until=text)


def test_a_partial_date_covers_a_period() -> None:
    assert (first_day("2024-02"), last_day("2024-02")) == ("2024-02-01", "2024-02-29")
    assert (first_day("2025"), last_day("2025")) == ("2025-01-01", "2025-12-31")
    assert first_day(None) is None and last_day("") is None
    assert overlaps("2025-01-01", "2025-12-31", since="2025-06-01", until=None)
    assert not overlaps("2025-01-01", "2025-01-31", since="2025-02-01", until=None)
    assert not overlaps("2025-03-01", None, since=None, until="2025-02-28")
    assert overlaps(None, None, since="2030-01-01", until="2030-12-31")  # undated: kept
