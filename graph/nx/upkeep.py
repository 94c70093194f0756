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
"""

from __future__ import annotations

from collections.abc import Iterable

from graph.model import RDFStore
from graph.nx.entities import entities_of_quads
from graph.nx.graph import ActorGraph, Version
from graph.queries.entities import EntityInfo
from graph.rules.step_reads import StoreSource, step_delta
from ontology.namespace import DG

MEMBER_PREDICATES = tuple(
    str(p)
    for p in (
        DG.party, DG.negotiatedBy, DG.establishes, DG.signatory, DG.onBehalfOf, DG.actor,
        DG.influencer, DG.influenced, DG.holder, DG.postIn, DG.participant,
        DG.relationSubject, DG.relationObject, DG.includes, DG.partOf, DG.country,
        DG.nationality,
    )
)  # fmt: skip
"""Predicates naming an actor as an endpoint of a step (directly, or through a post or region)."""
CLAIMED_BY = str(DG.claimedBy)
EVIDENCE = str(DG.evidence)


def _is_actor(info: EntityInfo | None) -> bool:
    return info is not None and info.is_actor


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
    return old.advanced(entities, step_delta(source, scope), version)
