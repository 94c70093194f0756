"""What identity resolution decides: the canonical IRI of every description, and the merges.

A *node* is one description of an entity or fact in one article: ``(article, IRI as stored)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

Node = tuple[str, str]
"""``(article IRI, subject IRI as stored in that article's graph)``."""


class Judged(Protocol):
    """Recorded identity judgements, as pairs of local ids."""

    def same_pairs(self) -> list[tuple[str, str]]:
        """Pairs judged to be one entity."""
        ...

    def not_same_pairs(self) -> list[tuple[str, str]]:
        """Pairs judged to be different entities."""
        ...


class NoJudgements:
    """No judgements recorded."""

    def same_pairs(self) -> list[tuple[str, str]]:
        """None."""
        return []

    def not_same_pairs(self) -> list[tuple[str, str]]:
        """None."""
        return []


@dataclass(frozen=True)
class Merge:
    """Descriptions with different local ids that became one entity, and why."""

    iri: str
    local_ids: tuple[str, ...]
    articles: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass
class Canon:
    """The canonical IRI of every node, its local id, and the merges that were made."""

    iris: dict[Node, str] = field(default_factory=dict)
    local_ids: dict[Node, str] = field(default_factory=dict)
    merges: list[Merge] = field(default_factory=list)
    _iris_index: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    _locals_index: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    subjects: Callable[[str], Iterable[str]] | None = field(default=None, repr=False)
    """The subjects of one article's nodes, when known (else read from :attr:`iris`)."""
    candidates: frozenset[str] | None = field(default=None, repr=False)
    """The only articles that can have changed (an incremental run), when known."""

    def of_article(self, article: str) -> dict[str, str]:
        """Stored IRI → canonical IRI for the nodes of one article."""
        if self.subjects is not None:
            return _of(self.iris, article, self.subjects(article))
        return _by_article(self.iris, self._iris_index).get(article, {})

    def local_ids_of_article(self, article: str) -> dict[str, str]:
        """Stored IRI → local id for the entities and posts of one article."""
        if self.subjects is not None:
            return _of(self.local_ids, article, self.subjects(article))
        return _by_article(self.local_ids, self._locals_index).get(article, {})

    def changed(self) -> set[str]:
        """Articles whose graph has a node whose canonical IRI is not the one stored."""
        if self.subjects is not None and self.candidates is not None:
            of = self.of_article
            return {a for a in self.candidates if any(s != i for s, i in of(a).items())}
        return {a for (a, s), iri in self.iris.items() if s != iri}


def _of(values: dict[Node, str], article: str, subjects: Iterable[str]) -> dict[str, str]:
    return {s: v for s in sorted(subjects) if (v := values.get((article, s))) is not None}


def _by_article(
    values: dict[Node, str], index: dict[str, dict[str, str]]
) -> dict[str, dict[str, str]]:
    """``values`` grouped by article, built once (the canon is complete when it is read)."""
    if not index:
        for (a, s), value in values.items():
            index.setdefault(a, {})[s] = value
    return index
