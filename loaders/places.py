"""A place entity's country, coordinates and GeoNames id: what the sheet states, completed from
the offline gazetteer (:mod:`loaders.gazetteer`) and marked so (``dg:fromGazetteer``).

The rules (``docs/fact-sheets.md``, "Places"):

* ``geonames:`` given: the gazetteer's city of that id (if it has it) must lie in the sheet's
  country; it supplies what the sheet leaves out.
* ``country:`` given: the gazetteer's city of that name (or an alias) in that country, if any,
  supplies coordinates and id; a name the gazetteer only knows elsewhere is simply not found.
* Neither: the name (or else an alias) must match exactly one gazetteer city; several are an
  error listing their countries, none an error asking for ``country:``.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from loaders import gazetteer
from loaders.errors import Severity
from loaders.iris import country_iri
from loaders.model import PlaceEntity

PlaceProblem = tuple[str, str, Severity]
"""``(key of the entity, message, severity)``."""

COUNTRY, COORDINATES, GEONAMES = "country", "coordinates", "geonamesId"
"""The values of ``dg:fromGazetteer``: which properties were taken from the gazetteer."""


@dataclass(frozen=True)
class PlaceFacts:
    """A place's country IRI, coordinates and GeoNames id; ``derived`` names those taken from
    the gazetteer (:data:`COUNTRY`, :data:`COORDINATES`, :data:`GEONAMES`)."""

    country: URIRef
    lat: float | None
    lon: float | None
    geonames: int | None
    derived: frozenset[str]


def _listed(found: tuple[gazetteer.City, ...]) -> str:
    return ", ".join(f"{c.name} ({c.iso}, GeoNames {c.geonames_id})" for c in found[:6])


def _by_names(entity: PlaceEntity) -> tuple[gazetteer.City, ...]:
    """Gazetteer cities of the name, else of the first alias that has any."""
    for text in (entity.name, *entity.aliases):
        found = gazetteer.cities(text)
        if found:
            return found
    return ()


def _iso(country: URIRef) -> str:
    return str(country).rsplit("/", 1)[1]


def _match(
    entity: PlaceEntity, country: URIRef | None
) -> tuple[gazetteer.City | None, list[PlaceProblem]]:
    """The gazetteer city the entity is, if one is (and the problems of finding it)."""
    if entity.geonames is not None:
        city = gazetteer.city(entity.geonames)
        if city is not None and country is not None and city.iso != _iso(country):
            message = (
                f"GeoNames {entity.geonames} is {city.name} in {city.iso}, but `country` says "
                f"{_iso(country)}: correct one of them"
            )
            return None, [("geonames", message, "error")]
        return city, []
    found = _by_names(entity)
    if country is not None:
        found = tuple(c for c in found if c.iso == _iso(country))
        # several cities of that name in one country: the most populous is meant by default
        return (found[0] if found else None), []
    if not found:
        message = (
            f"unknown place '{entity.name}': the gazetteer (GeoNames cities of 15,000 people "
            "or more) does not know it; add `country:` (and `coordinates:` if you know them)"
        )
        return None, [("name", message, "error")]
    if len({c.geonames_id for c in found}) > 1:
        countries = ", ".join(dict.fromkeys(c.iso for c in found))
        message = (
            f"ambiguous place '{entity.name}': the gazetteer has it in {countries} "
            f"({_listed(found)}); add `country:` or `geonames:`"
        )
        return None, [("name", message, "error")]
    return found[0], []


def resolve_place(
    entity: PlaceEntity, country: URIRef | None
) -> tuple[PlaceFacts | None, list[PlaceProblem]]:
    """The facts to write for ``entity`` given its stated country's IRI (None if not stated),
    or None with the errors that prevent it."""
    city, problems = _match(entity, country)
    if any(severity == "error" for _, _, severity in problems):
        return None, problems
    if country is None and city is None:
        message = (
            f"GeoNames {entity.geonames} is not in the offline gazetteer: add `country:` to "
            f"place '{entity.name}'"
        )
        return None, [*problems, ("country", message, "error")]
    derived: set[str] = set()
    if country is None and city is not None:
        country, derived = country_iri(city.iso), {COUNTRY}
    assert country is not None
    lat = lon = None
    if entity.coordinates is not None:
        lat, lon = entity.coordinates.lat, entity.coordinates.lon
    elif city is not None:
        lat, lon = city.lat, city.lon
        derived.add(COORDINATES)
    geonames = entity.geonames
    if geonames is None and city is not None:
        geonames = city.geonames_id
        derived.add(GEONAMES)
    return PlaceFacts(country, lat, lon, geonames, frozenset(derived)), problems
