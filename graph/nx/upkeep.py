"""What a write changes in the actor graph: the next :class:`ActorGraph` from the previous one.

:func:`graph.rules.step_reads.step_delta` recomputes the facts a write touched and those whose
evidence, post, region or agreement it touched. Two more things a write can change without
touching the fact, which a full rebuild would see, are added to its scope here:

* an entity that becomes, or stops being, an actor (its types are stated by another article
  than the fact naming it): every fact and subject naming it as a member is recomputed;
* a claimer whose chosen name changes: the evidence it claimed (steps list the claimant's
  name) and the facts of that evidence are recomputed.

Facts reached through touched evidence are added as touched too, so that the agreement of a
signature whose evidence changed is recomputed with it (its steps list the signers' evidence).

And one thing it recomputes that cannot change, left out here: the influences naming a touched
actor that is no region before nor after the write (an influence reads the types and members
of what it names only for a region; an actor turning into one is a flip above). A hub actor is
restated by most articles: its hundreds of influences made each upkeep read seconds of quads.
"""

from __future__ import annotations

from collections.abc import Iterable

from graph.model import RDFStore
from graph.nx.entities import entities_of_quads
from graph.nx.graph import ActorGraph, Version
from graph.queries.entities import EntityInfo
from graph.rules.step_reads import AGREEMENT, DeltaScope, StoreSource, delta_steps
from ontology.namespace import DG

MEMBER_PREDICATES = tuple(
    str(p)
    for p in (
        DG.party, DG.negotiatedBy, DG.establishes, DG.signatory, DG.onBehalfOf, DG.actor,
        DG.influencer, DG.influenced, DG.holder, DG.postIn, DG.participant,
        DG.relationSubject, DG.relationObject, DG.includes, DG.partOf, DG.country,
        DG.nationality, DG.roleActor, DG.endedBy,
    )
)  # fmt: skip
"""Predicates naming an actor as an endpoint of a step (directly, or through a post or region)."""
CLAIMED_BY = str(DG.claimedBy)
EVIDENCE = str(DG.evidence)
INFLUENCED = str(DG.influenced)
POINTING = (EVIDENCE, str(DG.post), AGREEMENT, str(DG.roleIn), str(DG.concerns))
"""A fact pointing at a touched subject through these may change (``step_reads.AFFECTING``
but ``dg:influenced``, which counts for regions only): a role or an ending reaches the parties
of the agreement (or event) it points at."""


def _is_actor(info: EntityInfo | None) -> bool:
    return info is not None and info.is_actor


def _is_region(info: EntityInfo | None) -> bool:
    return info is not None and "Region" in info.types


def _unchanged_name(old: EntityInfo | None, new: EntityInfo | None) -> bool:
    return old is not None and new is not None and old.name == new.name


def advance(
    old: ActorGraph, store: RDFStore, touched: Iterable[str], version: Version
) -> ActorGraph:
    """The actor graph after a write that changed the quads of the subjects ``touched``,
    from ``old``, the graph before it (``store`` holds the write; ``old`` is not changed)."""
    subjects = frozenset(touched)
    found = entities_of_quads(store.subject_quads(sorted(subjects)))
    entities = {u: found.get(u) for u in subjects}
    source = StoreSource(store)
    flipped = {u for u in subjects if _is_actor(old.entities.get(u)) != _is_actor(entities[u])}
    renamed = {u for u in subjects if not _unchanged_name(old.entities.get(u), entities[u])}
    scope = set(subjects)
    if flipped:
        scope |= source.referrers(MEMBER_PREDICATES, flipped)
    claimed = source.referrers((CLAIMED_BY,), renamed) if renamed else set()
    scope |= claimed
    scope |= source.referrers((EVIDENCE,), subjects | claimed)
    regions = {u for u in subjects if _is_region(old.entities.get(u)) or _is_region(entities[u])}
    return old.advanced(entities, delta_steps(source, _scope(source, scope, regions)), version)


def _scope(source: StoreSource, touched: set[str], regions: set[str]) -> DeltaScope:
    """``step_reads.delta_scope`` of ``touched``, with the influences of ``regions`` only."""
    found = touched | source.referrers(POINTING, touched)
    if regions:
        found |= source.referrers((INFLUENCED,), regions)
    found |= source.objects(touched, (AGREEMENT,))
    found |= source.referrers((AGREEMENT,), found - touched)
    return DeltaScope(frozenset(touched), frozenset(found))
