"""Entity resolution within one fact sheet: the IRI the article alone gives each entity.

A country is its ISO code (given, or found by pycountry from the name or aliases, or a known
country's name in the index); anything else an IRI minted from its name, qualified by its
country if another entity of the sheet has the same name. Which entity of other articles it is
(aliases, ``same_as``, Wikidata ids, judgements) is decided over every stored article at once by
:mod:`loaders.identity`, so that the graph does not depend on load order. Resolution never
changes the index: the caller adds :attr:`Resolved.record` values once the file is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import chain

from rdflib import URIRef

from loaders import countries, gazetteer
from loaders.errors import Problem, Severity
from loaders.index import GROUPS, EntityIndex, EntityType, Group, IndexEntry
from loaders.iris import ENTITY_PATHS, country_iri, entity_iri, role_only_iri
from loaders.model import (
    CountryEntity,
    Entity,
    FactSheet,
    OrganizationEntity,
    PersonEntity,
    PlaceEntity,
)
from loaders.places import PlaceFacts, resolve_place
from loaders.source import Document
from ontology.classes import ROLE_ONLY_PREFIX
from ontology.namespace import ID

__all__ = ["EntityIndex", "IndexEntry", "Resolved", "resolve_entities"]


@dataclass(frozen=True)
class Resolved:
    """An entity of the sheet with its IRI and the description to write into the article graph."""

    local_id: str
    iri: URIRef
    type: EntityType
    name: str
    aliases: tuple[str, ...]
    iso: str | None = None
    historic: bool = False
    place: PlaceFacts | None = None
    """A place's country, coordinates and GeoNames id (stated or from the gazetteer)."""

    def record(self, entity: Entity, country: str | None) -> IndexEntry:
        """The index record this entity contributes."""
        return IndexEntry(
            iri=str(self.iri),
            type=self.type,
            names=(self.name,),
            aliases=self.aliases,
            iso=self.iso,
            wikidata=entity.wikidata,
            same_as=tuple(entity.same_as),
            country=country,
        )


@dataclass
class Resolution:
    """The outcome for a whole sheet: entities by local id, index records, problems."""

    entities: dict[str, Resolved] = field(default_factory=dict)
    records: list[IndexEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def resolve_entities(sheet: FactSheet, doc: Document, index: EntityIndex) -> Resolution:
    """Resolve every entity of ``sheet`` against ``index`` (countries first, for org countries)."""
    out = Resolution()
    order = sorted(enumerate(sheet.entities), key=lambda pair: pair[1].type != "country")
    claimed: dict[URIRef, str] = {}
    posts = {post.id: post.name for post in sheet.posts}
    states = {post.id: post.in_ for post in sheet.posts if post.in_}
    for i, entity in order:
        resolver = _Resolver(entity, ("entities", i), doc, index, out, posts, states)
        resolved = resolver.resolve()
        if resolved is None:
            continue
        if resolved.iri in claimed:
            out.problems.append(
                doc.problem(
                    ("entities", i, "id"),
                    f"'{entity.id}' and '{claimed[resolved.iri]}' are the same entity "
                    f"<{resolved.iri}>: describe it once and merge the aliases",
                )
            )
            continue
        claimed[resolved.iri] = entity.id
        out.entities[entity.id] = resolved
        out.records.append(resolved.record(entity, _country_of(entity, out, states)))
    return out


def _country_of(
    entity: Entity, out: Resolution, states: dict[str, str] | None = None
) -> str | None:
    """An organisation's country, a person's nationality; for a person known only by role
    without one, where the post is (two unnamed defence ministers of one sheet are two)."""
    local = None
    if isinstance(entity, OrganizationEntity):
        local = entity.country
    elif isinstance(entity, PersonEntity):
        local = entity.nationality
        if local is None and entity.name is None and entity.holds and states:
            local = states.get(entity.holds)
    elif isinstance(entity, PlaceEntity):
        resolved = out.entities.get(entity.id)
        facts = resolved.place if resolved is not None else None
        return facts.country if facts is not None else None
    found = out.entities.get(local) if local else None
    return None if found is None else str(found.iri)


class _Resolver:
    """Resolves one entity; problems go to the shared :class:`Resolution`."""

    def __init__(
        self,
        entity: Entity,
        path: tuple[str, int],
        doc: Document,
        index: EntityIndex,
        out: Resolution,
        posts: dict[str, str],
        states: dict[str, str],
    ) -> None:
        self.entity, self.path, self.doc, self.index, self.out = entity, path, doc, index, out
        self.group: Group = GROUPS[entity.type]
        self.name = self._name(posts)
        self.states = states

    def _name(self, posts: dict[str, str]) -> str | None:
        """The entity's name; for a person known only by role, "holder of <post name>"
        (derived: the person is marked ``dg:roleOnly``). None when there is neither (the
        checks report it)."""
        entity = self.entity
        if isinstance(entity, PersonEntity) and entity.name is None:
            post = posts.get(entity.holds) if entity.holds else None
            return None if post is None else f"{ROLE_ONLY_PREFIX}{post}"
        return entity.name

    def fail(self, key: str, message: str, severity: Severity = "error") -> None:
        self.out.problems.append(self.doc.problem((*self.path, key), message, severity))

    def resolve(self) -> Resolved | None:
        if isinstance(self.entity, CountryEntity):
            return self.country(self.entity)
        if self.name is None:
            return None
        self.check_same_as()
        if isinstance(self.entity, PlaceEntity):
            return self.place(self.entity)
        return self.finish(self.mint(self.name))

    def mint(self, name: str) -> URIRef:
        """An IRI from the name, qualified (country code, then a number) if that IRI is already
        another country's entity (two ministries of defence). A role-only person's is
        ``person/holder-of-<post slug>``."""
        if isinstance(self.entity, PersonEntity) and self.entity.name is None:
            iri = role_only_iri(name.removeprefix(ROLE_ONLY_PREFIX))
        else:
            iri = entity_iri(self.entity.type, name)
        mine = _country_of(self.entity, self.out, self.states)
        if mine is None:
            return iri
        suffixes = chain([mine.rsplit("/", 1)[1].lower()], map(str, range(2, 100)))
        candidate = iri
        for suffix in suffixes:  # made only as needed: the first IRI nearly always fits
            if not self._clash(candidate, mine):
                return candidate
            candidate = URIRef(f"{iri}-{suffix}")
        return candidate  # the last one, clash or not

    def _clash(self, candidate: URIRef, mine: str) -> bool:
        """Whether ``candidate`` already names an entity of another country in this sheet."""
        text = str(candidate)
        return any(r.country and r.country != mine for r in self.out.records if r.iri == text)

    def check_same_as(self) -> None:
        """A diplograph IRI in ``same_as`` must name an entity of the same kind (which one it
        is, and whether it exists, is for :mod:`loaders.identity` over every article)."""
        prefix = f"{ID}{ENTITY_PATHS[self.entity.type]}/"
        for iri in self.entity.same_as:
            if iri.startswith(str(ID)) and not iri.startswith(prefix):
                self.fail("same_as", f"<{iri}> is not a {self.entity.type} IRI ({prefix}…)")

    def country(self, entity: CountryEntity) -> Resolved | None:
        """A country: its ISO code decides the IRI."""
        match = self.country_match(entity)
        if match is None:
            return None
        return self.finish(country_iri(match.iso), iso=match.iso, historic=match.historic)

    def country_match(self, entity: CountryEntity) -> countries.CountryMatch | None:
        if entity.iso is not None:
            match = countries.by_code(entity.iso)
            if match is None:
                self.fail("iso", countries.code_hint(entity.iso))
            else:
                self.check_name(entity, match)
            return match
        match = countries.by_name(self.name or "")
        if match is None:
            match = self.known_country() or self.alias_country(entity)
        if match is None:
            match = self.capital_country(entity)
        if match is None:
            match, near = countries.fuzzy(self.name or "")
            if match is None:
                hint = f" (close: {', '.join(near)})" if near else ""
                self.fail(
                    "name", f"unknown country '{entity.name}'{hint}: add its ISO code as `iso`"
                )
                return None
            self.fail(
                "name",
                f"country '{entity.name}' taken to be {match.iso} ({match.name}) by a fuzzy "
                f"match: add `iso: {match.iso}` to be sure",
                "warning",
            )
        return match

    def known_country(self) -> countries.CountryMatch | None:
        """A known country (from the index) one of whose names or aliases is this name."""
        hits = self.index.by_name("country", self.name or "")
        records = [r for r in (self.index.get(h) for h in hits) if r is not None and r.iso]
        if len(records) != 1 or records[0].iso is None:
            return None
        return countries.by_code(records[0].iso)

    def capital_country(self, entity: CountryEntity) -> countries.CountryMatch | None:
        """A capital's name used for its state ("Algiers" for Algeria), from the gazetteer."""
        capital = gazetteer.capital_of(entity.name)
        match = countries.by_code(capital.iso) if capital is not None else None
        if capital is not None and match is not None:
            self.fail(
                "name",
                f"'{entity.name}' read as the state {capital.country} (its capital): add "
                f"`iso: {capital.iso}` to say so, or make it a place (`type: place`) if the city "
                "itself is meant",
                "warning",
            )
        return match

    def place(self, entity: PlaceEntity) -> Resolved | None:
        """A place: its country, coordinates and GeoNames id, stated or from the gazetteer;
        its IRI from its name, qualified by its country if the sheet has another place so
        named."""
        country = self.out.entities.get(entity.country) if entity.country else None
        if entity.country and country is None:
            return None  # the country itself failed to resolve: already reported
        facts, problems = resolve_place(entity, country.iri if country else None)
        for key, message, severity in problems:
            self.fail(key, message, severity)
        if facts is None:
            return None
        iri = entity_iri("place", entity.name)
        text, in_country = str(iri), str(facts.country)
        if any(r.iri == text and r.country != in_country for r in self.out.records):
            iri = URIRef(f"{iri}-{facts.country.rsplit('/', 1)[1].lower()}")
        return replace(self.finish(iri), place=facts)

    def alias_country(self, entity: CountryEntity) -> countries.CountryMatch | None:
        """The country every alias that pycountry knows agrees on."""
        found = {m.iso: m for a in entity.aliases if (m := countries.by_name(a)) is not None}
        return next(iter(found.values())) if len(found) == 1 else None

    def check_name(self, entity: CountryEntity, match: countries.CountryMatch) -> None:
        by_name = countries.by_name(self.name or "")
        if by_name is not None and by_name.iso != match.iso:
            self.fail(
                "iso",
                f"iso {match.iso} is {match.name}, but the name '{entity.name}' is "
                f"{by_name.iso} ({by_name.name})",
                "warning",
            )

    def finish(self, iri: URIRef, iso: str | None = None, historic: bool = False) -> Resolved:
        """The description to write: what the sheet says (which name is shown, when articles
        differ, is decided over all of them: :func:`ontology.choice.most_stated`)."""
        name, aliases = self.name or "", list(self.entity.aliases)
        if iso is not None and not historic:
            # A country found through the index (by Wikidata id, alias…) is described the same
            # way as one found by its code, so that reloading an article changes nothing.
            match = countries.by_code(iso)
            historic = match is not None and match.historic
        return Resolved(
            local_id=self.entity.id,
            iri=iri,
            type=self.entity.type,
            name=name,
            aliases=tuple(dict.fromkeys(a for a in aliases if a != name)),
            iso=iso,
            historic=historic,
        )
