"""rdflib terms for the mapping's hot loop, each made once.

``DG.title`` on rdflib's ``DefinedNamespace`` checks the name and builds a new ``URIRef`` at
every access (1.6 µs; some 240,000 accesses for 1,000 sheets), and ``Literal`` parses its
value at every call (3.7 µs for a string, 16 µs for an ``xsd:date``). Terms are immutable, so
the same term object can serve every triple that uses it.
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import Literal, URIRef
from rdflib.namespace import DefinedNamespace, Namespace


class Terms:
    """A namespace's terms by attribute (``Terms(DG).title``): the first access asks the
    namespace (which checks the name), later ones read the instance dict."""

    def __init__(self, namespace: type[DefinedNamespace] | Namespace) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        term = URIRef(self._namespace[name])
        self.__dict__[name] = term
        return term


@lru_cache(maxsize=1 << 16)
def text_literal(value: str) -> Literal:
    """``Literal(value)`` (a plain string), the same object for a repeated value."""
    return Literal(value)
