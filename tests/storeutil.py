"""Helpers for the store tests: article graphs built by hand after docs/data-model.md, an
in-memory projection sink with the same semantics as Neo4j's, and canonical dumps to compare.

Run ``python -m tests.storeutil`` to measure load throughput into Oxigraph (and Neo4j when the
``DIPLOGRAPH_NEO4J_*`` variables are set).
"""

from __future__ import annotations

import copy
import hashlib
import os
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from neo4j import ManagedTransaction, unit_of_work
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SKOS, XSD

from graph.errors import ResultTooLarge
from graph.model import NodeRecord, ProjectionCounts, RecordBatch, RelRecord
from graph.neo4j.errors import neo4j_errors
from graph.neo4j.projection import Neo4jProjection
from ontology.namespace import DG, ID, WD, concept

# ------------------------------------------------------------------------------ article graphs


def fact_iri(kind: str, *key: object) -> URIRef:
    """A deterministic n-ary fact IRI: ``id:{kind}/{hash of key}``."""
    digest = hashlib.sha256("|".join(map(str, key)).encode()).hexdigest()[:16]
    return ID[f"{kind}/{digest}"]


def country(iso: str) -> URIRef:
    """``id:country/{ISO}``."""
    return ID[f"country/{iso}"]


def person(slug: str) -> URIRef:
    """``id:person/{slug}``."""
    return ID[f"person/{slug}"]


def organization(slug: str) -> URIRef:
    """``id:organization/{slug}``."""
    return ID[f"organization/{slug}"]


@dataclass
class Article:
    """One article graph being built; every method adds triples as data-model.md says."""

    article_id: str
    title: str = "An article"
    date: str = "2025-01-24"
    graph: Graph = field(default_factory=Graph)

    def __post_init__(self) -> None:
        self.iri = ID[f"article/{self.article_id}"]
        self.add(self.iri, RDF.type, DG.Article)
        self.add(self.iri, DG.title, Literal(self.title))
        self.add(self.iri, DG.date, Literal(self.date, datatype=XSD.date))
        self.add(self.iri, DG.url, Literal(f"https://news.example/{self.article_id}"))

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        """Add one triple."""
        self.graph.add((s, p, o))

    def country(self, iso: str, name: str, *aliases: str, wikidata: str | None = None) -> URIRef:
        """Describe a country."""
        iri = country(iso)
        self.add(iri, RDF.type, DG.Country)
        self.add(iri, DG.name, Literal(name))
        self.add(iri, DG.isoCode, Literal(iso))
        for alias in aliases:
            self.add(iri, DG.alias, Literal(alias))
        if wikidata:
            self.add(iri, DG.wikidata, Literal(wikidata))
            self.add(iri, OWL.sameAs, WD[wikidata])
        return iri

    def official(self, slug: str, name: str, nationality: URIRef, honorific: str = "") -> URIRef:
        """Describe an official."""
        iri = person(slug)
        self.add(iri, RDF.type, DG.Person)
        self.add(iri, RDF.type, DG.Official)
        self.add(iri, DG.name, Literal(name))
        self.add(iri, DG.nationality, nationality)
        if honorific:
            self.add(iri, DG.honorific, Literal(honorific))
        return iri

    def organization(self, slug: str, name: str, *aliases: str) -> URIRef:
        """Describe an organisation."""
        iri = organization(slug)
        self.add(iri, RDF.type, DG.Organization)
        self.add(iri, DG.name, Literal(name))
        for alias in aliases:
            self.add(iri, DG.alias, Literal(alias))
        return iri

    def evidence(self, quote: str, claimant: str = "", claimed_by: URIRef | None = None) -> URIRef:
        """An evidence node of this article."""
        iri = fact_iri("evidence", self.article_id, quote, claimant, claimed_by)
        self.add(iri, RDF.type, DG.Evidence)
        self.add(iri, DG.quote, Literal(quote))
        self.add(iri, DG.inArticle, self.iri)
        if claimant:
            self.add(iri, DG.claimant, Literal(claimant))
            self.add(iri, DG.anonymous, Literal(True))
        if claimed_by is not None:
            self.add(iri, DG.claimedBy, claimed_by)
        return iri

    def agreement(
        self, parties: Iterable[URIRef], signed: str, title: str, areas: Iterable[str], quote: str
    ) -> URIRef:
        """An MOU between ``parties``."""
        parties = sorted(parties)
        iri = fact_iri("agreement", "mou", *parties, signed)
        for cls in (DG.Agreement, DG.MOU):
            self.add(iri, RDF.type, cls)
        self.add(iri, DG.title, Literal(title))
        self.add(iri, DG.dateSigned, Literal(signed, datatype=XSD.date))
        self.add(iri, DG.legallyBinding, Literal(False))
        for party in parties:
            self.add(iri, DG.party, party)
        for area in areas:
            self.add(iri, DG.coversArea, concept("area", area))
        self.add(iri, DG.evidence, self.evidence(quote))
        return iri

    def signature(
        self, agreement: URIRef, signatory: URIRef, on_behalf_of: URIRef, quote: str, **claim: Any
    ) -> URIRef:
        """Who signed ``agreement`` on whose behalf."""
        iri = fact_iri("signature", agreement, signatory, on_behalf_of)
        self.add(iri, RDF.type, DG.Signature)
        self.add(iri, DG.agreement, agreement)
        self.add(iri, DG.signatory, signatory)
        self.add(iri, DG.onBehalfOf, on_behalf_of)
        self.add(iri, DG.evidence, self.evidence(quote, **claim))
        return iri

    def relation(
        self, subject: URIRef, obj: URIRef, kind: str, quote: str, end: str | None = None
    ) -> URIRef:
        """A ``dg:Relation`` statement node."""
        iri = fact_iri("relation", subject, obj, kind)
        self.add(iri, RDF.type, DG.Relation)
        self.add(iri, DG.relationSubject, subject)
        self.add(iri, DG.relationObject, obj)
        self.add(iri, DG.relationKind, concept("relation-kind", kind))
        if end:
            self.add(iri, DG.endDate, Literal(end, datatype=XSD.gYear))
        self.add(iri, DG.evidence, self.evidence(quote))
        return iri

    def influence(self, influencer: URIRef, influenced: URIRef, kind: str, quote: str) -> URIRef:
        """A ``dg:Influence`` node."""
        iri = fact_iri("influence", influencer, influenced, kind)
        self.add(iri, RDF.type, DG.Influence)
        self.add(iri, DG.influencer, influencer)
        self.add(iri, DG.influenced, influenced)
        self.add(iri, DG.influenceKind, concept("influence-kind", kind))
        self.add(iri, DG.direction, concept("influence-direction", "strengthening"))
        self.add(iri, DG.evidence, self.evidence(quote))
        return iri

    def minted_area(self, slug: str, label: str) -> URIRef:
        """A cooperation area the scheme lacks, described in this article."""
        iri = concept("area", slug)
        self.add(iri, RDF.type, SKOS.Concept)
        self.add(iri, RDF.type, DG.CooperationArea)
        self.add(iri, SKOS.prefLabel, Literal(label, lang="en"))
        self.add(iri, SKOS.notation, Literal(slug))
        return iri


def dataset(*articles: Article) -> Dataset:
    """A Dataset with one named graph per article."""
    ds = Dataset()
    for article in articles:
        target = ds.graph(article.iri)
        for triple in article.graph:
            target.add(triple)
    return ds


def us_algeria() -> Article:
    """The reference article, abridged: the MOU, its signatories, a relation, an influence."""
    a = Article("us-algeria-mou", "US, Algeria sign agreement", "2025-01-24")
    usa = a.country("USA", "United States", "U.S.", "Washington", wikidata="Q30")
    dza = a.country("DZA", "Algeria", "Algiers")
    fra = a.country("FRA", "France")
    rus = a.country("RUS", "Russia", "Moscow")
    africom = a.organization("africom", "U.S. Africa Command", "AFRICOM", "Africom")
    langley = a.official("michael-langley", "Michael Langley", usa, "Gen.")
    chanegriha = a.official("said-chanegriha", "Saïd Chanegriha", dza, "Gen.")
    areas = ["counterterrorism", "maritime-search-and-rescue"]
    mou = a.agreement([usa, dza], "2025-01-22", "U.S.-Algeria MOU", areas, "signed a memorandum")
    a.minted_area("cyber-defence", "cyber defence")
    a.add(mou, DG.coversArea, concept("area", "cyber-defence"))
    a.signature(mou, langley, usa, "Langley signed", claimed_by=africom)
    a.signature(mou, chanegriha, dza, "Chanegriha signed", claimant="a U.S. defense official")
    a.relation(fra, dza, "ruled", "French rule ended in 1962", end="1962")
    a.influence(rus, dza, "arms-supply", "relies on Russian equipment")
    return a


def algeria_russia() -> Article:
    """A second article sharing Algeria and Russia with the first, with facts of its own."""
    a = Article("algeria-russia", "Algeria and Russia", "2025-02-01")
    dza = a.country("DZA", "Algeria", "People's Democratic Republic of Algeria")
    rus = a.country("RUS", "Russia")
    a.relation(rus, dza, "close-to", "Moscow and Algiers are close")
    a.influence(rus, dza, "arms-supply", "Russia supplies most of Algeria's arms")
    return a


def synthetic(n_articles: int, facts: int) -> Dataset:
    """``n_articles`` articles of ``facts`` agreements each, over a shared pool of countries."""
    articles = []
    for number in range(n_articles):
        a = Article(f"synthetic-{number}", f"Synthetic article {number}")
        for fact in range(facts):
            first = a.country(f"C{fact % 40:02d}", f"Country {fact % 40}")
            second = a.country(f"D{(fact + number) % 40:02d}", f"Other {(fact + number) % 40}")
            signer = a.official(f"p{number}-{fact}", f"Person {number} {fact}", first)
            mou = a.agreement(
                [first, second], f"20{10 + fact % 15}-01-01", f"Pact {number}/{fact}",
                ["counterterrorism"], f"quote {number} {fact}",
            )  # fmt: skip
            a.signature(mou, signer, first, f"signed {number} {fact}")
        articles.append(a)
    return dataset(*articles)


# ------------------------------------------------------------------------------ projection sink


@dataclass(frozen=True)
class ProjectionChange:
    """One change a :class:`MemoryProjection` applied (see ``graph.model.Projection.apply``)."""

    reset: tuple[str, ...] = ()
    nodes: tuple[NodeRecord, ...] = ()
    relationships: tuple[RelRecord, ...] = ()


class MemoryProjection:
    """A :class:`graph.model.Projection` in Python dicts, with Neo4j's write semantics."""

    def __init__(self, fail: BaseException | None = None) -> None:
        self.nodes: dict[str, tuple[set[str], dict[str, Any]]] = {}
        self.rels: list[tuple[str, str, str, dict[str, Any]]] = []
        self.fail = fail
        """Raised by :meth:`apply` (after half the work, then rolled back) when set."""
        self.applied: list[ProjectionChange] = []
        """Every change applied, in order."""

    def ensure_schema(self) -> None:
        """Nothing to create."""

    def check(self) -> None:
        """Always available."""

    def apply(self, reset: Sequence[str], batches: Iterable[RecordBatch]) -> None:
        """Apply the change atomically (on a copy, swapped in at the end)."""
        collected = list(batches)
        change = ProjectionChange(
            tuple(reset),
            tuple(n for nodes, _ in collected for n in nodes),
            tuple(r for _, rels in collected for r in rels),
        )
        nodes, rels = copy.deepcopy(self.nodes), copy.deepcopy(self.rels)
        reset = set(change.reset)
        candidates = set(reset)
        kept = []
        for rel in rels:
            start, _type, end, props = rel
            owner = props.get("uri")
            if start in reset and (owner is None or owner in reset):
                candidates.add(end)
            else:
                kept.append(rel)
        rels = kept
        for uri in reset & nodes.keys():
            nodes[uri] = ({"Resource"}, {"uri": uri})
        if self.fail is not None:
            raise self.fail
        for node in change.nodes:
            nodes[node.uri] = (set(node.labels), dict(node.properties))
        for record in change.relationships:
            for uri in (record.start, record.end):
                nodes.setdefault(uri, ({"Resource"}, {"uri": uri}))
            rels.append((record.start, record.type, record.end, dict(record.properties)))
        linked = {r[0] for r in rels} | {r[2] for r in rels}
        for uri in candidates:
            if uri in nodes and "sources" not in nodes[uri][1] and uri not in linked:
                del nodes[uri]
        self.nodes, self.rels = nodes, rels
        self.applied.append(change)

    def rebuilt(self) -> None:
        """Nothing kept besides the records."""

    def remove_nodes(self, uris: Iterable[str]) -> int:
        """Delete nodes and their relationships."""
        gone = set(uris) & self.nodes.keys()
        for uri in gone:
            del self.nodes[uri]
        self.rels = [r for r in self.rels if r[0] not in gone and r[2] not in gone]
        return len(gone)

    def clear(self) -> int:
        """Delete everything."""
        count = len(self.nodes)
        self.nodes, self.rels = {}, []
        return count

    def counts(self) -> ProjectionCounts:
        """Totals by label and type."""
        labels: dict[str, int] = {}
        types: dict[str, int] = {}
        for node_labels, _props in self.nodes.values():
            for label in node_labels:
                labels[label] = labels.get(label, 0) + 1
        for _start, rel_type, _end, _props in self.rels:
            types[rel_type] = types.get(rel_type, 0) + 1
        return ProjectionCounts(
            len(self.nodes),
            len(self.rels),
            dict(sorted(labels.items())),
            dict(sorted(types.items())),
        )

    def dump(self) -> PropertyGraphDump:
        """Canonical content."""
        nodes = {
            uri: (frozenset(labels), _freeze(props)) for uri, (labels, props) in self.nodes.items()
        }
        rels = sorted((s, t, e, _freeze(p)) for s, t, e, p in self.rels)
        return PropertyGraphDump(nodes, rels)


# ------------------------------------------------------------------------------ canonical dumps


@dataclass(frozen=True)
class PropertyGraphDump:
    """Nodes by uri (labels, properties) and sorted relationships, all hashable."""

    nodes: dict[str, tuple[frozenset[str], tuple[tuple[str, Any], ...]]]
    rels: list[tuple[str, str, str, tuple[tuple[str, Any], ...]]]


def _freeze(props: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """Properties as a sorted tuple, lists as tuples."""
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in props.items()))


NEO4J_NODES = "MATCH (n:Resource) RETURN n.uri AS uri, labels(n) AS labels, properties(n) AS props"
NEO4J_RELS = (
    "MATCH (a:Resource)-[r]->(b:Resource) "
    "RETURN a.uri AS start, type(r) AS type, b.uri AS end, properties(r) AS props"
)


def neo4j_dump(driver: Any, database: str) -> PropertyGraphDump:
    """Canonical content of a Neo4j database."""
    nodes_rows, _, _ = driver.execute_query(NEO4J_NODES, database_=database)
    rel_rows, _, _ = driver.execute_query(NEO4J_RELS, database_=database)
    nodes = {r["uri"]: (frozenset(r["labels"]), _freeze(r["props"])) for r in nodes_rows}
    rels = sorted((r["start"], r["type"], r["end"], _freeze(r["props"])) for r in rel_rows)
    return PropertyGraphDump(nodes, rels)


def nquads_lines(data: bytes) -> list[str]:
    """N-Quads as a sorted list of lines (for exact comparisons)."""
    return sorted(line for line in data.decode("utf-8").splitlines() if line.strip())


# ------------------------------------------------------------------------------ benchmark


def bench(n_articles: int = 200, facts: int = 10) -> None:
    """Print load throughput into Oxigraph (and Neo4j when configured)."""
    from graph.rdf.store import OxigraphStore
    from graph.writer import GraphStore, paused_gc

    data = synthetic(n_articles, facts)
    triples = sum(len(g) for g in data.graphs())
    graphs = {str(g.identifier): g for g in data.graphs() if len(g)}
    for attempt in range(3):
        rdf = OxigraphStore()
        started = time.perf_counter()
        with paused_gc():
            rdf.replace_graphs(graphs)
        elapsed = time.perf_counter() - started
        print(
            f"Oxigraph replace_graphs #{attempt + 1}: {triples} triples in {elapsed:.3f} s = "
            f"{triples / elapsed:,.0f} triples/s"
        )
    started = time.perf_counter()
    GraphStore(OxigraphStore()).load_articles(data)
    elapsed = time.perf_counter() - started
    print(f"GraphStore.load_articles, RDF only: {triples / elapsed:,.0f} triples/s")
    uri = os.environ.get("DIPLOGRAPH_NEO4J_URI")
    if not uri:
        print("Neo4j: skipped (set DIPLOGRAPH_NEO4J_URI/USER/PASSWORD)")
        return
    from neo4j import GraphDatabase

    from graph.neo4j.projection import Neo4jProjection

    auth = (
        os.environ.get("DIPLOGRAPH_NEO4J_USER", "neo4j"),
        os.environ["DIPLOGRAPH_NEO4J_PASSWORD"],
    )
    with GraphDatabase.driver(uri, auth=auth) as driver:
        projection = Neo4jProjection(driver)
        projection.ensure_schema()
        for attempt in range(3):  # the first one also warms up the driver and Cypher's plans
            projection.clear()
            store = GraphStore(OxigraphStore(), projection)
            started = time.perf_counter()
            result = store.load_articles(data)
            elapsed = time.perf_counter() - started
            print(
                f"GraphStore.load_articles #{attempt + 1} (Oxigraph + projection + Neo4j in one "
                f"transaction): {triples} triples in {elapsed:.3f} s = "
                f"{triples / elapsed:,.0f} triples/s ({result.nodes} nodes, "
                f"{result.relationships} relationships)"
            )
        started = time.perf_counter()
        store.sync()
        elapsed = time.perf_counter() - started
        print(f"GraphStore.sync: {triples} triples in {elapsed:.3f} s = {triples / elapsed:,.0f}/s")
        projection.clear()


if __name__ == "__main__":
    bench(*(int(arg) for arg in sys.argv[1:3]))


def cypher_rows(
    projection: Neo4jProjection,
    cypher: str,
    parameters: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = None,
    max_rows: int | None = None,
) -> list[dict[str, Any]]:
    """Rows of a Cypher query on the projection's database, in a READ transaction, driver
    errors translated as the production code translates them (``graph.neo4j.errors``)."""

    @unit_of_work(timeout=timeout)
    def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for record in tx.run(cypher, dict(parameters or {})):
            if max_rows is not None and len(rows) >= max_rows:
                raise ResultTooLarge(f"more than {max_rows} rows", limit=max_rows)
            rows.append(record.data())
        return rows

    with (
        neo4j_errors("reading Neo4j"),
        projection.driver.session(database=projection.database) as session,
    ):
        return session.execute_read(work)
