"""What the RDF store knows about identity, as the plain records of ``loaders.identity.xref``.

Read through the RDF store's index scans (``predicate_quads``, ``subject_quads``,
``entity_records``), so that every spelling keeps the articles that give it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib.namespace import RDF

from graph.model import Lit, QuadRow, RDFStore, SelectResult, Term
from loaders.identity.xref import AgreementRecord, EntityRecord, Spelling, TenureRecord
from ontology.classes import local_name
from ontology.namespace import DG

LOCAL_IRI = str(DG.localIri)
"""``<canonical> dg:localIri <local>``: the id one article alone gave a merged entity."""

GROUP_OF_TYPE = {
    "Country": "country",
    "Official": "person",
    "Person": "person",
    "Organization": "organization",
    "Region": "region",
    "Place": "place",
    "Post": "post",
    "CollectiveActor": "group",
}
"""Identity group of each entity class: only entities of one group can be the same."""
AGREEMENT_TYPES = frozenset({"Agreement", "MOU", "Treaty", "Declaration", "Roadmap", "Contract"})


def group_of(types: Iterable[str]) -> str | None:
    """The identity group of an entity with these class IRIs (agreements: ``agreement``)."""
    names = {local_name(t) for t in types}
    for type_name, group in GROUP_OF_TYPE.items():
        if type_name in names:
            return group
    return "agreement" if names & AGREEMENT_TYPES else None


@dataclass(frozen=True)
class IdentityRecords:
    """Everything xref and the judgement checks need, read once."""

    entities: list[EntityRecord]
    tenures: list[TenureRecord]
    agreements: list[AgreementRecord]

    def by_id(self) -> dict[str, tuple[str, str, str | None]]:
        """Every id (canonical IRI or local id) → (canonical IRI, group, ISO code)."""
        canonical = [(e.iri, e.group, e.iso, e.local_ids) for e in self.entities]
        canonical += [(a.iri, "agreement", None, a.local_ids) for a in self.agreements]
        found = {iri: (iri, group, iso) for iri, group, iso, _ in canonical}
        # a former id belongs to the entity it was merged into, even if a graph still
        # describes it on its own
        for iri, group, iso, local_ids in canonical:
            found.update({local: (iri, group, iso) for local in local_ids if local != iri})
        return found

    def merged_ids(self, canonical: str) -> tuple[str, ...]:
        """Every id merged into ``canonical``: the IRI itself and its local ids, sorted."""
        ids = {e.iri: e.local_ids for e in self.entities}
        ids.update({a.iri: a.local_ids for a in self.agreements})
        if canonical not in ids:
            return ()
        return tuple(sorted({canonical, *ids[canonical]}))

    def name_of(self, canonical: str) -> str:
        """The preferred name (or title) of an entity or agreement."""
        for entity in self.entities:
            if entity.iri == canonical:
                return entity.name
        for agreement in self.agreements:
            if agreement.iri == canonical:
                return agreement.title or agreement.kind
        return canonical


def _text(term: object) -> str | None:
    return term.value if isinstance(term, Lit) else None


def _iri(term: object) -> str | None:
    return term if isinstance(term, str) else None


PREFIX = "PREFIX dg: <https://w3id.org/diplograph/ontology#>\n"
SPELLINGS_QUERY = (
    PREFIX
    + """SELECT ?s ?p ?n (GROUP_CONCAT(STR(?g); separator=" ") AS ?articles)
WHERE { GRAPH ?g { ?s ?p ?n } VALUES ?p { dg:name dg:alias dg:isoCode } } GROUP BY ?s ?p ?n"""
)
"""Each distinct spelling once, with its articles (grouped in the store: far fewer rows than
quads when many articles name the same entity)."""
TYPES_QUERY = (
    PREFIX
    + """SELECT DISTINCT ?s ?type WHERE { GRAPH ?g { ?s a ?type }
VALUES ?type { dg:Country dg:Official dg:Person dg:Organization dg:Region dg:Place dg:Post
  dg:CollectiveActor } }"""
)
STATES_QUERY = (
    PREFIX
    + """SELECT DISTINCT ?s ?state WHERE { GRAPH ?g { ?s ?p ?state }
VALUES ?p { dg:country dg:postIn } }"""
)
TENURES_QUERY = (
    PREFIX
    + """SELECT ?g ?holder ?post ?start ?end WHERE { GRAPH ?g {
{ ?t dg:holder ?holder ; dg:post ?post .
OPTIONAL { ?t dg:startDate ?start } OPTIONAL { ?t dg:endDate ?end } }
UNION { ?holder dg:holds ?post . OPTIONAL { ?holder dg:asOf ?start } BIND(?start AS ?end) } } }"""
)


def _rows(rdf: RDFStore, sparql: str) -> list[tuple[Term | None, ...]]:
    result = rdf.query(sparql, union_default_graph=False)
    return result.rows if isinstance(result, SelectResult) else []


def _pairs(rows: list[QuadRow]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if isinstance(row.subject, str) and (obj := _iri(row.object)):
            found[row.subject].add(obj)
    return found


def _local_ids(rows: list[QuadRow]) -> dict[str, set[str]]:
    """Subject → its ``dg:localIri`` values (literals holding IRIs)."""
    found: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if isinstance(row.subject, str) and isinstance(row.object, Lit):
            found[row.subject].add(row.object.value)
    return found


def _entities(rdf: RDFStore, locals_of: dict[str, set[str]]) -> list[EntityRecord]:
    # grouped SPARQL rather than entity_records() (whose per-graph join is slower by far) or
    # quad scans (one Python object per quad)
    types: dict[str, set[str]] = defaultdict(set)
    for subject, type_iri in _rows(rdf, TYPES_QUERY):
        if isinstance(subject, str) and isinstance(type_iri, str):
            types[subject].add(type_iri)
    groups = {iri: group for iri, found in types.items() if (group := group_of(found))}
    spellings: dict[str, list[Spelling]] = defaultdict(list)
    preferred: dict[str, list[Spelling]] = defaultdict(list)
    iso: dict[str, str] = {}
    for subject, predicate, text, graphs in _rows(rdf, SPELLINGS_QUERY):
        value = _text(text)
        if not isinstance(subject, str) or value is None:
            continue
        if predicate == str(DG.isoCode):
            iso[subject] = min(value, iso.get(subject, value))
            continue
        spelling = Spelling(value, tuple(sorted(set((_text(graphs) or "").split()))))
        spellings[subject].append(spelling)
        if predicate == str(DG.name):
            preferred[subject].append(spelling)
    states: dict[str, str] = {}
    for subject, state in _rows(rdf, STATES_QUERY):
        if isinstance(subject, str) and isinstance(state, str):
            states[subject] = min(state, states.get(subject, state))
    records = []
    for iri, group in sorted(groups.items()):
        names = preferred.get(iri) or spellings.get(iri) or [Spelling(iri, ())]
        records.append(
            EntityRecord(
                iri=iri,
                group=group,
                name=max(names, key=lambda s: (len(s.articles), s.text)).text,
                spellings=tuple(sorted(spellings.get(iri, ()), key=lambda s: s.text)),
                local_ids=tuple(sorted(locals_of.get(iri, ()))),
                state=states.get(iri),
                iso=iso.get(iri),
            )
        )
    return records


def _tenures(rdf: RDFStore) -> list[TenureRecord]:
    tenures = []
    for graph, holder, post, start, end in _rows(rdf, TENURES_QUERY):
        if isinstance(graph, str) and isinstance(holder, str) and isinstance(post, str):
            tenures.append(TenureRecord(holder, post, _text(start), _text(end), graph))
    return sorted(tenures, key=lambda t: (t.post, t.holder, t.article))


def _agreements(rdf: RDFStore, locals_of: dict[str, set[str]]) -> list[AgreementRecord]:
    parties = _pairs(rdf.predicate_quads([str(DG.party)]))
    articles: dict[str, set[str]] = defaultdict(set)
    details: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in rdf.subject_quads(parties):
        if isinstance(row.subject, str):
            articles[row.subject].add(row.graph)
            value = _iri(row.object) or _text(row.object)
            if value is not None:
                details[row.subject][row.predicate].add(value)
    records = []
    for iri in sorted(parties):
        by = details[iri]
        types = by[str(RDF.type)]
        if group_of(types) != "agreement":
            continue
        kinds = sorted(local_name(t) for t in types if local_name(t) in AGREEMENT_TYPES)
        kind = next((k for k in kinds if k != "Agreement"), "Agreement")
        records.append(
            AgreementRecord(
                iri=iri,
                kind=kind,
                title=min(by[str(DG.title)], default=None),
                date=max(by[str(DG.dateSigned)], key=len, default=None),
                parties=tuple(sorted(parties[iri])),
                articles=tuple(sorted(articles[iri])),
                local_ids=tuple(sorted(locals_of.get(iri, ()))),
            )
        )
    return records


def identity_records(rdf: RDFStore) -> IdentityRecords:
    """Entities (with spellings by article, states and local ids), tenures and agreements."""
    locals_of = _local_ids(rdf.predicate_quads([LOCAL_IRI]))
    return IdentityRecords(
        entities=_entities(rdf, locals_of),
        tenures=_tenures(rdf),
        agreements=_agreements(rdf, locals_of),
    )
