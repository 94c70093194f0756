"""Agreements (list with filters, detail) and influences (list with filters)."""

from __future__ import annotations

from collections.abc import Callable

from graph.errors import NotFound
from graph.queries.agreement_model import (
    AgreementDetail,
    AgreementEvent,
    AgreementPage,
    AgreementSummary,
    Body,
    CommitmentInfo,
    InfluencePage,
    Signatory,
)
from graph.queries.facts import attribution, date_key, described, influence_infos
from graph.queries.lifecycle import endings, follow_up, lifecycle, roles_in
from graph.queries.model import TimeInfo
from graph.queries.places import place_country
from graph.queries.qualifiers import time_infos
from graph.queries.reactions import reactions_towards, responses
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
    """Whether a signing date may lie in the window (overlap: an EDTF date's widened bounds,
    an open end never excludes); an unsigned agreement fails any window."""
    if since is None and until is None:
        return True
    if date is None:
        return False
    low, high = first_day(since), last_day(until)
    first, last = first_day(date), last_day(date)
    return not ((high and first and first > high) or (low and last and last < low))


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


def _covering(source: GraphSource, area: str) -> set[str]:
    """Agreements covering ``area`` themselves or through one of their commitments."""
    commitments = described(source, _subjects(source, area, "AREA"), "Commitment")
    return _subjects(source, area, "COVERS_AREA") | {
        a for c in commitments for a in c.all("AGREEMENT")
    }


def _claimed_by(facts: list[Described], claimants: frozenset[str] | None) -> list[Described]:
    """The facts whose evidence a claimant (IRI) of ``claimants`` vouches for (all if None)."""
    if claimants is None:
        return facts
    return [f for f in facts if not claimants.isdisjoint(f.texts("claimedBy"))]


def _any_of(
    source: GraphSource, actors: tuple[str, ...], subjects: Callable[[str], set[str]]
) -> set[str]:
    """The union of ``subjects(actor)`` over ``actors``."""
    return {s for actor in actors for s in subjects(actor)}


def list_agreements(
    source: GraphSource,
    refs: Refs,
    *,
    party: tuple[str, ...] | None,
    signatory: tuple[str, ...] | None,
    area: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    offset: int,
    claimed_by: frozenset[str] | None = None,
    included: tuple[str, ...] = (),
) -> AgreementPage:
    """Agreements matching every given filter, by date signed (undated last) then IRI.

    ``party``/``signatory`` are sets of actors (an actor and, with subordinates, its
    organisations and officials): any of them matches. ``area`` matches the agreement's areas
    and its commitments'. ``claimed_by``: the agreement's own evidence is vouched for by one of
    these actors.
    """
    sets = []
    if party is not None:
        sets.append(_any_of(source, party, lambda u: _subjects(source, u, "PARTY")))
    if signatory is not None:
        sets.append(_any_of(source, signatory, lambda u: _signed_by(source, u)))
    if area is not None:
        sets.append(_covering(source, area))
    candidates = _intersect(sets, lambda: source.instances("Agreement"))
    kept = [
        a
        for a in _claimed_by(described(source, candidates, "Agreement"), claimed_by)
        if _in_window(a.text("dateSigned"), since, until)
    ]
    kept.sort(key=lambda a: date_key(a.text("dateSigned"), a.uri))
    page = kept[offset : offset + limit]
    items = tuple(_summary(refs, a, _parts(source, a.uri)) for a in page)
    return AgreementPage(len(kept), limit, offset, items, refs.refs(included))


def _signatory(refs: Refs, part: Described, times: dict[str, TimeInfo]) -> Signatory:
    """A signature of an agreement."""
    return Signatory(
        uri=part.uri,
        signatory=refs.ref(part.one("SIGNATORY") or ""),
        on_behalf_of=refs.refs(part.all("ON_BEHALF_OF")),
        date=part.text("date"),
        evidence=attribution(part),
        start=part.text("startDate"),
        end=part.text("endDate"),
        time=times[part.uri],
    )


def _commitment(refs: Refs, part: Described, times: dict[str, TimeInfo]) -> CommitmentInfo:
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
        start=part.text("startDate"),
        end=part.text("endDate"),
        time=times[part.uri],
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
    times = time_infos(source, [agreement, *parts])
    about = described(source, _subjects(source, uri, "CONCERNS"), "Event")
    # the roles of the agreement only: an event's roles would cost a read per event (the
    # page plan reads referrers of the root alone); they show in the actors' timelines
    roles = roles_in(source, refs, [uri])
    return AgreementDetail(
        summary=_summary(refs, agreement, parts),
        place_signed=refs.ref(place) if place else None,
        legally_binding=legally if isinstance(legally, bool) else None,
        negotiated_by=refs.refs(agreement.all("NEGOTIATED_BY")),
        negotiation_period=agreement.text("negotiationPeriod"),
        signatures=tuple(sorted((_signatory(refs, p, times) for p in signatures), key=_by_signer)),
        commitments=tuple(_commitment(refs, p, times) for p in parts if "Commitment" in p.labels),
        bodies=tuple(
            Body(
                refs.ref(b),
                bodies[b].text("meetingFrequency") if b in bodies else None,
                bodies[b].text("firstMeeting") if b in bodies else None,
                follow_up(bodies.get(b)),
            )
            for b in agreement.all("ESTABLISHES")
        ),
        evidence=attribution(agreement),
        sources=agreement.texts("sources"),
        events=_events_about(source, refs, about),
        start=agreement.text("startDate"),
        end=agreement.text("endDate"),
        time=times[uri],
        lifecycle=lifecycle(agreement),
        ended=endings(about, refs),
        roles=roles[uri],
        reactions=reactions_towards(source, refs, uri),
        in_response_to=responses(source, agreement),
        place_signed_country=place_country(source, refs, place),
    )


def _events_about(
    source: GraphSource, refs: Refs, events: list[Described]
) -> tuple[AgreementEvent, ...]:
    """Events concerning an agreement, by start (undated last) then IRI."""
    times = time_infos(source, events)
    items = [
        AgreementEvent(
            uri=e.uri,
            kind=concept(e.one("EVENT_KIND")),
            start=e.text("startDate"),
            end=e.text("endDate"),
            place=refs.ref(place) if (place := e.one("LOCATION")) else None,
            participants=refs.refs(e.all("PARTICIPANT")),
            description=e.text("description"),
            sources=e.texts("sources"),
            time=times[e.uri],
            in_response_to=responses(source, e),
            place_country=place_country(source, refs, e.one("LOCATION")),
        )
        for e in events
    ]
    return tuple(sorted(items, key=lambda e: date_key(e.start, e.uri)))


def _by_signer(item: Signatory) -> tuple[str, str]:
    """Signatures by signatory IRI, then IRI."""
    return (item.signatory.uri, item.uri)


def list_influences(
    source: GraphSource,
    refs: Refs,
    *,
    influencer: tuple[str, ...] | None,
    influenced: tuple[str, ...] | None,
    kind: str | None,
    direction: str | None,
    limit: int,
    offset: int,
    claimed_by: frozenset[str] | None = None,
    included: tuple[str, ...] = (),
) -> InfluencePage:
    """Influences matching every given filter, by start (undated last) then IRI
    (``influencer``/``influenced``: any of these actors; ``claimed_by``: vouched for by one
    of these actors)."""
    sets = []
    for actors, rel in ((influencer, "INFLUENCER"), (influenced, "INFLUENCED")):
        if actors is not None:
            sets.append({s for actor in actors for s in _subjects(source, actor, rel)})
    for target, rel in ((kind, "INFLUENCE_KIND"), (direction, "DIRECTION")):
        if target is not None:
            sets.append(_subjects(source, target, rel))
    candidates = _intersect(sets, lambda: source.instances("Influence"))
    if claimed_by is not None:
        vouched = _claimed_by(described(source, candidates, "Influence"), claimed_by)
        candidates = {f.uri for f in vouched}
    items = influence_infos(source, refs, candidates)
    items.sort(key=lambda i: date_key(i.start, i.uri))
    page = tuple(items[offset : offset + limit])
    return InfluencePage(len(items), limit, offset, page, refs.refs(included))
