"""The one shape an article's content travels in between the loaders and the stores."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from rdflib.term import Node

Triple = tuple[Node, Node, Node]
"""One RDF triple as rdflib terms."""


class Triples(Protocol):
    """Triples that can be counted and read more than once: an rdflib ``Graph``, or the tuple an
    article is frozen into once checked (a tenth of a ``Graph``'s memory: no indexes)."""

    def __iter__(self) -> Iterator[Triple]: ...

    def __len__(self) -> int: ...
