"""Format 2 actors: people known only by role, collective actors, facts that point at regions.

Mapping, bad input (line-numbered, nothing written), identity (a role-only person joins the one
named holder of the post at that time, whatever the load order, and splits again when the
naming article goes), steps, and the entity detail on the Oxigraph/networkx backend.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Literal
from rdflib.namespace import RDF, XSD
from storeutil import nquads_lines

from api.identity import candidates, judge
from api.ingest import ingest_paths, retract
from graph.backends import BackendConfig, Backends, open_backends
from graph.rules.steps import REGION_MEMBERSHIP, derive_steps
from loaders import (
    EntityIndex,
    InvalidInputError,
    LoadError,
    Problem,
    load_factsheet,
    load_factsheet_text,
    load_path,
)
from loaders.identity.judgements import JudgementLog, JudgementRefused
from ontology.namespace import DG, ID, concept
from tests.conftest import fuzz_examples, fuzz_profile

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"
V2 = FIXTURES / "v2-actors"
ROLE_ONLY, NAMING, OTHER, ROLE_2022 = (
    V2 / "role-only.yaml",
    V2 / "naming.yaml",
    V2 / "naming-other.yaml",
    V2 / "role-only-2022.yaml",
)
HOLDER = str(ID["person/holder-of-minister-of-national-defense"])
SEHILI, MEMMICH = str(ID["person/khaled-sehili"]), str(ID["person/imed-memmich"])
GROUP = str(ID["group/sahelian-military-regimes"])
MLI, BFA, DZA, TUN = (str(ID[f"country/{c}"]) for c in ("MLI", "BFA", "DZA", "TUN"))


def _open() -> Backends:
    return open_backends(BackendConfig(data_dir=None))


@pytest.fixture
def backends() -> Iterator[Backends]:
    opened = _open()
    yield opened
    opened.close()


def _people(backends: Backends) -> list[str]:
    result = backends.store.rdf.query(
        "PREFIX dg: <https://w3id.org/diplograph/ontology#>\n"
        "SELECT DISTINCT ?p WHERE { GRAPH ?g { ?p a dg:Person } } ORDER BY ?p"
    )
    return [str(row[0]) for row in result.rows]  # type: ignore[union-attr]


# ------------------------------------------------------------------------------ mapping


def test_a_role_only_person_has_a_derived_name_and_holds_the_post() -> None:
    graph = load_factsheet(ROLE_ONLY, EntityIndex()).graph
    holder = ID["person/holder-of-minister-of-national-defense"]
    post = ID["post/minister-of-national-defense"]
    assert (holder, RDF.type, DG.Official) in graph
    assert (holder, DG.roleOnly, Literal(True)) in graph
    assert (holder, DG.holds, post) in graph
    assert (holder, DG.asOf, Literal("2025-01", datatype=XSD.gYearMonth)) in graph
    assert (holder, DG.name, Literal("holder of Minister of National Defense")) in graph
    # the signature names the role-only person like any signatory
    assert len(set(graph.subjects(DG.signatory, holder))) == 1


def test_an_undated_role_only_person_gets_no_as_of_in_the_graph() -> None:
    graph = load_factsheet(ROLE_2022, EntityIndex()).graph
    assert not list(graph.objects(None, DG.asOf))  # the article's date is derived, not stated


TWO_MINISTERS = """\
format: 2
article: {id: test-two-ministers, published: 2025-01-20}
entities:
  - {id: tunisia, type: country, name: Tunisia}
  - {id: algeria, type: country, name: Algeria}
  - {id: tn-min, type: official, holds: tn-def}
  - {id: dz-min, type: official, holds: dz-def}
posts:
  - {id: tn-def, name: Minister of National Defense, in: tunisia}
  - {id: dz-def, name: Minister of National Defense, in: algeria}
events:
  - kind: meeting
    participants: [tn-min, dz-min]
    evidence: {quote: "the two ministers of national defense met"}
"""


def test_two_unnamed_holders_of_like_posts_in_one_sheet_are_two_people() -> None:
    graph = load_factsheet_text(TWO_MINISTERS, EntityIndex()).graph
    people = sorted(str(p) for p in graph.subjects(DG.roleOnly, None))
    assert people == [HOLDER, HOLDER + "-dza"]  # qualified by the post's state


def test_a_collective_actor_is_an_actor_with_members_and_a_kind() -> None:
    graph = load_factsheet(ROLE_ONLY, EntityIndex()).graph
    group = ID["group/sahelian-military-regimes"]
    assert (group, RDF.type, DG.CollectiveActor) in graph
    assert {str(m) for m in graph.objects(group, DG.member)} == {MLI, BFA}
    assert (group, DG.groupKind, concept("group-kind", "regimes")) in graph


def test_steps_member_holds_and_region_level_relations() -> None:
    dataset = load_factsheet(ROLE_ONLY, EntityIndex()).dataset
    quads = [(str(s), str(p), str(o), str(g)) for s, p, o, g in dataset.quads()]
    steps = derive_steps(quads)
    by = {(s.source, s.target, s.relation): s for s in steps}
    # the member relation is a stated step group -> member
    assert (GROUP, MLI, "member") in by and by[(GROUP, MLI, "member")].rule is None
    # a fact on the group is a step with the group, not spread to its members
    assert (DZA, GROUP, "relation:rival-of") in by
    assert not any(s.relation == "relation:rival-of" and MLI in (s.source, s.target) for s in steps)
    # the role-only person -> the post's state, like a tenure
    assert (HOLDER, TUN, "tenure") in by
    # a relation with a region: no stated step (a region is not an actor), inferred ones only
    active = [s for s in steps if s.relation == "relation:active-in"]
    assert {(s.source, s.target) for s in active} == {(DZA, MLI), (DZA, BFA)}
    assert all(s.rule == REGION_MEMBERSHIP for s in active)


# ------------------------------------------------------------------------------ bad input

BAD = FIXTURES / "bad"
BAD_CASES = {
    "v2-role-only-unknown-post.yaml": (
        "tunisia-defence-minister",
        "entities[1].holds",
        "unknown post 'tunisia-defence-minister'",
        "did you mean 'tunisia-defense-minister'",
    ),
    "v2-role-only-with-name.yaml": (
        "holds:",
        "entities[1].holds",
        "has both `name` and `holds`",
        "keep `name`",
    ),
    "v2-group-non-actor-member.yaml": (
        "members: [mali, sahel]",
        "entities[2].members[1]",
        "'sahel' is a region",
        "expected a country or a collective actor",
    ),
    "v2-group-self-member.yaml": (
        "members: [mali, sahel-regimes]",
        "entities[1].members[1]",
        "cannot be its own member",
        "sahel-regimes",
    ),
}


def _line(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.mark.parametrize("name", sorted(BAD_CASES))
def test_bad_actor_input_names_file_line_and_problem_and_writes_nothing(
    name: str, backends: Backends
) -> None:
    marker, path, *words = BAD_CASES[name]
    file = BAD / name
    with pytest.raises(InvalidInputError) as caught:
        load_path(file, EntityIndex())
    errors: list[Problem] = [p for p in caught.value.problems if p.severity == "error"]
    assert len(errors) == 1, "\n".join(map(str, errors))
    (problem,) = errors
    assert problem.file == str(file) and problem.line == _line(file, marker)
    assert problem.path == path
    assert all(w in problem.message for w in words), problem.message
    ingest_paths(backends.store, [NAMING])
    before = nquads_lines(backends.store.rdf.dump())
    with pytest.raises(LoadError):
        ingest_paths(backends.store, [file])
    assert nquads_lines(backends.store.rdf.dump()) == before


# ------------------------------------------------------------------------------ identity


def test_a_role_only_person_joins_the_one_named_holder_and_splits_again(
    backends: Backends,
) -> None:
    ingest_paths(backends.store, [ROLE_ONLY])
    assert HOLDER in _people(backends)
    report = ingest_paths(backends.store, [NAMING])
    assert _people(backends) == [SEHILI]
    (merge,) = [m for m in report.merges if m.iri == SEHILI]
    assert HOLDER in merge.local_ids and "named holder" in " ".join(merge.reasons)
    detail = backends.queries.entity(SEHILI)
    assert detail.names == ("Khaled Sehili",)  # the stated name wins over the derived one
    assert [a.roles for a in detail.agreements] == [("signatory",)]
    assert detail.role_only and detail.holds[0].as_of == "2025-01"
    assert detail.holds[0].as_of_source == "sheet"
    retract(backends.store, "test-tunisia-naming")
    assert _people(backends) == [HOLDER]


def test_two_named_holders_at_that_time_leave_it_apart_and_xref_lists_them(
    backends: Backends, tmp_path: Path
) -> None:
    ingest_paths(backends.store, [ROLE_ONLY, NAMING, OTHER])
    # Memmich's tenure has no end: he may still hold the post in 2025 (unknown never excludes)
    assert _people(backends) == [HOLDER, MEMMICH, SEHILI]
    found = candidates(backends.store, JudgementLog(tmp_path / "j.jsonl"))
    pairs = {frozenset((c.a, c.b)) for c in found if "shared-post" in {e.rule for e in c.evidence}}
    assert frozenset((HOLDER, SEHILI)) in pairs, found
    assert frozenset((HOLDER, MEMMICH)) in pairs, found


def test_the_date_decides_which_holder(backends: Backends) -> None:
    # as of the article's date (2022-05-12): Sehili took the post in 2024, Memmich held it
    ingest_paths(backends.store, [ROLE_2022, NAMING, OTHER])
    assert _people(backends) == [MEMMICH, SEHILI]
    detail = backends.queries.entity(MEMMICH)
    assert detail.holds[0].as_of == "2022-05-12" and detail.holds[0].as_of_source == "article"


FILES = [ROLE_ONLY, NAMING, OTHER, ROLE_2022]


@st.composite
def load_plans(draw: st.DrawFn) -> tuple[list[list[Path]], int | None]:
    """A permutation of the files cut into batches, maybe one retracted and loaded again."""
    order = draw(st.permutations(FILES))
    cuts = sorted(draw(st.sets(st.integers(1, len(order) - 1), max_size=len(order) - 1)))
    bounds = [0, *cuts, len(order)]
    again = draw(st.none() | st.integers(0, len(order) - 1))
    return [list(order[a:b]) for a, b in itertools.pairwise(bounds)], again


@pytest.fixture(scope="module")
def reference() -> list[str]:
    opened = _open()
    try:
        ingest_paths(opened.store, FILES)
        return nquads_lines(opened.store.rdf.dump())
    finally:
        opened.close()


@fuzz_profile(fuzz_examples(8))
@given(plan=load_plans())
def test_role_only_identity_does_not_depend_on_load_order(
    reference: list[str], plan: tuple[list[list[Path]], int | None]
) -> None:
    batches, again = plan
    opened = _open()
    try:
        for batch in batches:
            ingest_paths(opened.store, batch)
        if again is not None:
            report = ingest_paths(opened.store, [FILES[again]])  # replaced: same content
            retract(opened.store, report.articles[0])
            ingest_paths(opened.store, [FILES[again]])
        assert nquads_lines(opened.store.rdf.dump()) == reference
    finally:
        opened.close()


# ------------------------------------------------------------------------------ reads


def test_entity_detail_shows_members_groups_and_held_posts(backends: Backends) -> None:
    ingest_paths(backends.store, [ROLE_ONLY])
    group = backends.queries.entity(GROUP)
    assert group.entity.types == ("CollectiveActor",)
    assert [m.uri for m in group.members] == [BFA, MLI]
    assert [g.uri for g in backends.queries.entity(MLI).member_of] == [GROUP]
    holder = backends.queries.entity(HOLDER)
    assert holder.role_only and holder.holds[0].post_in is not None
    assert holder.holds[0].post_in.uri == TUN
    hits = backends.queries.search("Sahelian").hits
    assert [h.entity.uri for h in hits] == [GROUP]


def test_a_judgement_between_a_group_and_a_country_is_refused_clearly(
    backends: Backends, tmp_path: Path
) -> None:
    ingest_paths(backends.store, [ROLE_ONLY])
    log = JudgementLog(tmp_path / "j.jsonl")
    with pytest.raises(JudgementRefused) as caught:
        judge(backends.store, log, "same", GROUP, MLI)
    assert "is a collective actor and country/MLI is a country" in str(caught.value)
    assert log.judgements() == []
