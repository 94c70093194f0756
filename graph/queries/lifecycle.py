"""Agreement lifecycle (status, dates, endings) and roles, as the detail answers show them.

Backend-neutral: read through :class:`graph.queries.source.GraphSource` (``describe`` and
``referrers``), so networkx and Neo4j answer alike. What the loaders write (``loaders.mapping``):

* an agreement's ``dg:agreementStatus`` (a concept), ``dg:entryIntoForce``, ``dg:expiryDate``
  and ``dg:duration``; a body it establishes may be a ``dg:followUpBody``;
* its ending, written as ``ended:`` — a ``dg:AgreementEnding`` event that ``dg:concerns`` it,
  with ``dg:endedBy`` actors and a ``dg:effect`` — or as a plain event of an ending kind
  (termination, suspension, withdrawal, expiry) concerning it. Both are listed as endings,
  ``written_as`` telling them apart; a plain event's participants are not called its enders
  (no article said they ended it);
* roles (``dg:Role``: ``dg:roleIn`` the agreement or event, ``dg:roleActor``, ``dg:role``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from graph.queries.facts import attribution, date_key, described
from graph.queries.model import Attribution, Concept, EntityRef
from graph.queries.refs import Refs, concept
from graph.queries.source import Described, GraphSource
from graph.rules.steps import notation
from ontology.lifecycle import HOW_OF_EVENT_KIND, EndingHow


@dataclass(frozen=True)
class RoleInfo:
    """An actor's role in an agreement or event (mediator, guarantor…): not a party."""

    uri: str
    actor: EntityRef
    role: Concept | None
    evidence: Attribution
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Ending:
    """How an agreement ended (or was suspended): an event concerning it."""

    uri: str
    how: EndingHow | None
    """``terminated``, ``suspended``, ``withdrawn`` or ``expired`` (from the event kind)."""
    kind: Concept | None
    date: str | None
    by: tuple[EntityRef, ...]
    """The actors the article says ended it (``ended.by``); empty for a plain event."""
    participants: tuple[EntityRef, ...]
    effect: str | None
    description: str | None
    evidence: Attribution
    sources: tuple[str, ...]
    written_as: Literal["ended", "event"]
    """``ended`` (the agreement's ``ended`` key) or ``event`` (a plain event concerning it)."""


@dataclass(frozen=True)
class Lifecycle:
    """What an agreement's node says about its lifecycle."""

    status: Concept | None = None
    entry_into_force: str | None = None
    expires: str | None = None
    duration: str | None = None


def lifecycle(agreement: Described) -> Lifecycle:
    """Status, entry into force, expiry and duration of a described agreement."""
    return Lifecycle(
        status=concept(agreement.one("AGREEMENT_STATUS")),
        entry_into_force=agreement.text("entryIntoForce"),
        expires=agreement.text("expiryDate"),
        duration=agreement.text("duration"),
    )


def follow_up(body: Described | None) -> bool | None:
    """Whether an established body is a follow-up (monitoring) body, None if not said."""
    value = body.props.get("followUpBody") if body else None
    return value if isinstance(value, bool) else None


def roles_in(
    source: GraphSource, refs: Refs, facts: Iterable[str]
) -> dict[str, tuple[RoleInfo, ...]]:
    """The roles played in each of ``facts`` (agreements or events), by actor IRI then role."""
    wanted = sorted(set(facts))
    pairs = [(s, f) for f in wanted for s, _ in source.referrers(f, ["ROLE_IN"])]
    nodes = {r.uri: r for r in described(source, (s for s, _ in pairs), "Role")}
    refs.load(a for r in nodes.values() for a in r.all("ROLE_ACTOR"))
    found: dict[str, list[RoleInfo]] = {f: [] for f in wanted}
    for subject, fact in pairs:
        node = nodes.get(subject)
        if node is None:
            continue
        for actor in node.all("ROLE_ACTOR"):
            found[fact].append(
                RoleInfo(
                    uri=node.uri,
                    actor=refs.ref(actor),
                    role=concept(node.one("ROLE")),
                    evidence=attribution(node),
                    sources=node.texts("sources"),
                )
            )
    return {
        f: tuple(sorted(items, key=lambda r: (r.actor.uri, r.role.notation if r.role else "")))
        for f, items in found.items()
    }


def endings(events: Iterable[Described], refs: Refs) -> tuple[Ending, ...]:
    """The endings among the events concerning an agreement, by date (undated last)."""
    items = []
    for event in events:
        kind = concept(event.one("EVENT_KIND"))
        stated = "AgreementEnding" in event.labels
        how = HOW_OF_EVENT_KIND.get(notation(kind.uri) or "") if kind else None
        if not stated and how is None:
            continue
        items.append(
            Ending(
                uri=event.uri,
                how=how,
                kind=kind,
                date=event.text("startDate"),
                by=refs.refs(event.all("ENDED_BY")),
                participants=refs.refs(event.all("PARTICIPANT")),
                effect=event.text("effect"),
                description=event.text("description"),
                evidence=attribution(event),
                sources=event.texts("sources"),
                written_as="ended" if stated else "event",
            )
        )
    return tuple(sorted(items, key=lambda e: date_key(e.date, e.uri)))
