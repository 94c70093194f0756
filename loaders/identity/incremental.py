"""Incremental identity resolution: re-cluster only what a write can reach, reuse the rest.

:func:`loaders.identity.canonicalise` clusters every description of every stored article on
every write. :class:`IdentityState` keeps, per phase (entities, posts, then each kind of fact),
the clusters of the last run and the keys that link descriptions
(:mod:`loaders.identity.components`). An update with the *dirty* articles (loaded, replaced,
retracted, or rewritten by the last write) re-clusters the components of their descriptions
before and after the change, then settles the IRIs that clusters want (clashes are a function of
the IRIs wanted, kept in an index), and passes on to the next phase every article whose
descriptions changed IRI (a post's organisation, a fact's parties). The outcome is the same
:class:`~loaders.identity.canon.Canon` as the full run on the same statements, which is what
``tests/test_identity_incremental.py`` checks on random sequences of writes; judgements that
resolve differently (:func:`loaders.identity.canon.resolve_judgements`) start again from scratch.

The role-only step (:mod:`loaders.identity.roles`) is a function of every tenure: it runs over
all statements when some article names a person only by role, and costs one look per article
otherwise.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from loaders.identity.canon import (
    PHASES,
    Canon,
    EntityCluster,
    Judged,
    Merge,
    Node,
    Resolved,
    cluster_entities,
    group_of,
    local_id,
    name_keys,
    resolve_judgements,
    settle_clashes,
)
from loaders.identity.components import KeyIndex, Reach
from loaders.identity.facts import (
    SPECS,
    FactCluster,
    FactSpec,
    cluster_facts,
    fact_local_id,
    fact_nodes,
    fact_reach,
    settle_facts,
)
from loaders.identity.roles import is_role_only, join_role_only
from loaders.identity.statements import Props, Statements
from ontology.namespace import ID

R = TypeVar("R", EntityCluster, FactCluster)

_ISO, _WIKIDATA, _GEONAMES = (
    "https://w3id.org/diplograph/ontology#isoCode",
    "https://w3id.org/diplograph/ontology#wikidata",
    "https://w3id.org/diplograph/ontology#geonamesId",
)
_SAME = "http://www.w3.org/2002/07/owl#sameAs"


class _Chain(Mapping[Node, str]):
    """Several mappings read as one, the first that has a key winning (faster than
    :class:`collections.ChainMap` for the lookups clustering makes)."""

    def __init__(self, *maps: Mapping[Node, str]) -> None:
        self.maps = maps

    def get(self, key: Node, default: str | None = None) -> str | None:  # type: ignore[override]
        """The value of ``key`` in the first mapping that has it."""
        for values in self.maps:
            found = values.get(key)
            if found is not None:
                return found
        return default

    def __getitem__(self, key: Node) -> str:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[Node]:
        return iter({key for values in self.maps for key in values})

    def __len__(self) -> int:
        return len({key for values in self.maps for key in values})


class _Recording(dict[Node, str]):
    """A dict that remembers the keys written (the role-only step's re-pointings)."""

    def __init__(self, values: Mapping[Node, str]) -> None:
        super().__init__(values)
        self.written: set[Node] = set()

    def __setitem__(self, key: Node, value: str) -> None:
        self.written.add(key)
        super().__setitem__(key, value)


@dataclass
class _Layer(Generic[R]):
    """One phase: its descriptions, their keys, its clusters and the IRIs they were given."""

    index: KeyIndex = field(default_factory=KeyIndex)
    records: dict[Node, R] = field(default_factory=dict)
    root_of: dict[Node, Node] = field(default_factory=dict)
    by_wanted: dict[str, set[Node]] = field(default_factory=dict)
    final: dict[Node, str] = field(default_factory=dict)
    iris: dict[Node, str] = field(default_factory=dict)
    local_ids: dict[Node, str] = field(default_factory=dict)
    by_article: dict[str, set[Node]] = field(default_factory=dict)
    removed: list[R] = field(default_factory=list)
    """The clusters the last :meth:`replace` undid."""
    _before: dict[Node, str | None] = field(default_factory=dict)

    def set_iri(self, node: Node, iri: str | None) -> None:
        """Give ``node`` its IRI (None: it is gone), remembering the IRI it had."""
        if node not in self._before:
            self._before[node] = self.iris.get(node)
        if iri is None:
            self.iris.pop(node, None)
            self.local_ids.pop(node, None)
        else:
            self.iris[node] = iri

    def changed_articles(self) -> set[str]:
        """Articles with a description whose IRI changed since :meth:`start`."""
        return {n[0] for n, before in self._before.items() if self.iris.get(n) != before}

    def start(self) -> None:
        """Begin an update."""
        self._before = {}

    def replace(
        self, dirty: Collection[str], nodes: Mapping[Node, Props], reach: Mapping[Node, Reach]
    ) -> set[Node]:
        """Forget the descriptions of the dirty articles, index their new ones (``nodes``, with
        what links them: ``reach``); the descriptions whose clusters must be made again."""
        former: list[Reach] = []
        gone: list[Node] = []
        for article in dirty:
            for node in self.by_article.pop(article, ()):
                former.append(self.index.remove(node))
                gone.append(node)
        for node in nodes:
            self.index.add(node, reach[node])
            self.by_article.setdefault(node[0], set()).add(node)
        affected: set[Node]
        if len(self.index) == len(nodes):
            affected = set(nodes)  # nothing else is stored: everything is made again
        else:
            affected = self.index.component(nodes, former)
        removed = self._unrecord({*affected, *gone})
        while True:  # a former cluster's members are re-clustered with the changed ones
            extra = {m for r in removed for m in r.members if m in self.index.reach} - affected
            if not extra:
                break
            affected |= self.index.component(extra)
            removed += self._unrecord(affected)
        for node in gone:
            if node not in self.index.reach:
                self.set_iri(node, None)
        self.removed = removed
        return affected

    def _unrecord(self, nodes: Iterable[Node]) -> list[R]:
        roots = {self.root_of[n] for n in nodes if n in self.root_of}
        out = []
        for root in roots:
            record = self.records.pop(root)
            for member in record.members:
                del self.root_of[member]
            wanting = self.by_wanted[record.wanted]
            wanting.discard(root)
            if not wanting:
                del self.by_wanted[record.wanted]
            self.final.pop(root, None)
            out.append(record)
        return out

    def record(self, records: Iterable[R]) -> None:
        """Keep the new clusters."""
        for record in records:
            self.records[record.root] = record
            for member in record.members:
                self.root_of[member] = record.root
            self.by_wanted.setdefault(record.wanted, set()).add(record.root)

    def touched_iris(self, added: Iterable[R]) -> set[str]:
        """The IRIs wanted by the clusters removed or added by this update."""
        return {r.wanted for r in self.removed} | {r.wanted for r in added}

    def give(self, root: Node, iri: str) -> None:
        """The cluster of ``root`` is named ``iri``."""
        self.final[root] = iri
        for member in self.records[root].members:
            self.set_iri(member, iri)


class IdentityState:
    """The clusters of every phase for one set of statements, updated article by article."""

    def __init__(self) -> None:
        self.resolved: Resolved | None = None
        self.entities: list[_Layer[EntityCluster]] = [_Layer() for _ in PHASES]
        self.entity_merges: list[dict[Node, Merge]] = [{} for _ in PHASES]
        self.facts: list[_Layer[FactCluster]] = [_Layer() for phase in SPECS for _ in phase]
        self.specs: list[FactSpec] = [spec for phase in SPECS for spec in phase]
        self.role_articles: set[str] = set()
        self.overrides: dict[Node, str] = {}
        self._role_changes: set[str] = set()
        self.pending: set[str] = set()
        """Articles whose statements the last write replaced (rewritten in canonical IRIs)."""
        self.valid = True

    def update(self, statements: Statements, dirty: Collection[str], judged: Judged) -> Canon:
        """The canon of ``statements``, which differ from the last update's only in the
        articles ``dirty`` (and :attr:`pending`). Judgements that resolve differently from the
        last update's re-cluster everything."""
        resolved = resolve_judgements(statements, judged)
        todo = {*dirty, *self.pending}
        if self.resolved is not None and resolved != self.resolved:
            self.__init__()  # type: ignore[misc]  # judgements changed: from scratch
            todo = set(statements)
        self.resolved = resolved
        self.pending = set()
        return self._run(statements, todo, resolved)

    def _run(self, statements: Statements, dirty: set[str], resolved: Resolved) -> Canon:
        subjects = [(a, statements[a]) for a in sorted(dirty) if a in statements]
        known: Mapping[Node, str] = {}
        for i, phase in enumerate(PHASES):
            nodes = {
                (a, s): p for a, subs in subjects for s, p in subs.items() if group_of(p) in phase
            }
            self._entities(i, statements, nodes, dirty, known, resolved)
            known = self.entities[i].iris
            dirty = dirty | self.entities[i].changed_articles()
            subjects = [(a, statements[a]) for a in sorted(dirty) if a in statements]
        entity_iris, merges = self._roles(statements, dirty, resolved)
        dirty = dirty | self._role_changes
        layers: list[Mapping[Node, str]] = [entity_iris]
        for spec, layer in zip(self.specs, self.facts, strict=True):
            subjects = [(a, statements[a]) for a in sorted(dirty) if a in statements]
            view = _Chain(*reversed(layers))  # later kinds of fact are not placed yet
            self._facts(spec, layer, statements, fact_nodes(spec, subjects), dirty, view)
            layers.append(layer.iris)
            dirty = dirty | layer.changed_articles()
        return self._canon(merges, dirty)

    def _entities(
        self,
        i: int,
        statements: Statements,
        nodes: dict[Node, Props],
        dirty: Collection[str],
        known: Mapping[Node, str],
        resolved: Resolved,
    ) -> None:
        layer = self.entities[i]
        layer.start()
        same_of: dict[str, list[int]] = {}
        for n, pair in enumerate(resolved.same):
            for local in pair:
                same_of.setdefault(local, []).append(n)
        reach = {node: _entity_reach(node, props, same_of) for node, props in nodes.items()}
        affected = layer.replace(dirty, nodes, reach)
        sub = {n: statements[n[0]][n[1]] for n in sorted(affected)}
        added = cluster_entities(sub, known, resolved)
        layer.record(added)
        for record in added:
            for node, local in zip(record.members, record.locals, strict=True):
                layer.local_ids[node] = local
        merges = self.entity_merges[i]
        for record in layer.removed:
            merges.pop(record.root, None)
        by_wanted = layer.by_wanted
        clashing = {iri: roots for iri, roots in by_wanted.items() if len(roots) > 1}
        settled = settle_clashes(
            clashing,
            lambda iri: len(by_wanted.get(iri, ())) == 1,
            lambda root: layer.records[root].profile,
        )
        roots = {r.root for r in added} | set(settled)
        roots |= {root for iri in layer.touched_iris(added) for root in by_wanted.get(iri, ())}
        for root in roots:
            iri = settled.get(root, layer.records[root].wanted)
            if layer.final.get(root) != iri:
                layer.give(root, iri)
                merge = layer.records[root].merge(iri)
                if merge is not None:
                    merges[root] = merge
                else:
                    merges.pop(root, None)

    def _roles(
        self, statements: Statements, dirty: Collection[str], resolved: Resolved
    ) -> tuple[_Chain, list[Merge]]:
        """The entity IRIs once role-only persons joined their named holders, and the merges."""
        for article in dirty:
            subjects = statements.get(article, {})
            if any(is_role_only(p) for p in subjects.values()):
                self.role_articles.add(article)
            else:
                self.role_articles.discard(article)
        merges = [
            merges[root] for merges in self.entity_merges for root in sorted(merges, key=repr)
        ]
        entity_iris = _Chain(*(layer.iris for layer in self.entities))
        before, self.overrides = self.overrides, {}
        if self.role_articles:
            iris = _Recording(_merged(layer.iris for layer in self.entities))
            local_ids = _merged(layer.local_ids for layer in self.entities)
            canon = Canon(iris, local_ids, merges)
            join_role_only(statements, canon, lambda: set(resolved.negatives))
            self.overrides = {n: iris[n] for n in iris.written}
            merges = canon.merges
        self._role_changes = {
            n[0]
            for n in {*before, *self.overrides}
            if self.overrides.get(n, entity_iris.get(n)) != before.get(n, entity_iris.get(n))
        }
        return _Chain(self.overrides, *entity_iris.maps), merges

    def _facts(
        self,
        spec: FactSpec,
        layer: _Layer[FactCluster],
        statements: Statements,
        nodes: dict[Node, Props],
        dirty: Collection[str],
        known: Mapping[Node, str],
    ) -> None:
        layer.start()
        reach = fact_reach(spec, nodes, known)
        affected = layer.replace(dirty, nodes, reach)
        sub = {n: statements[n[0]][n[1]] for n in sorted(affected)}
        added = cluster_facts(spec, sub, known)
        layer.record(added)
        for record in added:
            for node in record.members:
                layer.local_ids[node] = fact_local_id(node, sub[node])
        for iri in layer.touched_iris(added):
            group = [layer.records[root] for root in layer.by_wanted.get(iri, ())]
            if not group:
                continue
            members = {m: statements[m[0]][m[1]] for r in group for m in r.members}
            for record, final in settle_facts(spec, iri, group, members).items():
                layer.give(record.root, final)

    def _canon(self, merges: list[Merge], dirty: set[str]) -> Canon:
        """The canon as the full run gives it (a later phase's IRI wins, as it overwrites)."""
        iris = _merged(layer.iris for layer in self.entities)
        iris.update(self.overrides)
        iris.update(_merged(layer.iris for layer in self.facts))
        local_ids = _merged(layer.local_ids for layer in self.entities)
        local_ids.update(_merged(layer.local_ids for layer in self.facts))
        indexes = [layer.by_article for layer in self.entities]
        indexes += [layer.by_article for layer in self.facts]

        def subjects(article: str) -> set[str]:
            return {s for index in indexes for _, s in index.get(article, ())}

        return Canon(iris, local_ids, merges, subjects=subjects, candidates=frozenset(dirty))


def _merged(maps: Iterable[Mapping[Node, str]]) -> dict[Node, str]:
    out: dict[Node, str] = {}
    for values in maps:
        out.update(values)
    return out


def _entity_reach(node: Node, props: Props, same_of: Mapping[str, list[int]]) -> Reach:
    """The keys an entity or post description is compared on (:mod:`loaders.identity.canon`)."""
    local = local_id(node, props)
    group = group_of(props)
    same = props.get(_SAME, ())
    keys: list[tuple[str, ...]] = [("local", local)]
    keys += [("iso", v) for v in props.get(_ISO, ())]
    keys += [("wikidata", v) for v in props.get(_WIKIDATA, ())]
    keys += [("geonames", v) for v in props.get(_GEONAMES, ())]
    keys += [("external", o) for o in same if not o.startswith(ID)]
    keys += [("local", o) for o in same]
    keys += [("name", str(group), key) for key in sorted(name_keys(props))]
    keys += [("judged", str(n)) for n in same_of.get(local, ())]
    return Reach(tuple(dict.fromkeys(keys)))
