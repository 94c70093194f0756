"""Countries by ISO 3166 code or name, with pycountry (ISO 3166-1 and the historic ISO 3166-3).

No hand-written tables: codes, names, official and common names all come from pycountry. The
fuzzy fallback only accepts an unambiguous hit ("Russia" → RUS, but "Korea" matches two states and
is refused).
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import pycountry

from loaders.names import normalize_name

How = Literal["code", "name", "fuzzy"]


@dataclass(frozen=True)
class CountryMatch:
    """A country found in pycountry; ``historic`` for ISO 3166-3 (e.g. SUN, the Soviet Union)."""

    iso: str
    name: str
    historic: bool
    how: How


def _current(record: Any, how: How) -> CountryMatch:
    return CountryMatch(record.alpha_3, record.name, False, how)


def _historic(record: Any, how: How) -> CountryMatch:
    return CountryMatch(record.alpha_3, record.name, True, how)


def by_code(code: str) -> CountryMatch | None:
    """The country with alpha-3 ``code`` (ISO 3166-1), or the historic state (ISO 3166-3)."""
    if not code.isascii() or not code.isupper():
        return None
    if len(code) == 3:
        record = pycountry.countries.get(alpha_3=code)
        if record is not None:
            return _current(record, "code")
        historic = pycountry.historic_countries.get(alpha_3=code)
        if historic is not None:
            return _historic(historic, "code")
    if len(code) == 4:
        historic = pycountry.historic_countries.get(alpha_4=code)
        if historic is not None:
            return _historic(historic, "code")
    return None


def code_hint(code: str) -> str:
    """Why ``code`` is not accepted, with the alpha-3 code it probably means."""
    upper = code.upper()
    match = by_code(upper)
    if match is not None and upper != code:
        return f"ISO codes are upper case: did you mean '{match.iso}'?"
    if len(upper) == 2:
        record = pycountry.countries.get(alpha_2=upper)
        if record is not None:
            return f"'{code}' is an alpha-2 code: use the alpha-3 code '{record.alpha_3}'"
    return f"unknown ISO 3166 code '{code}' (expected an alpha-3 code such as 'DZA')"


def by_name(name: str) -> CountryMatch | None:
    """The country whose code, name, official or common name is exactly ``name`` (any case)."""
    try:
        return _current(pycountry.countries.lookup(name), "name")
    except LookupError:
        pass
    try:
        return _historic(pycountry.historic_countries.lookup(name), "name")
    except LookupError:
        pass
    hits = _variants().get(normalize_name(name), set())
    return next(iter(hits)) if len(hits) == 1 else None


def fuzzy(name: str) -> tuple[CountryMatch | None, list[str]]:
    """An unambiguous fuzzy hit for ``name``, and the names it was close to (for messages)."""
    key = normalize_name(name)
    variants = _variants()
    if len(key) >= 4:
        prefixed = {m for v, ms in variants.items() if v.startswith(key) for m in ms}
        if len(prefixed) == 1:
            return _as_fuzzy(next(iter(prefixed))), []
    scored = [
        (difflib.SequenceMatcher(None, key, v).ratio(), m)
        for v in difflib.get_close_matches(key, variants, n=10, cutoff=0.6)
        for m in variants[v]
    ]
    scored.sort(key=lambda item: (-item[0], item[1].iso))
    near = list(dict.fromkeys(m.name for _, m in scored))[:3]
    if not scored or scored[0][0] < 0.85:
        return None, near
    best_score, best = scored[0]
    rivals = {m.iso for score, m in scored if score >= best_score - 0.05}
    return (_as_fuzzy(best), []) if rivals == {best.iso} else (None, near)


def _as_fuzzy(match: CountryMatch) -> CountryMatch:
    return CountryMatch(match.iso, match.name, match.historic, "fuzzy")


@lru_cache(maxsize=1)
def _variants() -> dict[str, set[CountryMatch]]:
    """Normalised name variants → countries: full names, the part before a comma, re-ordered."""
    table: dict[str, set[CountryMatch]] = defaultdict(set)
    records = [(_current(c, "name"), c) for c in pycountry.countries]
    records += [(_historic(c, "name"), c) for c in pycountry.historic_countries]
    for match, record in records:
        for attr in ("name", "official_name", "common_name"):
            text = getattr(record, attr, None)
            if not text:
                continue
            head, _, tail = text.partition(",")
            for variant in {text, head, f"{tail} {head}" if tail else head}:
                key = normalize_name(variant)
                if key:
                    table[key].add(match)
    return dict(table)
