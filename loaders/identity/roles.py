"""A person known only by role joins the one named person who holds the same post at that time.

An article may name a person only by the post they hold ("the Tunisian minister of national
defense": ``dg:roleOnly true``, ``dg:holds`` the post, ``dg:asOf`` when, else the article's
date). Once entities and posts have their canonical IRIs (:mod:`loaders.identity.canon`), each
cluster of such descriptions joins the **one** named person who, in any stored article, holds
the same canonical post over a period compatible with that date (unknown bounds never exclude:
:func:`ontology.dates.overlaps`). Two or more candidates: no merge (``diplograph xref`` lists
them as ``shared-post``). Nothing joins when a judgement says not-same, when the two share an
article (a sheet that describes both says they are two) or their nationalities differ.

Like every identity rule, the outcome is a function of the set of articles and judgements:
the candidates are read from every stored tenure, and retracting the naming article leaves the
role-only person on their own again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rdflib.namespace import RDF

from loaders.identity.canon import Canon, Merge, Node, group_of
from loaders.identity.statements import Props, Statements
from ontology.dates import first_day, last_day, overlaps
from ontology.namespace import DG

_TYPE, _ROLE_ONLY, _HOLDS = str(RDF.type), str(DG.roleOnly), str(DG.holds)
_AS_OF, _DATE, _NATIONALITY = str(DG.asOf), str(DG.date), str(DG.nationality)
_START, _END, _TENURE = str(DG.startDate), str(DG.endDate), str(DG.Tenure)


@dataclass(frozen=True)
class _Holding:
    """One named person's tenure of a post: canonical holder, period, article."""

    holder: str
    start: str | None
    end: str | None
    article: str


def is_role_only(props: Props) -> bool:
    """Whether a description is of a person the article names only by the post they hold."""
    return any(v in ("true", "1") for v in props.get(_ROLE_ONLY, ()))


def join_role_only(
    statements: Statements, canon: Canon, negatives: Callable[[], set[frozenset[str]]]
) -> None:
    """Re-point every role-only cluster with exactly one named candidate to that person's IRI
    (``canon`` must hold the canonical IRIs of persons and posts; ``negatives`` gives the
    not-same pairs, computed only when a merge is tried)."""
    roles = [
        (node, props)
        for node, props in _nodes(statements)
        if _ROLE_ONLY in props and is_role_only(props) and node in canon.iris
    ]
    if not roles:
        return  # the common case costs one pass over the subjects
    role_iris = {canon.iris[node] for node, _ in roles}
    clusters: dict[str, list[Node]] = defaultdict(list)
    for node in sorted(n for n, _ in _nodes(statements) if canon.iris.get(n) in role_iris):
        clusters[canon.iris[node]].append(node)
    named = _named(statements, canon)
    holdings = _holdings(statements, canon, named)
    refused: set[frozenset[str]] | None = None
    members: dict[str, list[Node]] | None = None
    for iri in sorted(role_iris - named):
        nodes = clusters[iri]
        candidates = _candidates(nodes, statements, canon, holdings)
        if len(candidates) != 1:
            continue
        (target, post) = next(iter(candidates.items()))
        members = _persons_by_iri(statements, canon) if members is None else members
        theirs = members[target]
        refused = negatives() if refused is None else refused
        if _refused(nodes, theirs, statements, canon, refused):
            continue
        _merge(canon, iri, target, nodes, theirs, post)
        members[target] = sorted([*theirs, *nodes])  # a later cluster meets these too


def _nodes(statements: Statements) -> Iterator[tuple[Node, Props]]:
    for a, subjects in statements.items():
        for s, p in subjects.items():
            yield (a, s), p


def _named(statements: Statements, canon: Canon) -> set[str]:
    """Canonical IRIs of the persons some article names (not only by role): a role-only
    cluster that a judgement or ``same_as`` joined to a named person is named."""
    named = set()
    for node, props in _nodes(statements):
        if group_of(props) == "person" and not is_role_only(props) and node in canon.iris:
            named.add(canon.iris[node])
    return named


def _persons_by_iri(statements: Statements, canon: Canon) -> dict[str, list[Node]]:
    """Canonical IRI → the (sorted) person descriptions it names."""
    found: dict[str, list[Node]] = defaultdict(list)
    for node, props in sorted(_nodes(statements)):
        if group_of(props) == "person" and node in canon.iris:
            found[canon.iris[node]].append(node)
    return found


def _holdings(statements: Statements, canon: Canon, named: set[str]) -> dict[str, list[_Holding]]:
    """Canonical post → the tenures of named persons (from every article)."""
    found: dict[str, list[_Holding]] = defaultdict(list)
    tenures = [(n, p) for n, p in _nodes(statements) if _TENURE in p.get(_TYPE, ())]
    for (article, _), props in sorted(tenures):
        for holder in props.get(str(DG.holder), ()):
            who = canon.iris.get((article, holder), holder)
            if who not in named:
                continue
            for post in props.get(str(DG.post), ()):
                start, end = _first(props, _START), _first(props, _END)
                found[canon.iris.get((article, post), post)].append(
                    _Holding(who, start, end, article)
                )
    return found


def _first(props: Props, predicate: str) -> str | None:
    return min(props.get(predicate, ()), default=None)


def _candidates(
    nodes: list[Node],
    statements: Statements,
    canon: Canon,
    holdings: dict[str, list[_Holding]],
) -> dict[str, str]:
    """Named holder → the canonical post they share with the role-only descriptions ``nodes``."""
    found: dict[str, str] = {}
    for article, subject in nodes:
        props = statements[article][subject]
        when = _first(props, _AS_OF) or _first(statements[article].get(article, {}), _DATE)
        for post_iri in props.get(_HOLDS, ()):
            post = canon.iris.get((article, post_iri), post_iri)
            for held in holdings.get(post, ()):
                if when is None or overlaps(
                    first_day(held.start), last_day(held.end), first_day(when), last_day(when)
                ):
                    found.setdefault(held.holder, post)
    return found


def _refused(
    mine: list[Node],
    theirs: list[Node],
    statements: Statements,
    canon: Canon,
    negatives: set[frozenset[str]],
) -> bool:
    """The rules that keep any two descriptions apart: one article, two nationalities, a
    not-same judgement."""
    if {a for a, _ in mine} & {a for a, _ in theirs}:
        return True
    nationalities = {
        canon.iris.get((a, v), v)
        for a, s in (*mine, *theirs)
        for v in statements[a][s].get(_NATIONALITY, ())
    }
    if len(nationalities) > 1:
        return True
    locals_ = {canon.local_ids.get(n, n[1]) for n in mine}
    others = {canon.local_ids.get(n, n[1]) for n in theirs}
    return any(frozenset((x, y)) in negatives for x in locals_ for y in others)


def _merge(
    canon: Canon, iri: str, target: str, mine: list[Node], theirs: list[Node], post: str
) -> None:
    for node in mine:
        canon.iris[node] = target
    members = [*mine, *theirs]
    previous = [m for m in canon.merges if m.iri in (iri, target)]
    reasons = [r for m in previous for r in m.reasons]
    canon.merges[:] = [m for m in canon.merges if m.iri not in (iri, target)]
    canon.merges.append(
        Merge(
            target,
            tuple(sorted({canon.local_ids.get(n, n[1]) for n in members})),
            tuple(sorted({a for a, _ in members})),
            tuple(dict.fromkeys([*reasons, f"the one named holder of post {post}"])),
        )
    )
