"""The embedded backend's actor graph follows writes incrementally and equals a full rebuild.

Random sequences of article loads and retractions over a small world where articles disagree
(names, dates, types stated by some articles and not others, facts restated with other members,
shared evidence and claimers); after every write the view advanced by the writer's observer
must equal a view built from scratch. Reads during a write see the last published graph.
"""

from __future__ import annotations

import threading

from hypothesis import given
from hypothesis import strategies as st
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF

from graph.nx.graph import ActorGraph
from graph.nx.view import NxView
from graph.rdf.store import OxigraphStore
from graph.writer import GraphStore
from ontology.namespace import DG, ID
from tests.conftest import fuzz_examples, fuzz_profile

EXAMPLES = fuzz_examples(40)
FUZZ = fuzz_profile(EXAMPLES)

COUNTRIES = [ID[f"country/{c}"] for c in ("AAA", "BBB", "CCC")]
PEOPLE = [ID[f"person/{p}"] for p in ("p1", "p2")]
ORG = ID["organization/o1"]
SHIFTY = ID["country/XXX"]  # typed a country by some articles, a region by others
REGION = ID["region/r1"]
ACTORS = [*COUNTRIES, *PEOPLE, ORG, SHIFTY]
CLASSES = {
    **{c: DG.Country for c in COUNTRIES},
    **{p: DG.Person for p in PEOPLE},
    ORG: DG.Organization,
    REGION: DG.Region,
}
NAMES = ["Alpha", "Beta", "Gamma"]
DATES = ["2024", "2025-03", "2025-03-02"]
KIND = URIRef("https://w3id.org/diplograph/vocab/relation-kind/partner-of")

Triple = tuple[URIRef, URIRef, URIRef | Literal]

actor = st.sampled_from(ACTORS)
members = st.lists(actor, min_size=1, max_size=3, unique=True)
fact_no = st.integers(0, 2)


@st.composite
def statement(draw: st.DrawFn) -> list[Triple]:
    """The triples of one statement of an article (a fact, a type, a name...)."""
    kind = draw(st.integers(0, 11))
    n = draw(fact_no)
    if kind == 0:  # an entity's type (entities are also mentioned untyped)
        entity = draw(st.sampled_from([*CLASSES, SHIFTY]))
        cls = (
            draw(st.sampled_from([DG.Country, DG.Region])) if entity == SHIFTY else CLASSES[entity]
        )
        return [(entity, RDF.type, cls)]
    if kind == 1:
        return [
            (
                draw(st.sampled_from([*ACTORS, REGION])),
                DG.name,
                Literal(draw(st.sampled_from(NAMES))),
            )
        ]
    if kind == 2:
        agreement = ID[f"agreement/{n}"]
        found: list[Triple] = [(agreement, RDF.type, DG.Agreement)]
        found += [(agreement, DG.party, m) for m in draw(members)]
        if draw(st.booleans()):
            found.append((agreement, DG.dateSigned, Literal(draw(st.sampled_from(DATES)))))
        return found
    if kind == 3:
        signature = ID[f"signature/{n}"]
        found = [
            (signature, RDF.type, DG.Signature),
            (signature, DG.agreement, ID[f"agreement/{draw(fact_no)}"]),
        ]
        found += [(signature, DG.signatory, draw(actor)), (signature, DG.onBehalfOf, draw(actor))]
        return found
    if kind == 4:
        commitment = ID[f"commitment/{n}"]
        found = [(commitment, RDF.type, DG.Commitment)]
        found += [(commitment, DG.actor, m) for m in draw(members)]
        return [*found, (commitment, DG.dueDate, Literal(draw(st.sampled_from(DATES))))]
    if kind == 5:
        influence = ID[f"influence/{n}"]
        target = draw(st.sampled_from([*ACTORS, REGION]))
        return [
            (influence, RDF.type, DG.Influence),
            (influence, DG.influencer, draw(actor)),
            (influence, DG.influenced, target),
        ]
    if kind == 6:
        return [(REGION, DG.includes, m) for m in draw(members)]
    if kind == 7:
        post, tenure = ID[f"post/{n}"], ID[f"tenure/{draw(fact_no)}"]
        return [
            (post, RDF.type, DG.Post), (post, DG.postIn, draw(actor)),
            (tenure, RDF.type, DG.Tenure), (tenure, DG.holder, draw(st.sampled_from(PEOPLE))),
            (tenure, DG.post, post), (tenure, DG.startDate, Literal(draw(st.sampled_from(DATES)))),
        ]  # fmt: skip
    if kind == 8:
        event = ID[f"event/{n}"]
        return [(event, RDF.type, DG.Event)] + [(event, DG.participant, m) for m in draw(members)]
    if kind == 9:
        relation = ID[f"relation/{n}"]
        return [
            (relation, RDF.type, DG.Relation), (relation, DG.relationSubject, draw(actor)),
            (relation, DG.relationObject, draw(actor)), (relation, DG.relationKind, KIND),
        ]  # fmt: skip
    if kind == 10:
        predicate = draw(st.sampled_from([DG.partOf, DG.country, DG.nationality]))
        return [(draw(actor), predicate, draw(actor))]
    fact = draw(
        st.sampled_from(
            [
                ID[f"{k}/{draw(fact_no)}"]
                for k in ("agreement", "signature", "commitment", "relation")
            ]
        )
    )
    evidence = ID[f"evidence/{n}"]
    found = [
        (fact, DG.evidence, evidence),
        (evidence, RDF.type, DG.Evidence),
        (evidence, DG.quote, Literal(f"quote {n}")),
    ]
    if draw(st.booleans()):
        found.append((evidence, DG.claimedBy, draw(st.sampled_from(PEOPLE))))
    return found


article_no = st.integers(0, 3)
write = st.tuples(st.booleans(), article_no, st.lists(statement(), min_size=1, max_size=6))
"""(retract?, article, statements): a retraction of the article, or a load replacing it."""


def article(no: int, statements: list[list[Triple]]) -> Dataset:
    dataset = Dataset()
    iri = ID[f"article/{no}"]
    graph = dataset.graph(iri)
    graph.add((iri, RDF.type, DG.Article))
    for triples in statements:
        for triple in triples:
            graph.add(triple)
    return dataset


def apply_write(
    store: GraphStore, rdf: OxigraphStore, retract: bool, no: int, statements: list[list[Triple]]
) -> None:
    """One drawn write: retract article ``no`` (if stored) or load it with ``statements``."""
    iri = str(ID[f"article/{no}"])
    if not retract:
        store.load_articles(article(no, statements))
    elif rdf.has_graph(iri):
        store.retract_article(iri)


def same(left: ActorGraph, right: ActorGraph) -> None:
    assert dict(left.entities) == dict(right.entities)
    assert dict(left.steps) == dict(right.steps)
    assert dict(left.adjacency) == dict(right.adjacency)
    assert dict(left.by_via) == dict(right.by_via)
    assert dict(left.plain) == dict(right.plain)


@FUZZ
@given(st.lists(write, min_size=1, max_size=8))
def test_incremental_upkeep_equals_a_full_rebuild(
    writes: list[tuple[bool, int, list[list[Triple]]]],
) -> None:
    rdf = OxigraphStore()
    view = NxView.of_store(rdf, follows_writes=True)
    store = GraphStore(rdf, observers=[view])
    view.current()  # built once, on the empty store; every write after is followed
    steps_seen = 0
    for retract, no, statements in writes:
        apply_write(store, rdf, retract, no, statements)
        followed = view.current()
        assert followed.version == rdf.generation  # advanced by the observer, not rebuilt
        same(followed, NxView.of_store(rdf).rebuilt())
        steps_seen += len(followed.steps)
    assert steps_seen >= 0


def test_upkeep_follows_a_type_stated_elsewhere() -> None:
    """A fact naming an untyped entity gains its step when another article types it, and loses
    it when that article is retracted (the fact itself is not touched)."""
    rdf = OxigraphStore()
    view = NxView.of_store(rdf, follows_writes=True)
    store = GraphStore(rdf, observers=[view])
    a, b = COUNTRIES[0], SHIFTY
    agreement = ID["agreement/0"]
    store.load_articles(
        article(
            0,
            [
                [
                    (a, RDF.type, DG.Country),
                    (agreement, RDF.type, DG.Agreement),
                    (agreement, DG.party, a),
                    (agreement, DG.party, b),
                ]
            ],
        )
    )
    assert view.current().steps == {}
    store.load_articles(article(1, [[(b, RDF.type, DG.Country)]]))
    assert [s.via for s in view.current().steps.values()] == [str(agreement)]
    store.retract_article(str(ID["article/1"]))
    assert view.current().steps == {}
    same(view.current(), NxView.of_store(rdf).rebuilt())


def test_reads_during_a_write_see_the_last_published_graph() -> None:
    """A read while the writer's upkeep runs returns the previous graph at once."""
    rdf = OxigraphStore()
    view = NxView.of_store(rdf, follows_writes=True)
    store = GraphStore(rdf, observers=[view])
    store.load_articles(article(0, [[(COUNTRIES[0], RDF.type, DG.Country)]]))
    before = view.current()
    entered, release = threading.Event(), threading.Event()

    class Slow:
        def committed(self, touched: frozenset[str], generation: int) -> None:
            entered.set()
            release.wait(10)

    store.observers = (Slow(), view)  # the slow observer runs first, under the write lock
    writer = threading.Thread(
        target=store.load_articles, args=(article(1, [[(COUNTRIES[1], RDF.type, DG.Country)]]),)
    )
    writer.start()
    assert entered.wait(10)
    assert rdf.generation != before.version  # the store holds the write...
    assert view.current() is before  # ...the read is answered from the last graph, no rebuild
    release.set()
    writer.join(10)
    assert str(COUNTRIES[1]) in view.current().entities


def test_upkeep_follows_the_members_of_a_region_an_influence_names() -> None:
    """An influence on a region gains an inferred step when another article adds a member
    to the region (the influence itself is not touched)."""
    rdf = OxigraphStore()
    view = NxView.of_store(rdf, follows_writes=True)
    store = GraphStore(rdf, observers=[view])
    a, b = COUNTRIES[0], COUNTRIES[1]
    influence = ID["influence/0"]
    store.load_articles(
        article(
            0,
            [
                [
                    (a, RDF.type, DG.Country),
                    (b, RDF.type, DG.Country),
                    (REGION, RDF.type, DG.Region),
                    (influence, RDF.type, DG.Influence),
                    (influence, DG.influencer, a),
                    (influence, DG.influenced, REGION),
                ]
            ],
        )
    )
    assert view.current().steps == {}
    store.load_articles(article(1, [[(REGION, DG.includes, b)]]))
    assert [s.rule for s in view.current().steps.values()] == ["region-membership"]
    same(view.current(), NxView.of_store(rdf).rebuilt())
