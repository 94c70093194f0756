"""Which ``dg:`` classes are actors and entities, and which type names an entity first.

The one home of these rules: the loaders, the stores, both query backends, the API and the
exporters import them from here.

* **Actors** (``dg:Country``, ``dg:Organization``, ``dg:Person`` and its subclass
  ``dg:Official``, and ``dg:CollectiveActor``, a group of actors such as a coalition) are what
  the graph queries walk between.
* **Entities** are the actors plus ``dg:Region`` and ``dg:Place`` (a city, site or base: format
  2): what search and references resolve. Regions and places are never actors.
* An entity's **primary type** is the most specific of its classes in :data:`TYPE_PRIORITY`
  (an official is shown as ``Official``, not ``Person``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from rdflib import URIRef

from ontology.namespace import DG

DG_NS = str(DG._NS)
"""``https://w3id.org/diplograph/ontology#``"""

ACTOR_CLASSES: tuple[URIRef, ...] = (
    DG.Country,
    DG.Organization,
    DG.Person,
    DG.Official,
    DG.CollectiveActor,
)
ENTITY_CLASSES: tuple[URIRef, ...] = (*ACTOR_CLASSES, DG.Region, DG.Place, DG.Post)

ACTOR_CLASS_IRIS = frozenset(str(c) for c in ACTOR_CLASSES)
ENTITY_CLASS_IRIS = frozenset(str(c) for c in ENTITY_CLASSES)

TYPE_PRIORITY: tuple[str, ...] = (
    "Country",
    "Official",
    "Person",
    "Organization",
    "CollectiveActor",
    "Region",
    "Place",
    "Post",
)
"""Local names of the entity classes, the most specific first."""

ACTOR_TYPES = frozenset(("Country", "Organization", "Person", "Official", "CollectiveActor"))
"""Local names of the actor classes (Neo4j labels, API ``types``)."""
ENTITY_TYPES = frozenset(TYPE_PRIORITY)
"""Local names of the entity classes."""

EntityKind = Literal["country", "organization", "person", "official", "group", "region", "place"]
"""A fact sheet's entity ``type``."""

ENTITY_KINDS: dict[URIRef, EntityKind] = {
    DG.Country: "country",
    DG.Official: "official",
    DG.Person: "person",
    DG.Organization: "organization",
    DG.CollectiveActor: "group",
    DG.Region: "region",
    DG.Place: "place",
}
"""Fact-sheet ``type`` of each entity class, the most specific first."""


def local_name(iri: str) -> str:
    """``https://w3id.org/diplograph/ontology#Country`` → ``Country`` (other IRIs unchanged)."""
    return iri.removeprefix(DG_NS)


def primary_type(types: Iterable[str]) -> str | None:
    """The most specific entity type among class IRIs or local names, None if there is none."""
    names = {local_name(t) for t in types}
    return next((t for t in TYPE_PRIORITY if t in names), None)


def entity_kind(types: Iterable[str]) -> EntityKind | None:
    """The fact-sheet ``type`` (``official``, ``country``…) of an entity with these class IRIs."""
    found = {str(t) for t in types}
    return next((kind for cls, kind in ENTITY_KINDS.items() if str(cls) in found), None)


ROLE_ONLY_PREFIX = "holder of "
"""The derived name of a person known only by the post they hold ("holder of Minister of
National Defense", ``dg:roleOnly true``): it names the person only while no article names them
(:func:`ontology.choice.preferred_name` ranks it last)."""
