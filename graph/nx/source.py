"""The networkx/SPARQL backend's primitives: the actor graph of ``graph.nx.graph`` for steps and
paths, the RDF store for facts (described by running ``graph.rules.records`` in memory, so they
read exactly like the Neo4j projection)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from graph.model import QuadRow, RDFStore
from graph.nx.described import Computed, Fetch, Reads, names_of
from graph.nx.view import ActorGraph, NxView
from graph.queries.entities import EntityInfo
from graph.queries.filters import StepFilter
from graph.queries.pages import compose_expansion, compose_page
from graph.queries.reactions import REF_LABELS
from graph.queries.source import Described, Expansion, PagePlan, PageRecords
from graph.rdf.reader import SparqlReader, iri, literal
from graph.rules.naming import dg_class, predicate_of, relationship_type
from graph.rules.records import gather, project
from graph.rules.steps import Step
from ontology.namespace import DG

INSTANCES = "SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a <{cls}> }} FILTER(isIRI(?s)) }}"
COUNT_INSTANCES = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a <{cls}> }} }}"
REFERRERS = (
    "SELECT DISTINCT ?s ?p WHERE {{ VALUES ?p {{ {predicates} }}"
    " GRAPH ?g {{ ?s ?p {target} }} FILTER(isIRI(?s)) }}"
)

LOCAL_REFS = (
    "SELECT ?r (MIN(STR(?s)) AS ?s) WHERE {{ VALUES ?r {{ {refs} }} VALUES ?c {{ {classes} }} "
    "GRAPH ?g {{ ?s <{local_ref}> ?r ; a ?c }} FILTER(isIRI(?s)) }} GROUP BY ?r"
)
"""Format 2: the fact each reference names (:data:`graph.queries.reactions.REF_LABELS`)."""

_EVIDENCE, _CLAIMED_BY = str(DG.evidence), str(DG.claimedBy)


class NxSource:
    """:class:`graph.queries.source.GraphSource` over a networkx view and the RDF store."""

    def __init__(self, store: RDFStore, view: NxView, reader: SparqlReader) -> None:
        """Steps from ``view``, facts from ``store`` (SPARQL through ``reader``)."""
        self._store = store
        self._view = view
        self._reader = reader

    @property
    def snapshot(self) -> ActorGraph:
        """The current actor graph (rebuilt when the store changed)."""
        return self._view.current()

    # ------------------------------------------------------------------ entities and steps

    def entities(self) -> list[EntityInfo]:
        """Every actor and region."""
        entities = self.snapshot.entities
        return [entities[k] for k in sorted(entities)]

    def entity_infos(self, uris: Sequence[str]) -> dict[str, EntityInfo]:
        """The entities among ``uris``."""
        entities = self.snapshot.entities
        return {u: entities[u] for u in uris if u in entities}

    def _passes(
        self, snap: ActorGraph, step: Step, other: str, flt: StepFilter, exempt: frozenset[str]
    ) -> bool:
        """Whether a step may be followed to ``other``."""
        if not flt.step_ok(step):
            return False
        return other in exempt or flt.node_ok(snap.types(other))

    def incident(
        self, uris: Sequence[str], flt: StepFilter, exempt: frozenset[str]
    ) -> dict[str, list[Step]]:
        """Filtered steps touching each actor."""
        snap = self.snapshot
        return {
            u: [s for s in snap.incident(u) if self._passes(snap, s, s.other(u), flt, exempt)]
            for u in uris
        }

    def degrees(
        self, uris: Sequence[str], flt: StepFilter, exempt: frozenset[str]
    ) -> dict[str, int]:
        """Number of filtered steps touching each actor."""
        return {u: len(steps) for u, steps in self.incident(uris, flt, exempt).items()}

    def neighbours(
        self, uris: Sequence[str], flt: StepFilter, exempt: frozenset[str]
    ) -> dict[str, list[str]]:
        """Distinct actors joined to each actor by a passing step."""
        return {
            u: sorted({s.other(u) for s in steps})
            for u, steps in self.incident(uris, flt, exempt).items()
        }

    def between(
        self, pairs: Sequence[tuple[str, str]], flt: StepFilter
    ) -> dict[tuple[str, str], list[Step]]:
        """Passing steps between the two actors of each pair."""
        snap = self.snapshot
        found: dict[tuple[str, str], list[Step]] = {}
        for u, v in pairs:
            steps = [s for s in snap.between(u, v) if flt.step_ok(s)]
            if steps:
                found[(u, v)] = steps
        return found

    def edges(self, flt: StepFilter) -> list[tuple[str, str]]:
        """Ends of every step passing ``flt`` (both ends pass the type filter)."""
        snap = self.snapshot
        return [
            (s.source, s.target)
            for s in snap.steps.values()
            if flt.step_ok(s)
            and flt.node_ok(snap.types(s.source))
            and flt.node_ok(snap.types(s.target))
        ]

    def relation_counts(self) -> dict[str, int]:
        """Steps by relation."""
        return dict(Counter(s.relation for s in self.snapshot.steps.values()))

    # ------------------------------------------------------------------ facts

    def describe(self, uris: Sequence[str]) -> dict[str, Described]:
        """Nodes and Relation relationships of ``uris`` as the projection computes them (kept
        between reads until a write touches what they read: ``graph.nx.described``)."""
        return self._view.described.describe(uris, self._described)

    def _described(self, wanted: list[str], fetch: Fetch) -> Computed:
        """Fresh descriptions of ``wanted`` (one batch) and what each one read."""
        quads = gather(wanted, fetch)
        projected = project(wanted, quads)
        out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        found: dict[str, Described] = {}
        asked = set(wanted)
        for rel in projected.relationships:
            if rel.uri is None:
                out[rel.start][rel.type].append(rel.end)
            elif rel.uri in asked:
                targets = {"RELATION_SUBJECT": (rel.start,), "RELATION_OBJECT": (rel.end,)}
                found[rel.uri] = Described(rel.uri, ("Relation",), dict(rel.properties), targets)
        for node in projected.nodes:
            labels = tuple(sorted(set(node.labels) - {"Resource"}))
            rels = {t: tuple(sorted(set(v))) for t, v in out[node.uri].items()}
            found[node.uri] = Described(node.uri, labels, dict(node.properties), rels)
        return Computed(found, _reads(wanted, quads))

    def referrers(self, uri: str, rel_types: Sequence[str]) -> list[tuple[str, str]]:
        """Subjects pointing at ``uri`` through the predicates of ``rel_types``."""
        predicates = " ".join(iri(predicate_of(t)) for t in rel_types)
        query = REFERRERS.format(predicates=predicates, target=iri(uri))
        rows = self._reader.select(query)
        return sorted({(r["s"] or "", relationship_type(r["p"] or "") or "") for r in rows})

    def instances(self, label: str) -> list[str]:
        """Every subject typed with the dg class ``label``."""
        rows = self._reader.select(INSTANCES.format(cls=dg_class(label)))
        return sorted({r["s"] for r in rows if r["s"]})

    def label_counts(self, labels: Sequence[str]) -> dict[str, int]:
        """Distinct subjects per dg class."""
        counts = {}
        for label in labels:
            rows = self._reader.select(COUNT_INSTANCES.format(cls=dg_class(label)))
            counts[label] = int(rows[0]["n"] or 0) if rows else 0
        return counts

    def local_refs(self, refs: Sequence[str]) -> dict[str, str]:
        """See :class:`graph.queries.source.GraphSource` (one SPARQL SELECT)."""
        if not refs:
            return {}
        query = LOCAL_REFS.format(
            refs=" ".join(literal(r) for r in sorted(set(refs))),
            classes=" ".join(iri(dg_class(label)) for label in REF_LABELS),
            local_ref=DG.localRef,
        )
        return {r["r"]: r["s"] for r in self._reader.select(query) if r["r"] and r["s"]}

    def page(self, uri: str, plan: PagePlan) -> PageRecords:
        """Composed of the other reads (in-process: one fetch would save nothing)."""
        return compose_page(self, uri, plan)

    def expand(self, uris: Sequence[str], flt: StepFilter, exempt: frozenset[str]) -> Expansion:
        """Composed of the other reads."""
        return compose_expansion(self, uris, flt, exempt)


def _reads(wanted: Sequence[str], quads: Sequence[QuadRow]) -> dict[str, Reads]:
    """What describing each subject of ``wanted`` reads (``graph.rules.records.project``):
    its quads and its evidence nodes' (``dg:evidence``), and the names of those nodes'
    claimers (``dg:claimedBy``: ``_fold_evidence`` names them, nothing else of theirs)."""
    by_subject: dict[str, list[QuadRow]] = defaultdict(list)
    for quad in quads:
        if isinstance(quad.subject, str):
            by_subject[quad.subject].append(quad)
    reads: dict[str, Reads] = {}
    for subject in wanted:
        evidence = {
            q.object
            for q in by_subject.get(subject, ())
            if q.predicate == _EVIDENCE and isinstance(q.object, str)
        }
        claimers = {
            q.object
            for e in evidence
            for q in by_subject.get(e, ())
            if q.predicate == _CLAIMED_BY and isinstance(q.object, str)
        }
        names = {c: names_of(by_subject.get(c, ())) for c in sorted(claimers)}
        reads[subject] = Reads(frozenset({subject, *evidence}), names)
    return reads
