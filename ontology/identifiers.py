"""Limits on identifiers and names: the one rule every layer checks (dates: ``ontology.dates``).

Loaders check them before an article is built (fact-sheet ids, entity names, every IRI of an RDF
article), the API before a path or query parameter reaches a store, the graph queries before a
filter is used. Values beyond them are refused with a message that says which limit was hit and
never echoes the whole value back.

* **Local ids** (``article.id`` and the ``id`` of entities, posts, agreements and events in a fact
  sheet): lower-case letters, digits and hyphens, starting with a letter or digit, at most
  :data:`MAX_ID_LENGTH` characters.
* **IRIs** (the IRI of an RDF article, every IRI in its graph, an entity or article id given to
  the API as a short id ``country/DZA`` or a full IRI): at most :data:`MAX_IRI_LENGTH`
  characters, no spaces, control characters nor ``<>"{}|\\^``` (RFC 3987). An IRI needs a scheme.
* **Names**: entity and post names, aliases, notations, and in RDF every literal of a predicate
  named like a name (``loaders.article.NAME_KEYS``): at most :data:`MAX_NAME_LENGTH` characters.

``docs/fact-sheets.md`` ("Limits") documents them for users.

The limits keep every key well under Neo4j's 8 KB index-key limit (four bytes per character at
worst) and make ids usable in URLs, on the command line and in logs.
"""

from __future__ import annotations

import re

MAX_ID_LENGTH = 200
"""Longest local id of a fact sheet (``article.id``, entity, post, agreement and event ids)."""
MAX_IRI_LENGTH = 2000
"""Longest IRI (article IRIs, any IRI in an article, ids given to the API)."""
MAX_NAME_LENGTH = 500
"""Longest entity name or alias."""

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
"""A local id: lower-case letters, digits and hyphens."""
_SLUG = re.compile(SLUG_PATTERN)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NOT_IN_IRI = re.compile(r'[\x00-\x20\x7f-\x9f<>"{}|\\^`]')
"""Characters RFC 3987 does not allow anywhere in an IRI (spaces and controls included)."""


def preview(value: str, length: int = 40) -> str:
    """``value`` quoted, cut to ``length`` characters (problems never echo a huge value)."""
    return repr(value) if len(value) <= length else repr(value[:length]) + "…"


def _too_long(what: str, value: str, limit: int) -> str | None:
    if len(value) > limit:
        return f"{what} {preview(value)} is {len(value):,} characters long; the limit is {limit:,}"
    return None


def id_problem(value: str, what: str = "id") -> str | None:
    """Why ``value`` is not a valid local id, or None."""
    if too_long := _too_long(what, value, MAX_ID_LENGTH):
        return too_long
    if not _SLUG.fullmatch(value):
        return f"{preview(value)} is not a valid {what}: use lower-case letters, digits and hyphens"
    return None


def reference_problem(value: str, what: str = "id") -> str | None:
    """Why ``value`` is neither a short id (``country/DZA``) nor an IRI within the limits."""
    if too_long := _too_long(what, value, MAX_IRI_LENGTH):
        return too_long
    bad = _NOT_IN_IRI.search(value)
    if bad is not None:
        char = f"U+{ord(bad.group()):04X}"
        return f"{what} {preview(value)} holds {char}, which no IRI may contain"
    return None


def iri_problem(value: str, what: str = "IRI") -> str | None:
    """Why ``value`` is not an absolute IRI within the limits, or None."""
    if problem := reference_problem(value, what):
        return problem
    if not _SCHEME.match(value):
        return f"{what} {preview(value)} has no scheme (such as https:)"
    return None


def name_problem(value: str, what: str = "name") -> str | None:
    """Why ``value`` is too long for an entity name or alias, or None."""
    return _too_long(what, value, MAX_NAME_LENGTH)


def reference_or_name_problem(value: str, what: str = "id") -> str | None:
    """Why ``value`` is neither an id (short id or IRI) nor a name within the limits, or None.

    The API takes a name wherever it takes an id (``/links?a=Morocco``), and a name may hold
    spaces; control characters are refused in both.
    """
    problem = reference_problem(value, what)
    if problem is None:
        return None
    if name_problem(value, what) is None and not _CONTROL.search(value):
        return None
    return problem
