"""Steps materialised in Neo4j as ``(:Resource)-[:LINK]->(:Resource)`` relationships.

Path enumeration over the heterogeneous projection (agreement nodes, signature nodes, regions…)
is slow and awkward in Cypher, so every step of ``graph.rules.steps`` is also written as one
``LINK`` relationship between its two actors, with properties::

    uri        deterministic: a hash of via, endpoints and relation (graph.rules.steps.step_uri)
    via        the fact IRI (absent for part-of / country / nationality)
    relation   agreement | signature | commitment | influence | tenure | event |
               relation:<notation> | part-of | country | nationality
    kind       the fact's kind notation (mou, arms-supply, signing…), when it has one
    startDate, endDate      partial ISO dates, as stated
    startKey, endKey        first day of startDate, last day of endDate (YYYY-MM-DD), for filters
    sources    article IRIs
    quotes, claimants, evidenceArticles   the evidence, as aligned lists (claimant "" if none)
    inferred, rule          ``true`` and the rule's name on an inferred step (absent when an
                            article states it): leave them out with
                            ``WHERE NOT coalesce(l.inferred, false)``

Writing: :class:`LinkUpkeep` is the projection writer's collaborator (``Neo4jProjection(...,
links=LinkUpkeep(rdf_store))``): for each load it finds, before the transaction opens, which
LINKs the touched subjects change (:meth:`LinkUpkeep.prepare`), and rewrites them inside the
load's transaction; ``ensure_link_schema(session)`` runs once at start (indexes on
``LINK.uri`` and ``LINK.via``); ``replace_all_links(tx, all_link_records(rdf_store))``
rebuilds every ``LINK`` (sync).

A refresh first finds the LINKs to drop (by ``via``, and the via-less ones by start node), then
deletes them by element id, then CREATEs every row (they cannot exist any more: a LINK's uri
hashes its via, endpoints and relation). :class:`LinkRefresh` runs the deletions first in the
load's transaction and the creations after the projection's records: Neo4j's index seeks and
expansions slow down by orders of magnitude once a transaction holds many deleted
relationships (measured: 9 s instead of 0.05 s to find the LINKs of 15,000 facts), so the reads
must come before any deletion.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, LiteralString

from neo4j import ManagedTransaction, Session

from graph.batching import chunks
from graph.model import RDFStore
from graph.rules.fact_index import Evidence
from graph.rules.step_reads import (
    DeltaScope,
    StepDelta,
    StoreSource,
    all_steps,
    delta_scope,
    delta_steps,
)
from graph.rules.steps import Step

LINK_SCHEMA = (
    "CREATE INDEX link_uri IF NOT EXISTS FOR ()-[l:LINK]-() ON (l.uri)",
    "CREATE INDEX link_via IF NOT EXISTS FOR ()-[l:LINK]-() ON (l.via)",
    "CREATE INDEX link_relation IF NOT EXISTS FOR ()-[l:LINK]-() ON (l.relation)",
)
"""Indexes the LINK relationships rely on (schema commands: run outside a data transaction)."""

LINKS_VIA: LiteralString = """
UNWIND $vias AS via
MATCH (a)-[l:LINK {via: via}]->()
RETURN a.uri AS source, elementId(l) AS id
"""
"""The LINKs of some facts: source IRI and element id."""

PLAIN_LINKS: LiteralString = """
UNWIND $subjects AS subject
MATCH (:Resource {uri: subject})-[l:LINK]->()
WHERE l.via IS NULL
RETURN subject AS source, elementId(l) AS id
"""
"""The part-of / country / nationality LINKs starting at some subjects."""

DELETE_LINKS: LiteralString = """
UNWIND $links AS row
MATCH (:Resource {uri: row.source})-[l:LINK]->()
WHERE elementId(l) IN row.ids
DELETE l
"""
"""Drop LINKs by element id, found from their source node (an index seek, whatever the
planner's statistics)."""

DELETE_ALL_LINKS: LiteralString = """
MATCH ()-[l:LINK]->()
WITH l LIMIT $batch
DELETE l
RETURN count(*) AS deleted
"""
"""Drop up to ``$batch`` LINKs (repeat until 0)."""

CREATE_LINKS: LiteralString = """
UNWIND $rows AS row
MATCH (a:Resource {uri: row.source})
MATCH (b:Resource {uri: row.target})
CREATE (a)-[l:LINK]->(b)
SET l = row.properties
"""
"""Create LINKs (none with these uris exists); endpoints missing from the projection are
skipped, None properties are left out."""

BATCH = 5000
"""Rows (or ids) per ``UNWIND`` statement."""


@dataclass(frozen=True)
class LinkRecords:
    """What a refresh writes: drop the LINKs of ``vias`` and the via-less LINKs
    starting at ``plain_subjects``, then write ``rows``."""

    vias: tuple[str, ...] = ()
    plain_subjects: tuple[str, ...] = ()
    rows: tuple[Mapping[str, Any], ...] = field(default=(), hash=False)


def link_properties(step: Step) -> dict[str, Any]:
    """The LINK properties of a step (None values remove the property)."""
    return {
        "uri": step.uri,
        "via": step.via,
        "relation": step.relation,
        "kind": step.kind,
        "startDate": step.start,
        "endDate": step.end,
        "startKey": step.start_key,
        "endKey": step.end_key,
        "sources": list(step.sources),
        "quotes": [e.quote for e in step.evidence],
        "claimants": [e.claimant or "" for e in step.evidence],
        "evidenceArticles": [e.article for e in step.evidence],
        "inferred": True if step.inferred else None,
        "rule": step.rule,
    }


def link_row(step: Step) -> dict[str, Any]:
    """One row of :data:`WRITE_LINKS`."""
    return {
        "uri": step.uri,
        "source": step.source,
        "target": step.target,
        "properties": link_properties(step),
    }


def step_from_link(source: str, target: str, props: Mapping[str, Any]) -> Step:
    """The step a LINK relationship stores (inverse of :func:`link_properties`)."""
    quotes = list(props.get("quotes") or [])
    claimants = list(props.get("claimants") or [])
    articles = list(props.get("evidenceArticles") or [])
    evidence = tuple(
        Evidence(a, q, c or None) for a, q, c in zip(articles, quotes, claimants, strict=True)
    )
    return Step(
        uri=str(props["uri"]),
        source=source,
        target=target,
        relation=str(props["relation"]),
        via=props.get("via"),
        kind=props.get("kind"),
        start=props.get("startDate"),
        end=props.get("endDate"),
        sources=tuple(props.get("sources") or ()),
        evidence=evidence,
        rule=props.get("rule"),
    )


def records_from_delta(delta: StepDelta) -> LinkRecords:
    """LINK records of a step delta."""
    return LinkRecords(delta.vias, delta.plain_subjects, tuple(link_row(s) for s in delta.steps))


def all_link_records(store: RDFStore) -> list[dict[str, Any]]:
    """Rows of every LINK of the store (for :func:`replace_all_links`)."""
    return [link_row(s) for s in all_steps(StoreSource(store))]


def write_link_rows(tx: ManagedTransaction, rows: Sequence[Mapping[str, Any]]) -> None:
    """CREATE LINK rows in UNWIND batches (no LINK with their uris may exist)."""
    for batch in chunks(rows, BATCH):
        tx.run(CREATE_LINKS, rows=batch).consume()


def delete_links(tx: ManagedTransaction, records: LinkRecords) -> int:
    """Drop the LINKs of ``records.vias`` and the via-less LINKs of ``records.plain_subjects``.

    Every LINK to drop is found before the first is deleted (see the module docstring).
    """
    found: dict[str, set[str]] = defaultdict(set)
    for vias in chunks(records.vias, BATCH):
        for record in tx.run(LINKS_VIA, vias=vias):
            found[record["source"]].add(record["id"])
    for subjects in chunks(records.plain_subjects, BATCH):
        for record in tx.run(PLAIN_LINKS, subjects=subjects):
            found[record["source"]].add(record["id"])
    rows = [{"source": source, "ids": sorted(ids)} for source, ids in sorted(found.items())]
    for batch in chunks(rows, BATCH):
        tx.run(DELETE_LINKS, links=batch).consume()
    return sum(len(ids) for ids in found.values())


def replace_all_links(tx: ManagedTransaction, rows: Sequence[Mapping[str, Any]]) -> None:
    """Drop every LINK and write ``rows`` (a full rebuild, in the caller's transaction)."""
    while tx.run(DELETE_ALL_LINKS, batch=2 * BATCH).single(strict=True)["deleted"]:
        pass
    write_link_rows(tx, rows)


def ensure_link_schema(session: Session) -> None:
    """Create the LINK indexes (idempotent; each in its own auto-commit transaction)."""
    for statement in LINK_SCHEMA:
        session.run(statement).consume()


class LinkRefresh:
    """The LINK writes of one load: which LINKs to drop is known at once, the steps to write
    once :meth:`complete` has run (in the caller's thread, while the transaction may already be
    writing the records)."""

    def __init__(self, source: StoreSource, scope: DeltaScope) -> None:
        self.source = source
        self.scope = scope
        self._rows: tuple[Mapping[str, Any], ...] | None = None

    def before(self, tx: ManagedTransaction) -> None:
        """Drop the LINKs the load recomputes, first in its transaction."""
        delete_links(
            tx, LinkRecords(tuple(sorted(self.scope.facts)), tuple(sorted(self.scope.subjects)))
        )

    def complete(self) -> None:
        """Derive the steps (reads the RDF store: the projection has just read most of it)."""
        if self._rows is None:
            self._rows = records_from_delta(delta_steps(self.source, self.scope)).rows

    def after(self, tx: ManagedTransaction) -> None:
        """Create the recomputed LINKs, once the projection's records are written."""
        self.complete()
        assert self._rows is not None
        write_link_rows(tx, self._rows)


class LinkUpkeep:
    """Keeps the ``LINK`` relationships in step with the projection: the
    :class:`graph.neo4j.projection.Neo4jProjection` calls it inside each load's transaction."""

    def __init__(self, store: RDFStore) -> None:
        self.store = store

    def ensure_schema(self, session: Session) -> None:
        """Create the LINK indexes."""
        ensure_link_schema(session)

    def prepare(self, subjects: Sequence[str]) -> LinkRefresh:
        """Find the facts whose LINKs depend on ``subjects`` (the RDF store is written)."""
        source = StoreSource(self.store)
        return LinkRefresh(source, delta_scope(source, subjects))

    def rebuild(self, session: Session) -> None:
        """Rewrite every LINK from the RDF store (after a sync)."""
        rows = all_link_records(self.store)
        session.execute_write(replace_all_links, rows)
