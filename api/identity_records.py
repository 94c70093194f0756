"""What the RDF store knows about identity, as the plain records of ``loaders.identity.xref``.

Read through the RDF store's index scans (``predicate_quads``, ``subject_quads``,
``entity_records``), so that every spelling keeps the articles that give it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib.namespace import RDF

from graph.model import Lit, QuadRow, RDFStore, StoredEntity
from loaders.identity.xref import AgreementRecord, EntityRecord, Spelling, TenureRecord
from ontology.classes import DG_NS, local_name
from ontology.namespace import DG

LOCAL_IRI = DG_NS + "localIri"
"""``<canonical> dg:localIri <local>``: the id one article alone gave a merged entity."""

GROUP_OF_TYPE = {
    "Country": "country",
    "Official": "person",
    "Person": "person",
    "Organization": "organization",
    "Region": "region",
    "Post": "post",
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


def _spellings(rows: list[QuadRow]) -> dict[str, list[Spelling]]:
    articles: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in rows:
        text = _text(row.object)
        if isinstance(row.subject, str) and text:
            articles[row.subject][text].add(row.graph)
    return {
        iri: [Spelling(text, tuple(sorted(graphs))) for text, graphs in sorted(by_text.items())]
        for iri, by_text in articles.items()
    }


def _pairs(rows: list[QuadRow]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if isinstance(row.subject, str) and (obj := _iri(row.object)):
            found[row.subject].add(obj)
    return found


def _entities(rdf: RDFStore, locals_of: dict[str, set[str]]) -> list[EntityRecord]:
    stored: list[StoredEntity] = rdf.entity_records()
    spellings = _spellings(rdf.predicate_quads([str(DG.name), str(DG.alias)]))
    states = _pairs(rdf.predicate_quads([str(DG.country), str(DG.postIn)]))
    records = []
    for entity in stored:
        group = group_of(entity.types)
        if group is None:
            continue
        state = min(states.get(entity.iri, ()), default=None)
        records.append(
            EntityRecord(
                iri=entity.iri,
                group=group,
                name=entity.names[0] if entity.names else entity.iri,
                spellings=tuple(spellings.get(entity.iri, ())),
                local_ids=tuple(sorted(locals_of.get(entity.iri, ()))),
                state=state,
                iso=entity.iso_code,
            )
        )
    return records


def _tenures(rdf: RDFStore) -> list[TenureRecord]:
    rows = rdf.predicate_quads([str(DG.holder), str(DG.post), str(DG.startDate), str(DG.endDate)])
    values: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for row in rows:
        if isinstance(row.subject, str):
            value = _iri(row.object) or _text(row.object)
            if value is not None:
                values[(row.subject, row.graph)][row.predicate] = value
    tenures = []
    for (_, article), by in sorted(values.items()):
        holder, post = by.get(str(DG.holder)), by.get(str(DG.post))
        if holder and post:
            start, end = by.get(str(DG.startDate)), by.get(str(DG.endDate))
            tenures.append(TenureRecord(holder, post, start, end, article))
    return tenures


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
    locals_of = _pairs(rdf.predicate_quads([LOCAL_IRI]))
    return IdentityRecords(
        entities=_entities(rdf, locals_of),
        tenures=_tenures(rdf),
        agreements=_agreements(rdf, locals_of),
    )
