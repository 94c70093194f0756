"""Canonical IRIs for every entity and post of every article, from the set of articles alone.

Each description of an entity in an article is a *node* ``(article, IRI as stored)`` whose
*local id* is the IRI the article alone gives it (``dg:localIri`` once rewritten). Nodes join
(:class:`~loaders.identity.cluster.Clusters`), strongest evidence first, every step in sorted
order so that the outcome is a function of the set of articles and judgements:

1. "same" judgements, ISO codes, Wikidata ids, ``owl:sameAs`` IRIs (external, or another
   description's local id);
2. a shared normalised name or alias (:func:`loaders.names.normalize_name`).

A merge is refused when the two clusters have different countries (an organisation's country, a
person's nationality, a post's organisation), different ISO codes or Wikidata ids, a
description from the same article (an article that describes two entities says they are two),
or a "not-same" judgement between their local ids. A cluster's IRI: the ISO code for a
country; otherwise the slug of the name most articles give (:func:`ontology.choice.most_stated`),
the fuller name on ties,
qualified by its country when another cluster would get the same IRI.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from rdflib.namespace import OWL, RDF

from loaders.identity.cluster import Clusters
from loaders.identity.model import Canon as Canon
from loaders.identity.model import Judged as Judged
from loaders.identity.model import Merge as Merge
from loaders.identity.model import Node as Node
from loaders.identity.model import NoJudgements as NoJudgements
from loaders.identity.statements import Props, Statements
from loaders.names import normalize_name, slugify
from ontology.choice import preferred_name
from ontology.namespace import DG, ID

_TYPE, _LOCAL, _SAME = str(RDF.type), str(DG.localIri), str(OWL.sameAs)
_ISO, _WIKIDATA, _GEONAMES = str(DG.isoCode), str(DG.wikidata), str(DG.geonamesId)
_ROLE_ONLY, _ROLE_ONLY_TRUE = str(DG.roleOnly), frozenset(("true", "1"))
_NAME, _ALIAS = str(DG.name), str(DG.alias)
_GROUPS = {
    str(DG.Country): "country",
    str(DG.Organization): "organization",
    str(DG.Person): "person",
    str(DG.Official): "person",
    str(DG.Region): "region",
    str(DG.Post): "post",
    str(DG.Place): "place",
    str(DG.CollectiveActor): "group",
}
_SCOPE = {
    "organization": str(DG.country),
    "person": str(DG.nationality),
    "post": str(DG.postIn),
    "place": str(DG.country),
}
"""The predicate whose value must agree for two descriptions to be one entity."""


@dataclass(frozen=True)
class _Profile:
    group: str
    articles: set[str]
    """Grown in place (:func:`_combine`): a cluster's profile is its own."""
    scope: frozenset[str]
    codes: frozenset[str]
    wikidata: frozenset[str]
    locals: frozenset[str]


def _combine(a: _Profile, b: _Profile) -> _Profile:
    # the smaller article set goes into the larger, which is not copied (the two profiles are
    # dropped by the union): a country described by n articles costs n log n, not n²
    big, small = (
        (a.articles, b.articles) if len(a.articles) >= len(b.articles) else (b.articles, a.articles)
    )
    big |= small
    return _Profile(
        a.group,
        big,
        a.scope | b.scope,
        a.codes | b.codes,
        a.wikidata | b.wikidata,
        a.locals | b.locals,
    )


@dataclass(frozen=True)
class EntityCluster:
    """One cluster of descriptions: its representative, members (sorted), their local ids, the
    IRI it wants, its profile and why its members were joined."""

    root: Node
    members: tuple[Node, ...]
    locals: tuple[str, ...]
    wanted: str
    profile: _Profile
    reasons: tuple[str, ...]

    def merge(self, iri: str) -> Merge | None:
        """The merge this cluster records under ``iri`` (None: one local id)."""
        locals_ = sorted(set(self.locals))
        if len(locals_) < 2:
            return None
        articles = tuple(sorted({a for a, _ in self.members}))
        return Merge(iri, tuple(locals_), articles, self.reasons)


def _allowed_by(negatives: set[frozenset[str]]) -> Callable[[_Profile, _Profile], bool]:
    def allowed(a: _Profile, b: _Profile) -> bool:
        if a.group != b.group or a.articles & b.articles:
            return False
        if len(a.scope | b.scope) > 1 or len(a.codes | b.codes) > 1:
            return False
        if len(a.wikidata | b.wikidata) > 1:
            return False
        return not negatives or not any(
            frozenset((x, y)) in negatives for x in a.locals for y in b.locals
        )

    return allowed


def group_of(props: Props) -> str | None:
    """``country``, ``organization``, ``person``, ``region``, ``place`` or ``post``; None for
    other nodes."""
    return _group_of_types(tuple(props.get(_TYPE, ())))


@functools.lru_cache(maxsize=1024)
def _group_of_types(types: tuple[str, ...]) -> str | None:
    found = {_GROUPS[t] for t in types if t in _GROUPS}
    return next(iter(found)) if len(found) == 1 else None


def name_keys(props: Props) -> set[str]:
    """The keys (:func:`loaders.names.normalize_name`) of a description's names and aliases
    that identity is matched on."""
    if _ROLE_ONLY_TRUE & set(props.get(_ROLE_ONLY, ())):
        return set()  # a derived name ("holder of …") is no evidence: identity/roles.py
    person = group_of(props) == "person"
    texts = (*props.get(_NAME, ()), *props.get(_ALIAS, ()))
    return {key for t in texts if (key := _name_key(t, person))}


@functools.lru_cache(maxsize=1 << 16)
def _name_key(text: str, person: bool) -> str:
    """:func:`loaders.names.normalize_name`, once per spelling (names recur across articles)."""
    return normalize_name(text, person=person)


def local_id(node: Node, props: Props) -> str:
    """The IRI the node's article alone gives it."""
    return min(props.get(_LOCAL, ()), default=node[1])


PHASES: tuple[tuple[str, ...], ...] = (
    ("country", "organization", "person", "group", "region", "place"),
    ("post",),
)
"""Entity groups by phase: a post's scope is its organisation's canonical IRI."""


@dataclass(frozen=True)
class Resolved:
    """The judgements as pairs of local ids (they may name stored IRIs)."""

    same: tuple[tuple[str, ...], ...]
    negatives: frozenset[frozenset[str]]


def resolve_judgements(statements: Statements, judged: Judged) -> Resolved:
    """The judgements as pairs of the local ids of ``statements``."""
    same_pairs, not_same = judged.same_pairs(), judged.not_same_pairs()
    if not same_pairs and not not_same:
        return Resolved((), frozenset())
    as_locals = _local_ids_by_iri(statements)
    same = sorted(
        tuple(sorted((x, y))) for a, b in same_pairs for x in as_locals(a) for y in as_locals(b)
    )
    negatives = {
        frozenset((x, y)) for a, b in not_same for x in as_locals(a) for y in as_locals(b) if x != y
    }
    return Resolved(tuple(same), frozenset(negatives))


def canonical_entities(statements: Statements, judged: Judged) -> Canon:
    """Canonical IRIs of the entities, then of the posts (which depend on their organisation's);
    the facts are placed on these by :func:`loaders.identity.facts.canonicalise`."""
    canon = Canon()
    resolved = resolve_judgements(statements, judged)
    for phase in PHASES:
        nodes = {
            (a, s): props
            for a, subjects in statements.items()
            for s, props in subjects.items()
            if group_of(props) in phase
        }
        name_entities(cluster_entities(nodes, canon.iris, resolved), canon)
    return canon


def cluster_entities(
    nodes: Mapping[Node, Props], known: Mapping[Node, str], resolved: Resolved
) -> list[EntityCluster]:
    """The clusters of the descriptions ``nodes`` of one phase (``known``: the canonical IRIs
    of the earlier phase), before clashes between wanted IRIs are settled."""
    negatives = set(resolved.negatives)
    return _EntityPhase(nodes, known, negatives, list(resolved.same)).clustered()


def negative_pairs(statements: Statements, judged: Judged) -> set[frozenset[str]]:
    """The not-same judgements as pairs of local ids."""
    return set(resolve_judgements(statements, judged).negatives)


def _local_ids_by_iri(statements: Statements) -> Callable[[str], set[str]]:
    """Judgements name local ids, or the IRI an entity is stored under (a canonical IRI that is
    no article's local id, such as ``…-dza``): the latter stand for the local ids stored under
    them."""
    locals_: set[str] = set()
    stored: dict[str, set[str]] = defaultdict(set)
    for article, subjects in statements.items():
        for subject, props in subjects.items():
            if group_of(props) is not None:
                local = local_id((article, subject), props)
                locals_.add(local)
                stored[subject].add(local)

    def as_locals(iri: str) -> set[str]:
        return {iri} if iri in locals_ else stored.get(iri, {iri})

    return as_locals


class _EntityPhase:
    """Clusters one phase's nodes (posts after the organisations they are in)."""

    def __init__(
        self,
        nodes: Mapping[Node, Props],
        known: Mapping[Node, str],
        negatives: set[frozenset[str]],
        same: list[tuple[str, ...]],
    ) -> None:
        """``known``: the canonical IRIs of the earlier phase (a post's organisation)."""
        self.nodes, self.known, self.same = nodes, known, same
        self.locals = {node: local_id(node, props) for node, props in nodes.items()}
        profiles = {node: self._profile(node, props) for node, props in nodes.items()}
        self.clusters: Clusters[Node, _Profile] = Clusters(
            profiles, _allowed_by(negatives), _combine
        )

    def mapped(self, article: str, iri: str) -> str:
        """``iri`` as the canonical IRI of that article's node, if it is one already placed."""
        return self.known.get((article, iri), iri)

    def _profile(self, node: Node, props: Props) -> _Profile:
        group = group_of(props)
        assert group is not None
        scope = _SCOPE.get(group)
        values = props.get(scope, ()) if scope else ()
        return _Profile(
            group=group,
            articles={node[0]},
            scope=frozenset(self.mapped(node[0], v) for v in values),
            # a place's GeoNames id is its code: two ids are two places
            codes=frozenset((*props.get(_ISO, ()), *props.get(_GEONAMES, ()))),
            wikidata=frozenset(props.get(_WIKIDATA, ())),
            locals=frozenset((self.locals[node],)),
        )

    def clustered(self) -> list[EntityCluster]:
        """The clusters of the nodes, each with the IRI it wants (before clashes are settled),
        in the order of their representatives."""
        self._strong()
        self._names()
        return [
            EntityCluster(
                root,
                tuple(members),
                tuple(self.locals[n] for n in members),
                self._wanted_iri(members),
                self.clusters.profile(root),
                tuple(dict.fromkeys(self.clusters.reasons.get(root, []))),
            )
            for root, members in self.clusters.groups().items()
        ]

    def _by_local(self) -> dict[str, list[Node]]:
        found: dict[str, list[Node]] = defaultdict(list)
        for node in sorted(self.nodes):
            found[self.locals[node]].append(node)
        return found

    def _chain(self, buckets: Mapping[str, list[Node]], reason: str) -> None:
        for key in sorted(buckets):
            nodes = sorted(buckets[key])
            for node in nodes[1:]:
                self.clusters.union(nodes[0], node, f"{reason} {key}")

    def _strong(self) -> None:
        by_local = self._by_local()
        for a, b in self.same:
            for x in by_local.get(a, ()):
                for y in by_local.get(b, ()):
                    self.clusters.union(x, y, f"judged the same: {a} = {b}")
        strong = ((_ISO, "ISO code"), (_WIKIDATA, "Wikidata id"), (_GEONAMES, "GeoNames id"))
        for predicate, reason in strong:
            self._chain(self._bucket(_values_of(predicate)), reason)
        external = self._bucket(lambda p: [o for o in p.get(_SAME, ()) if not o.startswith(ID)])
        self._chain(external, "same as")
        for node in sorted(self.nodes):
            for target in sorted(self.nodes[node].get(_SAME, ())):
                for other in by_local.get(target, ()):
                    self.clusters.union(other, node, f"same as {target}")

    def _bucket(self, values: Callable[[Props], Iterable[str]]) -> dict[str, list[Node]]:
        found: dict[str, list[Node]] = defaultdict(list)
        for node, props in self.nodes.items():
            for value in values(props):
                found[value].append(node)
        return found

    def _names(self) -> None:
        buckets: dict[tuple[str, str], list[Node]] = defaultdict(list)
        for node, props in self.nodes.items():
            for key in name_keys(props):
                buckets[(self.clusters.profile(node).group, key)].append(node)
        for group, key in sorted(buckets):
            roots: list[Node] = []
            for node in sorted(buckets[(group, key)]):
                if not self.clusters.join_first(node, roots, f"name '{key}'"):
                    roots.append(node)
                roots = list(dict.fromkeys(self.clusters.find(r) for r in roots))

    def _wanted_iri(self, members: list[Node]) -> str:
        profile = self.clusters.profile(members[0])
        locals_ = sorted({self.locals[n] for n in members})
        foreign = [x for x in locals_ if not x.startswith(str(ID))]
        if foreign:
            return foreign[0]  # RDF input with IRIs of its own keeps them
        if profile.group == "country":
            return f"{ID}country/{min(profile.codes)}" if profile.codes else locals_[0]
        keys: dict[str, set[str]] = defaultdict(set)
        person = profile.group == "person"
        for article, subject in members:
            for name in self.nodes[(article, subject)].get(_NAME, ()):
                keys[_name_key(name, person)].add(article)
        if not keys:
            return locals_[0]
        # the name most articles give (honorifics, case and accents aside), as names are chosen
        key = preferred_name(keys)
        return f"{ID}{profile.group}/{slugify(key)}" if key else locals_[0]


def _values_of(predicate: str) -> Callable[[Props], Iterable[str]]:
    def values(props: Props) -> Iterable[str]:
        return props.get(predicate, ())

    return values


def name_entities(records: list[EntityCluster], canon: Canon) -> None:
    """Give every cluster its IRI (clashes settled by :func:`settle_clashes`), in ``canon``,
    with a merge for each cluster of several local ids."""
    by_iri: dict[str, list[Node]] = defaultdict(list)
    for record in records:
        by_iri[record.wanted].append(record.root)
    profiles = {r.root: r.profile for r in records}
    clashing = {iri: roots for iri, roots in by_iri.items() if len(roots) > 1}
    unique = lambda iri: len(by_iri.get(iri, ())) == 1  # noqa: E731
    final = settle_clashes(clashing, unique, profiles.__getitem__)
    for record in records:
        iri = final.get(record.root, record.wanted)
        for node, local in zip(record.members, record.locals, strict=True):
            canon.iris[node] = iri
            canon.local_ids[node] = local
        merge = record.merge(iri)
        if merge is not None:
            canon.merges.append(merge)


def settle_clashes(
    clashing: Mapping[str, Iterable[Node]],
    unique: Callable[[str], bool],
    profile: Callable[[Node], _Profile],
) -> dict[Node, str]:
    """Distinct IRIs for the clusters (``clashing``: wanted IRI → the clusters wanting it, for
    every IRI wanted more than once; ``unique``: whether an IRI is wanted by exactly one
    cluster): each is qualified by its country (the last path segment of an organisation's
    country or a post's organisation), then numbered, in order of local ids."""
    chosen: set[str] = set()
    final: dict[Node, str] = {}
    for iri in sorted(clashing):
        for root in sorted(clashing[iri], key=lambda r: (sorted(profile(r).locals), repr(r))):
            scope = sorted(profile(root).scope)
            base = f"{iri}-{slugify(scope[0].rsplit('/', 1)[-1])}" if len(scope) == 1 else iri
            choice, n = base, 2
            while unique(choice) or choice in chosen:
                choice, n = f"{base}-{n}", n + 1
            chosen.add(choice)
            final[root] = choice
    return final
