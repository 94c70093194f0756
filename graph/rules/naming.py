"""RDF ↔ Neo4j names, both ways, in one place (neosemantics-style, see docs/data-model.md).

``dg:onBehalfOf`` ↔ relationship type ``ON_BEHALF_OF``, ``dg:Official`` ↔ label ``Official``,
a predicate's local name → camelCase property, a literal → a Neo4j value. The projection writes
with these; the networkx backend reads the records back with their inverses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib.namespace import SKOS, XSD

from graph.errors import InvalidData
from graph.model import Lit, Scalar
from ontology.classes import DG_NS

RESOURCE = "Resource"
CONCEPT = "Concept"
_SKOS_CONCEPT = str(SKOS.Concept)

_LABEL = re.compile(r"^[A-Z][A-Za-z0-9_]*$")
_REL_TYPE = re.compile(r"^[A-Z][A-Z0-9_]*$")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_WORD = re.compile(r"[^A-Za-z0-9]+")

_BOOLEAN = str(XSD.boolean)
_INTEGERS = frozenset(
    str(XSD[name])
    for name in (
        "integer",
        "long",
        "int",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)
_FLOATS = frozenset(str(XSD[name]) for name in ("decimal", "double", "float"))
_INT64 = 2**63


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``."""
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


def camel_case(name: str) -> str:
    """``isoCode`` → ``isoCode``, ``close-to`` → ``closeTo``, ``Pref_label`` → ``prefLabel``."""
    parts = [p for p in _NON_WORD.split(name) if p]
    if not parts:
        return ""
    head, *rest = parts
    return head[:1].lower() + head[1:] + "".join(p[:1].upper() + p[1:] for p in rest)


def upper_snake(name: str) -> str:
    """``onBehalfOf`` → ``ON_BEHALF_OF``, ``close-to`` → ``CLOSE_TO``."""
    words = _NON_WORD.sub("_", _CAMEL_BOUNDARY.sub("_", name)).strip("_")
    return words.upper()


def relationship_type(iri: str) -> str | None:
    """The relationship type named after an IRI's local name, None if it makes no valid type."""
    name = upper_snake(local_name(iri))
    return name if _REL_TYPE.match(name) else None


def predicate_of(rel_type: str) -> str:
    """The dg predicate a relationship type is named after (``ON_BEHALF_OF`` → onBehalfOf).

    The inverse of :func:`relationship_type` for ``dg:`` predicates.
    """
    if not _REL_TYPE.match(rel_type):
        raise InvalidData(f"not a relationship type: {rel_type!r}")
    head, *rest = rel_type.lower().split("_")
    return DG_NS + head + "".join(w.capitalize() for w in rest)


def dg_class(label: str) -> str:
    """IRI of the dg class a node label is named after (the inverse of :func:`labels_of`)."""
    if not _LABEL.match(label):
        raise InvalidData(f"not a label: {label!r}")
    return DG_NS + label


def labels_of(types: Iterable[str]) -> tuple[str, ...]:
    """``Resource`` then, sorted, the local names of the ``dg:`` types and ``Concept`` for SKOS."""
    labels = set()
    for iri in types:
        if iri == _SKOS_CONCEPT:
            labels.add(CONCEPT)
        elif iri.startswith(DG_NS) and _LABEL.match(iri[len(DG_NS) :]):
            labels.add(iri[len(DG_NS) :])
    labels.discard(RESOURCE)
    return (RESOURCE, *sorted(labels))


def literal_value(literal: Lit) -> Scalar:
    """A literal as a Neo4j primitive: booleans, integers and decimals typed, the rest strings.

    Dates stay ISO strings: partial dates (``2025``, ``2025-01``) have no Neo4j type.
    """
    datatype, text = literal.datatype, literal.value.strip()
    if datatype == _BOOLEAN and text in {"true", "false", "1", "0"}:
        return text in {"true", "1"}
    if datatype in _INTEGERS:
        try:
            number = int(text)
        except ValueError:
            return literal.value
        return number if -_INT64 <= number < _INT64 else literal.value
    if datatype in _FLOATS:
        try:
            return float(text)
        except ValueError:
            return literal.value
    return literal.value
