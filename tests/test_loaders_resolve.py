"""Entity resolution: the same entity in two files is one IRI (ISO code, alias, Wikidata, name)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal
from rdflib import namespace as ns

from loaders import (
    ArticleGraph,
    EntityIndex,
    IndexEntry,
    InvalidInputError,
    load_document,
    load_paths,
)
from loaders.countries import by_code, by_name, code_hint, fuzzy
from loaders.names import normalize_name, slugify
from ontology.namespace import DG, ID

DZA = ID["country/DZA"]
HEAD = "article: {id: %s}\nentities:\n"


def sheet(article_id: str, *entities: str, extra: str = "") -> str:
    return HEAD % article_id + "".join(f"  - {e}\n" for e in entities) + extra


def load(text: str, index: EntityIndex | None = None) -> ArticleGraph:
    return load_document(text, index or EntityIndex(), file="t.yaml")[0]


def iri_of(article: ArticleGraph, name: str) -> str:
    (subject,) = article.graph.subjects(DG.name, Literal(name))
    return str(subject)


# ---------------------------------------------------------------- names and slugs


def test_normalised_names_ignore_case_accents_punctuation_and_honorifics() -> None:
    assert normalize_name("Saïd CHANEGRIHA") == normalize_name("said chanegriha")
    assert normalize_name("U.S.") == "us"
    key = normalize_name("Marine Corps Gen. Michael Langley", person=True)
    assert key == normalize_name("Michael Langley", person=True)
    assert normalize_name("President Trump", person=True) == "trump"
    assert normalize_name("The Pentagon") == "pentagon"
    assert normalize_name("General", person=True) == "general"  # never strip everything


def test_slugs() -> None:
    assert slugify("U.S. Africa Command") == "us-africa-command"
    assert slugify("Saïd Chanegriha") == "said-chanegriha"
    assert slugify("National People’s Army") == "national-peoples-army"


# ---------------------------------------------------------------- countries (pycountry)


def test_countries_by_code_including_historic() -> None:
    match = by_code("DZA")
    assert match is not None and match.name == "Algeria" and not match.historic
    soviet = by_code("SUN")
    assert soviet is not None and soviet.historic
    assert by_code("dza") is None
    assert by_code("XYZ") is None
    assert "use the alpha-3 code 'USA'" in code_hint("US")


def test_countries_by_name_and_careful_fuzzy_match() -> None:
    found = by_name("United States")
    assert found is not None and found.iso == "USA"
    assert by_name("Russia") is None
    match, _ = fuzzy("Russia")
    assert match is not None and match.iso == "RUS" and match.how == "fuzzy"
    ambiguous, near = fuzzy("Korea")  # two states: refused
    assert ambiguous is None and len(near) >= 2
    assert fuzzy("Nigera")[0] is None  # Nigeria or Niger?
    assert fuzzy("Atlantis")[0] is None


def test_country_found_by_name_without_iso() -> None:
    article = load(sheet("c", "{id: a, type: country, name: Algeria}"))
    assert (DZA, DG.isoCode, Literal("DZA")) in article.graph
    assert article.warnings == []


def test_country_found_by_alias_when_the_name_is_unknown() -> None:
    article = load(sheet("c", "{id: a, type: country, name: Algiers, aliases: [Algeria]}"))
    assert (DZA, ns.RDF.type, DG.Country) in article.graph


def test_fuzzy_country_match_is_a_warning() -> None:
    article = load(sheet("c", "{id: r, type: country, name: Russia}"))
    (warning,) = article.warnings
    assert warning.path == "entities[0].name"
    assert "add `iso: RUS`" in warning.message


def test_iso_and_name_that_disagree_warn() -> None:
    article = load(sheet("c", "{id: a, type: country, name: Morocco, iso: DZA}"))
    (warning,) = article.warnings
    assert warning.path == "entities[0].iso"
    assert "MAR" in warning.message


# ---------------------------------------------------------------- two files, one entity


FIRST = sheet(
    "first",
    "{id: usa, type: country, name: United States, aliases: [Washington], iso: USA}",
    "{id: dza, type: country, name: Algeria, aliases: [Algiers], iso: DZA}",
    "{id: c, type: official, name: Saïd Chanegriha, aliases: [Chengriha], nationality: dza}",
    "{id: l, type: official, name: Michael Langley, wikidata: Q6834265}",
    "{id: af, type: organization, name: U.S. Africa Command, aliases: [AFRICOM]}",
)


def test_two_files_share_entities_by_iso_alias_and_wikidata(tmp_path: Path) -> None:
    second = sheet(
        "second",
        "{id: us, type: country, name: USA, iso: USA}",
        "{id: alg, type: country, name: Algiers}",
        "{id: ch, type: person, name: Gen. Chengriha}",
        "{id: ml, type: official, name: M. Langley, wikidata: Q6834265}",
        "{id: africom, type: organization, name: Africom}",
    )
    (tmp_path / "1.yaml").write_text(FIRST)
    (tmp_path / "2.yaml").write_text(second)
    result = load_paths([tmp_path / "1.yaml", tmp_path / "2.yaml"], EntityIndex())
    one, two = result.articles
    for name_one, name_two in [
        ("United States", "United States"),
        ("Algeria", "Algeria"),
        ("Saïd Chanegriha", "Saïd Chanegriha"),
        ("Michael Langley", "Michael Langley"),
        ("U.S. Africa Command", "U.S. Africa Command"),
    ]:
        assert iri_of(one, name_one) == iri_of(two, name_two)
    # the second file's spellings become aliases of the known preferred names
    chanegriha = ID["person/said-chanegriha"]
    assert (chanegriha, DG.alias, Literal("Gen. Chengriha")) in two.graph
    assert (ID["country/DZA"], DG.alias, Literal("Algiers")) in two.graph
    assert (ID["person/michael-langley"], DG.alias, Literal("M. Langley")) in two.graph


def test_batch_order_decides_nothing_for_countries(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(sheet("a", "{id: x, type: country, name: Algiers}"))
    (tmp_path / "b.yaml").write_text(FIRST)
    # "Algiers" alone is unknown to pycountry and to the index: an error, whatever the order
    with pytest.raises(InvalidInputError):
        load_document((tmp_path / "a.yaml").read_text(), EntityIndex(), file="a.yaml")
    result = load_paths([tmp_path / "b.yaml", tmp_path / "a.yaml"], EntityIndex())
    assert (DZA, ns.RDF.type, DG.Country) in result.articles[1].graph


def test_the_index_of_a_store_resolves_names() -> None:
    index = EntityIndex(
        [
            IndexEntry(
                iri=str(ID["person/said-chanegriha"]),
                type="official",
                names=("Saïd Chanegriha",),
                aliases=("Chengriha",),
            )
        ]
    )
    article = load(sheet("s", "{id: c, type: person, name: Chengriha}"), index)
    assert iri_of(article, "Saïd Chanegriha") == str(ID["person/said-chanegriha"])
    assert len(index) == 1  # the caller's index is never changed


def test_index_from_graph_round_trips_an_article() -> None:
    first = load(FIRST)
    index = EntityIndex.from_graph(first.dataset)
    assert index.by_iso("DZA") == str(DZA)
    assert index.by_wikidata("Q6834265") == str(ID["person/michael-langley"])
    assert index.by_name("organization", "AFRICOM") == {str(ID["organization/us-africa-command"])}
    record = index.get(str(ID["person/said-chanegriha"]))
    assert record is not None and record.type == "official" and record.country == str(DZA)


def test_records_are_added_to_the_batch_index_only(tmp_path: Path) -> None:
    (tmp_path / "1.yaml").write_text(FIRST)
    index = EntityIndex()
    result = load_paths([tmp_path], index)
    assert len(index) == 0
    assert result.index.by_iso("USA") == str(ID["country/USA"])


def test_same_name_in_another_country_is_another_entity() -> None:
    index = EntityIndex(
        [
            IndexEntry(str(ID["country/DZA"]), "country", ("Algeria",), iso="DZA"),
            IndexEntry(
                str(ID["organization/ministry-of-national-defense"]),
                "organization",
                ("Ministry of National Defense",),
                country=str(ID["country/DZA"]),
            ),
        ]
    )
    text = sheet(
        "m",
        "{id: chn, type: country, name: China, iso: CHN}",
        "{id: m, type: organization, name: Ministry of National Defense, country: chn}",
    )
    article = load(text, index)
    ministry = iri_of(article, "Ministry of National Defense")
    assert ministry == str(ID["organization/ministry-of-national-defense-chn"])
    # reloading with both in the index finds the Chinese one again
    index.add_all(article.entities)
    again = load(text, index)
    assert iri_of(again, "Ministry of National Defense") == ministry


def test_ambiguous_names_are_errors() -> None:
    index = EntityIndex(
        [
            IndexEntry(str(ID["person/a"]), "person", ("John Smith",)),
            IndexEntry(str(ID["person/b"]), "person", ("Jon Smith",), aliases=("John Smith",)),
        ]
    )
    with pytest.raises(InvalidInputError) as caught:
        load(sheet("a", "{id: s, type: person, name: J. Smith, aliases: [John Smith]}"), index)
    (problem,) = caught.value.problems
    assert problem.path == "entities[0].name"
    assert "matches several known entities" in problem.message


def test_same_as_a_diplograph_iri_decides() -> None:
    iri = str(ID["person/someone-else"])
    article = load(sheet("s", f"{{id: p, type: person, name: Somebody, same_as: ['{iri}']}}"))
    assert iri_of(article, "Somebody") == iri


def test_two_entries_for_one_entity_are_an_error() -> None:
    text = sheet(
        "d",
        "{id: usa, type: country, name: United States, iso: USA}",
        "{id: us, type: country, name: U.S., iso: USA}",
    )
    with pytest.raises(InvalidInputError) as caught:
        load(text)
    (problem,) = caught.value.problems
    assert problem.path == "entities[1].id"
    assert "'us' and 'usa' are the same entity" in problem.message


def test_same_name_in_two_countries_in_one_sheet() -> None:
    text = sheet(
        "m",
        "{id: dza, type: country, name: Algeria, iso: DZA}",
        "{id: chn, type: country, name: China, iso: CHN}",
        "{id: m1, type: organization, name: Ministry of National Defense, country: dza}",
        "{id: m2, type: organization, name: Ministry of National Defense, country: chn}",
    )
    article = load(text)
    ministries = set(article.graph.subjects(DG.name, Literal("Ministry of National Defense")))
    assert ministries == {
        ID["organization/ministry-of-national-defense"],
        ID["organization/ministry-of-national-defense-chn"],
    }
