"""Entity detail and timeline, assembled from a backend's ``describe`` and ``referrers``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace

from graph.errors import NotFound
from graph.queries.actors import groups_of, held_posts, members_of, role_only
from graph.queries.filters import StepFilter
from graph.queries.model import (
    AgreementRole,
    Attribution,
    EntityDetail,
    InfluenceInfo,
    TenureInfo,
    Timeline,
    TimelineEntry,
)
from graph.queries.places import PLACE, place_info
from graph.queries.qualifiers import time_infos
from graph.queries.reactions import quantity_of, reactions_by, responses
from graph.queries.refs import Refs, concept, short_id
from graph.queries.source import Described, GraphSource
from graph.rules.steps import notation
from ontology.dates import first_day

AGREEMENT_ROLES = {"PARTY": "party", "NEGOTIATED_BY": "negotiator", "ESTABLISHES": "established"}
SIGNATURE_ROLES = {"SIGNATORY": "signatory", "ON_BEHALF_OF": "on-behalf-of"}
INFLUENCE_ROLES = {"INFLUENCER": "influencer", "INFLUENCED": "influenced"}
EVENT_ROLES = {"PARTICIPANT": "participant", "ENDED_BY": "ended-by"}
"""How an actor takes part in an event (``ended-by``: it ended the agreement the event is about)."""


def attribution(fact: Described) -> Attribution:
    """The folded evidence of a fact."""
    return Attribution(fact.ordered("quotes"), fact.ordered("claimants"))


def date_key(date: str | None, uri: str) -> tuple[bool, str, str]:
    """Sort key: dated first, by first day, then IRI."""
    return (date is None, first_day(date) or "", uri)


def described(source: GraphSource, uris: Iterable[str], label: str) -> list[Described]:
    """The described facts among ``uris`` that carry ``label``, in IRI order."""
    found = source.describe(sorted(set(uris)))
    return [found[u] for u in sorted(found) if label in found[u].labels]


# ------------------------------------------------------------------------------------ parts


def tenures_of(source: GraphSource, refs: Refs, uri: str) -> list[TenureInfo]:
    """Posts ``uri`` held (a person), or who held it (a post), by start (undated last) then
    IRI."""
    tenures = (s for s, _ in source.referrers(uri, ["HOLDER", "POST"]))
    facts = described(source, tenures, "Tenure")
    posts = source.describe(sorted({p for t in facts for p in t.all("POST")}))
    refs.load(p for post in posts.values() for p in post.all("POST_IN"))
    refs.load(h for t in facts for h in t.all("HOLDER"))
    times = time_infos(source, facts)
    items = []
    for tenure in facts:
        post_uri = tenure.one("POST") or ""
        post = posts.get(post_uri)
        place = post.one("POST_IN") if post else None
        items.append(
            TenureInfo(
                uri=tenure.uri,
                holder=refs.ref(tenure.one("HOLDER") or uri),
                post=post_uri,
                post_name=post.text("name") if post else None,
                post_in=refs.ref(place) if place else None,
                start=tenure.text("startDate"),
                end=tenure.text("endDate"),
                sources=tenure.texts("sources"),
                time=times[tenure.uri],
            )
        )
    return sorted(items, key=lambda t: date_key(t.start, t.uri))


def agreement_roles(source: GraphSource, actor: str) -> list[AgreementRole]:
    """Agreements ``actor`` is party to, negotiated, was established by or signed (for)."""
    roles: dict[str, set[str]] = defaultdict(set)
    for subject, rel in source.referrers(actor, sorted(AGREEMENT_ROLES)):
        roles[subject].add(AGREEMENT_ROLES[rel])
    signed = source.referrers(actor, sorted(SIGNATURE_ROLES))
    signatures = source.describe(sorted({s for s, _ in signed}))
    for subject, rel in signed:
        signature = signatures.get(subject)
        if signature is not None and "Signature" in signature.labels:
            for agreement in signature.all("AGREEMENT"):
                roles[agreement].add(SIGNATURE_ROLES[rel])
    for agreement, names in _format2_roles(source, actor).items():
        roles[agreement] |= names  # format 2: mediator, guarantor…, ended
    items = [
        AgreementRole(a.uri, a.text("title"), a.text("dateSigned"), tuple(sorted(roles[a.uri])))
        for a in described(source, roles, "Agreement")
    ]
    return sorted(items, key=lambda a: date_key(a.date_signed, a.uri))


def influence_infos(source: GraphSource, refs: Refs, uris: Iterable[str]) -> list[InfluenceInfo]:
    """The influences among ``uris``, in IRI order."""
    facts = described(source, uris, "Influence")
    refs.load(u for f in facts for u in (*f.all("INFLUENCER"), *f.all("INFLUENCED")))
    times = time_infos(source, facts)
    return [
        InfluenceInfo(
            uri=f.uri,
            influencer=refs.ref(f.one("INFLUENCER") or ""),
            influenced=refs.ref(f.one("INFLUENCED") or ""),
            kind=concept(f.one("INFLUENCE_KIND")),
            direction=notation(f.one("DIRECTION")),
            start=f.text("startDate"),
            end=f.text("endDate"),
            description=f.text("description"),
            evidence=attribution(f),
            sources=f.texts("sources"),
            time=times[f.uri],
            quantity=quantity_of(f),
            in_response_to=responses(source, f),
        )
        for f in facts
    ]


def _format2_roles(source: GraphSource, actor: str) -> dict[str, set[str]]:
    """The agreements in which ``actor`` plays a role (its notation, e.g. ``mediator``) or
    which it ended (``ended``), by agreement IRI."""
    found: dict[str, set[str]] = {}
    roles = described(source, (s for s, _ in source.referrers(actor, ["ROLE_ACTOR"])), "Role")
    for node in roles:
        name = notation(node.one("ROLE")) or "role"
        for fact in node.all("ROLE_IN"):
            found.setdefault(fact, set()).add(name)
    ended = source.referrers(actor, ["ENDED_BY"])
    for node in described(source, (s for s, _ in ended), "AgreementEnding"):
        for agreement in node.all("CONCERNS"):
            found.setdefault(agreement, set()).add("ended")
    return found


# ------------------------------------------------------------------------------------ detail


def entity_detail(source: GraphSource, refs: Refs, uri: str) -> EntityDetail:
    """Everything known about one entity; :class:`NotFound` if it is not described."""
    node = source.describe([uri]).get(uri)
    if node is None:
        raise NotFound(f"no entity {short_id(uri)!r}")
    influences = [s for s, _ in source.referrers(uri, sorted(INFLUENCE_ROLES))]
    name = node.text("name")
    return EntityDetail(
        entity=refs.ref(uri),
        names=(name,) if name else (),
        aliases=node.texts("alias"),
        iso_code=node.text("isoCode"),
        wikidata=node.text("wikidata"),
        same_as=node.texts("sameAs"),
        tenures=tuple(tenures_of(source, refs, uri)),
        agreements=tuple(agreement_roles(source, uri)),
        influences=tuple(influence_infos(source, refs, influences)),
        sources=node.texts("sources"),
        reactions=reactions_by(source, refs, uri),
        place=place_info(refs, node),
        members=members_of(refs, node),
        member_of=groups_of(source, refs, uri),
        role_only=role_only(node),
        holds=held_posts(source, refs, node),
    )


# ------------------------------------------------------------------------------------ timeline


def _counterparts(source: GraphSource, actor: str) -> dict[str, set[str]]:
    """For each fact (via) of the actor's steps, the actors at the other end."""
    found: dict[str, set[str]] = defaultdict(set)
    # inferred steps too: an influence on a region shows as ``influenced-via-region``
    for step in source.incident([actor], StepFilter(inferred=True), frozenset())[actor]:
        if step.via is not None:
            found[step.via].add(step.other(actor))
    return found


def _entries(
    source: GraphSource,
    refs: Refs,
    facts: Sequence[Described],
    category: str,
    roles: dict[str, set[str]],
    others: dict[str, set[str]],
) -> list[TimelineEntry]:
    """Timeline entries of some described facts."""
    entries = []
    times = time_infos(source, facts)
    for fact in facts:
        signed = fact.text("dateSigned") if category == "agreement" else None
        # format 2: a fact with no start is dated by its point in time
        date = signed or fact.text("startDate") or fact.text("pointInTime")
        label = fact.text("title") or fact.text("description")
        place = fact.one("LOCATION") or fact.one("PLACE_SIGNED")
        entries.append(
            TimelineEntry(
                date=date,
                end=fact.text("endDate"),
                category=category,
                fact=fact.uri,
                label=label,
                roles=tuple(sorted(roles.get(fact.uri, ()))),
                counterparts=refs.refs(others.get(fact.uri, ())),
                sources=fact.texts("sources"),
                kind=concept(fact.one("EVENT_KIND") or fact.one("INFLUENCE_KIND")),
                place=refs.ref(place) if place else None,
                time=times[fact.uri],
            )
        )
    return entries


def _reaction_entries(
    refs: Refs,
    facts: Sequence[Described],
    reacted: dict[str, set[str]],
    others: dict[str, set[str]],
) -> list[TimelineEntry]:
    """Timeline entries of reactions (format 2): the actor's own (``reactor``), and those
    towards a fact it takes part in (``reacted-to``); dated by their point in time."""
    return [
        TimelineEntry(
            date=fact.text("pointInTime"),
            end=None,
            category="reaction",
            fact=fact.uri,
            label=fact.text("description"),
            roles=tuple(sorted(reacted.get(fact.uri, {"reacted-to"}))),
            counterparts=refs.refs(others.get(fact.uri, ())),
            sources=fact.texts("sources"),
            kind=concept(fact.one("STANCE")),
        )
        for fact in facts
    ]


def _tenure_entries(source: GraphSource, refs: Refs, actor: str) -> list[TimelineEntry]:
    """Timeline entries of the posts ``actor`` held."""
    return [
        TimelineEntry(
            t.start,
            t.end,
            "tenure",
            t.uri,
            t.post_name,
            ("holder",),
            (t.post_in,) if t.post_in else (),
            t.sources,
            time=t.time,
        )
        for t in tenures_of(source, refs, actor)
    ]


def _roles(pairs: Iterable[tuple[str, str]], names: dict[str, str]) -> dict[str, set[str]]:
    """Roles by fact from (fact, relationship type) pairs."""
    roles: dict[str, set[str]] = defaultdict(set)
    for subject, rel in pairs:
        roles[subject].add(names[rel])
    return roles


def timeline(source: GraphSource, refs: Refs, actor: str, include_undated: bool) -> Timeline:
    """Dated agreements, tenures, events, influences and relations of an actor, in date order.

    Influences on a region that includes the actor count (role ``influenced-via-region``).
    """
    others = _counterparts(source, actor)
    agreement = {a.uri: set(a.roles) for a in agreement_roles(source, actor)}
    events = _roles(source.referrers(actor, sorted(EVENT_ROLES)), EVENT_ROLES)
    for played_in, names in _format2_roles(source, actor).items():
        events.setdefault(played_in, set()).update(names)  # roles in events; agreements drop
    influence = _roles(source.referrers(actor, sorted(INFLUENCE_ROLES)), INFLUENCE_ROLES)
    reacted = _roles(source.referrers(actor, ["REACTOR"]), {"REACTOR": "reactor"})
    found = source.describe(
        sorted(set(others) | set(agreement) | set(events) | set(influence) | set(reacted))
    )

    def pick(keys: Iterable[str], label: str) -> list[Described]:
        return [found[u] for u in sorted(set(keys)) if u in found and label in found[u].labels]

    for fact in pick(others, "Influence"):
        influence.setdefault(fact.uri, {"influenced-via-region"})
    relations = pick(others, "Relation")
    entries = [
        *_entries(source, refs, pick(agreement, "Agreement"), "agreement", agreement, others),
        *_tenure_entries(source, refs, actor),
        *_entries(source, refs, pick(events, "Event"), "event", events, others),
        *_entries(source, refs, pick(influence, "Influence"), "influence", influence, others),
        *_entries(source, refs, relations, "relation", _relation_roles(actor, relations), others),
        *_reaction_entries(refs, pick([*others, *reacted], "Reaction"), reacted, others),
    ]
    entries = _with_place_countries(source, refs, entries)
    dated = sorted(
        (e for e in entries if e.date), key=lambda e: (first_day(e.date) or "", e.category, e.fact)
    )
    undated = sorted((e for e in entries if not e.date), key=lambda e: (e.category, e.fact))
    return Timeline(refs.ref(actor), tuple(dated), tuple(undated) if include_undated else ())


def _with_place_countries(
    source: GraphSource, refs: Refs, entries: list[TimelineEntry]
) -> list[TimelineEntry]:
    """The entries with the country of their place, for places (one describe, only if any)."""
    places = sorted({e.place.uri for e in entries if e.place and PLACE in e.place.types})
    if not places:
        return entries
    described = source.describe(places)
    countries = {u: refs.ref(c) for u, d in described.items() if (c := d.one("COUNTRY"))}
    return [replace(e, place_country=countries.get(e.place.uri)) if e.place else e for e in entries]


def _relation_roles(actor: str, relations: Iterable[Described]) -> dict[str, set[str]]:
    """``subject``/``object`` role of the actor in each relation."""
    roles: dict[str, set[str]] = {}
    for fact in relations:
        if actor in fact.all("RELATION_SUBJECT"):
            roles[fact.uri] = {"subject"}
        if actor in fact.all("RELATION_OBJECT"):
            roles.setdefault(fact.uri, set()).add("object")
    return roles
