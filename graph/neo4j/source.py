"""The Neo4j backend's primitives: Cypher over the projection and the ``LINK`` relationships.

Every statement is a module-level constant with parameters. One small fixed family is built
at import time and selected by a value validated against a closed set, never from input text:
``INSTANCES[label]`` / ``COUNT[label]`` for the dg labels of
:data:`LABELS` (labels cannot be parameters). Reads run in managed READ transactions
(``session.execute_read``) with a timeout.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from neo4j import READ_ACCESS, Driver, ManagedTransaction, Record, unit_of_work

from graph.errors import (
    InvalidData,
)
from graph.neo4j.errors import neo4j_errors
from graph.neo4j.links import step_from_link
from graph.queries.entities import EntityInfo, make_entity
from graph.queries.filters import LINK_FILTER, NODE_FILTER, StepFilter
from graph.queries.source import FACT_LABELS, Described, Expansion, PagePlan, PageRecords
from graph.rules.steps import Step
from ontology.classes import ENTITY_TYPES

LABELS = (
    "Agreement", "Article", "Commitment", "Country", "Event", "Influence", "Official",
    "Organization", "Person", "Place", "Post", "Region", "Signature", "Tenure", "Reaction",
    "CollectiveActor",
)  # fmt: skip
_ENTITY_WHERE = "(" + " OR ".join(f"n:{label}" for label in sorted(ENTITY_TYPES)) + ")"
"""Entity labels from :mod:`ontology.classes` (constant class names, never user input)."""

ENTITIES = f"""
MATCH (n:Resource) WHERE {_ENTITY_WHERE}
RETURN n.uri AS uri, labels(n) AS labels, n.name AS name, n.alias AS alias
"""
ENTITY_INFOS = f"""
UNWIND $uris AS u
MATCH (n:Resource {{uri: u}}) WHERE {_ENTITY_WHERE}
RETURN n.uri AS uri, labels(n) AS labels, n.name AS name, n.alias AS alias
"""
_INCIDENT_MATCH = f"""
UNWIND $uris AS u
MATCH (a:Resource {{uri: u}})-[l:LINK]-(b:Resource)
WHERE {LINK_FILTER} AND (b.uri IN $exempt OR {NODE_FILTER.format(node="b")})
"""
INCIDENT = (
    _INCIDENT_MATCH
    + "RETURN u AS uri, startNode(l).uri AS source, endNode(l).uri AS target,"
    + " properties(l) AS props"
)
DEGREES = _INCIDENT_MATCH + "RETURN u AS uri, count(l) AS degree"
NEIGHBOURS = _INCIDENT_MATCH + "RETURN u AS uri, collect(DISTINCT b.uri) AS others"
BETWEEN = f"""
UNWIND $pairs AS pair
MATCH (a:Resource {{uri: pair[0]}})-[l:LINK]-(b:Resource {{uri: pair[1]}})
WHERE {LINK_FILTER}
RETURN pair, collect([startNode(l) = a, properties(l)]) AS links
"""
"""The LINKs between each pair, one row per pair (the driver decodes rows slowly: a hop of two
hubs carries hundreds of facts); ``true`` when the LINK starts at the pair's first actor."""
EDGES = f"""
MATCH (a:Resource)-[l:LINK]->(b:Resource)
WHERE {LINK_FILTER} AND {NODE_FILTER.format(node="a")} AND {NODE_FILTER.format(node="b")}
RETURN a.uri AS source, b.uri AS target
"""
RELATION_COUNTS = "MATCH ()-[l:LINK]->() RETURN l.relation AS relation, count(*) AS n"
DESCRIBE_NODES = """
UNWIND $uris AS u
MATCH (n:Resource {uri: u})
OPTIONAL MATCH (n)-[r]->(m:Resource) WHERE r.uri IS NULL
RETURN n.uri AS uri, labels(n) AS labels, properties(n) AS props,
       collect([type(r), m.uri]) AS out
"""
DESCRIBE_RELATIONS = """
UNWIND $uris AS u
MATCH (a:Resource)-[:LINK {via: u}]->(b:Resource)
WITH DISTINCT u, a, b
MATCH (a)-[r]->(b) WHERE r.uri = u AND type(r) <> 'LINK'
RETURN u AS uri, a.uri AS source, b.uri AS target, properties(r) AS props
"""
LOCAL_REFS = """
UNWIND $refs AS ref
MATCH (n:Resource) WHERE (n:Agreement OR n:Event OR n:Influence OR n:Reaction) AND ref IN n.localRef
RETURN ref, min(n.uri) AS uri
"""
"""Format 2: the fact each reference names (the labels of ``reactions.REF_LABELS``)."""
REFERRERS = """
MATCH (f:Resource)-[r]->(:Resource {uri: $uri})
WHERE type(r) IN $types AND r.uri IS NULL
RETURN DISTINCT f.uri AS subject, type(r) AS type
"""
PAGE = """
MATCH (n:Resource {uri: $uri})
OPTIONAL MATCH (f:Resource)-[r]->(n) WHERE type(r) IN $referrers AND r.uri IS NULL
WITH n, collect(DISTINCT CASE WHEN f IS NULL THEN NULL ELSE [f.uri, type(r)] END) AS refs,
     collect(DISTINCT f) AS firsts
WITH refs, [n] + firsts AS level1
CALL (level1) {
  UNWIND level1 AS x
  MATCH (x)-[o]->(m:Resource) WHERE type(o) IN $follow AND o.uri IS NULL
  RETURN collect(DISTINCT m) AS level2
}
CALL (level2) {
  UNWIND level2 AS x
  MATCH (x)-[o]->(m:Resource) WHERE type(o) IN $then AND o.uri IS NULL
  RETURN collect(DISTINCT m) AS level3
}
CALL (level1, level2, level3) {
  UNWIND level1 + level2 + level3 AS d
  WITH DISTINCT d
  OPTIONAL MATCH (d)-[o]->(m:Resource) WHERE o.uri IS NULL
  WITH d, collect([type(o), m.uri]) AS out
  RETURN collect([d.uri, labels(d), properties(d), out]) AS nodes
}
CALL (level1, level2, level3) {
  UNWIND level1 + level2 + level3 AS d
  WITH DISTINCT d WHERE any(l IN labels(d) WHERE l IN $facts)
  UNWIND coalesce(d.sources, []) AS s
  WITH DISTINCT s
  MATCH (a:Resource {uri: s})
  OPTIONAL MATCH (a)-[o]->(m:Resource) WHERE o.uri IS NULL
  WITH a, collect([type(o), m.uri]) AS out
  RETURN collect([a.uri, labels(a), properties(a), out]) AS articles
}
RETURN refs, nodes, articles
"""
"""A page (``GraphSource.page``) in one read: the root, the subjects of its ``$referrers``, the
targets of ``$follow`` out of those, of ``$then`` out of these, each described as
:data:`DESCRIBE_NODES` describes a node; and the articles stating the facts among them
(``$facts`` labels), described the same way."""
EXPAND = f"""
UNWIND $uris AS u
MATCH (a:Resource {{uri: u}})
OPTIONAL MATCH (a)-[l:LINK]-(b:Resource)
WHERE {LINK_FILTER} AND (b.uri IN $exempt OR {NODE_FILTER.format(node="b")})
WITH collect(DISTINCT a) AS starts,
     collect(CASE WHEN l IS NULL THEN NULL
             ELSE [u, startNode(l).uri, endNode(l).uri, properties(l)] END) AS links,
     collect(DISTINCT b) AS others
CALL (others) {{
  UNWIND others AS b
  CALL (b) {{
    MATCH (b)-[l:LINK]-(c:Resource)
    WHERE {LINK_FILTER} AND (c.uri IN $exempt OR {NODE_FILTER.format(node="c")})
    RETURN count(l) AS degree
  }}
  RETURN collect([b.uri, degree]) AS degrees
}}
RETURN links, degrees,
       [n IN starts + others | [n.uri, labels(n), n.name, n.alias]] AS entities
"""
"""One level of an ego network (``GraphSource.expand``): the filtered LINKs of ``$uris`` as
:data:`INCIDENT` gives them, :data:`DEGREES` of the actors at their other ends, and the
labels, name and alias of both (entities are told apart in Python, by
:data:`ENTITY_LABELS`)."""
ENTITY_LABELS = ENTITY_TYPES
"""The labels of :data:`_ENTITY_WHERE`."""
READ_RETRY_BUDGET_S = 2.0
"""Seconds a read may be retried on transient errors (leader switch, lost connection)."""


INSTANCES = {label: f"MATCH (n:{label}) RETURN n.uri AS uri" for label in LABELS}
COUNT = {label: f"MATCH (n:{label}) RETURN count(n) AS n" for label in LABELS}


def _entity(record: Record | Mapping[str, Any]) -> EntityInfo:
    """An :class:`EntityInfo` from a uri/labels/name/alias record."""
    alias = record["alias"]
    aliases = alias if isinstance(alias, list) else ([alias] if alias else [])
    return make_entity(record["uri"], record["labels"], record["name"], [str(a) for a in aliases])


def page_parameters(uri: str, plan: PagePlan) -> dict[str, Any]:
    """The parameters of :data:`PAGE` for ``plan`` around ``uri``."""
    return {
        "uri": uri,
        "referrers": list(plan.referrers),
        "follow": list(plan.follow),
        "then": list(plan.then),
        "facts": list(FACT_LABELS),
    }


class Neo4jSource:
    """:class:`graph.queries.source.GraphSource` over the Neo4j projection and LINKs."""

    def __init__(self, driver: Driver, database: str = "neo4j", timeout: float = 10.0) -> None:
        """Read through ``driver`` in ``database``; ``timeout`` seconds per transaction."""
        self._driver = driver
        self._database = database
        self._timeout = timeout

    def read(self, query: str, timeout: float | None = None, **params: Any) -> list[Record]:
        """Run one query in a managed READ transaction; driver errors become graph errors."""
        limit = timeout if timeout is not None else self._timeout

        @unit_of_work(timeout=limit)
        def work(tx: ManagedTransaction) -> list[Record]:
            return list(tx.run(query, params))

        with (
            neo4j_errors("reading Neo4j", timeout=limit),
            self._driver.session(
                database=self._database,
                default_access_mode=READ_ACCESS,
                # The driver retries for 30 s by default; while Neo4j is down a dashboard wants
                # its 503 now, not after half a minute of tied-up worker threads.
                max_transaction_retry_time=min(limit, READ_RETRY_BUDGET_S),
            ) as session,
        ):
            return session.execute_read(work)

    # ------------------------------------------------------------------ entities and steps

    def entities(self) -> list[EntityInfo]:
        """Every actor and region."""
        return sorted((_entity(r) for r in self.read(ENTITIES)), key=lambda e: e.uri)

    def entity_infos(self, uris: Sequence[str]) -> dict[str, EntityInfo]:
        """The entities among ``uris``."""
        return {r["uri"]: _entity(r) for r in self.read(ENTITY_INFOS, uris=list(uris))}

    def incident(
        self, uris: Sequence[str], flt: StepFilter, exempt: frozenset[str]
    ) -> dict[str, list[Step]]:
        """Filtered steps touching each actor, sorted by uri."""
        found: dict[str, dict[str, Step]] = {u: {} for u in uris}
        params = flt.cypher_params()
        for r in self.read(INCIDENT, uris=list(uris), exempt=sorted(exempt), **params):
            step = step_from_link(r["source"], r["target"], r["props"])
            found[r["uri"]][step.uri] = step
        return {u: [steps[k] for k in sorted(steps)] for u, steps in found.items()}

    def degrees(
        self, uris: Sequence[str], flt: StepFilter, exempt: frozenset[str]
    ) -> dict[str, int]:
        """Number of filtered steps touching each actor."""
        params = flt.cypher_params()
        counts = {u: 0 for u in uris}
        for r in self.read(DEGREES, uris=list(uris), exempt=sorted(exempt), **params):
            counts[r["uri"]] = int(r["degree"])
        return counts

    def neighbours(
        self, uris: Sequence[str], flt: StepFilter, exempt: frozenset[str]
    ) -> dict[str, list[str]]:
        """Distinct actors joined to each actor by a passing LINK (aggregated in Cypher: a
        pair joined by many facts is one row)."""
        params = flt.cypher_params()
        found: dict[str, list[str]] = {u: [] for u in uris}
        for r in self.read(NEIGHBOURS, uris=list(uris), exempt=sorted(exempt), **params):
            found[r["uri"]] = sorted(r["others"])
        return found

    def between(
        self, pairs: Sequence[tuple[str, str]], flt: StepFilter
    ) -> dict[tuple[str, str], list[Step]]:
        """Passing LINKs between the two actors of each pair."""
        found: dict[tuple[str, str], list[Step]] = {}
        rows = [list(p) for p in pairs]
        for pair, links in self.read(BETWEEN, pairs=rows, **flt.cypher_params()):
            a, b = pair
            steps = {
                props["uri"]: step_from_link(a, b, props)
                if forward
                else step_from_link(b, a, props)
                for forward, props in links
            }
            found[(a, b)] = [steps[k] for k in sorted(steps)]
        return found

    def edges(self, flt: StepFilter) -> list[tuple[str, str]]:
        """Ends of every LINK passing ``flt``."""
        return [(r["source"], r["target"]) for r in self.read(EDGES, **flt.cypher_params())]

    def relation_counts(self) -> dict[str, int]:
        """LINKs by relation."""
        return {r["relation"]: int(r["n"]) for r in self.read(RELATION_COUNTS)}

    # ------------------------------------------------------------------ facts

    def describe(self, uris: Sequence[str]) -> dict[str, Described]:
        """Projected nodes of ``uris``, and Relation relationships for the others."""
        wanted = list(dict.fromkeys(uris))
        found: dict[str, Described] = {}
        for r in self.read(DESCRIBE_NODES, uris=wanted):
            found[r["uri"]] = _described(r["uri"], r["labels"], r["props"], r["out"])
        # a dg:Relation IRI another fact points at (format 2: towards, in_response_to) is also a
        # bare referenced-only node: describe it as the relation
        rest = [u for u in wanted if u not in found or not found[u].labels]
        if rest:
            for r in self.read(DESCRIBE_RELATIONS, uris=rest):
                targets = {"RELATION_SUBJECT": (r["source"],), "RELATION_OBJECT": (r["target"],)}
                found[r["uri"]] = Described(r["uri"], ("Relation",), dict(r["props"]), targets)
        return found

    def expand(self, uris: Sequence[str], flt: StepFilter, exempt: frozenset[str]) -> Expansion:
        """One level of an ego network in one query (:data:`EXPAND`)."""
        params = flt.cypher_params()
        rows = self.read(EXPAND, uris=list(uris), exempt=sorted(exempt), **params)
        found: dict[str, dict[str, Step]] = {u: {} for u in uris}
        degrees: dict[str, int] = {}
        entities: dict[str, EntityInfo] = {}
        looked_up = set(uris)
        for row in rows:
            for uri, source, target, props in row["links"]:
                step = step_from_link(source, target, props)
                found[uri][step.uri] = step
            degrees.update((uri, int(degree)) for uri, degree in row["degrees"])
            for uri, labels, name, alias in row["entities"]:
                looked_up.add(uri)
                if not ENTITY_LABELS.isdisjoint(labels):
                    record = {"uri": uri, "labels": labels, "name": name, "alias": alias}
                    entities[uri] = _entity(record)
        incident = {u: tuple(steps[k] for k in sorted(steps)) for u, steps in found.items()}
        return Expansion(incident, degrees, entities, frozenset(looked_up))

    def local_refs(self, refs: Sequence[str]) -> dict[str, str]:
        """See :class:`graph.queries.source.GraphSource`."""
        if not refs:
            return {}
        return {r["ref"]: r["uri"] for r in self.read(LOCAL_REFS, refs=sorted(set(refs)))}

    def page(self, uri: str, plan: PagePlan) -> PageRecords:
        """Everything ``plan`` reads around ``uri``, in one query (:data:`PAGE`)."""
        rows = self.read(PAGE, **page_parameters(uri, plan))
        if not rows:
            return PageRecords(uri, plan, {}, (), {}, frozenset((uri,)))
        refs, nodes = rows[0]["refs"], rows[0]["nodes"]
        described: dict[str, Described] = {}
        entities: dict[str, EntityInfo] = {}
        for node_uri, labels, props, out in nodes:
            described[node_uri] = _described(node_uri, labels, props, out)
            if not ENTITY_LABELS.isdisjoint(labels):
                record = {"uri": node_uri, "labels": labels}
                entities[node_uri] = _entity(record | {k: props.get(k) for k in ("name", "alias")})
        referrers = tuple(sorted({(s, t) for s, t in refs}))
        looked_up = frozenset((uri, *described))
        articles = {a[0]: _described(*a) for a in rows[0]["articles"]}
        return PageRecords(uri, plan, described, referrers, entities, looked_up, articles)

    def referrers(self, uri: str, rel_types: Sequence[str]) -> list[tuple[str, str]]:
        """Subjects pointing at ``uri`` through relationships of ``rel_types``."""
        records = self.read(REFERRERS, uri=uri, types=list(rel_types))
        return sorted({(r["subject"], r["type"]) for r in records})

    def instances(self, label: str) -> list[str]:
        """Every node with the dg label ``label``."""
        return sorted(r["uri"] for r in self.read(_pick(INSTANCES, label)))

    def label_counts(self, labels: Sequence[str]) -> dict[str, int]:
        """Nodes per dg label."""
        return {label: int(self.read(_pick(COUNT, label))[0]["n"]) for label in labels}


def _described(
    uri: str, labels: list[str], props: Mapping[str, Any], out: list[list[str | None]]
) -> Described:
    """A :class:`Described` node from its labels, properties and [type, target] pairs."""
    targets: dict[str, set[str]] = defaultdict(set)
    for rel_type, target in out:
        if rel_type is not None and target is not None:
            targets[rel_type].add(target)
    rels = {t: tuple(sorted(v)) for t, v in targets.items()}
    return Described(uri, tuple(sorted(set(labels) - {"Resource"})), dict(props), rels)


def _pick(family: Mapping[str, str], label: str) -> str:
    """The constant of a fixed family for a known label."""
    if label not in family:
        raise InvalidData(f"unknown label {label!r}")
    return family[label]


Reader = Callable[..., list[Record]]
