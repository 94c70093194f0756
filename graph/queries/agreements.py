"""Agreements (list with filters, detail) and influences (list with filters)."""

from __future__ import annotations

from collections.abc import Callable

from graph.errors import NotFound
from graph.queries.facts import attribution, date_key, described, influence_infos
from graph.queries.model import (
    AgreementDetail,
    AgreementPage,
    AgreementSummary,
    Body,
    CommitmentInfo,
    InfluencePage,
    Signatory,
)
from graph.queries.refs import Refs, concept, short_id
from graph.queries.source import Described, GraphSource
from ontology.dates import first_day, last_day

AGREEMENT_TYPES = ("Contract", "Declaration", "MOU", "Roadmap", "Treaty")


def _subjects(source: GraphSource, target: str, rel: str) -> set[str]:
    """Subjects of ``rel`` relationships into ``target``."""
    return {s for s, _ in source.referrers(target, [rel])}


def _intersect(sets: list[set[str]], everything: Callable[[], list[str]]) -> set[str]:
    """The intersection of the candidate sets, or ``everything()`` when there are none."""
    if not sets:
        return set(everything())
    result = set(sets[0])
    for other in sets[1:]:
        result &= other
    return result


def _signed_by(source: GraphSource, signatory: str) -> set[str]:
    """Agreements ``signatory`` signed."""
    signatures = described(source, _subjects(source, signatory, "SIGNATORY"), "Signature")
    return {a for s in signatures for a in s.all("AGREEMENT")}


def _in_window(date: str | None, since: str | None, until: str | None) -> bool:
    """Whether a (partial) date lies in the window; undated fails any window."""
    if since is None and until is None:
        return True
    if date is None:
        return False
    low, high = first_day(since), last_day(until)
    return not ((high and (first_day(date) or "") > high) or (low and (last_day(date) or "") < low))


def _parts(source: GraphSource, agreement: str) -> list[Described]:
    """Signatures and commitments of an agreement, in IRI order."""
    found = source.describe(sorted(_subjects(source, agreement, "AGREEMENT")))
    return [found[k] for k in sorted(found)]


def _summary(refs: Refs, agreement: Described, parts: list[Described]) -> AgreementSummary:
    """An agreement's summary from its node and its parts."""
    signers = {s for p in parts if "Signature" in p.labels for s in p.all("SIGNATORY")}
    return AgreementSummary(
        uri=agreement.uri,
        id=short_id(agreement.uri),
        types=tuple(t for t in agreement.labels if t in AGREEMENT_TYPES or t == "Agreement"),
        title=agreement.text("title"),
        date_signed=agreement.text("dateSigned"),
        parties=refs.refs(agreement.all("PARTY")),
        signatories=refs.refs(signers),
        areas=tuple(c for c in map(concept, agreement.all("COVERS_AREA")) if c is not None),
    )


def list_agreements(
    source: GraphSource,
    refs: Refs,
    *,
    party: str | None,
    signatory: str | None,
    area: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    offset: int,
) -> AgreementPage:
    """Agreements matching every given filter, by date signed (undated last) then IRI."""
    sets = []
    if party is not None:
        sets.append(_subjects(source, party, "PARTY"))
    if signatory is not None:
        sets.append(_signed_by(source, signatory))
    if area is not None:
        sets.append(_subjects(source, area, "COVERS_AREA"))
    candidates = _intersect(sets, lambda: source.instances("Agreement"))
    kept = [
        a
        for a in described(source, candidates, "Agreement")
        if _in_window(a.text("dateSigned"), since, until)
    ]
    kept.sort(key=lambda a: date_key(a.text("dateSigned"), a.uri))
    page = kept[offset : offset + limit]
    items = tuple(_summary(refs, a, _parts(source, a.uri)) for a in page)
    return AgreementPage(len(kept), limit, offset, items)


def _signatory(refs: Refs, part: Described) -> Signatory:
    """A signature of an agreement."""
    return Signatory(
        uri=part.uri,
        signatory=refs.ref(part.one("SIGNATORY") or ""),
        on_behalf_of=refs.refs(part.all("ON_BEHALF_OF")),
        date=part.text("date"),
        evidence=attribution(part),
    )


def _commitment(refs: Refs, part: Described) -> CommitmentInfo:
    """A commitment of an agreement."""
    return CommitmentInfo(
        uri=part.uri,
        kind=concept(part.one("COMMITMENT_KIND")),
        area=concept(part.one("AREA")),
        actors=refs.refs(part.all("ACTOR")),
        status=concept(part.one("STATUS")),
        due_date=part.text("dueDate"),
        description=part.text("description"),
        evidence=attribution(part),
    )


def agreement_detail(source: GraphSource, refs: Refs, uri: str) -> AgreementDetail:
    """An agreement with its parties, signatures, commitments and bodies; NotFound if none."""
    found = described(source, [uri], "Agreement")
    if not found:
        raise NotFound(f"no agreement {short_id(uri)!r}")
    agreement, parts = found[0], _parts(source, uri)
    bodies = source.describe(agreement.all("ESTABLISHES"))
    signatures = [p for p in parts if "Signature" in p.labels]
    place = agreement.one("PLACE_SIGNED")
    legally = agreement.props.get("legallyBinding")
    return AgreementDetail(
        summary=_summary(refs, agreement, parts),
        place_signed=refs.ref(place) if place else None,
        legally_binding=legally if isinstance(legally, bool) else None,
        negotiated_by=refs.refs(agreement.all("NEGOTIATED_BY")),
        negotiation_period=agreement.text("negotiationPeriod"),
        signatures=tuple(sorted((_signatory(refs, p) for p in signatures), key=_by_signer)),
        commitments=tuple(_commitment(refs, p) for p in parts if "Commitment" in p.labels),
        bodies=tuple(
            Body(
                refs.ref(b),
                bodies[b].text("meetingFrequency") if b in bodies else None,
                bodies[b].text("firstMeeting") if b in bodies else None,
            )
            for b in agreement.all("ESTABLISHES")
        ),
        evidence=attribution(agreement),
        sources=agreement.texts("sources"),
    )


def _by_signer(item: Signatory) -> tuple[str, str]:
    """Signatures by signatory IRI, then IRI."""
    return (item.signatory.uri, item.uri)


def list_influences(
    source: GraphSource,
    refs: Refs,
    *,
    influencer: str | None,
    influenced: str | None,
    kind: str | None,
    direction: str | None,
    limit: int,
    offset: int,
) -> InfluencePage:
    """Influences matching every given filter, by start (undated last) then IRI."""
    sets = []
    for target, rel in (
        (influencer, "INFLUENCER"),
        (influenced, "INFLUENCED"),
        (kind, "INFLUENCE_KIND"),
        (direction, "DIRECTION"),
    ):
        if target is not None:
            sets.append(_subjects(source, target, rel))
    candidates = _intersect(sets, lambda: source.instances("Influence"))
    items = influence_infos(source, refs, candidates)
    items.sort(key=lambda i: date_key(i.start, i.uri))
    return InfluencePage(len(items), limit, offset, tuple(items[offset : offset + limit]))
