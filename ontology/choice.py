"""Which value wins when articles state different values of a single-valued fact.

One home for the rule: the loaders (naming a merged entity), the projection (node properties)
and the graph reads all choose with these functions, so they never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import TypeVar

from ontology.classes import ROLE_ONLY_PREFIX
from ontology.dates import is_date, most_precise

V = TypeVar("V")


def most_stated(values: Mapping[V, Collection[str]], lexical: Callable[[V], str] = str) -> V | None:
    """The value stated by the most articles (graphs); ties go to the smallest lexical form.

    The one rule for a single-valued fact when articles disagree: node properties, LINK steps
    and entity reads all pick with it, so they never disagree with each other. Dates are the
    exception (:func:`chosen`).
    """
    if not values:
        return None
    return min(values, key=lambda v: (-len(values[v]), lexical(v), type(v).__name__))


def chosen(values: Mapping[V, Collection[str]], lexical: Callable[[V], str] = str) -> V | None:
    """The value of a single-valued fact: when every value is a date and they all fit together
    (``2025-01`` and ``2025-01-22``: one article knew the month, another the day; ``2025~`` and
    ``2025-03``), the most precise; otherwise :func:`most_stated`."""
    forms = {lexical(v): v for v in values}
    if len(forms) > 1 and all(is_date(form) for form in forms):
        finest = most_precise(list(forms))
        if finest is not None:
            return forms[finest]
    return most_stated(values, lexical)


def preferred_name(values: Mapping[str, Collection[str]]) -> str | None:
    """The name of an entity that articles name differently: the one most articles give; on a
    tie the fuller one (more words, then longer: "Saïd Chanegriha" rather than "Chengriha"),
    then the smallest. The same rule picks the slug of a merged entity's IRI
    (:mod:`loaders.identity`). A derived name ("holder of …" of a person known only by role,
    :data:`ontology.classes.ROLE_ONLY_PREFIX`) comes last: a stated name always wins."""
    if not values:
        return None

    def rank(v: str) -> tuple[bool, int, int, int, str]:
        derived = v.casefold().startswith(ROLE_ONLY_PREFIX)
        return (derived, -len(values[v]), -len(v.split()), -len(v), v)

    return min(values, key=rank)
