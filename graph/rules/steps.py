"""Actor steps: one fact connecting two actors, derived from the RDF union by pure functions.

Actors are countries, organisations and people (``dg:Country``, ``dg:Organization``,
``dg:Person`` and its subclass ``dg:Official``). A *step* connects two actors through ONE fact and
is what the graph queries walk on, in both backends (networkx over Oxigraph and Neo4j's ``LINK``
relationships), so the rules live here once:

* ``dg:Agreement`` (``agreement``): every pair among its parties, negotiators, established bodies,
  and the signatories and on-behalf-of actors of its ``dg:Signature`` nodes;
* ``dg:Signature`` (``signature``): signatory → each on-behalf-of actor;
* ``dg:Commitment`` (``commitment``): every pair of its ``dg:actor``;
* ``dg:Influence`` (``influence``): influencer → influenced. When the influenced is a
  ``dg:Region`` (not an actor), influencer → every country the region ``dg:includes`` is an
  *inferred* step (rule ``region-membership``): no article says the influencer deals with that
  country, so graph queries leave such steps out unless asked (``inferred=true``);
* ``dg:Tenure`` (``tenure``): holder → the ``dg:postIn`` actor of the held post;
* ``dg:Event`` (``event``): every pair of participants;
* ``dg:Role`` (``role:<notation>``): role actor → each party of the agreement or participant
  of the event it is played in (``dg:roleIn``); a mediator is not a party, so it gets no
  ``agreement`` step;
* ``dg:AgreementEnding`` (``ended``): each ``dg:endedBy`` actor → each party of the agreement
  it ``dg:concerns``, from the ending's ``startDate``;
* ``dg:Reaction`` (``reaction``, format 2): reactor → each actor of the fact it is
  ``dg:towards`` (parties, participants, influencer and influenced, relation subject and object,
  the reactor of a reaction), stated: the reaction is the fact; its kind is the stance's notation
  and its date the ``dg:pointInTime``;
* ``dg:Relation`` (``relation:<notation>``): subject → object. A subject or object that is a
  ``dg:Region`` stays region-level: its countries are *inferred* endpoints (rule
  ``region-membership``, as for influences);
* ``dg:partOf`` / ``dg:country`` / ``dg:nationality`` / ``dg:member`` (``part-of`` /
  ``country`` / ``nationality`` / ``member``: a collective actor → each member): subject →
  object, with ``via`` None;
* ``dg:holds`` (``tenure``, format 2): a person known only by role → the ``dg:postIn`` actor of
  the post, with ``via`` None, like a tenure.

A ``dg:CollectiveActor`` is an actor: a fact about the group is a step with the group, never
with its members.

Every step is *stated* (``rule`` None: an article states the fact between these two actors)
or *inferred* (``rule`` names the rule of :data:`INFERENCE_RULES` that produced it).

Article metadata (author, publisher) and evidence ``dg:claimedBy`` are not steps; endpoints that
are not actors (regions, posts, concepts) and self-loops are dropped. Symmetric facts (agreement,
commitment, event) order their endpoints by IRI; directed ones keep their direction.

Dates are partial ISO strings (``2025``, ``2025-01``, ``2025-01-22``, see ``ontology.dates``):
an agreement step starts on its ``dateSigned``, a signature on its ``dg:date`` (else the
agreement's), a commitment *ends* on its ``dueDate``; the others use ``startDate``/``endDate``.
Format 2 facts may also state ``startDate``/``endDate`` (agreements, signatures, commitments:
the earlier start and the later end win) and ``pointInTime`` (a fact with no period spans it).
Dates may be EDTF values (``2025~``, ``2020-09/2021-09``): keys are their earliest and latest
days. When articles disagree the earliest start and the latest end win. ``sources`` are the articles
(named graphs) stating the fact plus the articles of its evidence; for a plain property step,
the graphs stating the triple.

Input is a flat list of quads ``(subject, predicate, object, graph)`` as strings (IRIs, or the
lexical form of literals), read from the RDF store by ``graph.rules.step_reads``; nothing here
does I/O.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from graph.rules.fact_index import Evidence, FactIndex, Quad, evidence_key
from graph.rules.step_dates import earliest, fact_dates, last_key, with_date
from graph.rules.step_model import (
    FACT_CLASSES,
    INFERENCE_RULES,
    PLAIN_PREDICATES,
    PREFIXED_RELATIONS,
    REGION_MEMBERSHIP,
    RELATIONS,
    STEP_PREDICATES,
    SYMMETRIC_RELATIONS,
    Step,
    notation,
    step_uri,
)
from ontology.classes import DG_NS
from ontology.namespace import DG


@dataclass(frozen=True)
class _Fact:
    """What every step of one fact shares."""

    via: str
    relation: str
    kind: str | None
    start: str | None
    end: str | None
    evidence: tuple[Evidence, ...]
    sources: tuple[str, ...]


def _make(fact: _Fact, source: str, target: str, rule: str | None = None) -> Step:
    """The step of ``fact`` between two actors (``rule``: the inference rule, if any)."""
    return Step(
        uri=step_uri(fact.via, source, target, fact.relation),
        source=source,
        target=target,
        relation=fact.relation,
        via=fact.via,
        kind=fact.kind,
        start=fact.start,
        end=fact.end,
        sources=fact.sources,
        evidence=fact.evidence,
        rule=rule,
    )


def _fact(
    index: FactIndex,
    via: str,
    relation: str,
    kind: str | None,
    dates: tuple[str | None, str | None],
    extra: Iterable[Evidence] = (),
) -> _Fact:
    """Shared attributes of the steps of ``via`` (evidence, sources and dates)."""
    evidence = tuple(sorted(set(index.evidence(via)) | set(extra), key=evidence_key))
    return _Fact(via, relation, kind, dates[0], dates[1], evidence, index.sources(via, evidence))


def _pairs(index: FactIndex, fact: _Fact, members: Iterable[str]) -> Iterator[Step]:
    """Steps between every pair of actor ``members`` (endpoints ordered by IRI)."""
    actors = sorted({m for m in members if index.is_actor(m)})
    for source, target in itertools.combinations(actors, 2):
        yield _make(fact, source, target)


def _directed(
    index: FactIndex,
    fact: _Fact,
    sources: Iterable[str],
    targets: Iterable[str],
    rule: str | None = None,
) -> Iterator[Step]:
    """Steps from every actor of ``sources`` to every actor of ``targets`` (no self-loops)."""
    for source in sorted(set(sources)):
        for target in sorted(set(targets)):
            if source != target and index.is_actor(source) and index.is_actor(target):
                yield _make(fact, source, target, rule)


def _agreement_kind(index: FactIndex, agreement: str) -> str:
    """``mou``, ``treaty``… from the most specific dg class, else ``agreement``."""
    names = sorted(t.removeprefix(DG_NS).lower() for t in index.types(agreement) if DG_NS in t)
    specific = [n for n in names if n != "agreement"]
    return specific[0] if specific else "agreement"


def agreement_steps(index: FactIndex, agreement: str) -> Iterator[Step]:
    """Pairs among parties, negotiators, bodies, signatories and on-behalf-of actors."""
    members = set()
    for predicate in (DG.party, DG.negotiatedBy, DG.establishes):
        members.update(index.all(agreement, str(predicate)))
    signer_evidence: dict[str, set[Evidence]] = defaultdict(set)
    for signature in sorted(index.signatures.get(agreement, ())):
        if str(DG.Signature) not in index.types(signature):
            continue
        signers = index.all(signature, str(DG.signatory))
        members.update(signers)
        members.update(index.all(signature, str(DG.onBehalfOf)))
        for signer in signers:
            signer_evidence[signer].update(index.evidence(signature))
    signed = with_date(
        earliest(index.all(agreement, str(DG.dateSigned))), fact_dates(index, agreement)
    )
    kind = _agreement_kind(index, agreement)
    base = _fact(index, agreement, "agreement", kind, signed)
    for step in _pairs(index, base, members):
        extra = signer_evidence.get(step.source, set()) | signer_evidence.get(step.target, set())
        if not extra:
            yield step
            continue
        fact = _fact(index, agreement, "agreement", kind, signed, extra)
        yield _make(fact, step.source, step.target)


def signature_steps(index: FactIndex, signature: str) -> Iterator[Step]:
    """Signatory → each actor it signed for."""
    agreement = index.one(signature, str(DG.agreement))
    date = earliest(index.all(signature, str(DG.date)))
    if date is None and agreement is not None:
        date = earliest(index.all(agreement, str(DG.dateSigned)))
    fact = _fact(index, signature, "signature", None, with_date(date, fact_dates(index, signature)))
    yield from _directed(
        index,
        fact,
        index.all(signature, str(DG.signatory)),
        index.all(signature, str(DG.onBehalfOf)),
    )


def commitment_steps(index: FactIndex, commitment: str) -> Iterator[Step]:
    """Pairs among the actors undertaking a commitment (ends on its due date)."""
    due = index.all(commitment, str(DG.dueDate))
    kind = notation(index.one(commitment, str(DG.commitmentKind)))
    last_due = max(due, key=last_key) if due else None
    dates = with_date(last_due, fact_dates(index, commitment), ends=True)
    fact = _fact(index, commitment, "commitment", kind, dates)
    yield from _pairs(index, fact, index.all(commitment, str(DG.actor)))


def influence_targets(index: FactIndex, influence: str) -> tuple[list[str], list[str]]:
    """(stated, inferred) influenced actors: the actors the fact names, and the countries of
    the regions it names that it does not name itself (rule ``region-membership``)."""
    return region_split(index, index.all(influence, str(DG.influenced)))


def region_split(index: FactIndex, nodes: Iterable[str]) -> tuple[list[str], list[str]]:
    """(stated, inferred) endpoints among ``nodes``: the nodes themselves, and for each region
    the countries it includes that ``nodes`` do not name (rule ``region-membership``)."""
    stated: set[str] = set()
    members: set[str] = set()
    for node in nodes:
        if str(DG.Region) in index.types(node):
            members.update(index.all(node, str(DG.includes)))
        else:
            stated.add(node)
    return sorted(stated), sorted(members - stated)


def influence_steps(index: FactIndex, influence: str) -> Iterator[Step]:
    """Influencer → influenced; inferred influencer → each country of an influenced region."""
    kind = notation(index.one(influence, str(DG.influenceKind)))
    fact = _fact(index, influence, "influence", kind, fact_dates(index, influence))
    influencers = index.all(influence, str(DG.influencer))
    stated, inferred = influence_targets(index, influence)
    yield from _directed(index, fact, influencers, stated)
    yield from _directed(index, fact, influencers, inferred, REGION_MEMBERSHIP)


def tenure_steps(index: FactIndex, tenure: str) -> Iterator[Step]:
    """Holder → the actor the held post exists in; the step's kind is the post's name."""
    posts = index.all(tenure, str(DG.post))
    places = [p for post in posts for p in index.all(post, str(DG.postIn))]
    post_name = index.one(posts[0], str(DG.name)) if posts else None
    fact = _fact(index, tenure, "tenure", post_name, fact_dates(index, tenure))
    yield from _directed(index, fact, index.all(tenure, str(DG.holder)), places)


def event_steps(index: FactIndex, event: str) -> Iterator[Step]:
    """Pairs among an event's participants."""
    kind = notation(index.one(event, str(DG.eventKind)))
    fact = _fact(index, event, "event", kind, fact_dates(index, event))
    yield from _pairs(index, fact, index.all(event, str(DG.participant)))


def relation_steps(index: FactIndex, relation: str) -> Iterator[Step]:
    """Subject → object of a ``dg:Relation`` statement, as ``relation:<notation>``."""
    kind = notation(index.one(relation, str(DG.relationKind)))
    fact = _fact(index, relation, f"relation:{kind}", kind, fact_dates(index, relation))
    subjects, subject_members = region_split(index, index.all(relation, str(DG.relationSubject)))
    objects, object_members = region_split(index, index.all(relation, str(DG.relationObject)))
    yield from _directed(index, fact, subjects, objects)
    # a region's countries stand in for it only as inferred steps
    inferred = itertools.chain(
        _directed(index, fact, subjects, object_members, REGION_MEMBERSHIP),
        _directed(index, fact, subject_members, objects, REGION_MEMBERSHIP),
    )
    yield from inferred


def plain_steps(index: FactIndex, subject: str) -> Iterator[Step]:
    """``dg:partOf``, ``dg:country`` and ``dg:nationality`` of an actor, one step each."""
    if not index.is_actor(subject):
        return
    for predicate, relation in PLAIN_PREDICATES.items():
        for target in index.all(subject, predicate):
            if target == subject or not index.is_actor(target):
                continue
            sources = tuple(sorted(index.graphs(subject, predicate, target)))
            yield _plain(subject, target, relation, None, sources)
    yield from holds_steps(index, subject)


def _plain(
    source: str, target: str, relation: str, kind: str | None, sources: tuple[str, ...]
) -> Step:
    return Step(
        uri=step_uri(None, source, target, relation),
        source=source,
        target=target,
        relation=relation,
        via=None,
        kind=kind,
        start=None,
        end=None,
        sources=sources,
        evidence=(),
    )


def holds_steps(index: FactIndex, person: str) -> Iterator[Step]:
    """A person known only by role (``dg:holds``) → the actor the post exists in, as a tenure
    (kind: the post's name; undated: ``dg:asOf`` is a point the holding covers, not a bound)."""
    for post in index.all(person, str(DG.holds)):
        sources = tuple(sorted(index.graphs(person, str(DG.holds), post)))
        for place in index.all(post, str(DG.postIn)):
            if place != person and index.is_actor(place):
                kind = index.one(post, str(DG.name))
                yield _plain(person, place, "tenure", kind, sources)


def _members(index: FactIndex, fact: str) -> list[str]:
    """The parties of an agreement, the participants of an event (what a role or an ending
    relates its actor to)."""
    return [*index.all(fact, str(DG.party)), *index.all(fact, str(DG.participant))]


def _period(index: FactIndex, facts: list[str]) -> tuple[str | None, str | None]:
    """Earliest start and latest end over some facts (as :func:`fact_dates` for one)."""
    starts = [d for f in facts for d in index.all(f, str(DG.startDate))]
    ends = [d for f in facts for d in index.all(f, str(DG.endDate))]
    return (earliest(starts), max(ends, key=last_key) if ends else None)


def role_steps(index: FactIndex, role: str) -> Iterator[Step]:
    """Role actor → each party or participant of the agreement or event, as
    ``role:<notation>``, dated like that fact (a role is not a party)."""
    kind = notation(index.one(role, str(DG.role)))
    targets = index.all(role, str(DG.roleIn))
    signed = [d for t in targets for d in index.all(t, str(DG.dateSigned))]
    dates = (earliest(signed), None) if signed else _period(index, targets)
    fact = _fact(index, role, f"role:{kind}", kind, dates)
    members = [m for t in targets for m in _members(index, t)]
    yield from _directed(index, fact, index.all(role, str(DG.roleActor)), members)


def ending_steps(index: FactIndex, ending: str) -> Iterator[Step]:
    """Each actor that ended an agreement → each of its parties (``ended``), from the ending's
    date; the kind is the event kind (termination, suspension…)."""
    kind = notation(index.one(ending, str(DG.eventKind)))
    fact = _fact(index, ending, "ended", kind, fact_dates(index, ending))
    parties = [p for a in index.all(ending, str(DG.concerns)) for p in _members(index, a)]
    yield from _directed(index, fact, index.all(ending, str(DG.endedBy)), parties)


REACTED_TO = tuple(
    str(p)
    for p in (
        DG.party, DG.participant, DG.influencer, DG.influenced, DG.relationSubject,
        DG.relationObject, DG.reactor,
    )
)  # fmt: skip
"""The actors of a fact a reaction is towards (non-actors such as regions are dropped)."""


def reaction_steps(index: FactIndex, reaction: str) -> Iterator[Step]:
    """Reactor → each actor of the fact the reaction is towards (format 2)."""
    kind = notation(index.one(reaction, str(DG.stance)))
    when = earliest(index.all(reaction, str(DG.pointInTime)))
    fact = _fact(index, reaction, "reaction", kind, (when, when))
    targets = {
        actor
        for towards in index.all(reaction, str(DG.towards))
        for predicate in REACTED_TO
        for actor in index.all(towards, predicate)
    }
    yield from _directed(index, fact, index.all(reaction, str(DG.reactor)), targets)


_RULES = {
    str(DG.Agreement): agreement_steps,
    str(DG.Signature): signature_steps,
    str(DG.Commitment): commitment_steps,
    str(DG.Influence): influence_steps,
    str(DG.Tenure): tenure_steps,
    str(DG.Event): event_steps,
    str(DG.Relation): relation_steps,
    str(DG.Role): role_steps,
    str(DG.AgreementEnding): ending_steps,
    str(DG.Reaction): reaction_steps,
}


def fact_steps(index: FactIndex, fact: str) -> list[Step]:
    """The steps of one fact node (empty for a subject that is not a fact)."""
    found: dict[str, Step] = {}
    for cls in sorted(index.types(fact) & FACT_CLASSES):
        for step in _RULES[cls](index, fact):
            found[step.uri] = step
    return [found[k] for k in sorted(found)]


def derive_steps(quads: Iterable[Quad] | FactIndex) -> list[Step]:
    """Every step derivable from ``quads``, sorted by uri (no duplicates)."""
    index = quads if isinstance(quads, FactIndex) else FactIndex(quads)
    found: dict[str, Step] = {}
    for subject in index.subjects():
        for step in itertools.chain(fact_steps(index, subject), plain_steps(index, subject)):
            found[step.uri] = step
    return [found[k] for k in sorted(found)]


__all__ = [
    "FACT_CLASSES",
    "INFERENCE_RULES",
    "PLAIN_PREDICATES",
    "PREFIXED_RELATIONS",
    "REGION_MEMBERSHIP",
    "RELATIONS",
    "STEP_PREDICATES",
    "SYMMETRIC_RELATIONS",
    "Step",
    "derive_steps",
    "fact_steps",
    "notation",
    "step_uri",
]
