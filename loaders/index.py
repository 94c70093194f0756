"""The index of known entities that fact-sheet entities are resolved against.

The caller fills it with plain :class:`IndexEntry` values (from the store, through another
layer, or with :meth:`EntityIndex.from_graph`); a batch load grows a copy of it file by file, so
files loaded together share entities.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Literal

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import OWL, RDF

from loaders.names import normalize_name
from ontology.classes import ENTITY_KINDS, EntityKind
from ontology.namespace import DG

EntityType = EntityKind
Group = Literal["country", "organization", "person", "group", "region", "place"]

GROUPS: dict[EntityType, Group] = {
    "country": "country",
    "organization": "organization",
    "person": "person",
    "official": "person",
    "group": "group",
    "region": "region",
    "place": "place",
}
"""Types that share IRIs and names: a person in one sheet may be an official in another."""


@dataclass(frozen=True)
class IndexEntry:
    """What is known about one entity; ``country`` is an organisation's country or a nationality."""

    iri: str
    type: EntityType
    names: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    iso: str | None = None
    wikidata: str | None = None
    same_as: tuple[str, ...] = ()
    country: str | None = None

    @property
    def group(self) -> Group:
        """The identity group of the type (person and official share one)."""
        return GROUPS[self.type]

    def match_keys(self) -> set[str]:
        """Normalised names and aliases used for matching."""
        person = self.group == "person"
        texts = (*self.names, *self.aliases)
        return {k for k in (normalize_name(t, person=person) for t in texts) if k}


def _union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*a, *b)))


def merge(old: IndexEntry, new: IndexEntry) -> IndexEntry:
    """One record from two descriptions of the same IRI (names in order of arrival)."""
    kind = "official" if "official" in (old.type, new.type) else old.type
    return replace(
        old,
        type=kind,
        names=_union(old.names, new.names),
        aliases=_union(old.aliases, new.aliases),
        iso=old.iso or new.iso,
        wikidata=old.wikidata or new.wikidata,
        same_as=_union(old.same_as, new.same_as),
        country=old.country or new.country,
    )


class EntityIndex:
    """Known entities by IRI, ISO code, Wikidata id, ``owl:sameAs`` IRI and normalised name."""

    def __init__(self, records: Iterable[IndexEntry] = ()) -> None:
        self._records: dict[str, IndexEntry] = {}
        self._iso: dict[str, str] = {}
        self._wikidata: dict[str, str] = {}
        self._same_as: dict[str, str] = {}
        self._names: dict[tuple[Group, str], set[str]] = defaultdict(set)
        self.add_all(records)

    def add(self, record: IndexEntry) -> None:
        """Add (or merge) one entity."""
        old = self._records.get(record.iri)
        merged = record if old is None else merge(old, record)
        self._records[record.iri] = merged
        if merged.iso:
            self._iso.setdefault(merged.iso, merged.iri)
        if merged.wikidata:
            self._wikidata.setdefault(merged.wikidata, merged.iri)
        for iri in merged.same_as:
            self._same_as.setdefault(iri, merged.iri)
        for key in merged.match_keys():
            self._names[(merged.group, key)].add(merged.iri)

    def add_all(self, records: Iterable[IndexEntry]) -> None:
        """Add many entities."""
        for record in records:
            self.add(record)

    def copy(self) -> EntityIndex:
        """An independent copy (a batch grows a copy, never the caller's index)."""
        return EntityIndex(self._records.values())

    def get(self, iri: str) -> IndexEntry | None:
        """The record of ``iri``, if known."""
        return self._records.get(iri)

    def by_iso(self, iso: str) -> str | None:
        """IRI of the country with this ISO code."""
        return self._iso.get(iso)

    def by_wikidata(self, qid: str) -> str | None:
        """IRI of the entity with this Wikidata id."""
        return self._wikidata.get(qid)

    def by_same_as(self, iri: str) -> str | None:
        """IRI of the entity declared ``owl:sameAs`` this IRI."""
        return self._same_as.get(iri)

    def by_name(self, group: Group, text: str) -> set[str]:
        """IRIs of entities of ``group`` with this name or alias (normalised)."""
        key = normalize_name(text, person=group == "person")
        return set(self._names.get((group, key), ()))

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[IndexEntry]:
        return iter(list(self._records.values()))

    def __contains__(self, iri: object) -> bool:
        return iri in self._records

    @classmethod
    def from_graph(cls, graph: Graph) -> EntityIndex:
        """An index of the entities described in ``graph`` (a Dataset: all of its graphs)."""
        return cls(records_from_graph(graph))


def records_from_graph(graph: Graph) -> list[IndexEntry]:
    """Entity records for every country, organisation, person and region described in ``graph``."""
    graphs = list(graph.graphs()) if isinstance(graph, Dataset) else [graph]
    return [record for g in graphs for record in _records(g)]


def _records(graph: Graph) -> Iterator[IndexEntry]:
    for cls, kind in ENTITY_KINDS.items():
        for subject in graph.subjects(RDF.type, cls):
            if not isinstance(subject, URIRef):
                continue
            if kind == "person" and (subject, RDF.type, DG.Official) in graph:
                continue

            def texts(prop: URIRef, node: URIRef = subject) -> tuple[str, ...]:
                return tuple(sorted(str(o) for o in graph.objects(node, prop)))

            country = graph.value(subject, DG.country) or graph.value(subject, DG.nationality)
            yield IndexEntry(
                iri=str(subject),
                type=kind,
                names=texts(DG.name),
                aliases=texts(DG.alias),
                iso=next(iter(texts(DG.isoCode)), None),
                wikidata=next(iter(texts(DG.wikidata)), None),
                same_as=texts(OWL.sameAs),
                country=None if country is None else str(country),
            )
