"""Entity ids (IRIs or short forms), text folding for search, and entity references."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import NoReturn

from graph.errors import AmbiguousName, Candidate, NotFound, QueryError
from graph.queries.entities import EntityInfo
from graph.queries.model import Concept, EntityRef
from graph.queries.source import GraphSource
from graph.rules.steps import notation
from ontology.namespace import ID
from ontology.namespace import concept as concept_of
from ontology.text import fold

ID_BASE = str(ID)
_SHORT_RX = re.compile(r"^[a-z][a-z0-9-]*/[^\s<>\"{}|^`\\]+$")


def to_iri(value: str) -> str:
    """The IRI of an entity id: an IRI as is, or a short form (``country/DZA``, ``id:…``)."""
    text = value.strip()
    if text.startswith(("http://", "https://")):
        return text
    text = text.removeprefix("id:").lstrip("/")
    if not _SHORT_RX.match(text):
        raise QueryError(f"not an entity id: {value!r} (an IRI or e.g. 'country/DZA')")
    return ID_BASE + text


def short_id(uri: str) -> str:
    """``country/DZA`` for an instance IRI; other IRIs stay whole."""
    return uri.removeprefix(ID_BASE) if uri.startswith(ID_BASE) else uri


def concept_iri(scheme: str, value: str) -> str:
    """A concept IRI from a notation (``counterterrorism``) or an IRI."""
    text = value.strip()
    if text.startswith(("http://", "https://")):
        return text
    return str(concept_of(scheme, text))


def concept(uri: str | None) -> Concept | None:
    """A :class:`Concept` for a concept IRI (None stays None)."""
    if uri is None:
        return None
    return Concept(uri, notation(uri) or uri)


def make_ref(uri: str, info: EntityInfo | None) -> EntityRef:
    """The reference of an entity (name and types None/empty when unknown)."""
    if info is None:
        return EntityRef(uri, short_id(uri), None, ())
    return EntityRef(uri, short_id(uri), info.name, info.types)


FormerIds = Callable[[str], list[str]]
"""The entities an id given before a merge or rename now is (``RDFStore.merged_into``)."""


class Refs:
    """Entity references of a backend, fetched in batches and cached for one request."""

    def __init__(self, source: GraphSource, former: FormerIds | None = None) -> None:
        """Read entities from ``source``; ``former`` answers ids that identity resolution
        merged or renamed (the store of record's ``dg:localIri``)."""
        self._source = source
        self._former = former
        self._infos: dict[str, EntityInfo | None] = {}

    def load(self, uris: Iterable[str]) -> None:
        """Fetch the entities among ``uris`` not fetched yet."""
        missing = sorted({u for u in uris if u not in self._infos})
        if missing:
            found = self._source.entity_infos(missing)
            for uri in missing:
                self._infos[uri] = found.get(uri)

    def info(self, uri: str) -> EntityInfo | None:
        """The entity ``uri`` (fetched if needed), None if it is not one."""
        self.load([uri])
        return self._infos[uri]

    def ref(self, uri: str) -> EntityRef:
        """The reference of ``uri``."""
        return make_ref(uri, self.info(uri))

    def refs(self, uris: Iterable[str]) -> tuple[EntityRef, ...]:
        """References of ``uris``, in IRI order."""
        ordered = sorted(set(uris))
        self.load(ordered)
        return tuple(self.ref(u) for u in ordered)

    def resolve(self, value: str, *, actor: bool = False) -> str:
        """The IRI of an entity id, or of the one entity (an actor if asked) whose name or alias
        is ``value`` (case and accents ignored). NotFound when nothing matches, AmbiguousName
        (with the candidates) when several entities go by that name."""
        kind = "actor" if actor else "entity"
        try:
            uri: str | None = to_iri(value)
        except QueryError:
            uri = None
        if uri is not None:
            info = self.info(uri)
            if info is not None and (info.is_actor or not actor):
                return uri
            if info is None and self._former is not None:
                became = self._known(self._former(uri), actor=actor)
                if len(became) == 1:
                    return became[0].uri
                if became:
                    self._ambiguous(value, became, kind, "merged into")
        named = self.named(value, actor=actor)
        if len(named) == 1:
            return named[0].uri
        if named:
            self._ambiguous(value, named, kind, "names")
        shown = short_id(uri) if uri is not None else value
        raise NotFound(f"no {kind} {shown!r} (neither a known id nor a name or alias)")

    def _known(self, uris: list[str], *, actor: bool) -> list[EntityInfo]:
        self.load(uris)
        infos = [self._infos.get(u) for u in uris]
        return [i for i in infos if i is not None and (i.is_actor or not actor)]

    @staticmethod
    def _ambiguous(value: str, found: list[EntityInfo], kind: str, verb: str) -> NoReturn:
        candidates = tuple(Candidate(short_id(i.uri), i.name, i.types) for i in found)
        listed = ", ".join(c.id for c in candidates)
        raise AmbiguousName(
            f"{value!r} {verb} {len(found)} {kind} entities ({listed}): give an id",
            candidates=candidates,
        )

    def named(self, name: str, *, actor: bool = False) -> list[EntityInfo]:
        """Entities (actors if asked) whose name or an alias is ``name``, by IRI."""
        wanted = fold(name)
        if not wanted:
            return []
        found = [
            info
            for info in self._source.entities()
            if (info.is_actor or not actor)
            and any(fold(label) == wanted for label in (info.name or "", *info.aliases))
        ]
        for info in found:
            self._infos[info.uri] = info
        return sorted(found, key=lambda i: i.uri)
