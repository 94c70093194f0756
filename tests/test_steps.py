"""The step rules of ``graph.rules.steps`` on hand-made quads."""

from __future__ import annotations

from rdflib.namespace import RDF

from graph.rules.fact_index import Evidence, Quad
from graph.rules.steps import derive_steps, step_uri
from ontology.dates import first_day, last_day, overlaps
from ontology.namespace import DG, ID

G = str(ID["article/a"])
T = str(RDF.type)


def iri(path: str) -> str:
    return str(ID[path])


def typed(subject: str, cls: str) -> Quad:
    return (subject, T, str(DG[cls]), G)


def fact(subject: str, predicate: str, obj: str) -> Quad:
    return (subject, str(DG[predicate]), obj, G)


USA, DZA, MLI, RUS = iri("country/USA"), iri("country/DZA"), iri("country/MLI"), iri("country/RUS")
LANGLEY, AFRICOM = iri("person/langley"), iri("organization/africom")
ACTORS = [
    typed(USA, "Country"),
    typed(DZA, "Country"),
    typed(MLI, "Country"),
    typed(RUS, "Country"),
    typed(LANGLEY, "Person"),
    typed(LANGLEY, "Official"),
    typed(AFRICOM, "Organization"),
]


def relations(quads: list[Quad]) -> set[tuple[str, str, str]]:
    return {(s.source, s.target, s.relation) for s in derive_steps(ACTORS + quads)}


def test_agreement_links_every_pair_and_signatures_link_signer_to_principal() -> None:
    mou, sig = iri("agreement/m"), iri("signature/s")
    quads = [
        typed(mou, "Agreement"),
        typed(mou, "MOU"),
        fact(mou, "party", USA),
        fact(mou, "party", DZA),
        fact(mou, "dateSigned", "2025-01-22"),
        typed(sig, "Signature"),
        fact(sig, "agreement", mou),
        fact(sig, "signatory", LANGLEY),
        fact(sig, "onBehalfOf", USA),
    ]
    found = relations(quads)
    pairs = {(a, b) for a, b, r in found if r == "agreement"}
    assert pairs == {(DZA, USA), (DZA, LANGLEY), (USA, LANGLEY)}
    assert (LANGLEY, USA, "signature") in found
    agreement = next(s for s in derive_steps(ACTORS + quads) if s.relation == "agreement")
    assert agreement.kind == "mou" and agreement.start == "2025-01-22"


def test_influence_on_a_region_reaches_every_country_it_includes() -> None:
    sahel, influence = iri("region/sahel"), iri("influence/i")
    quads = [
        typed(sahel, "Region"),
        fact(sahel, "includes", DZA),
        fact(sahel, "includes", MLI),
        typed(influence, "Influence"),
        fact(influence, "influencer", RUS),
        fact(influence, "influenced", sahel),
    ]
    assert relations(quads) == {(RUS, DZA, "influence"), (RUS, MLI, "influence")}


def test_tenure_relation_event_and_plain_properties() -> None:
    tenure, post, relation, event = (
        iri("tenure/t"), iri("post/p"), iri("relation/r"), iri("event/e")
    )  # fmt: skip
    quads = [
        typed(tenure, "Tenure"),
        fact(tenure, "holder", LANGLEY),
        fact(tenure, "post", post),
        typed(post, "Post"),
        fact(post, "postIn", AFRICOM),
        typed(relation, "Relation"),
        fact(relation, "relationSubject", DZA),
        fact(relation, "relationObject", RUS),
        fact(relation, "relationKind", "https://w3id.org/diplograph/vocab/relation-kind/close-to"),
        typed(event, "Event"),
        fact(event, "participant", USA),
        fact(event, "participant", DZA),
        fact(event, "participant", iri("region/nowhere")),
        fact(AFRICOM, "country", USA),
        fact(LANGLEY, "nationality", USA),
    ]
    assert relations(quads) == {
        (LANGLEY, AFRICOM, "tenure"),
        (DZA, RUS, "relation:close-to"),
        (DZA, USA, "event"),
        (AFRICOM, USA, "country"),
        (LANGLEY, USA, "nationality"),
    }


def test_article_metadata_and_claimants_are_not_steps_and_evidence_is_kept() -> None:
    article, influence, evidence = iri("article/a"), iri("influence/i"), iri("evidence/e")
    quads = [
        typed(article, "Article"),
        (article, str(DG.author), LANGLEY, G),
        typed(influence, "Influence"),
        fact(influence, "influencer", RUS),
        fact(influence, "influenced", DZA),
        fact(influence, "evidence", evidence),
        typed(evidence, "Evidence"),
        fact(evidence, "quote", "relies on Russian equipment"),
        fact(evidence, "inArticle", article),
        fact(evidence, "claimedBy", LANGLEY),
        fact(LANGLEY, "name", "Michael Langley"),
    ]
    steps = derive_steps(ACTORS + quads)
    assert [(s.source, s.target) for s in steps] == [(RUS, DZA)]
    assert steps[0].evidence == (
        Evidence(article, "relies on Russian equipment", "Michael Langley"),
    )
    assert steps[0].sources == (G,)
    assert steps[0].uri == step_uri(influence, RUS, DZA, "influence")


def test_partial_dates_and_windows() -> None:
    assert first_day("2025") == "2025-01-01" and last_day("2024-02") == "2024-02-29"
    assert last_day("2025-01-22") == "2025-01-22" and first_day(None) is None
    assert overlaps(None, None, "2020-01-01", "2020-12-31")
    assert not overlaps("2021-01-01", None, None, "2020-12-31")
    assert not overlaps(None, "2019-12-31", "2020-01-01", None)


def test_a_step_picks_disputed_values_as_the_projection_does() -> None:
    # Two articles call an influence 'energy', one calls it 'arms-supply' (the smaller IRI):
    # the step and the projected node must both take the value most articles state.
    from graph.model import Lit, QuadRow
    from graph.rules.records import project
    from ontology.namespace import concept

    influence, ev = iri("influence/i"), iri("evidence/e")
    kind_a, kind_b = (
        str(concept("influence-kind", "energy")),
        str(concept("influence-kind", "arms-supply")),
    )
    b, c = str(ID["article/b"]), str(ID["article/c"])
    claimant = iri("person/analyst")
    quads: list[Quad] = [
        typed(influence, "Influence"),
        fact(influence, "influencer", RUS),
        fact(influence, "influenced", MLI),
        (influence, str(DG.influenceKind), kind_b, G),
        (influence, str(DG.influenceKind), kind_a, b),
        (influence, str(DG.influenceKind), kind_a, c),
        fact(influence, "evidence", ev),
        typed(ev, "Evidence"),
        fact(ev, "quote", "supplies weapons"),
        fact(ev, "inArticle", G),
        fact(ev, "claimedBy", claimant),
        (claimant, str(DG.name), "Analyst Two", b),
        (claimant, str(DG.name), "Analyst Two", c),
        (claimant, str(DG.name), "Analyst One", G),
    ]
    (step,) = [s for s in derive_steps(ACTORS + quads) if s.relation == "influence"]
    assert step.kind == "energy"
    assert [e.claimant for e in step.evidence] == ["Analyst Two"]

    rows: list[QuadRow] = [
        (s, p, o if o.startswith("https://") else Lit(o, str(DG._NS) + "x", None), g)
        for s, p, o, g in quads
    ]
    projected = project([influence], rows)
    (node,) = projected.nodes
    assert node.properties["claimants"] == ["Analyst Two"]
    kinds = [r.end for r in projected.relationships if r.type == "INFLUENCE_KIND"]
    assert kind_a in kinds  # the projection keeps every stated IRI as a relationship
