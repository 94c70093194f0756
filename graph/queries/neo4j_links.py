"""Steps materialised in Neo4j as ``(:Resource)-[:LINK]->(:Resource)`` relationships.

Path enumeration over the heterogeneous projection (agreement nodes, signature nodes, regions…)
is slow and awkward in Cypher, so every step of ``graph.steps`` is also written as one ``LINK``
relationship between its two actors, with properties::

    uri        deterministic: a hash of via, endpoints and relation (graph.steps.step_uri)
    via        the fact IRI (absent for part-of / country / nationality)
    relation   agreement | signature | commitment | influence | tenure | event |
               relation:<notation> | part-of | country | nationality
    kind       the fact's kind notation (mou, arms-supply, signing…), when it has one
    startDate, endDate      partial ISO dates, as stated
    startKey, endKey        first day of startDate, last day of endDate (YYYY-MM-DD), for filters
    sources    article IRIs
    quotes, claimants, evidenceArticles   the evidence, as aligned lists (claimant "" if none)

Writing (the store facade does this in the same write transaction as the projection)::

    records = link_records(rdf_store, touched_subjects)   # read the RDF store, after its write
    refresh_links(tx, records)                              # inside the Neo4j write transaction

and ``ensure_link_schema(session)`` once at start (indexes on ``LINK.uri`` and ``LINK.via``);
``replace_all_links(tx, all_link_records(rdf_store))`` rebuilds every ``LINK`` (sync).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from neo4j import ManagedTransaction, Session

from graph.queries.rdf_steps import StepDelta, all_steps, step_delta
from graph.queries.sparql import SparqlReader
from graph.steps import Evidence, Step
from graph.stores import RDFStore

LINK_SCHEMA = (
    "CREATE INDEX link_uri IF NOT EXISTS FOR ()-[l:LINK]-() ON (l.uri)",
    "CREATE INDEX link_via IF NOT EXISTS FOR ()-[l:LINK]-() ON (l.via)",
    "CREATE INDEX link_relation IF NOT EXISTS FOR ()-[l:LINK]-() ON (l.relation)",
)
"""Indexes the LINK relationships rely on (schema commands: run outside a data transaction)."""

DELETE_LINKS_VIA = """
UNWIND $vias AS via
MATCH ()-[l:LINK {via: via}]->()
DELETE l
"""
"""Drop the LINKs of some facts."""

DELETE_PLAIN_LINKS = """
UNWIND $subjects AS subject
MATCH (:Resource {uri: subject})-[l:LINK]->()
WHERE l.via IS NULL
DELETE l
"""
"""Drop the part-of / country / nationality LINKs starting at some subjects."""

DELETE_ALL_LINKS = """
MATCH ()-[l:LINK]->()
WITH l LIMIT $batch
DELETE l
RETURN count(*) AS deleted
"""
"""Drop up to ``$batch`` LINKs (repeat until 0)."""

WRITE_LINKS = """
UNWIND $rows AS row
MATCH (a:Resource {uri: row.source})
MATCH (b:Resource {uri: row.target})
MERGE (a)-[l:LINK {uri: row.uri}]->(b)
SET l += row.properties
"""
"""Create or update LINKs; endpoints missing from the projection are skipped."""

BATCH = 1000


@dataclass(frozen=True)
class LinkRecords:
    """What :func:`refresh_links` writes: drop the LINKs of ``vias`` and the via-less LINKs
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
    )


def records_from_delta(delta: StepDelta) -> LinkRecords:
    """LINK records of a step delta."""
    return LinkRecords(delta.vias, delta.plain_subjects, tuple(link_row(s) for s in delta.steps))


def link_records(store: RDFStore, touched: Iterable[str]) -> LinkRecords:
    """The LINK records to rewrite after the subjects ``touched`` by a load/retraction changed.

    Call it after the RDF store was written (it reads the union of the article graphs).
    """
    return records_from_delta(step_delta(SparqlReader.of_store(store), touched))


def all_link_records(store: RDFStore) -> list[dict[str, Any]]:
    """Rows of every LINK of the store (for :func:`replace_all_links`)."""
    return [link_row(s) for s in all_steps(SparqlReader.of_store(store))]


def _batches(items: Sequence[Any], size: int) -> Iterable[list[Any]]:
    """``items`` in lists of at most ``size``."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def write_link_rows(tx: ManagedTransaction, rows: Sequence[Mapping[str, Any]]) -> None:
    """MERGE LINK rows in UNWIND batches."""
    for batch in _batches(rows, BATCH):
        tx.run(WRITE_LINKS, rows=batch).consume()


def refresh_links(tx: ManagedTransaction, records: LinkRecords) -> None:
    """Rewrite the LINKs of some facts and actors, inside the caller's write transaction."""
    for vias in _batches(records.vias, BATCH):
        tx.run(DELETE_LINKS_VIA, vias=vias).consume()
    for subjects in _batches(records.plain_subjects, BATCH):
        tx.run(DELETE_PLAIN_LINKS, subjects=subjects).consume()
    write_link_rows(tx, records.rows)


def replace_all_links(tx: ManagedTransaction, rows: Sequence[Mapping[str, Any]]) -> None:
    """Drop every LINK and write ``rows`` (a full rebuild, in the caller's transaction)."""
    while tx.run(DELETE_ALL_LINKS, batch=10 * BATCH).single(strict=True)["deleted"]:
        pass
    write_link_rows(tx, rows)


def ensure_link_schema(session: Session) -> None:
    """Create the LINK indexes (idempotent; each in its own auto-commit transaction)."""
    for statement in LINK_SCHEMA:
        session.run(statement).consume()


class LinkExtension:
    """The :class:`graph.neo4j_store.Neo4jExtension` that keeps the LINKs in step with loads."""

    def __init__(self, store: RDFStore) -> None:
        self.store = store

    def ensure_schema(self, session: Session) -> None:
        """Create the LINK indexes."""
        ensure_link_schema(session)

    def refresh(self, tx: ManagedTransaction, subjects: Sequence[str]) -> None:
        """Rewrite the LINKs that depend on ``subjects`` (the RDF store is already written)."""
        refresh_links(tx, link_records(self.store, subjects))

    def rebuild(self, session: Session) -> None:
        """Rewrite every LINK from the RDF store (after a sync)."""
        rows = all_link_records(self.store)
        session.execute_write(replace_all_links, rows)
