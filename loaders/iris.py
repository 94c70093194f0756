"""Deterministic IRIs, as in the "Identity" section of ``docs/fact-sheets.md``.

Countries by ISO code, people, organisations, regions and posts by a slug of their name, the
article by its id, and n-ary facts by a hash of their key fields (sha1 of a canonical string,
16 hex digits), so loading the same file twice mints the same IRIs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache

from rdflib import URIRef

from loaders.index import EntityType
from loaders.names import normalize_name, slugify
from ontology.namespace import ID

ENTITY_PATHS: dict[EntityType, str] = {
    "country": "country",
    "organization": "organization",
    "person": "person",
    "official": "person",
    "group": "group",
    "region": "region",
    "place": "place",
}

KeyField = str | None | Iterable[str]


def country_iri(iso: str) -> URIRef:
    """``id:country/DZA``."""
    return ID[f"country/{iso}"]


@lru_cache(maxsize=1 << 15)
def entity_iri(kind: EntityType, name: str) -> URIRef:
    """``id:person/michael-langley``, ``id:organization/us-africa-command``, ``id:region/sahel``:
    the slug of the name's matching key (:func:`loaders.names.normalize_name`: a leading "the"
    and a person's honorifics dropped), the key that names a merged entity too. Cached: names
    recur across a corpus and normalising one costs more than the rest of minting."""
    key = normalize_name(name, person=ENTITY_PATHS[kind] == "person")
    return ID[f"{ENTITY_PATHS[kind]}/{slugify(key)}"]


@lru_cache(maxsize=1 << 14)
def post_iri(name: str) -> URIRef:
    """``id:post/commander-us-africa-command`` (the slug of the name's matching key)."""
    return ID[f"post/{slugify(normalize_name(name))}"]


def article_iri(article_id: str) -> URIRef:
    """``id:article/{article id}``: also the name of the article's graph."""
    return ID[f"article/{article_id}"]


def canonical(fields: Iterable[KeyField]) -> str:
    """The string that is hashed: fields in order, list fields sorted, absent fields empty."""
    parts: list[str] = []
    for value in fields:
        if value is None:
            parts.append("")
        elif isinstance(value, str):
            parts.append(value)
        else:
            parts.append("\x1e".join(sorted(value)))
    return "\x1f".join(parts)


def fact_iri(kind: str, *fields: KeyField) -> URIRef:
    """``id:{kind}/{hash}`` where hash is the first 16 hex digits of sha1 of the key fields."""
    digest = hashlib.sha1(f"{kind}\x1d{canonical(fields)}".encode()).hexdigest()[:16]
    return ID[f"{kind}/{digest}"]


def role_only_iri(post_name: str) -> URIRef:
    """``id:person/holder-of-minister-of-national-defense``: the local id of a person known only
    by the post they hold (the slug of the post's name after ``holder-of-``)."""
    return ID[f"person/holder-of-{slugify(normalize_name(post_name))}"]
