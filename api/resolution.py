"""Identity across articles at write time: every load, retraction and sync re-resolves.

The loaders give each new article the IRIs it alone implies; :func:`plan_identity` reads the
identifying statements of every stored article, clusters them with the new ones and the
recorded judgements, and returns the new articles and every stored article whose IRIs change,
rewritten in canonical IRIs. A process keeps, per store, the clusters the last write left
(:class:`loaders.identity.incremental.IdentityState`), so a write re-clusters only the
descriptions it can reach, with the same outcome as clustering everything
(:func:`loaders.identity.canonicalise`, which ``full=True`` runs). The caller writes them in
one transaction (:meth:`graph.writer.GraphStore.replace_articles`), so a merge or a split
re-points every fact in both stores at once.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rdflib import BNode, Literal, URIRef

from graph.model import RDF_LANG_STRING, XSD_STRING, Lit, QuadRow
from graph.model import BNode as StoredBNode
from graph.writer import GraphStore
from loaders.identity import (
    IDENTITY_PREDICATES,
    Canon,
    Judged,
    canonicalise,
    rewrite_article,
    rewrite_statements,
    statements_of_graph,
    unchanged,
)
from loaders.identity.canon import Merge, group_of
from loaders.identity.incremental import IdentityState
from loaders.identity.statements import Props, Statements, add_rows, new_statements
from loaders.index import IndexEntry
from ontology.namespace import DG
from ontology.triples import Triple, Triples


@dataclass
class IdentityPlan:
    """Article graphs to write (new and rewritten), and what identity resolution decided."""

    graphs: dict[str, Triples]
    canon: Canon
    rewritten: tuple[str, ...]
    """Stored articles whose IRIs changed (besides the ones being loaded)."""
    statements: dict[str, dict[str, Props]]
    """The identifying statements of every article once the graphs are written."""
    state: IdentityState | None = None
    """The clusters behind :attr:`canon`, for the next write (None: a full run)."""

    @property
    def merges(self) -> list[Merge]:
        """Entities that several local ids became, with why."""
        return self.canon.merges


def _text(term: object) -> str | None:
    if isinstance(term, str):
        return term
    if isinstance(term, Lit):
        return term.value
    return None


def stored_statements(store: GraphStore, skip: Iterable[str] = ()) -> Statements:
    """The identifying statements of every stored article but ``skip``."""
    skipped = set(skip)
    statements = new_statements()
    rows = store.rdf.predicate_quads(IDENTITY_PREDICATES)
    add_rows(
        statements,
        (
            (q.graph, q.subject, q.predicate, text)
            for q in rows
            if q.graph not in skipped
            and isinstance(q.subject, str)
            and (text := _text(q.object)) is not None
        ),
    )
    return statements


def _rdflib(term: object) -> URIRef | Literal | BNode:
    if isinstance(term, str):
        return URIRef(term)
    if isinstance(term, StoredBNode):
        return BNode(term.id)
    assert isinstance(term, Lit)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype in (XSD_STRING, RDF_LANG_STRING):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype))


def stored_triples(rows: Iterable[QuadRow]) -> tuple[Triple, ...]:
    """An article graph read back from the store, as rdflib terms."""
    return tuple((_rdflib(s), URIRef(p), _rdflib(o)) for s, p, o, _ in rows)


@dataclass
class _Known:
    """The identifying statements of the stored articles as of one store generation."""

    generation: int
    statements: dict[str, dict[str, Props]]
    state: IdentityState | None = None
    writes: int = 0
    """Writes this process made to the store (it keeps clusters from its second on)."""


_KNOWN: weakref.WeakKeyDictionary[GraphStore, _Known] = weakref.WeakKeyDictionary()
"""Per store, what the last write left: a process that loads again (the API) reads the store's
identifying statements once, not on every load. Writes hold ``GraphStore.exclusive()``."""


def _stored(store: GraphStore) -> dict[str, dict[str, Props]]:
    """The stored articles' identifying statements: kept from the last write or read, else read
    (and kept: a load reads them for the country index, then for identity resolution)."""
    generation = store.rdf.generation  # before the read: a write meanwhile makes it stale
    known = _KNOWN.get(store)
    if known is not None and known.generation == generation:
        return known.statements
    statements = dict(stored_statements(store))
    _KNOWN[store] = _Known(generation, statements, writes=known.writes if known else 0)
    return statements


def country_records(store: GraphStore) -> list[IndexEntry]:
    """Every stored country description (ISO code, names, aliases), for the loaders' index."""
    iso, name, alias = str(DG.isoCode), str(DG.name), str(DG.alias)
    records = []
    for subjects in _stored(store).values():
        for subject, props in subjects.items():
            if group_of(props) == "country":
                records.append(
                    IndexEntry(
                        iri=subject,
                        type="country",
                        names=tuple(props.get(name, ())),
                        aliases=tuple(props.get(alias, ())),
                        iso=min(props.get(iso, ()), default=None),
                    )
                )
    return records


def remember(store: GraphStore, plan: IdentityPlan) -> None:
    """After ``plan`` was written: keep the statements it leaves stored, for the next load."""
    if plan.state is not None:
        plan.state.valid = True
    known = _KNOWN.get(store)
    writes = known.writes + 1 if known is not None else 1
    _KNOWN[store] = _Known(store.rdf.generation, plan.statements, plan.state, writes)


def plan_identity(
    store: GraphStore,
    new: Mapping[str, Triples],
    judged: Judged,
    drop: Iterable[str] = (),
    *,
    full: bool = False,
) -> IdentityPlan:
    """The graphs that loading ``new`` (and dropping ``drop``) writes, identity resolved:
    incrementally from the clusters this process kept for the store (:func:`_state`), else
    (or with ``full``) by clustering every description."""
    skipped = set(new) | set(drop)
    stored = _stored(store)
    statements = {a: st for a, st in stored.items() if a not in skipped}
    for iri, graph in new.items():
        statements[iri] = statements_of_graph(iri, graph)
    state = None if full else _state(store, stored)
    if state is None:
        canon = canonicalise(statements, judged)
    else:
        state.valid = False  # changed in place: valid again once the plan is written
        dirty = skipped if state.resolved is not None else set(statements)
        canon = state.update(statements, dirty, judged)
    rewritten = sorted(canon.changed() - skipped)
    graphs: dict[str, Triples] = {}
    for article in [*new, *rewritten]:
        iris, locals_ = canon.of_article(article), canon.local_ids_of_article(article)
        if article in new and unchanged(iris, locals_):
            graphs[article] = new[article]  # already what the article alone gives: as it is
            continue
        source = new.get(article) or stored_triples(store.rdf.graph_quads(article))
        graphs[article] = rewrite_article(article, source, iris, locals_)
        statements[article] = rewrite_statements(statements[article], iris, locals_)
    if state is not None:
        state.pending = set(graphs)  # their statements are rewritten: made again next time
    return IdentityPlan(graphs, canon, tuple(rewritten), statements, state)


def _state(store: GraphStore, stored: dict[str, dict[str, Props]]) -> IdentityState | None:
    """The clusters kept for ``stored`` (the statements just read or kept); a new, empty state
    when this process wrote to the store before (a server: the clusters are kept from then
    on); None for the first write of a process (the CLI: keeping them would cost more than the
    one full clustering it needs)."""
    known = _KNOWN.get(store)
    if known is None or known.writes == 0:
        return None
    state = known.state if known.statements is stored else None
    return state if state is not None and state.valid else IdentityState()


@dataclass(frozen=True)
class Spelling:
    """A name or alias of an entity and the articles that give it."""

    text: str
    kind: str
    """``name`` (the article's preferred name for it) or ``alias``."""
    articles: tuple[str, ...]


@dataclass(frozen=True)
class EntityIdentity:
    """How an entity's identity was decided: every spelling seen, with its articles, and the
    ids articles gave it before identity resolution merged them (``dg:localIri``)."""

    merged_from: tuple[str, ...]
    spellings: tuple[Spelling, ...]


_SPELLING_KINDS = {str(DG.name): "name", str(DG.alias): "alias"}


def entity_identity(store: GraphStore, uri: str) -> EntityIdentity:
    """The spellings and former ids of one entity, read from the store of record."""
    seen: dict[tuple[str, str], set[str]] = {}
    former: set[str] = set()
    for quad in store.rdf.subject_quads([uri]):
        text = _text(quad.object)
        if text is None:
            continue
        if quad.predicate == str(DG.localIri):
            former.add(text)
        elif (kind := _SPELLING_KINDS.get(quad.predicate)) is not None:
            seen.setdefault((text, kind), set()).add(quad.graph)
    spellings = tuple(
        Spelling(text, kind, tuple(sorted(articles)))
        for (text, kind), articles in sorted(seen.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    )
    return EntityIdentity(tuple(sorted(former - {uri})), spellings)
