"""Format 2, facts about facts: reactions (towards a fact, by an actor, listed), the facts a fact
answers (``in_response_to``) and the quantity of an influence, read over any backend.

A target named by another article's ``article-id#local-id`` (``dg:towardsRef``,
``dg:inResponseToRef``) is kept as written and resolved when reading through the ``dg:localRef``
of the fact it names (``GraphSource.local_refs``; docs/queries.md, cookbook 22 does the same
join): unresolved (``uri`` None) until that article is loaded, whatever the order of loads.
"""

from __future__ import annotations

from collections.abc import Iterable

from graph.queries.model import Attribution, FactLink, QuantityInfo, ReactionInfo, TimeInfo
from graph.queries.qualifiers import time_infos
from graph.queries.refs import Refs, concept
from graph.queries.source import Described, GraphSource
from ontology.dates import first_day

FACT_LABELS = ("Agreement", "Event", "Influence", "Reaction", "Relation")
"""The dg labels a ``towards``/``in_response_to`` target may carry."""
REF_LABELS = ("Agreement", "Event", "Influence", "Reaction")
"""The facts a reference is resolved to when reading (a relation is a relationship in Neo4j,
where finding it by its ``localRef`` would scan every relationship: left unresolved)."""


def _when_key(item: ReactionInfo) -> tuple[bool, str, str]:
    """Dated first, by first day, then IRI (as ``facts.date_key``; this module is below it)."""
    return (item.when is None, first_day(item.when) or "", item.uri)


def _number(value: object) -> float | None:
    """A projected number (decimals are floats in both backends), or None."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def quantity_of(fact: Described) -> QuantityInfo | None:
    """The quantity of an influence node, or None when it states none."""
    props = fact.props
    value, share = _number(props.get("quantityValue")), _number(props.get("share"))
    if value is None and share is None:
        return None
    approximate = props.get("quantityApproximate")
    return QuantityInfo(
        value=value,
        unit=fact.text("quantityUnit"),
        share=share,
        share_of=fact.text("shareOf"),
        approximate=approximate if isinstance(approximate, bool) else None,
    )


def _links(source: GraphSource, uris: Iterable[str], refs: Iterable[str]) -> tuple[FactLink, ...]:
    """Links to facts by IRI (with their fact labels; none when not loaded), then by another
    article's reference: with the IRI it names once that article is loaded, else unresolved."""
    by_ref = sorted(set(refs))
    named = source.local_refs(by_ref) if by_ref else {}
    wanted = sorted(set(uris) | set(named.values()))
    found = source.describe(wanted) if wanted else {}
    links = [FactLink(u, None, _fact_labels(found.get(u))) for u in sorted(set(uris))]
    for ref in by_ref:
        uri = named.get(ref)
        links.append(FactLink(uri, ref, _fact_labels(found.get(uri)) if uri else ()))
    return tuple(links)


def _fact_labels(node: Described | None) -> tuple[str, ...]:
    """The fact labels of a described target (none when it is not loaded)."""
    return () if node is None else tuple(t for t in node.labels if t in FACT_LABELS)


def responses(source: GraphSource, fact: Described) -> tuple[FactLink, ...]:
    """The facts ``fact`` is in response to: IRIs first, then other articles' references (a
    relation, projected as a relationship, lists the IRIs as its ``inResponseTo`` property)."""
    uris = (*fact.all("IN_RESPONSE_TO"), *fact.texts("inResponseTo"))
    return _links(source, uris, fact.texts("inResponseToRef"))


def reaction_infos(source: GraphSource, refs: Refs, uris: Iterable[str]) -> list[ReactionInfo]:
    """The reactions among ``uris``, by date (``when``, undated last) then IRI."""
    found = source.describe(sorted(set(uris)))
    facts = [found[u] for u in sorted(found) if "Reaction" in found[u].labels]
    refs.load(u for f in facts for u in f.all("REACTOR"))
    times = time_infos(source, facts)
    return sorted((_reaction(source, refs, f, times[f.uri]) for f in facts), key=_when_key)


def _reaction(source: GraphSource, refs: Refs, fact: Described, time: TimeInfo) -> ReactionInfo:
    towards = _links(source, fact.all("TOWARDS"), fact.texts("towardsRef"))
    return ReactionInfo(
        uri=fact.uri,
        reactor=refs.ref(fact.one("REACTOR") or ""),
        stance=concept(fact.one("STANCE")),
        towards=towards[0] if towards else FactLink(None, None),
        when=fact.text("pointInTime"),
        as_of=fact.text("asOf"),
        description=fact.text("description"),
        time=time,
        in_response_to=responses(source, fact),
        evidence=Attribution(fact.ordered("quotes"), fact.ordered("claimants")),
        sources=fact.texts("sources"),
    )


def reactions_towards(source: GraphSource, refs: Refs, uri: str) -> tuple[ReactionInfo, ...]:
    """The reactions towards the fact ``uri``."""
    return tuple(reaction_infos(source, refs, (s for s, _ in source.referrers(uri, ["TOWARDS"]))))


def reactions_by(source: GraphSource, refs: Refs, actor: str) -> tuple[ReactionInfo, ...]:
    """The reactions of ``actor``."""
    return tuple(reaction_infos(source, refs, (s for s, _ in source.referrers(actor, ["REACTOR"]))))


def list_reactions(
    source: GraphSource,
    refs: Refs,
    *,
    actor: str | None,
    towards: str | None,
    stance: str | None,
) -> list[ReactionInfo]:
    """Reactions matching every given filter (IRIs), by date (undated last) then IRI."""
    sets = [
        {s for s, _ in source.referrers(target, [rel])}
        for target, rel in ((actor, "REACTOR"), (towards, "TOWARDS"), (stance, "STANCE"))
        if target is not None
    ]
    candidates = set.intersection(*sets) if sets else set(source.instances("Reaction"))
    return reaction_infos(source, refs, candidates)
