"""RDF quads → property-graph records, as ``docs/data-model.md`` specifies. Pure functions.

The projection of a set of subjects is computed from the quads of those subjects over the union
of all article graphs (each quad knowing its graph, i.e. its article), plus the quads of the
nodes they depend on: the ``dg:Evidence`` nodes a fact points to and the actors an evidence is
``dg:claimedBy`` (for their names). :func:`gather` fetches that closure; :func:`project` turns
it into :class:`NodeRecord` and :class:`RelRecord` lists; :func:`touched_subjects` says which
subjects a changed article graph forces to recompute.

Single-valued literal properties (all but ``alias``, ``skos:altLabel``, ``skos:hiddenLabel``)
take the value stated by the most articles, ties broken by the smallest lexical form, so the
projection never depends on load order; the RDF store keeps every value. Nor does it depend on
the order quads are read in: a value stated with several lexical forms (``"1"`` and ``"01"``)
is known by the smallest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from rdflib.namespace import OWL, RDF, SKOS

from graph.model import BNode, Lit, NodeRecord, PropertyValue, QuadRow, RelRecord, Scalar
from graph.rules.naming import (
    camel_case,
    labels_of,
    literal_value,
    local_name,
    relationship_type,
)
from ontology.choice import chosen, most_stated, preferred_name
from ontology.namespace import DG

FALLBACK_RELATION_TYPE = "RELATED_TO"
"""Type of a ``dg:Relation`` relationship whose kind has no usable notation."""

MULTI_VALUED = frozenset(
    str(p)
    for p in (
        DG.alias,
        DG.localIri,
        DG.localRef,
        DG.sameAsRef,
        SKOS.altLabel,
        SKOS.hiddenLabel,
        DG.fromGazetteer,  # format 2, places: which values the gazetteer gave
        DG.inResponseToRef,  # format 2: a fact may answer several others
    )
)
"""Literal predicates projected as lists; every other literal predicate is single-valued."""

_TYPE, _SAME_AS, _EVIDENCE = str(RDF.type), str(OWL.sameAs), str(DG.evidence)
EVIDENCE_CLASS = str(DG.Evidence)
"""Instances are folded into the facts they support: they own no node nor relationship."""
_RELATION, _EVIDENCE_CLASS = str(DG.Relation), EVIDENCE_CLASS
REL_SUBJECT = str(DG.relationSubject)
"""The predicate whose object a ``dg:Relation`` relationship starts from."""
_REL_SUBJECT, _REL_OBJECT = REL_SUBJECT, str(DG.relationObject)
_IN_RESPONSE_TO = str(DG.inResponseTo)
_REL_KIND, _CLAIMED_BY = str(DG.relationKind), str(DG.claimedBy)
_IN_ARTICLE, _QUOTE, _CLAIMANT, _NAME = (
    str(DG.inArticle),
    str(DG.quote),
    str(DG.claimant),
    str(DG.name),
)
_RELATION_ONLY = frozenset({_REL_SUBJECT, _REL_OBJECT, _REL_KIND})
_NOT_RELATIONSHIPS = frozenset({_TYPE, _SAME_AS, _EVIDENCE})


Fetch = Callable[[Iterable[str]], list[QuadRow]]
"""Quads of these subjects over the union of article graphs (``RDFStore.subject_quads``)."""


@dataclass(frozen=True)
class Projected:
    """The records of some subjects."""

    nodes: tuple[NodeRecord, ...]
    relationships: tuple[RelRecord, ...]


# ---------------------------------------------------------------------- which subjects


def touched_subjects(quads: Iterable[QuadRow]) -> set[str]:
    """Subjects to recompute when these quads (an article graph, old or new) change.

    Every IRI subject, plus the start node of every ``dg:Relation``: the relationship a
    relation projects to hangs off that node, and is deleted from there.
    """
    touched: set[str] = set()
    for subject, predicate, obj, _graph in quads:
        if isinstance(subject, str):
            touched.add(subject)
        if predicate == _REL_SUBJECT and isinstance(obj, str):
            touched.add(obj)
    return touched


def dependencies(quads: Iterable[QuadRow]) -> set[str]:
    """Subjects whose quads projecting these quads needs: evidence nodes and claimants."""
    return {
        obj
        for _subject, predicate, obj, _graph in quads
        if predicate in (_EVIDENCE, _CLAIMED_BY) and isinstance(obj, str)
    }


def gather(subjects: Iterable[str], fetch: Fetch) -> list[QuadRow]:
    """The quads of ``subjects`` and of everything :func:`dependencies` says they need."""
    wanted = list(dict.fromkeys(subjects))
    seen = set(wanted)
    quads: list[QuadRow] = []
    while wanted:
        batch = fetch(wanted)
        quads.extend(batch)
        wanted = sorted(dependencies(batch) - seen)
        seen.update(wanted)
    return quads


# ---------------------------------------------------------------------- values


def _choose(
    values: dict[Scalar, set[str]], lexical: dict[Scalar, str], *, name: bool = False
) -> Scalar:
    """:func:`ontology.choice.chosen` of literal values, compared by their lexical forms
    (:func:`ontology.choice.preferred_name` for a ``dg:name``)."""
    if name:
        by_text = {lexical[v]: graphs for v, graphs in values.items()}
        text = preferred_name(by_text)
        return next(v for v in values if lexical[v] == text)
    value = chosen(values, lexical.__getitem__)
    assert value is not None  # callers pass at least one value
    return value


def _as_list(values: Iterable[Scalar], lexical: dict[Scalar, str]) -> PropertyValue:
    """A homogeneous, sorted list; mixed types fall back to their lexical forms."""
    items = list(values)
    if len({type(v) for v in items}) > 1:
        return sorted({lexical[v] for v in items})
    return sorted(items)  # type: ignore[return-value]


class _Subject:
    """The quads of one subject, indexed by predicate."""

    def __init__(self, iri: str) -> None:
        self.iri = iri
        self.graphs: set[str] = set()
        self.literals: dict[str, dict[Scalar, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.lexical: dict[Scalar, str] = {}
        self.iris: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))

    def add(self, predicate: str, obj: str | BNode | Lit, graph: str) -> None:
        """Index one quad of this subject."""
        self.graphs.add(graph)
        if isinstance(obj, Lit):
            value = literal_value(obj)
            known = self.lexical.get(value)
            if known is None or obj.value < known:  # the smallest: independent of quad order
                self.lexical[value] = obj.value
            self.literals[predicate][value].add(graph)
        elif isinstance(obj, str):
            self.iris[predicate][obj].add(graph)

    def types(self) -> set[str]:
        """The subject's ``rdf:type`` IRIs."""
        return set(self.iris.get(_TYPE, {}))

    def one_iri(self, predicate: str) -> str | None:
        """The IRI value of ``predicate`` stated by the most graphs (smallest on ties)."""
        return most_stated(self.iris.get(predicate, {}))

    def one_literal(self, predicate: str) -> Scalar | None:
        """The literal value of ``predicate`` by :func:`_choose`, None if there is none."""
        values = self.literals.get(predicate)
        return _choose(values, self.lexical, name=predicate == _NAME) if values else None

    def literal_properties(self) -> dict[str, PropertyValue]:
        """camelCase properties from the literal predicates (lists for :data:`MULTI_VALUED`)."""
        grouped: dict[str, dict[Scalar, set[str]]] = defaultdict(lambda: defaultdict(set))
        multi: set[str] = set()
        for predicate, values in self.literals.items():
            key = camel_case(local_name(predicate))
            if not key:
                continue
            if predicate in MULTI_VALUED:
                multi.add(key)
            for value, graphs in values.items():
                grouped[key][value] |= graphs
        return {
            key: _as_list(values, self.lexical)
            if key in multi
            else _choose(values, self.lexical, name=key == "name")
            for key, values in grouped.items()
        }


def _index(quads: Iterable[QuadRow]) -> dict[str, _Subject]:
    """Quads grouped by IRI subject (blank-node subjects are not projected)."""
    subjects: dict[str, _Subject] = {}
    for subject, predicate, obj, graph in quads:
        if isinstance(subject, str):
            entry = subjects.get(subject)
            if entry is None:
                entry = subjects[subject] = _Subject(subject)
            entry.add(predicate, obj, graph)
    return subjects


# ---------------------------------------------------------------------- evidence


@dataclass(frozen=True, order=True)
class EvidenceEntry:
    """One (article, quote, claimant) of a ``dg:Evidence`` node."""

    article: str
    quote: str
    claimant: str
    """The claimant's words, else the name of the named claimant, else empty."""
    claimed_by: str
    """IRI of the named claimant, else empty."""


def evidence_entries(
    articles: Iterable[str],
    quotes: Iterable[str],
    claimants: Iterable[str],
    claimed_by: Mapping[str, str],
) -> set[EvidenceEntry]:
    """The entries of one evidence node: every article × quote × claimant it states.

    ``articles`` are its ``dg:inArticle`` values (else the graphs stating it); a claimant is
    known by the words the article uses (``dg:claimant``), else by the name of the actor it is
    ``dg:claimedBy`` (``claimed_by`` maps IRI to name). The one evidence rule: the projection
    folds these into node properties, the actor steps into their evidence lists.
    """
    words, iris = sorted(claimants), sorted(claimed_by)
    if words:
        who = [(w, iri) for w in words for iri in iris or [""]]
    else:
        who = [(claimed_by[iri], iri) for iri in iris] or [("", "")]
    quoted = list(quotes) or [""]
    return {
        EvidenceEntry(article, quote, claimant, iri)
        for article in articles
        for quote in quoted
        for claimant, iri in who
    }


def _fold_evidence(fact: _Subject, index: dict[str, _Subject]) -> dict[str, PropertyValue]:
    """``sources``, ``quotes``, ``claimants`` and ``claimedBy`` of a fact, from its evidence.

    Ordered by article, then quote; ``sources`` also holds the graphs stating the fact.
    """
    entries: set[EvidenceEntry] = set()
    for evidence_iri in fact.iris.get(_EVIDENCE, {}):
        evidence = index.get(evidence_iri)
        if evidence is None:
            continue
        entries |= evidence_entries(
            set(evidence.iris.get(_IN_ARTICLE, {})) or evidence.graphs,
            [str(q) for q in evidence.literals.get(_QUOTE, {})],
            [str(c) for c in evidence.literals.get(_CLAIMANT, {})],
            {iri: _name_of(iri, index) for iri in evidence.iris.get(_CLAIMED_BY, {})},
        )
    ordered = sorted(entries)
    folded: dict[str, PropertyValue] = {
        "sources": sorted(fact.graphs | {e.article for e in ordered}),
        "quotes": _distinct(e.quote for e in ordered),
        "claimants": _distinct(e.claimant for e in ordered),
        "claimedBy": _distinct(e.claimed_by for e in ordered),
    }
    return {key: value for key, value in folded.items() if value}


def _name_of(iri: str, index: dict[str, _Subject]) -> str:
    """An actor's ``dg:name`` (as :func:`_choose` picks it), else its IRI."""
    entity = index.get(iri)
    name = entity.one_literal(_NAME) if entity else None
    return str(name) if name is not None else iri


def _distinct(values: Iterable[str]) -> list[str]:
    """Non-empty values, first occurrence kept, in order."""
    return [v for v in dict.fromkeys(values) if v]


# ---------------------------------------------------------------------- records


def project(subjects: Iterable[str], quads: Iterable[QuadRow]) -> Projected:
    """The nodes and relationships ``subjects`` own, computed from ``quads`` (see :func:`gather`).

    A ``dg:Evidence`` subject owns nothing (it is folded into its fact); a ``dg:Relation``
    owns one relationship; any other described IRI subject owns its node and a relationship
    per IRI-valued predicate and object.
    """
    index = _index(quads)
    nodes: list[NodeRecord] = []
    relationships: list[RelRecord] = []
    for iri in sorted(set(subjects)):
        entry = index.get(iri)
        if entry is None:
            continue
        types = entry.types()
        if _EVIDENCE_CLASS in types:
            continue
        if _RELATION in types:
            relationship = _relation_record(entry, index)
            if relationship is not None:
                relationships.append(relationship)
            continue
        nodes.append(_node_record(entry, index))
        relationships.extend(_predicate_records(entry))
    return Projected(tuple(nodes), tuple(sorted(relationships, key=_rel_key)))


def _rel_key(record: RelRecord) -> tuple[str, str, str, str]:
    return (record.start, record.type, record.end, record.uri or "")


def _node_record(entry: _Subject, index: dict[str, _Subject]) -> NodeRecord:
    """The node of a described subject."""
    properties: dict[str, PropertyValue] = entry.literal_properties()
    same_as = sorted(entry.iris.get(_SAME_AS, {}))
    if same_as:
        properties["sameAs"] = same_as
    properties.update(_fold_evidence(entry, index))
    properties["uri"] = entry.iri
    return NodeRecord(entry.iri, labels_of(entry.types()), properties)


def _predicate_records(entry: _Subject) -> list[RelRecord]:
    """One relationship per IRI-valued predicate and object, with the graphs stating it."""
    records = []
    for predicate, objects in entry.iris.items():
        if predicate in _NOT_RELATIONSHIPS:
            continue
        rel_type = relationship_type(predicate)
        if rel_type is None:
            continue
        for obj, graphs in objects.items():
            properties: dict[str, PropertyValue] = {"sources": sorted(graphs)}
            records.append(RelRecord(None, rel_type, entry.iri, obj, properties))
    return records


def _relation_record(entry: _Subject, index: dict[str, _Subject]) -> RelRecord | None:
    """The relationship a ``dg:Relation`` statement node projects to (None if incomplete)."""
    start, end = entry.one_iri(_REL_SUBJECT), entry.one_iri(_REL_OBJECT)
    if start is None or end is None:
        return None
    kind = entry.one_iri(_REL_KIND)
    rel_type = (relationship_type(kind) if kind else None) or FALLBACK_RELATION_TYPE
    properties: dict[str, PropertyValue] = entry.literal_properties()
    if kind:
        properties["kind"] = kind
    properties.update(_fold_evidence(entry, index))
    properties["uri"] = entry.iri
    responses = sorted(entry.iris.get(_IN_RESPONSE_TO, {}))
    if responses:  # format 2: a relationship cannot point at facts, so it lists their IRIs
        properties["inResponseTo"] = responses
    return RelRecord(entry.iri, rel_type, start, end, properties)


def project_subjects(subjects: Sequence[str], fetch: Fetch) -> Projected:
    """:func:`gather` then :func:`project`."""
    return project(subjects, gather(subjects, fetch))
