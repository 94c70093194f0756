"""Name normalisation for matching, slugs for IRIs, and "did you mean" suggestions."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable

from ontology.text import fold

_HONORIFIC_WORDS = """
    mr mrs ms miss dr prof sir dame lord lady sheikh sheik emir king queen prince princess
    president vice prime minister premier chancellor secretary deputy ambassador senator sen
    rep representative gov governor mayor general gen lt ltgen col colonel maj major capt captain
    adm admiral cmdr commander brig brigadier sgt marshal field air chief rear
    marine corps army navy hon honorable honourable his her excellency rev father
"""
HONORIFICS = frozenset(_HONORIFIC_WORDS.split())
"""Words dropped from the front of a person's name before matching ("Marine Corps Gen.")."""

_SLUG_RX = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _words(text: str) -> list[str]:
    """Folded words; dots and apostrophes join (``U.S.`` → ``us``), other punctuation splits."""
    folded = re.sub(r"[.'’`´]", "", fold(text))
    return re.sub(r"[^0-9a-z]+", " ", folded).split()


@functools.lru_cache(maxsize=65536)
def normalize_name(text: str, *, person: bool = False) -> str:
    """Matching key of a name: accents, case, punctuation, a leading "the" and honorifics ignored.

    ``person=True`` also drops leading honorifics: ``"Marine Corps Gen. Michael Langley"`` and
    ``"Michael Langley"`` give the same key.
    """
    words = _words(text)
    if words[:1] == ["the"] and len(words) > 1:
        words = words[1:]
    if person:
        while len(words) > 1 and words[0] in HONORIFICS:
            words = words[1:]
    return " ".join(words)


def slugify(text: str) -> str:
    """A stable IRI slug: ``"U.S. Africa Command"`` → ``"us-africa-command"``."""
    slug = "-".join(_words(text))
    return slug or "unnamed"


def is_slug(text: str) -> bool:
    """Whether ``text`` is lower-case letters and digits joined by single hyphens."""
    return bool(_SLUG_RX.match(text))


def suggest(word: str, candidates: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Close matches of ``word`` among ``candidates``, best first."""
    return difflib.get_close_matches(word, sorted(set(candidates)), n=n, cutoff=cutoff)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` (or ``'x' or 'y'``), or ``""`` when nothing is close."""
    hits = suggest(word, candidates)
    if not hits:
        return ""
    return "; did you mean " + " or ".join(f"'{h}'" for h in hits) + "?"


def known_list(candidates: Iterable[str], limit: int = 8) -> str:
    """``"known: a, b, c, …"`` — the sorted candidates, cut after ``limit``."""
    items = sorted(set(candidates))
    if not items:
        return "none defined"
    shown = ", ".join(items[:limit])
    return f"known: {shown}, …" if len(items) > limit else f"known: {shown}"
