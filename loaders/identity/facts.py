"""Canonical IRIs of facts: agreements, events, tenures, relations and influences matched across
articles, then the facts that hang on them (signatures, commitments). Evidence belongs to one
article's fact: its IRI follows the fact's (:func:`loaders.identity.rewrite_article`).

Facts of one kind match when their key fields name the same (canonical) entities, their member
sets (parties, participants) lie one within the other, their dates are compatible
(:func:`ontology.dates.compatible`: ``2025-01`` and ``2025-01-22`` can be the same day) and, for
agreements, their titles or aliases are alike (rapidfuzz). An explicit ``owl:sameAs`` (a fact
IRI) or ``dg:sameAsRef`` (another article's ``article-id#local-id``) joins facts whatever the
rules say. Two facts of one article never merge. A cluster's IRI is the key hash of its most
precise member, so a less precise report never renames a fact.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz
from rdflib.namespace import OWL, RDF

from loaders.identity.canon import Canon, Judged, Node, canonical_entities, negative_pairs
from loaders.identity.cluster import Clusters
from loaders.identity.components import Reach
from loaders.identity.roles import join_role_only
from loaders.identity.specs import SPECS as SPECS
from loaders.identity.specs import FactSpec as FactSpec
from loaders.identity.statements import Props, Statements
from loaders.iris import KeyField, fact_iri
from ontology.dates import most_precise
from ontology.namespace import DG, ID
from ontology.text import fold

_TYPE, _LOCAL = str(RDF.type), str(DG.localIri)
_SAME, _LOCAL_REF, _SAME_AS_REF = str(OWL.sameAs), str(DG.localRef), str(DG.sameAsRef)
_AGREEMENT_KINDS = {
    "mou": str(DG.MOU),
    "treaty": str(DG.Treaty),
    "declaration": str(DG.Declaration),
    "roadmap": str(DG.Roadmap),
    "contract": str(DG.Contract),
}
"""The agreement ``kind`` of a fact sheet by its class (as :mod:`loaders.mapping` maps it)."""
TITLE_SIMILARITY = 80
"""rapidfuzz ``token_set_ratio`` (0-100) from which two agreement titles or aliases are alike."""


_DIGEST_TEXTS = (str(DG.title), str(DG.description), str(DG.alias))


@dataclass(frozen=True)
class FactCluster:
    """One cluster of fact descriptions: its representative, members, the IRI it wants."""

    root: Node
    members: tuple[Node, ...]
    wanted: str


@dataclass(frozen=True)
class _Profile:
    articles: set[str]
    """Grown in place (:func:`_combine`): a cluster's profile is its own."""
    optional: tuple[frozenset[str], ...]
    members: frozenset[str]
    dates: tuple[tuple[str, ...], ...]
    stated: tuple[frozenset[bool], ...]
    texts: frozenset[str]
    bare: bool


def _combine(a: _Profile, b: _Profile) -> _Profile:
    big, small = (a, b) if len(a.articles) >= len(b.articles) else (b, a)
    big.articles.update(small.articles)  # the two profiles are dropped by the union: no copy
    return _Profile(
        big.articles,
        tuple(x | y for x, y in zip(a.optional, b.optional, strict=True)),
        a.members | b.members,
        tuple(x + y for x, y in zip(a.dates, b.dates, strict=True)),
        tuple(x | y for x, y in zip(a.stated, b.stated, strict=True)),
        a.texts | b.texts,
        a.bare or b.bare,
    )


def _alike(a: frozenset[str], b: frozenset[str]) -> bool:
    return any(fuzz.token_set_ratio(x, y) >= TITLE_SIMILARITY for x in a for y in b)


def _allowed_for(spec: FactSpec) -> Callable[[_Profile, _Profile], bool]:
    def allowed(a: _Profile, b: _Profile) -> bool:
        if a.articles & b.articles:
            return False
        if any(len(x | y) > 1 for x, y in zip(a.optional, b.optional, strict=True)):
            return False
        if spec.members and not (a.members <= b.members or b.members <= a.members):
            return False
        for i, (_, undated) in enumerate(spec.dates):
            values = [*a.dates[i], *b.dates[i]]
            if values and most_precise(values) is None:
                return False
            if not undated and len(a.stated[i] | b.stated[i]) > 1:
                return False
        if spec.texts:
            if a.texts and b.texts and not a.bare and not b.bare:
                return _alike(a.texts, b.texts)
            return bool(spec.dates) and bool(a.dates[0]) and bool(b.dates[0])
        return True

    return allowed


def _nested(a: frozenset[str], b: frozenset[str]) -> bool:
    return a <= b or b <= a


def _only_articles(a: _Profile, b: _Profile) -> bool:
    return not a.articles & b.articles


class _Phase:
    """Clusters the facts of one spec."""

    def __init__(self, spec: FactSpec, nodes: Mapping[Node, Props], known: Mapping[Node, str]):
        """``nodes``: the facts of the spec's class; ``known``: the canonical IRIs of the
        entities and of the facts of the earlier specs."""
        self.spec, self.nodes, self.known = spec, nodes, known
        self._values: dict[tuple[Node, str], tuple[str, ...]] = {}

    def mapped(self, article: str, value: str) -> str:
        return self.known.get((article, value), value)

    def values(self, node: Node, predicate: str) -> tuple[str, ...]:
        """The canonical values of one predicate of a fact, sorted (asked many times: kept)."""
        found = self._values.get((node, predicate))
        if found is None:
            article, known = node[0], self.known
            objects = self.nodes[node].get(predicate, ())
            found = tuple(sorted({known.get((article, v), v) for v in objects}))
            self._values[(node, predicate)] = found
        return found

    def key(self, node: Node) -> tuple[tuple[str, ...], ...]:
        return tuple(self.values(node, p) for p in self.spec.exact)

    def profile(self, node: Node) -> _Profile:
        props, spec = self.nodes[node], self.spec
        texts = frozenset(fold(t) for p in spec.texts for t in props.get(p, ()))
        return _Profile(
            articles={node[0]},
            optional=tuple(frozenset(self.values(node, p)) for p in spec.optional),
            members=frozenset(self.values(node, spec.members)) if spec.members else frozenset(),
            dates=tuple(tuple(props.get(p, ())) for p, _ in spec.dates),
            stated=tuple(frozenset((bool(props.get(p)),)) for p, _ in spec.dates),
            texts=texts,
            bare=not texts,
        )

    def precision(self, node: Node) -> tuple[int, int]:
        props = self.nodes[node]
        dates = sum(max((len(d) for d in props.get(p, ())), default=0) for p, _ in self.spec.dates)
        members = len(props.get(self.spec.members, ())) if self.spec.members else 0
        return (-dates, -members)

    def clustered(self) -> list[FactCluster]:
        """The clusters of the facts, each with the IRI its most precise member gives it."""
        if not self.nodes:
            return []
        profiles = {node: self.profile(node) for node in self.nodes}
        clusters: Clusters[Node, _Profile] = Clusters(profiles, _allowed_for(self.spec), _combine)
        self._explicit(clusters)
        buckets: dict[tuple[tuple[str, ...], ...], list[Node]] = defaultdict(list)
        for node in self.nodes:
            buckets[self.key(node)].append(node)
        for key in sorted(buckets):
            self._join_bucket(clusters, sorted(buckets[key], key=lambda n: (self.precision(n), n)))
        records = []
        for root, members in clusters.groups().items():
            best = min(members, key=lambda n: (self.precision(n), n))
            wanted = str(fact_iri(self.spec.kind, *self.mapping_key(best)))
            records.append(FactCluster(root, tuple(members), wanted))
        return records

    def _join_bucket(self, clusters: Clusters[Node, _Profile], nodes: list[Node]) -> None:
        """Join each node to the first earlier cluster of its bucket that accepts it. Only the
        clusters sharing a member (party, participant) can: one set must lie within the other,
        so they are looked up by member rather than tried one by one (a bucket holds every
        agreement of a kind)."""
        seeds: list[Node] = []
        by_member: dict[str, list[int]] = defaultdict(list)
        for node in nodes:
            members = self.values(node, self.spec.members) if self.spec.members else ()
            if members:
                found = {i for m in members for i in by_member.get(m, ())}
                found.update(by_member.get("", ()))  # clusters without members fit any
                indexes = sorted(found)
            else:
                indexes = list(range(len(seeds)))
            if self.spec.members:  # what allowed() checks first, without the cost of a union
                mine = clusters.profile(node).members
                indexes = [i for i in indexes if _nested(mine, clusters.profile(seeds[i]).members)]
            joined = next((i for i in indexes if clusters.union(seeds[i], node, "same key")), None)
            if joined is None:
                seeds.append(node)
                joined = len(seeds) - 1
            for member in members or ("",):
                by_member[member].append(joined)

    def _explicit(self, clusters: Clusters[Node, _Profile]) -> None:
        by_iri: dict[str, list[Node]] = defaultdict(list)
        by_ref: dict[str, list[Node]] = defaultdict(list)
        for node in sorted(self.nodes):
            by_iri[node[1]].append(node)
            for ref in self.nodes[node].get(_LOCAL_REF, ()):
                by_ref[ref].append(node)
        for node in sorted(self.nodes):
            props = self.nodes[node]
            targets = [
                *(n for t in props.get(_SAME, ()) if t.startswith(ID) for n in by_iri[t]),
                *(n for r in props.get(_SAME_AS_REF, ()) for n in by_ref[r]),
            ]
            for other in sorted(targets):
                clusters.union(other, node, "same as", _only_articles)

    def mapping_key(self, node: Node) -> list[KeyField]:
        """The key fields :mod:`loaders.mapping` hashes for this kind, with canonical IRIs: an
        article whose facts name canonical entities keeps the IRIs its mapping gave them, so
        the IRI a fact had before a merge is usually some article's ``dg:localIri``."""
        one = self._one_value
        kind = self.spec.kind
        if kind == "agreement":
            types = set(self.nodes[node].get(_TYPE, ()))
            sort = next((k for k, c in _AGREEMENT_KINDS.items() if c in types), "agreement")
            return [sort, self.values(node, str(DG.party)), one(node, DG.dateSigned)]
        if kind == "tenure":
            return [one(node, DG.holder), one(node, DG.post), one(node, DG.startDate)]
        if kind == "influence":
            direction = one(node, DG.direction)
            return [
                one(node, DG.influencer),
                one(node, DG.influenced),
                one(node, DG.influenceKind),
                direction.rsplit("/", 1)[-1] if direction else None,
                one(node, DG.startDate),
            ]
        if kind == "event":
            return [
                one(node, DG.eventKind),
                self.values(node, str(DG.participant)),
                one(node, DG.startDate),
                one(node, DG.location),
            ]
        if kind == "relation":
            return [
                one(node, DG.relationSubject),
                one(node, DG.relationObject),
                one(node, DG.relationKind),
                one(node, DG.startDate),
            ]
        if kind == "signature":
            return [one(node, DG.agreement), one(node, DG.signatory), one(node, DG.onBehalfOf)]
        return [  # commitment
            one(node, DG.agreement),
            one(node, DG.commitmentKind),
            one(node, DG.area),
            self.values(node, str(DG.actor)),
            one(node, DG.dueDate),
        ]

    def _one_value(self, node: Node, predicate: object) -> str | None:
        values = self.values(node, str(predicate))
        return values[0] if values else None


def canonicalise(statements: Statements, judged: Judged) -> Canon:
    """The canonical IRI of every entity, post and fact of ``statements`` (every stored article
    and the new ones) under the judgements: entities first, then the facts phase by phase."""
    canon = canonical_entities(statements, judged)
    join_role_only(statements, canon, lambda: negative_pairs(statements, judged))
    for phase in SPECS:
        for spec in phase:
            nodes = fact_nodes(spec, statements.items())
            name_facts(spec, _Phase(spec, nodes, canon.iris).clustered(), nodes, canon)
    return canon


def fact_nodes(
    spec: FactSpec, articles: Iterable[tuple[str, Mapping[str, Props]]]
) -> dict[Node, Props]:
    """The descriptions of facts of ``spec``'s class in ``articles``."""
    return {
        (a, s): props
        for a, subjects in articles
        for s, props in subjects.items()
        if spec.cls in props.get(_TYPE, ())
    }


def cluster_facts(
    spec: FactSpec, nodes: Mapping[Node, Props], known: Mapping[Node, str]
) -> list[FactCluster]:
    """The clusters of the facts ``nodes`` of ``spec`` (``known``: the canonical IRIs of the
    entities and earlier facts), before clashes between wanted IRIs are settled."""
    return _Phase(spec, nodes, known).clustered()


def fact_reach(
    spec: FactSpec, nodes: Mapping[Node, Props], known: Mapping[Node, str]
) -> dict[Node, Reach]:
    """What links each fact of ``nodes`` to the others (:mod:`loaders.identity.components`):
    its bucket (key fields), the members it shares within it, its explicit ``sameAs``."""
    phase = _Phase(spec, nodes, known)
    out: dict[Node, Reach] = {}
    for node, props in nodes.items():
        bucket = phase.key(node)
        members = phase.values(node, spec.members) if spec.members else ()
        keys: list[tuple[object, ...]] = [("iri", node[1])]
        keys += [("iri", t) for t in props.get(_SAME, ()) if t.startswith(ID)]
        keys += [("ref", r) for r in (*props.get(_LOCAL_REF, ()), *props.get(_SAME_AS_REF, ()))]
        keys += [("member", bucket, m) for m in members]
        out[node] = Reach(tuple(keys), bucket, whole=not members)
    return out


def name_facts(
    spec: FactSpec, records: list[FactCluster], nodes: Mapping[Node, Props], canon: Canon
) -> None:
    """Put the clusters of one spec into ``canon``."""
    by_iri: dict[str, list[FactCluster]] = defaultdict(list)
    for record in records:
        by_iri[record.wanted].append(record)
    for iri, group in by_iri.items():
        for record, final in settle_facts(spec, iri, group, nodes).items():
            for node in record.members:
                canon.iris[node] = final
                canon.local_ids[node] = fact_local_id(node, nodes[node])


def fact_local_id(node: Node, props: Props) -> str:
    """The IRI the article alone gave the fact: still answered once it is merged."""
    return min(props.get(_LOCAL, ()), default=node[1])


def settle_facts(
    spec: FactSpec, iri: str, group: Iterable[FactCluster], nodes: Mapping[Node, Props]
) -> dict[FactCluster, str]:
    """The IRIs of the clusters that want ``iri``: one keeps it; when one article states two
    facts with the same key fields, the others are told apart by their texts."""
    records = list(group)
    if len(records) == 1:
        return {records[0]: iri}
    digests = {r: _digest(r.members, nodes) for r in records}
    ordered = sorted(records, key=lambda r: (digests[r], r.root))
    out = {ordered[0]: iri}
    for record in ordered[1:]:
        out[record] = str(fact_iri(spec.kind, iri, digests[record]))
    return out


def _digest(members: Iterable[Node], nodes: Mapping[Node, Props]) -> str:
    """What tells apart two facts of one article with the same key: their texts."""
    texts: list[str] = []
    for node in members:
        props = nodes[node]
        for p in _DIGEST_TEXTS:
            texts += props.get(p, ())
    return hashlib.sha1("\x1f".join(sorted(texts)).encode()).hexdigest()[:16]
