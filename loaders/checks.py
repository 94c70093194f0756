"""Checks that need the whole sheet: unique ids, references and their types, vocabulary notations,
periods that end before they start.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from loaders.errors import Problem
from loaders.formats import format_problems
from loaders.model import (
    Agreement,
    Event,
    Evidence,
    FactSheet,
    Influence,
    OrganizationEntity,
    PersonEntity,
    RegionEntity,
    Relation,
    Tenure,
)
from loaders.names import did_you_mean, known_list
from loaders.source import Document, Path
from loaders.vocab import VocabularyError, resolve_concept

ACTOR = frozenset({"country", "organization", "person", "official"})
PERSON = frozenset({"person", "official"})
COUNTRY = frozenset({"country"})
ORGANIZATION = frozenset({"organization"})
PLACE = frozenset({"country", "region"})
ACTOR_OR_REGION = ACTOR | {"region"}
ORG_OR_COUNTRY = frozenset({"organization", "country"})
POST = frozenset({"post"})
AGREEMENT = frozenset({"agreement"})

_WORDS = {
    "country": "a country",
    "organization": "an organization",
    "person": "a person",
    "official": "an official",
    "region": "a region",
    "post": "a post",
    "agreement": "an agreement",
    "event": "an event",
}


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
    problems += _check_signatories(sheet, doc)
    return problems


def _duplicate_ids(sheet: FactSheet, doc: Document) -> list[Problem]:
    sections: list[tuple[str, list[str | None]]] = [
        ("entities", [e.id for e in sheet.entities]),
        ("posts", [p.id for p in sheet.posts]),
        ("agreements", [a.id for a in sheet.agreements]),
        ("events", [e.id for e in sheet.events]),
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
        return f"'{ref.target}' is {_WORDS[kind]}, expected {expected}"
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
    for i, relation in enumerate(sheet.relations):
        path = ("relations", i)
        yield Ref((*path, "subject"), relation.subject, ACTOR)
        yield Ref((*path, "object"), relation.object, ACTOR)
        yield from _evidence_refs(relation.evidence, path)


def _entity_refs(entity: object, path: Path) -> Iterator[Ref]:
    if isinstance(entity, OrganizationEntity):
        if entity.part_of:
            yield Ref((*path, "part_of"), entity.part_of, ORG_OR_COUNTRY)
        if entity.country:
            yield Ref((*path, "country"), entity.country, COUNTRY)
    elif isinstance(entity, PersonEntity) and entity.nationality:
        yield Ref((*path, "nationality"), entity.nationality, COUNTRY)
    elif isinstance(entity, RegionEntity):
        yield from _list_refs(entity.includes, (*path, "includes"), COUNTRY)


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
    for i, relation in enumerate(sheet.relations):
        yield ("relations", i, "kind"), "relation-kind", relation.kind


def _check_vocabularies(sheet: FactSheet, doc: Document) -> list[Problem]:
    problems = []
    for path, scheme, text in notations(sheet):
        try:
            choice = resolve_concept(scheme, text)
        except VocabularyError as exc:
            problems.append(doc.problem(path, str(exc)))
            continue
        if choice.minted:
            message = f"'{text}' is new to the {scheme} scheme: adding concept <{choice.iri}>"
            problems.append(doc.problem(path, message, "warning"))
    return problems


def _periods(sheet: FactSheet) -> Iterator[tuple[Path, str | None, str | None]]:
    sections: list[tuple[str, Sequence[Tenure | Influence | Event | Relation]]] = [
        ("tenures", sheet.tenures),
        ("influences", sheet.influences),
        ("events", sheet.events),
        ("relations", sheet.relations),
    ]
    for name, items in sections:
        for i, item in enumerate(items):
            yield (name, i, "end"), item.start, item.end


def _check_periods(sheet: FactSheet, doc: Document) -> list[Problem]:
    problems = []
    for path, start, end in _periods(sheet):
        if start and end:
            common = min(len(start), len(end))
            if end[:common] < start[:common]:
                problems.append(doc.problem(path, f"ends ({end}) before it starts ({start})"))
    return problems


def _check_signatories(sheet: FactSheet, doc: Document) -> list[Problem]:
    problems = []
    for i, agreement in enumerate(sheet.agreements):
        for j, sig in enumerate(agreement.signatories):
            if sig.on_behalf_of and sig.on_behalf_of not in agreement.parties:
                path = ("agreements", i, "signatories", j, "on_behalf_of")
                message = f"'{sig.on_behalf_of}' is not among the parties of this agreement"
                problems.append(doc.problem(path, message, "warning"))
    return problems
