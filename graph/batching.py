"""Slicing long lists into batches (Cypher ``UNWIND`` parameters, SPARQL ``VALUES`` clauses)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``items`` in consecutive slices of at most ``size`` (none for an empty sequence)."""
    if size < 1:
        raise ValueError(f"batch size must be positive, not {size}")
    for start in range(0, len(items), size):
        yield items[start : start + size]
