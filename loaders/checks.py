"""Checks that need the whole sheet: unique ids, references and their types, vocabulary notations,
periods that end before they start.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from loaders.errors import Problem
from loaders.formats import format_problems
from loaders.model import (
    Agreement,
    Event,
    Evidence,
    FactSheet,
    GroupEntity,
    Influence,
    OrganizationEntity,
    PersonEntity,
    PlaceEntity,
    Reaction,
    RegionEntity,
    Relation,
    Role,
)
from loaders.names import did_you_mean, known_list
from loaders.source import Document, Path
from loaders.vocab import VocabularyError, resolve_concept, schemes
from ontology.dates import first_day, is_plain, last_day

ACTOR = frozenset({"country", "organization", "person", "official", "group"})
PERSON = frozenset({"person", "official"})
COUNTRY = frozenset({"country"})
ORGANIZATION = frozenset({"organization"})
PLACE = frozenset({"country", "region", "place"})
ACTOR_OR_REGION = ACTOR | {"region"}
ORG_OR_COUNTRY = frozenset({"organization", "country"})
POST = frozenset({"post"})
AGREEMENT = frozenset({"agreement"})
FACT = frozenset({"agreement", "event", "reaction", "influence", "relation"})
"""What ``towards`` and ``in_response_to`` may name (format 2)."""

_WORDS = {
    "country": "a country",
    "organization": "an organization",
    "person": "a person",
    "official": "an official",
    "group": "a collective actor",
    "region": "a region",
    "place": "a place",
    "post": "a post",
    "agreement": "an agreement",
    "event": "an event",
    "reaction": "a reaction",
    "influence": "an influence",
    "relation": "a relation",
}


_PLACE_HINT = (
    " (a place is not an actor: name the state or body that acts, and give the place as "
    "`signed.place` or an event's location)"
)


@dataclass(frozen=True)
class Ref:
    """A reference found in the sheet: where, to what, and which kinds of entry it may name."""

    path: Path
    target: str
    allowed: frozenset[str]


def local_kinds(sheet: FactSheet) -> dict[str, str]:
    """Every local id with the kind of entry it names (``country``, ``post``, ``agreement``…)."""
    kinds: dict[str, str] = {}
    for kind, entry_id in _ids(sheet):
        kinds.setdefault(entry_id, kind)
    return kinds


def _ids(sheet: FactSheet) -> Iterator[tuple[str, str]]:
    yield from ((e.type, e.id) for e in sheet.entities)
    yield from (("post", p.id) for p in sheet.posts)
    yield from (("agreement", a.id) for a in sheet.agreements if a.id)
    yield from (("event", e.id) for e in sheet.events if e.id)
    yield from (("influence", i.id) for i in sheet.influences if i.id)
    yield from (("relation", r.id) for r in sheet.relations if r.id)
    yield from (("reaction", r.id) for r in sheet.reactions if r.id)


def check_sheet(sheet: FactSheet, doc: Document) -> list[Problem]:
    """Every problem of ids, references, vocabularies and periods (errors and warnings)."""
    problems = format_problems(sheet, doc) + _duplicate_ids(sheet, doc)
    kinds = local_kinds(sheet)
    for ref in references(sheet):
        message = _check_ref(ref, kinds)
        if message:
            problems.append(doc.problem(ref.path, message))
    problems += _check_vocabularies(sheet, doc)
    problems += _check_periods(sheet, doc)
    problems += _check_edtf_format(sheet, doc)
    problems += _check_signatories(sheet, doc)
    problems += _check_lifecycle(sheet, doc)
    problems += _check_self_responses(sheet, doc)
    problems += _check_actors_v2(sheet, doc)
    return problems


def _duplicate_ids(sheet: FactSheet, doc: Document) -> list[Problem]:
    sections: list[tuple[str, list[str | None]]] = [
        ("entities", [e.id for e in sheet.entities]),
        ("posts", [p.id for p in sheet.posts]),
        ("agreements", [a.id for a in sheet.agreements]),
        ("events", [e.id for e in sheet.events]),
        ("influences", [i.id for i in sheet.influences]),
        ("relations", [r.id for r in sheet.relations]),
        ("reactions", [r.id for r in sheet.reactions]),
    ]
    first: dict[str, Path] = {}
    problems = []
    for section, ids in sections:
        for i, entry_id in enumerate(ids):
            if entry_id is None:
                continue
            path: Path = (section, i, "id")
            if entry_id in first:
                where = doc.line(first[entry_id])
                at = f" (first at line {where})" if where else ""
                problems.append(doc.problem(path, f"duplicate id '{entry_id}'{at}"))
            else:
                first[entry_id] = path
    return problems


def _check_ref(ref: Ref, kinds: dict[str, str]) -> str | None:
    kind = kinds.get(ref.target)
    if kind is None:
        known = [k for k, v in kinds.items() if v in ref.allowed]
        noun = "entity" if ref.allowed & ACTOR_OR_REGION else "/".join(sorted(ref.allowed))
        hint = did_you_mean(ref.target, known)
        return f"unknown {noun} '{ref.target}' ({known_list(known)}){hint}"
    if kind not in ref.allowed:
        expected = " or ".join(_WORDS[k] for k in sorted(ref.allowed) if k != "official")
        hint = _PLACE_HINT if kind == "place" and ref.allowed & ACTOR else ""
        return f"'{ref.target}' is {_WORDS[kind]}, expected {expected}{hint}"
    return None


def references(sheet: FactSheet) -> Iterator[Ref]:
    """Every reference of the sheet to a local id."""
    article = sheet.article
    if article.publisher:
        yield Ref(("article", "publisher"), article.publisher, ORGANIZATION)
    for i, author in enumerate(article.authors):
        yield Ref(("article", "authors", i), author, PERSON)
    for i, entity in enumerate(sheet.entities):
        yield from _entity_refs(entity, ("entities", i))
    for i, post in enumerate(sheet.posts):
        if post.in_:
            yield Ref(("posts", i, "in"), post.in_, ORG_OR_COUNTRY)
    for i, tenure in enumerate(sheet.tenures):
        yield Ref(("tenures", i, "holder"), tenure.holder, PERSON)
        yield Ref(("tenures", i, "post"), tenure.post, POST)
        yield from _evidence_refs(tenure.evidence, ("tenures", i))
    for i, agreement in enumerate(sheet.agreements):
        yield from _agreement_refs(agreement, ("agreements", i))
    for i, influence in enumerate(sheet.influences):
        path = ("influences", i)
        yield Ref((*path, "influencer"), influence.influencer, ACTOR)
        yield Ref((*path, "influenced"), influence.influenced, ACTOR_OR_REGION)
        yield from _evidence_refs(influence.evidence, path)
    for i, event in enumerate(sheet.events):
        path = ("events", i)
        yield from _list_refs(event.participants, (*path, "participants"), ACTOR)
        if event.location:
            yield Ref((*path, "location"), event.location, PLACE)
        if event.place:
            yield Ref((*path, "place"), event.place, PLACE)
        if event.concerns:
            yield Ref((*path, "concerns"), event.concerns, AGREEMENT)
        yield from _evidence_refs(event.evidence, path)
        yield from _role_refs(event.roles, path)
    for i, relation in enumerate(sheet.relations):
        path = ("relations", i)
        # a region is allowed explicitly: the fact stays region-level (docs/data-model.md)
        yield Ref((*path, "subject"), relation.subject, ACTOR_OR_REGION)
        yield Ref((*path, "object"), relation.object, ACTOR_OR_REGION)
        yield from _evidence_refs(relation.evidence, path)
    yield from _fact_refs(sheet)


# --- format 2: reactions (facts about facts)


def local_fact_id(sheet: FactSheet, target: str) -> str | None:
    """The local id a ``towards``/``in_response_to`` value names in this sheet: a bare id, or
    ``article-id#local-id`` with this sheet's article id; None for another article or an IRI."""
    if ":" in target:
        return None
    article, _, local = target.rpartition("#")
    if article and article != sheet.article.id:
        return None
    return local


def responding(sheet: FactSheet) -> Iterator[tuple[Path, str | None, list[str]]]:
    """Every fact that can be ``in_response_to`` others: (path, its id, its targets)."""
    sections: list[tuple[str, Sequence[Agreement | Event | Influence | Relation | Reaction]]] = [
        ("agreements", sheet.agreements),
        ("events", sheet.events),
        ("influences", sheet.influences),
        ("relations", sheet.relations),
        ("reactions", sheet.reactions),
    ]
    for name, items in sections:
        for i, item in enumerate(items):
            yield (name, i), item.id, item.in_response_to


def _fact_refs(sheet: FactSheet) -> Iterator[Ref]:
    """References of reactions and of ``in_response_to`` lists to this sheet's facts."""
    for i, reaction in enumerate(sheet.reactions):
        path = ("reactions", i)
        yield Ref((*path, "actor"), reaction.actor, ACTOR)
        local = local_fact_id(sheet, reaction.towards)
        if local is not None:
            yield Ref((*path, "towards"), local, FACT)
        yield from _evidence_refs(reaction.evidence, path)
    for where, _, targets in responding(sheet):
        for j, target in enumerate(targets):
            local = local_fact_id(sheet, target)
            if local is not None:
                yield Ref((*where, "in_response_to", j), local, FACT)


def _check_self_responses(sheet: FactSheet, doc: Document) -> list[Problem]:
    """A fact cannot respond, nor a reaction react, to itself."""
    problems = []
    for path, own, targets in responding(sheet):
        for j, target in enumerate(targets):
            if own is not None and local_fact_id(sheet, target) == own:
                message = f"'{target}' is this entry itself: a fact cannot respond to itself"
                problems.append(doc.problem((*path, "in_response_to", j), message))
    for i, reaction in enumerate(sheet.reactions):
        if reaction.id is not None and local_fact_id(sheet, reaction.towards) == reaction.id:
            message = f"'{reaction.towards}' is this reaction itself: it must name another fact"
            problems.append(doc.problem(("reactions", i, "towards"), message))
    return problems


def _entity_refs(entity: object, path: Path) -> Iterator[Ref]:
    if isinstance(entity, OrganizationEntity):
        if entity.part_of:
            yield Ref((*path, "part_of"), entity.part_of, ORG_OR_COUNTRY)
        if entity.country:
            yield Ref((*path, "country"), entity.country, COUNTRY)
    elif isinstance(entity, PersonEntity):
        if entity.nationality:
            yield Ref((*path, "nationality"), entity.nationality, COUNTRY)
        if entity.holds:
            yield Ref((*path, "holds"), entity.holds, POST)
    elif isinstance(entity, GroupEntity):
        yield from _list_refs(entity.members, (*path, "members"), ACTOR)
    elif isinstance(entity, RegionEntity):
        yield from _list_refs(entity.includes, (*path, "includes"), COUNTRY)
    elif isinstance(entity, PlaceEntity) and entity.country:
        yield Ref((*path, "country"), entity.country, COUNTRY)


def _agreement_refs(agreement: Agreement, path: Path) -> Iterator[Ref]:
    yield from _list_refs(agreement.parties, (*path, "parties"), ACTOR)
    if agreement.signed and agreement.signed.place:
        yield Ref((*path, "signed", "place"), agreement.signed.place, PLACE)
    for j, sig in enumerate(agreement.signatories):
        sig_path = (*path, "signatories", j)
        yield Ref((*sig_path, "signatory"), sig.signatory, PERSON)
        if sig.on_behalf_of:
            yield Ref((*sig_path, "on_behalf_of"), sig.on_behalf_of, ACTOR)
        yield from _evidence_refs(sig.evidence, sig_path)
    for j, body in enumerate(agreement.establishes):
        yield Ref((*path, "establishes", j, "body"), body.body, ORGANIZATION)
    yield from _list_refs(agreement.negotiated_by, (*path, "negotiated_by"), ACTOR)
    for j, commitment in enumerate(agreement.commitments):
        c_path = (*path, "commitments", j)
        yield from _list_refs(commitment.actors, (*c_path, "actors"), ACTOR)
        yield from _evidence_refs(commitment.evidence, c_path)
    yield from _evidence_refs(agreement.evidence, path)
    yield from _lifecycle_refs(agreement, path)


def _list_refs(targets: list[str], path: Path, allowed: frozenset[str]) -> Iterator[Ref]:
    for i, target in enumerate(targets):
        yield Ref((*path, i), target, allowed)


def _evidence_refs(evidence: list[Evidence], path: Path) -> Iterator[Ref]:
    for i, item in enumerate(evidence):
        if item.claimed_by:
            yield Ref((*path, "evidence", i, "claimed_by"), item.claimed_by, ACTOR)


def notations(sheet: FactSheet) -> Iterator[tuple[Path, str, str]]:
    """Every vocabulary value of the sheet: ``(path, scheme, text)``."""
    for i, entity in enumerate(sheet.entities):
        if isinstance(entity, OrganizationEntity) and entity.kind:
            yield ("entities", i, "kind"), "organization-kind", entity.kind
        if isinstance(entity, PlaceEntity) and entity.kind:
            yield ("entities", i, "kind"), "place-kind", entity.kind
        if isinstance(entity, GroupEntity) and entity.kind:
            yield ("entities", i, "kind"), "group-kind", entity.kind
    for i, agreement in enumerate(sheet.agreements):
        for j, area in enumerate(agreement.areas):
            yield ("agreements", i, "areas", j), "area", area
        for j, c in enumerate(agreement.commitments):
            path = ("agreements", i, "commitments", j)
            yield (*path, "kind"), "commitment-kind", c.kind
            if c.area:
                yield (*path, "area"), "area", c.area
            if c.status:
                yield (*path, "status"), "commitment-status", c.status
    for i, influence in enumerate(sheet.influences):
        yield ("influences", i, "kind"), "influence-kind", influence.kind
        if influence.direction:
            yield ("influences", i, "direction"), "direction", influence.direction
    for i, event in enumerate(sheet.events):
        yield ("events", i, "kind"), "event-kind", event.kind
    yield from _lifecycle_notations(sheet)
    for i, relation in enumerate(sheet.relations):
        yield ("relations", i, "kind"), "relation-kind", relation.kind
    for i, reaction in enumerate(sheet.reactions):
        yield ("reactions", i, "stance"), "stance", reaction.stance


def _check_vocabularies(sheet: FactSheet, doc: Document) -> list[Problem]:
    problems = []
    for path, scheme, text in notations(sheet):
        try:
            choice = resolve_concept(scheme, text)
        except VocabularyError as exc:
            problems.append(doc.problem(path, str(exc)))
            continue
        if choice.minted and scheme in CLOSED_SCHEMES:
            known = ", ".join(schemes()[scheme].notations)
            message = f"unknown {scheme} '{text}': the scheme is closed, use one of {known}"
            problems.append(doc.problem(path, message))
        elif choice.minted:
            message = f"'{text}' is new to the {scheme} scheme: adding concept <{choice.iri}>"
            problems.append(doc.problem(path, message, "warning"))
    return problems


def _periods(sheet: FactSheet) -> Iterator[tuple[Path, str | None, str | None]]:
    for section, i, item, _ in _facts(sheet):
        yield (*section, i, "end"), item.start, item.end


def _check_periods(sheet: FactSheet, doc: Document) -> list[Problem]:
    """A period must not end before it starts: the latest day its end may mean before the
    earliest day its start may mean (so ``2020~`` may end a period starting in 2021)."""
    problems = []
    for path, start, end in _periods(sheet):
        if start and end:
            earliest, latest = first_day(start), last_day(end)
            if earliest and latest and latest < earliest:
                problems.append(doc.problem(path, f"ends ({end}) before it starts ({start})"))
    return problems


def dates(sheet: FactSheet) -> Iterator[tuple[Path, str, bool]]:
    """Every date of the sheet: ``(path, text, whether the key exists in format 1)``."""
    if sheet.article.published:
        yield ("article", "published"), sheet.article.published, True
    for section, i, item, old in _facts(sheet):
        keys = (("start", item.start), ("end", item.end), ("when", item.when))
        for key, value in (*keys, ("as_of", item.as_of)):
            if value:
                yield (*section, i, key), value, old and key in ("start", "end")
    for i, agreement in enumerate(sheet.agreements):
        path: Path = ("agreements", i)
        if agreement.signed and agreement.signed.date:
            yield (*path, "signed", "date"), agreement.signed.date, True
        for j, body in enumerate(agreement.establishes):
            if body.first_meeting:
                yield (*path, "establishes", j, "first_meeting"), body.first_meeting, True
        for j, c in enumerate(agreement.commitments):
            if c.due:
                yield (*path, "commitments", j, "due"), c.due, True


class _Dated(Protocol):
    """What every fact has in format 2: a period and the time qualifiers."""

    start: str | None
    end: str | None
    when: str | None
    as_of: str | None


def _facts(sheet: FactSheet) -> Iterator[tuple[Path, int, _Dated, bool]]:
    """Every fact with its section path, index, and whether it had start/end in format 1."""
    sections: list[tuple[str, Sequence[_Dated]]] = [
        ("tenures", sheet.tenures),
        ("influences", sheet.influences),
        ("events", sheet.events),
        ("relations", sheet.relations),
    ]
    for name, items in sections:
        for i, item in enumerate(items):
            yield (name,), i, item, True
    for i, agreement in enumerate(sheet.agreements):
        yield ("agreements",), i, agreement, False
        for j, sig in enumerate(agreement.signatories):
            yield ("agreements", i, "signatories"), j, sig, False
        for j, c in enumerate(agreement.commitments):
            yield ("agreements", i, "commitments"), j, c, False


def _check_edtf_format(sheet: FactSheet, doc: Document) -> list[Problem]:
    """EDTF values beyond plain partial dates are format 2 (a format 1 reader cannot read
    them); format 2 keys are refused by the format check, so only format 1 keys are looked at."""
    if sheet.format == 2:
        return []
    return [
        doc.problem(
            path,
            f"'{text}' is an EDTF date of format 2: add `format: 2` at the top of the sheet "
            "(or run `diplograph migrate FILE`)",
        )
        for path, text, old in dates(sheet)
        if old and not is_plain(text)
    ]


def _check_signatories(sheet: FactSheet, doc: Document) -> list[Problem]:
    problems = []
    for i, agreement in enumerate(sheet.agreements):
        for j, sig in enumerate(agreement.signatories):
            if sig.on_behalf_of and sig.on_behalf_of not in agreement.parties:
                path = ("agreements", i, "signatories", j, "on_behalf_of")
                message = f"'{sig.on_behalf_of}' is not among the parties of this agreement"
                problems.append(doc.problem(path, message, "warning"))
    return problems


# --------------------------------------------------- format 2: lifecycle (agreements, roles)

CLOSED_SCHEMES = frozenset({"agreement-status"})
"""Schemes a sheet cannot add concepts to (a label new to them is an error, not a new concept)."""


def _lifecycle_refs(agreement: Agreement, path: Path) -> Iterator[Ref]:
    """References of an agreement's ``ended`` and ``roles``."""
    if agreement.ended is not None:
        ended_path = (*path, "ended")
        yield from _list_refs(agreement.ended.by, (*ended_path, "by"), ACTOR)
        yield from _evidence_refs(agreement.ended.evidence, ended_path)
    yield from _role_refs(agreement.roles, path)


def _role_refs(roles: list[Role], path: Path) -> Iterator[Ref]:
    """The actors (and evidence claimants) of roles in an agreement or event."""
    for j, role in enumerate(roles):
        role_path = (*path, "roles", j)
        yield Ref((*role_path, "actor"), role.actor, ACTOR)
        yield from _evidence_refs(role.evidence, role_path)


def _lifecycle_notations(sheet: FactSheet) -> Iterator[tuple[Path, str, str]]:
    """Agreement statuses and the roles of agreements and events."""
    for i, agreement in enumerate(sheet.agreements):
        if agreement.status is not None:
            yield ("agreements", i, "status"), "agreement-status", agreement.status
        for j, role in enumerate(agreement.roles):
            yield ("agreements", i, "roles", j, "role"), "role", role.role
    for i, event in enumerate(sheet.events):
        for j, role in enumerate(event.roles):
            yield ("events", i, "roles", j, "role"), "role", role.role


def _check_lifecycle(sheet: FactSheet, doc: Document) -> list[Problem]:
    """Entry into force after expiry, an ending before the signing (errors); a status that
    contradicts the ending (warning)."""
    problems = []
    for i, agreement in enumerate(sheet.agreements):
        path: Path = ("agreements", i)
        start, end = agreement.entry_into_force, agreement.expires
        if start and end and (last_day(end) or "") < (first_day(start) or ""):
            message = f"expires ({end}) before it enters into force ({start})"
            problems.append(doc.problem((*path, "expires"), message))
        ended = agreement.ended
        signed = agreement.signed.date if agreement.signed else None
        if (
            ended
            and ended.date
            and signed
            and (last_day(ended.date) or "") < (first_day(signed) or "")
        ):
            message = f"ended ({ended.date}) before it was signed ({signed})"
            problems.append(doc.problem((*path, "ended", "date"), message))
        # each ``ended.how`` is also the notation of the status it leaves the agreement in
        status = _status_notation(agreement.status)
        if ended and status and status != ended.how:
            message = (
                f"status '{agreement.status}' while `ended` says {ended.how}: "
                "the status should say where the agreement stands after its ending"
            )
            problems.append(doc.problem((*path, "status"), message, "warning"))
    return problems


def _status_notation(status: str | None) -> str | None:
    """The notation of a status (its label or notation), None if unknown or absent."""
    if status is None:
        return None
    try:
        return str(resolve_concept("agreement-status", status).iri).rsplit("/", 1)[-1]
    except VocabularyError:
        return None


# ------------------------------------------------------------------ format 2: actors


def _check_actors_v2(sheet: FactSheet, doc: Document) -> list[Problem]:
    """A person has a name or, known only by role, ``holds`` a post (not both); ``as_of`` goes
    with ``holds``; a collective actor is not its own member."""
    problems = []
    for i, entity in enumerate(sheet.entities):
        path: Path = ("entities", i)
        if isinstance(entity, PersonEntity):
            message, key = _person_problem(entity)
            if message:
                problems.append(doc.problem((*path, key), message))
        elif isinstance(entity, GroupEntity):
            for j, member in enumerate(entity.members):
                if member == entity.id:
                    message = f"collective actor '{entity.id}' cannot be its own member"
                    problems.append(doc.problem((*path, "members", j), message))
    return problems


def _person_problem(entity: PersonEntity) -> tuple[str | None, str]:
    if entity.name is not None and entity.holds is not None:
        return (
            f"'{entity.id}' has both `name` and `holds`: keep `name` and state the post as a "
            "tenure (`tenures:`); `holds` is for a person the article names only by role",
            "holds",
        )
    if entity.name is None and entity.holds is None:
        return (
            f"'{entity.id}' needs a `name`, or `holds: <post id>` for a person the article "
            "names only by role (format 2)",
            "id",
        )
    if entity.as_of is not None and entity.holds is None:
        return "`as_of` says when the post in `holds` was held: add `holds` or drop `as_of`", (
            "as_of"
        )
    return None, "id"
