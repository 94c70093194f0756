"""The Neo4j projection sink: writes :class:`NodeRecord` / :class:`RelRecord` with the driver.

Every statement is a module-level constant taking parameters only. Labels and relationship
types vary with the data, so they are set with Neo4j 5.26's dynamic syntax (``SET n:$(labels)``,
``CREATE (a)-[r:$(type)]->(b)``) from parameters, never spliced into Cypher text; on top of that
each label and type must match ``^[A-Z][A-Za-z0-9_]*$`` (they come from ontology local names,
see ``graph.rules.records``) or the write is refused. APOC is not needed.

A change (:meth:`Neo4jProjection.apply`) is written in ONE managed transaction, in
``UNWIND`` batches: a load is all-or-nothing in Neo4j too. The ``LINK`` relationships between
actors (``graph.neo4j.links.LinkUpkeep``, the projection's collaborator) are rewritten in the
same transaction; what to delete is found before it opens (``LinkUpkeep.prepare``), so a
retried transaction does not compute it again.

During a load the records are still being computed while they are written: a
worker thread runs the transaction and writes each batch as the caller hands it over, so Neo4j
works while Python computes the next batch (the driver waits on its socket without the GIL). A
retried transaction writes every batch again from the start; if the caller fails, the
transaction is rolled back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, LiteralString, TypeVar

from neo4j import Driver, ManagedTransaction, Session

from graph.batching import chunks
from graph.errors import (
    InvalidData,
)
from graph.model import NodeRecord, ProjectionCounts, RecordBatch, RelRecord
from graph.neo4j.errors import neo4j_errors
from graph.neo4j.feed import Feed
from graph.neo4j.links import LinkRefresh, LinkUpkeep

BATCH_SIZE = 5000
"""Rows per ``UNWIND`` statement."""

SCHEMA: tuple[LiteralString, ...] = (
    "CREATE CONSTRAINT resource_uri IF NOT EXISTS FOR (n:Resource) REQUIRE n.uri IS UNIQUE",
    "CREATE INDEX resource_name IF NOT EXISTS FOR (n:Resource) ON (n.name)",
    "CREATE INDEX resource_iso_code IF NOT EXISTS FOR (n:Resource) ON (n.isoCode)",
    "CREATE INDEX resource_wikidata IF NOT EXISTS FOR (n:Resource) ON (n.wikidata)",
    "CREATE FULLTEXT INDEX resource_search IF NOT EXISTS "
    "FOR (n:Resource) ON EACH [n.name, n.alias, n.title]",
)
"""Constraints and indexes created by :meth:`Neo4jProjection.ensure_schema`."""
FULLTEXT_INDEX = "resource_search"

RESET_NODES: LiteralString = """
UNWIND $uris AS uri
MATCH (n:Resource {uri: uri})
OPTIONAL MATCH (n)-[r]->(m)
WHERE r.uri IS NULL
WITH n, collect(r) AS rels, collect(DISTINCT m.uri) AS ends
FOREACH (r IN rels | DELETE r)
SET n = {uri: n.uri}
WITH n, ends, [label IN labels(n) WHERE label <> 'Resource'] AS extra
REMOVE n:$(extra)
RETURN n.uri AS uri, ends,
       [(n)-[o]->(p) WHERE o.uri IS NOT NULL AND type(o) <> 'LINK'
        | [elementId(o), o.uri, p.uri]] AS named
"""
"""Strip nodes to ``(:Resource {uri})``, delete the relationships they own without ``uri``, and
return the other ones (but LINKs): those whose ``uri`` is reset too are theirs (a ``dg:Relation``
relationship), deleted with :data:`DELETE_OWNED`. (Checking ``r.uri IN $reset`` here would send
every reset IRI with every batch: 150,000 of them 30 times for 10,000 articles.)"""

DELETE_OWNED: LiteralString = """
UNWIND $owned AS row
MATCH (n:Resource {uri: row.start})-[r]->()
WHERE elementId(r) IN row.ids
DELETE r
"""
"""Delete relationships by element id, found from their start node (an index seek: a bare
``elementId(r) = id`` may be planned as a scan of every relationship)."""

WRITE_NODES: LiteralString = """
UNWIND $rows AS row
MERGE (n:Resource {uri: row.uri})
SET n = row.properties
SET n:$(row.labels)
"""

WRITE_RELATIONSHIPS: LiteralString = """
UNWIND $rows AS row
MERGE (a:Resource {uri: row.start})
MERGE (b:Resource {uri: row.end})
CREATE (a)-[r:$(row.type)]->(b)
SET r = row.properties
"""

DELETE_ORPHANS: LiteralString = """
UNWIND $uris AS uri
MATCH (n:Resource {uri: uri})
WHERE n.sources IS NULL AND NOT EXISTS { (n)--() }
DELETE n
RETURN count(n) AS deleted
"""
"""Delete nodes no article describes (no ``sources``) and nothing links to."""

REMOVE_NODES: LiteralString = """
UNWIND $uris AS uri
MATCH (n:Resource {uri: uri})
DETACH DELETE n
RETURN count(n) AS deleted
"""

CLEAR_BATCH: LiteralString = """
MATCH (n:Resource) WITH n LIMIT $limit
DETACH DELETE n
RETURN count(n) AS deleted
"""

PING: LiteralString = "RETURN 1"
COUNT_NODES: LiteralString = "MATCH (n:Resource) RETURN count(n) AS n"
COUNT_LABELS: LiteralString = (
    "MATCH (n:Resource) UNWIND labels(n) AS label RETURN label AS key, count(*) AS n"
)
COUNT_TYPES: LiteralString = (
    "MATCH (:Resource)-[r]->(:Resource) RETURN type(r) AS key, count(*) AS n"
)

IDENTIFIER = re.compile(r"^[A-Z][A-Za-z0-9_]*$")
"""What a label or relationship type must look like."""

T = TypeVar("T")


def _node_row(record: NodeRecord) -> dict[str, Any]:
    """Parameters of one node; labels are checked against :data:`IDENTIFIER`."""
    for label in record.labels:
        if not IDENTIFIER.match(label):
            raise InvalidData(f"invalid label {label!r} on <{record.uri}>")
    return {"uri": record.uri, "labels": list(record.labels), "properties": dict(record.properties)}


def _rel_row(record: RelRecord) -> dict[str, Any]:
    """Parameters of one relationship; its type is checked against :data:`IDENTIFIER`."""
    if not IDENTIFIER.match(record.type):
        raise InvalidData(f"invalid relationship type {record.type!r} from <{record.start}>")
    return {
        "start": record.start,
        "end": record.end,
        "type": record.type,
        "properties": dict(record.properties),
    }


class Neo4jProjection:
    """A :class:`graph.model.Projection` on Neo4j 5.26 through the official driver."""

    def __init__(
        self,
        driver: Driver,
        database: str = "neo4j",
        *,
        batch_size: int = BATCH_SIZE,
        max_retry_time: float | None = None,
        links: LinkUpkeep | None = None,
    ) -> None:
        self.driver = driver
        self.database = database
        self.batch_size = batch_size
        self.max_retry_time = max_retry_time
        """Seconds the driver keeps retrying a transaction on transient errors (None: 30)."""
        self.links = links
        """Keeps the ``LINK`` relationships between actors in step, in the same transactions."""

    def _session(self) -> Session:
        """A session on our database."""
        if self.max_retry_time is None:
            return self.driver.session(database=self.database)
        return self.driver.session(
            database=self.database, max_transaction_retry_time=self.max_retry_time
        )

    # ------------------------------------------------------------------ Projection

    def ensure_schema(self) -> None:
        """Create the uniqueness constraint on ``Resource.uri`` and the indexes (idempotent)."""
        with neo4j_errors("creating the Neo4j schema"), self._session() as session:
            for statement in SCHEMA:
                session.run(statement).consume()
            if self.links is not None:
                self.links.ensure_schema(session)

    def check(self) -> None:
        """Raise :class:`StoreUnavailable` unless Neo4j answers."""
        with neo4j_errors("connecting to Neo4j"), self._session() as session:
            session.run(PING).consume()

    def apply(self, reset: Sequence[str], batches: Iterable[RecordBatch]) -> None:
        """Apply one change whose records come in ``batches``, in one managed transaction.

        With subjects to reset (a load), each batch is written while the next is computed:
        ``batches`` is consumed in the calling thread, the transaction runs in a worker
        thread. An error on either side rolls the transaction back and is raised here.
        Without (a ``sync`` batch), the records are written at once.
        """
        reset = list(reset)
        if not reset:
            collected = list(batches)
            nodes = [_node_row(r) for batch, _ in collected for r in batch]
            relationships = [_rel_row(r) for _, batch in collected for r in batch]
            if nodes or relationships:
                with neo4j_errors("writing the Neo4j projection"):
                    self._write(reset, Feed.of(nodes, relationships), None)
            return
        staged = self._prepare(reset)
        feed = Feed()
        with (
            neo4j_errors("writing the Neo4j projection"),
            ThreadPoolExecutor(1, thread_name_prefix="diplograph-neo4j") as pool,
        ):
            writing = pool.submit(self._write, reset, feed, staged)
            try:
                for node_records, rel_records in batches:
                    if writing.done():  # the transaction failed: its error is raised below
                        break
                    feed.put(
                        [_node_row(r) for r in node_records], [_rel_row(r) for r in rel_records]
                    )
                if staged is not None and not writing.done():
                    staged.complete()
                feed.close()
                writing.result()
            except BaseException:  # an error here, or an interrupt: no commit
                feed.abort()
                raise
        return None

    def _prepare(self, reset: list[str]) -> LinkRefresh | None:
        """The LINK writes of this load (none without LINK upkeep or subjects to reset)."""
        return self.links.prepare(reset) if self.links is not None and reset else None

    def _write(self, reset: list[str], feed: Feed, staged: LinkRefresh | None) -> None:
        """Run the transaction function :meth:`_apply` (retried by the driver as a whole)."""
        with self._session() as session:
            session.execute_write(self._apply, reset, feed, staged)

    def _apply(
        self,
        tx: ManagedTransaction,
        reset: list[str],
        feed: Feed,
        staged: LinkRefresh | None,
    ) -> None:
        """The transaction function of :meth:`apply` (rerun as a whole on a retry)."""
        if staged is not None:
            staged.before(tx)
        candidates, resetting = set(reset), set(reset)
        owned: list[dict[str, Any]] = []
        for batch in chunks(reset, self.batch_size):
            for record in tx.run(RESET_NODES, uris=batch):
                candidates.update(record["ends"])
                ids = [eid for eid, uri, _end in record["named"] if uri in resetting]
                candidates.update(end for _eid, uri, end in record["named"] if uri in resetting)
                if ids:
                    owned.append({"start": record["uri"], "ids": ids})
        for rows in chunks(owned, self.batch_size):
            tx.run(DELETE_OWNED, owned=rows).consume()
        for nodes, relationships in feed:
            for rows in chunks(nodes, self.batch_size):
                tx.run(WRITE_NODES, rows=rows).consume()
            for rows in chunks(relationships, self.batch_size):
                tx.run(WRITE_RELATIONSHIPS, rows=rows).consume()
        if staged is not None:
            staged.after(tx)
        for batch in chunks(sorted(candidates), self.batch_size):
            tx.run(DELETE_ORPHANS, uris=batch).consume()
        feed.check()

    def rebuilt(self) -> None:
        """Rebuild every ``LINK`` from the RDF store, after a ``sync``."""
        if self.links is not None:
            with neo4j_errors("rebuilding the LINK relationships"), self._session() as session:
                self.links.rebuild(session)

    def remove_nodes(self, uris: Sequence[str]) -> int:
        """Delete these nodes with their relationships, in one transaction."""
        with neo4j_errors("deleting Neo4j nodes"), self._session() as session:
            return session.execute_write(self._remove, list(uris))

    def _remove(self, tx: ManagedTransaction, uris: list[str]) -> int:
        deleted = 0
        for batch in chunks(uris, self.batch_size):
            deleted += int(tx.run(REMOVE_NODES, uris=batch).single(strict=True)["deleted"])
        return deleted

    def clear(self) -> int:
        """Delete every ``Resource`` node and its relationships, one transaction per batch."""
        deleted = 0
        with neo4j_errors("clearing the Neo4j projection"), self._session() as session:
            while True:
                count = session.execute_write(self._clear_batch)
                deleted += count
                if count == 0:
                    return deleted

    def _clear_batch(self, tx: ManagedTransaction) -> int:
        return int(tx.run(CLEAR_BATCH, limit=self.batch_size).single(strict=True)["deleted"])

    def counts(self) -> ProjectionCounts:
        """Nodes and relationships, in total and by label and type."""
        with neo4j_errors("counting the Neo4j projection"), self._session() as session:
            nodes = int(session.run(COUNT_NODES).single(strict=True)["n"])
            labels = {r["key"]: int(r["n"]) for r in session.run(COUNT_LABELS)}
            types = {r["key"]: int(r["n"]) for r in session.run(COUNT_TYPES)}
        return ProjectionCounts(
            nodes, sum(types.values()), dict(sorted(labels.items())), dict(sorted(types.items()))
        )
