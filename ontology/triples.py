"""The one shape an article's content travels in between the loaders and the stores."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from rdflib.term import Node

Triple = tuple[Node, Node, Node]
"""One RDF triple as rdflib terms."""


class Triples(Protocol):
    """Triples that can be counted and read more than once: a :class:`TripleSet` (what the
    fact-sheet mapping writes), an rdflib ``Graph`` (RDF input), or the tuple an article is
    frozen into once checked (a tenth of a ``Graph``'s memory: no indexes)."""

    def __iter__(self) -> Iterator[Triple]: ...

    def __len__(self) -> int: ...


class TripleSet:
    """Triples in the order first added, each once: the set semantics of an rdflib ``Graph``
    (the same term equality: a dict keyed by the triples, as rdflib's memory store is) without
    its indexes, namespace bindings and events, which cost the mapping more than the mapping
    itself (measured: ``Graph.add`` was 3.5 of 7.5 s for 1,000 sheets)."""

    __slots__ = ("items",)

    def __init__(self, triples: Iterable[Triple] = ()) -> None:
        self.items: dict[Triple, None] = dict.fromkeys(triples)
        """The triples as keys (``items[triple] = None`` adds one: the mapping's hot path)."""

    def add(self, triple: Triple) -> None:
        """Add ``triple`` unless it is there already."""
        self.items[triple] = None

    def __iter__(self) -> Iterator[Triple]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, triple: object) -> bool:
        return triple in self.items
