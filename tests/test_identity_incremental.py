"""Incremental identity resolution gives what clustering everything gives.

Random sequences of loads, replacements and retractions of articles that share or disagree on
names, codes, nationalities, posts, parties, dates and titles (and of judgements) are applied to
an :class:`~loaders.identity.incremental.IdentityState`; after every step its canon (IRIs, local
ids, merges, the articles to rewrite) must equal :func:`loaders.identity.canonicalise` of the same
statements. Articles are rewritten in canonical IRIs after each step, as
:func:`api.resolution.plan_identity` does, so the next step starts from what a store holds.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from storeutil import nquads_lines

from api import resolution
from api.ingest import ingest_paths, retract
from api.resolution import plan_identity
from graph.backends import BackendConfig, open_backends
from loaders.identity import Canon, NoJudgements, canonicalise, rewrite_statements
from loaders.identity.incremental import IdentityState
from loaders.identity.statements import Props, Statements
from tests.conftest import fuzz_examples, fuzz_profile

ID = "https://w3id.org/diplograph/id/"
DG = "https://w3id.org/diplograph/ontology#"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SAME = "http://www.w3.org/2002/07/owl#sameAs"

COUNTRIES = [("DZA", "Algeria", "Algérie"), ("USA", "United States", "U.S."), ("FRA", "France", "")]
PEOPLE = ["Said Chanegriha", "Saïd Chengriha", "Gen. Said Chanegriha", "Ahmed Attaf", "A. Attaf"]
ORGS = ["Ministry of Defense", "Ministry of Defense DZA", "People's National Army"]
POSTS = ["Chief of Staff", "Minister of Defense"]
DATES = ["2025", "2025-01", "2025-01-22", "2025-01-23", "2024-12-01"]
TITLES = ["Defense MOU", "MOU on defense cooperation", "Energy treaty", "Treaty on energy"]


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


@dataclass
class Judgements:
    """A judgement log as pairs of ids."""

    same: list[tuple[str, str]] = field(default_factory=list)
    not_same: list[tuple[str, str]] = field(default_factory=list)

    def same_pairs(self) -> list[tuple[str, str]]:
        return self.same

    def not_same_pairs(self) -> list[tuple[str, str]]:
        return self.not_same


@st.composite
def articles(draw: st.DrawFn, n: int) -> dict[str, Props]:
    """The identifying statements of one article (as :mod:`loaders.mapping` would give)."""
    out: dict[str, Props] = {}
    article = f"{ID}article/a{n}"
    out[article] = {TYPE: [f"{DG}Article"], f"{DG}date": [draw(st.sampled_from(DATES))]}
    countries = []
    for iso, name, alias in draw(st.lists(st.sampled_from(COUNTRIES), max_size=3, unique=True)):
        iri = f"{ID}country/{iso}" if draw(st.booleans()) else f"{ID}country/{_slug(name)}"
        props: Props = {TYPE: [f"{DG}Country"], f"{DG}name": [name]}
        if draw(st.booleans()):
            props[f"{DG}isoCode"] = [iso]
        if alias and draw(st.booleans()):
            props[f"{DG}alias"] = [alias]
        out[iri] = props
        countries.append(iri)
    orgs = []
    for name in draw(st.lists(st.sampled_from(ORGS), max_size=2, unique=True)):
        iri = f"{ID}organization/{_slug(name)}"
        out[iri] = {TYPE: [f"{DG}Organization"], f"{DG}name": [name]}
        if countries and draw(st.booleans()):
            out[iri][f"{DG}country"] = [draw(st.sampled_from(countries))]
        orgs.append(iri)
    posts = []
    for name in draw(st.lists(st.sampled_from(POSTS), max_size=2, unique=True)):
        iri = f"{ID}post/{_slug(name)}"
        out[iri] = {TYPE: [f"{DG}Post"], f"{DG}name": [name]}
        if orgs:
            out[iri][f"{DG}postIn"] = [draw(st.sampled_from(orgs))]
        posts.append(iri)
    people = []
    for name in draw(st.lists(st.sampled_from(PEOPLE), max_size=3, unique=True)):
        iri = f"{ID}person/{_slug(name)}"
        props = {TYPE: [f"{DG}Person"], f"{DG}name": [name]}
        if countries and draw(st.booleans()):
            props[f"{DG}nationality"] = [draw(st.sampled_from(countries))]
        if draw(st.integers(0, 5)) == 0:
            props[f"{DG}wikidata"] = [draw(st.sampled_from(["Q1", "Q2"]))]
        if draw(st.integers(0, 5)) == 0:
            props[SAME] = [f"{ID}person/{_slug(draw(st.sampled_from(PEOPLE)))}"]
        out[iri] = props
        people.append(iri)
    if posts and draw(st.integers(0, 3)) == 0:  # a person named only by the post they hold
        post = draw(st.sampled_from(posts))
        iri = f"{ID}person/holder-of-{post.rsplit('/', 1)[-1]}"
        out[iri] = {
            TYPE: [f"{DG}Person"],
            f"{DG}name": [f"holder of {post}"],
            f"{DG}roleOnly": ["true"],
            f"{DG}holds": [post],
        }
        if draw(st.booleans()):
            out[iri][f"{DG}asOf"] = [draw(st.sampled_from(DATES))]
    for person in people:
        if posts and draw(st.booleans()):
            post = draw(st.sampled_from(posts))
            start = draw(st.sampled_from([None, *DATES]))
            iri = f"{ID}tenure/{_slug(person + post + str(start))}"
            out[iri] = {TYPE: [f"{DG}Tenure"], f"{DG}holder": [person], f"{DG}post": [post]}
            if start:
                out[iri][f"{DG}startDate"] = [start]
    agreements = []
    for k in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["MOU", "MOU", "MOU", "Treaty"]))
        parties = draw(st.lists(st.sampled_from(countries), unique=True)) if countries else []
        date = draw(st.sampled_from([None, *DATES]))
        key = f"{kind}{sorted(parties)}{date}"
        iri = f"{ID}agreement/{hashlib.sha1(key.encode()).hexdigest()[:8]}"
        props = {TYPE: [f"{DG}Agreement", f"{DG}{kind}"], f"{DG}localRef": [f"a{n}#agreement-{k}"]}
        if parties:
            props[f"{DG}party"] = parties
        if date:
            props[f"{DG}dateSigned"] = [date]
        if draw(st.booleans()):
            props[f"{DG}title"] = [draw(st.sampled_from(TITLES))]
        if draw(st.integers(0, 4)) == 0:
            props[f"{DG}sameAsRef"] = [f"a{draw(st.integers(0, 5))}#agreement-0"]
        out[iri] = props
        agreements.append(iri)
        for person in people:
            if draw(st.booleans()):
                sig = f"{ID}signature/{_slug(iri + person)}"
                out[sig] = {
                    TYPE: [f"{DG}Signature"],
                    f"{DG}agreement": [iri],
                    f"{DG}signatory": [person],
                }
    if countries and draw(st.booleans()):
        date = draw(st.sampled_from(DATES))
        iri = f"{ID}event/{_slug(date + str(len(countries)))}"
        out[iri] = {
            TYPE: [f"{DG}Event"],
            f"{DG}eventKind": ["visit"],
            f"{DG}participant": draw(st.lists(st.sampled_from(countries), unique=True)),
            f"{DG}startDate": [date],
        }
    return out


LOCAL_IDS = [f"{ID}person/{_slug(p)}" for p in PEOPLE] + [f"{ID}country/{c[0]}" for c in COUNTRIES]

steps = st.one_of(
    st.tuples(st.just("load"), st.integers(0, 5), st.integers(0, 10**6)),
    st.tuples(st.just("retract"), st.integers(0, 5), st.just(0)),
    st.tuples(st.just("judge"), st.integers(0, 3), st.integers(0, 10**6)),
)


def _canon_view(canon: Canon) -> tuple[object, ...]:
    return canon.iris, canon.local_ids, canon.merges


def _rewrite(statements: Statements, canon: Canon, articles: set[str]) -> set[str]:
    """Put ``articles`` and every article whose IRIs change into canonical IRIs (as a write
    does); the articles rewritten."""
    rewritten = set(articles & set(statements)) | canon.changed()
    for article in rewritten:
        iris, locals_ = canon.of_article(article), canon.local_ids_of_article(article)
        statements[article] = rewrite_statements(statements[article], iris, locals_)
    return rewritten


@fuzz_profile(fuzz_examples(80))
@given(data=st.data(), plan=st.lists(steps, min_size=1, max_size=12), rewrite=st.booleans())
def test_incremental_canon_equals_the_full_one(
    data: st.DataObject, plan: list[tuple[str, int, int]], rewrite: bool
) -> None:
    """With ``rewrite``, articles are put in canonical IRIs after each step (as stores hold
    them, and the articles rewritten are re-clustered next time); without, the statements stay
    as the articles alone give them (fewer articles to re-cluster: a sharper test)."""
    statements: Statements = {}
    judged = Judgements()
    state = IdentityState()
    for op, n, _ in plan:
        article = f"{ID}article/a{n}"
        dirty: set[str] = set()
        if op == "load":
            statements[article] = data.draw(articles(n))
            dirty = {article}
        elif op == "retract":
            statements.pop(article, None)
            dirty = {article}
        else:
            pairs = data.draw(st.lists(st.tuples(*[st.sampled_from(LOCAL_IDS)] * 2), max_size=3))
            judged = Judgements(
                [p for i, p in enumerate(pairs) if i % 2 == n % 2 and p[0] != p[1]],
                [p for i, p in enumerate(pairs) if i % 2 != n % 2 and p[0] != p[1]],
            )
        incremental = state.update(statements, dirty, judged)
        full = canonicalise(statements, judged)
        assert _canon_view(incremental) == _canon_view(full), (op, n)
        if rewrite:
            assert incremental.changed() == full.changed()
            state.pending = _rewrite(statements, full, dirty)


def test_a_load_reclusters_only_what_it_reaches() -> None:
    """A new article naming one person is clustered with that person's descriptions, not with
    every stored description: the other articles keep their clusters (same objects)."""
    statements: Statements = {}
    for n in range(40):
        name = PEOPLE[0] if n % 2 else f"Person {n}"
        statements[f"{ID}article/a{n}"] = {
            f"{ID}person/{_slug(name)}": {TYPE: [f"{DG}Person"], f"{DG}name": [name]}
        }
    state = IdentityState()
    state.update(statements, set(statements), Judgements())
    kept = dict(state.entities[0].records)
    new = f"{ID}article/new"
    statements[new] = {f"{ID}person/x": {TYPE: [f"{DG}Person"], f"{DG}name": ["Person 4"]}}
    canon = state.update(statements, {new}, Judgements())
    assert canon.iris == canonicalise(statements, Judgements()).iris
    records = state.entities[0].records
    remade = [root for root, record in records.items() if kept.get(root) is not record]
    assert remade == [(f"{ID}article/a4", f"{ID}person/person-4")]
    assert records[remade[0]].members == (remade[0], (new, f"{ID}person/x"))


def _org(name: str, country: str) -> dict[str, Props]:
    return {
        f"{ID}organization/{_slug(name)}": {
            TYPE: [f"{DG}Organization"],
            f"{DG}name": [name],
            f"{DG}country": [f"{ID}country/{country}"],
        }
    }


def test_a_new_name_can_move_a_clash_it_does_not_share() -> None:
    """Two ministries of defense are told apart by country (``…-dza``, ``…-usa``); a later
    organisation whose own name gives ``…-dza`` takes it, and the Algerian ministry, in no
    article of the load, becomes ``…-dza-2``, as clustering everything says."""
    statements: Statements = {
        f"{ID}article/a1": _org("Ministry of Defense", "DZA"),
        f"{ID}article/a2": _org("Ministry of Defense", "USA"),
    }
    state = IdentityState()
    state.update(statements, set(statements), Judgements())
    statements[f"{ID}article/a3"] = _org("Ministry of Defense DZA", "FRA")
    canon = state.update(statements, {f"{ID}article/a3"}, Judgements())
    full = canonicalise(statements, Judgements())
    assert canon.iris == full.iris
    algerian = (f"{ID}article/a1", f"{ID}organization/ministry-of-defense")
    assert canon.iris[algerian] == f"{ID}organization/ministry-of-defense-dza-2"


ROOT = Path(__file__).resolve().parents[1]
FILES = [
    ROOT / "examples" / "us-algeria-mou.yaml",
    ROOT / "examples" / "mali-algiers-accord-termination.yaml",
    *sorted((ROOT / "tests" / "fixtures" / "matching").glob("*.yaml")),
    *sorted((ROOT / "tests" / "fixtures" / "loaders" / "v2-actors").glob("*.yaml")),
]

writes = st.lists(
    st.tuples(st.sampled_from(["load", "retract"]), st.integers(0, len(FILES) - 1)),
    min_size=1,
    max_size=8,
)


@fuzz_profile(fuzz_examples(6))
@given(plan=writes, order=st.permutations(range(len(FILES))))
def test_a_store_written_incrementally_is_the_store_loaded_at_once(
    plan: list[tuple[str, int]], order: list[int]
) -> None:
    """Loads and retractions through :func:`api.ingest` (one process: incremental after the
    first write) leave the store the full clustering would not change, and the store a fresh
    load of the remaining articles in another order gives."""
    backends = open_backends(BackendConfig(data_dir=None))
    loaded: dict[int, str] = {}
    try:
        written = 0
        for op, n in plan:
            if op == "load":
                loaded[n] = ingest_paths(backends.store, [FILES[n]]).articles[0]
                written += 1
            elif n in loaded:
                retract(backends.store, loaded.pop(n))
                written += 1
            check = plan_identity(backends.store, {}, NoJudgements(), full=True)
            assert check.rewritten == ()
        kept_clusters = resolution._KNOWN[backends.store].state
        assert (kept_clusters is not None) == (written > 1)  # kept from the second write on
        kept = nquads_lines(backends.store.rdf.dump())
    finally:
        backends.close()
    fresh = open_backends(BackendConfig(data_dir=None))
    try:
        for n in (i for i in order if i in loaded):
            ingest_paths(fresh.store, [FILES[n]])
        assert nquads_lines(fresh.store.rdf.dump()) == kept
    finally:
        fresh.close()
