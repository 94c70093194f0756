"""Request side of the graph API: query parameters, their checks and clear 422 answers.

Every check names the parameter and says why it was refused; the problem handler of
``api.problems`` turns the errors into ``422 application/problem+json`` with a ``problems`` list
of ``{parameter, in, message}``. Dates are partial ISO dates (``YYYY``, ``YYYY-MM``,
``YYYY-MM-DD``) and must exist on the calendar (``2025-13-45`` is refused).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal, NoReturn

from fastapi import Query
from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator

from graph.errors import QueryError
from graph.queries import QueryLimits, QueryService
from graph.queries.filters import StepFilter, entity_type, relation_kind
from graph.rules.steps import RELATIONS
from ontology.classes import TYPE_PRIORITY as ENTITY_CLASSES
from ontology.dates import DATE_PATTERN, check_partial_date, first_day, last_day
from ontology.identifiers import reference_or_name_problem

MAX_PAGE = QueryLimits.max_page
"""Largest ``limit`` of a page (the services' cap)."""
MAX_DEPTH = QueryLimits.max_depth
"""Largest ``depth`` of an ego network (the services' cap)."""


Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"page size, 1..{MAX_PAGE}")]
Offset = Annotated[int, Query(ge=0, description="items to skip")]


class GraphFormat(StrEnum):
    """How a graph-shaped answer is written."""

    json = "json"
    """The neutral form: ``{nodes: [...], edges: [...]}`` beside the result's other fields."""
    cytoscape = "cytoscape"
    """Cytoscape.js: ``{data: {...}, elements: {nodes: [{data}], edges: [{data}]}}``."""


def invalid(parameter: str, message: str, value: Any = None, where: str = "query") -> NoReturn:
    """Refuse a request parameter with a 422 naming it (``where`` is query or path)."""
    raise RequestValidationError(
        [{"type": "value_error", "loc": (where, parameter), "msg": message, "input": value}]
    )


def check_date(value: str) -> str:
    """``value`` (spaces around it dropped) if it is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``
    and a real date (:func:`ontology.dates.check_partial_date`)."""
    return check_partial_date(value.strip())


def _split(values: list[str]) -> list[str]:
    """Repeated and comma-separated values as one list (``a,b&x=c`` → ``[a, b, c]``)."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def check_relations(values: list[str]) -> list[str]:
    """Relation kinds (``agreement``, ``influence``… or ``relation:<notation>``)."""
    try:
        return [relation_kind(v) for v in _split(values)]
    except QueryError as error:
        raise ValueError(str(error)) from None


def check_types(values: list[str]) -> list[str]:
    """Entity types, case-insensitive (``country`` → ``Country``)."""
    try:
        return [entity_type(v) for v in _split(values)]
    except QueryError as error:
        raise ValueError(str(error)) from None


def clean_id(value: str) -> str:
    """An entity id from a path: a short id or an IRI whose ``//`` a client folded to ``/``."""
    text = value.strip()
    for scheme in ("https:/", "http:/"):
        if text.startswith(scheme) and not text.startswith(scheme + "/"):
            return scheme + "/" + text[len(scheme) :]
    return text


def check_id(value: str) -> str:
    """An entity or article id (short id or IRI), or an entity's name, within the limits of
    :mod:`ontology.identifiers`, cleaned by :func:`clean_id`; ``ValueError`` otherwise."""
    text = clean_id(value)
    if problem := reference_or_name_problem(text):
        raise ValueError(problem)
    return text


def check_ids(values: list[str] | None) -> list[str] | None:
    """Every id of a repeated parameter (see :func:`check_id`)."""
    return None if values is None else [check_id(v) for v in values]


# ------------------------------------------------------------------ reusable parameter types

RELATION_DOC = (
    "Follow only these relations (repeat or comma-separate): "
    + ", ".join(f"`{r}`" for r in RELATIONS)
    + "; `relation` covers every `relation:<kind>` (e.g. `relation:succeeded`), `role` every "
    "`role:<role>` (e.g. `role:mediator`)."
)
TYPE_DOC = (
    "Reach only actors of these types (repeat or comma-separate, any case): "
    + ", ".join(f"`{t}`" for t in ENTITY_CLASSES)
    + ". The fixed ends of a query are exempt."
)

Id = Annotated[str, AfterValidator(check_id)]
"""An entity or article id in a path or query (short id or IRI; a name is resolved by the
query services), checked and cleaned."""
Ids = Annotated[list[str] | None, AfterValidator(check_ids)]
"""A repeated id parameter (``seed=…&seed=…``)."""

Relations = Annotated[
    list[str] | None,
    Query(description=RELATION_DOC, examples=[["agreement", "influence"]]),
    AfterValidator(check_relations),
]
Types = Annotated[
    list[str] | None,
    Query(alias="type", description=TYPE_DOC, examples=[["Country", "Organization"]]),
    AfterValidator(check_types),
]


def _date_query(what: str, example: str) -> Any:
    """``Query`` of a partial-date parameter."""
    return Query(
        description=f"{what}: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.",
        examples=[example],
        json_schema_extra={"pattern": DATE_PATTERN},
    )


Since = Annotated[
    str | None,
    _date_query("Keep steps whose period ends on or after this date (undated steps stay)", "2020"),
    AfterValidator(check_date),
]
Until = Annotated[
    str | None,
    _date_query("Keep steps whose period starts on or before this date", "2025-01"),
    AfterValidator(check_date),
]
SignedAfter = Annotated[
    str | None,
    _date_query("Agreements signed on or after this date", "2024"),
    AfterValidator(check_date),
]
SignedBefore = Annotated[
    str | None,
    _date_query("Agreements signed on or before this date", "2025-12-31"),
    AfterValidator(check_date),
]
Format = Annotated[
    GraphFormat,
    Query(
        alias="format",
        description="`json` (neutral `{nodes, edges}`) or `cytoscape` (Cytoscape.js elements).",
    ),
]


def check_window(since: str | None, until: str | None, names: tuple[str, str]) -> None:
    """422 when the window is empty (its start after its end)."""
    start, end = first_day(since), last_day(until)
    if start is not None and end is not None and start > end:
        invalid(names[1], f"{names[1]}={until} is before {names[0]}={since}", until)


ClaimedBy = Annotated[
    str | None,
    Query(
        description="only facts whose evidence this actor vouches for (id or name); with "
        "include=subordinates, any organisation or official of that state",
        openapi_examples={"analyst": {"summary": "an analyst", "value": "person/martin-pimentel"}},
    ),
]
Include = Annotated[
    Literal["subordinates"] | None,
    Query(
        description="subordinates: the actor filters also match the organisations (ministries, "
        "armed forces, commands, government: country / part-of chain) and officials (posts "
        "held there) of the states given; the answer lists them in `included`",
    ),
]

Inferred = Annotated[
    bool,
    Query(
        description="also follow inferred links (an influence on a region applied to each "
        "member country…), each marked `inferred: true` with its `rule`; off by default: "
        "nothing inferred passes as stated",
    ),
]


async def step_filter(
    relation: Relations = None,
    types: Types = None,
    since: Since = None,
    until: Until = None,
    inferred: Inferred = False,
) -> StepFilter:
    """The step filter of a graph query (a FastAPI dependency; a coroutine, as it never
    blocks)."""
    check_window(since, until, ("since", "until"))
    return StepFilter.of(
        relations=relation, node_types=types, since=since, until=until, inferred=inferred
    )


def hop_cap(queries: QueryService, value: int | None, parameter: str) -> int | None:
    """``value`` unless it exceeds the services' ``max_hops`` (then a 422 naming it)."""
    cap = queries.limits.max_hops
    if value is not None and value > cap:
        invalid(parameter, f"{parameter}={value} is more than {cap} (max_path_hops)", value)
    return value


def path_cap(queries: QueryService, value: int | None) -> int | None:
    """``max_paths`` unless it exceeds the services' cap (then a 422)."""
    cap = queries.limits.max_paths
    if value is not None and value > cap:
        invalid("max_paths", f"max_paths={value} is more than {cap} (the server's cap)", value)
    return value
