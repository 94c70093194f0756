"""Places (``dg:Place``, format 2) as the query services show them: kind, country, WGS84
position and GeoNames id, each with where it comes from.

What the loader took from the offline gazetteer rather than from an article is named by the
place's ``fromGazetteer`` property (``country``, ``coordinates``, ``geonamesId``); it reads as
``source: "gazetteer"``, anything else as ``"sheet"``. When several articles describe one place
and only some of them state a value, the value reads as from the gazetteer (the conservative
reading: it is not stated by every article).
"""

from __future__ import annotations

from graph.queries.model import EntityRef, PlaceInfo, Source
from graph.queries.refs import Refs, concept
from graph.queries.source import Described, GraphSource

PLACE = "Place"
"""The label (and dg class local name) of places."""


def _number(node: Described, key: str) -> float | None:
    text = node.text(key)
    return None if text is None else float(text)


def place_info(refs: Refs, node: Described) -> PlaceInfo | None:
    """The place ``node`` describes, None if it is not a place."""
    if PLACE not in node.labels:
        return None
    derived = set(node.texts("fromGazetteer"))

    def source(present: bool, name: str) -> Source | None:
        if not present:
            return None
        return "gazetteer" if name in derived else "sheet"

    country = node.one("COUNTRY")
    lat, lon = _number(node, "lat"), _number(node, "long")
    geonames = node.text("geonamesId")
    return PlaceInfo(
        kind=concept(node.one("PLACE_KIND")),
        country=refs.ref(country) if country else None,
        country_source=source(country is not None, "country"),
        lat=lat,
        lon=lon,
        coordinates_source=source(lat is not None and lon is not None, "coordinates"),
        geonames_id=None if geonames is None else int(float(geonames)),
        geonames_source=source(geonames is not None, "geonamesId"),
    )


def place_country(source: GraphSource, refs: Refs, uri: str | None) -> EntityRef | None:
    """The country of the place ``uri`` (None for a country, a region or nothing)."""
    if uri is None:
        return None
    node = source.describe([uri]).get(uri)
    if node is None or PLACE not in node.labels:
        return None
    country = node.one("COUNTRY")
    return refs.ref(country) if country else None
