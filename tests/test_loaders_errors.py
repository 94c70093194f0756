"""Bad input gives clear problems: file, line, path inside the document, what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders import (
    EntityIndex,
    InvalidInputError,
    LoadError,
    ParseError,
    Problem,
    load_document,
    load_path,
)

BAD = Path(__file__).parent / "fixtures" / "loaders" / "bad"


def line_of(path: Path, text: str, occurrence: int = 1) -> int:
    """1-based line of the ``occurrence``-th line of ``path`` containing ``text``."""
    hits = [i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    return hits[occurrence - 1]


def problems_of(name: str, error: type[LoadError] = InvalidInputError) -> list[Problem]:
    path = BAD / name
    with pytest.raises(error) as caught:
        load_path(path, EntityIndex())
    for problem in caught.value.problems:
        assert problem.file == str(path)
    return caught.value.problems


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def test_malformed_yaml_names_the_line() -> None:
    problem = only(problems_of("malformed.yaml", ParseError))
    assert problem.line == line_of(BAD / "malformed.yaml", "signed:")
    assert "malformed YAML" in problem.message
    assert "did not find expected ',' or ']'" in problem.message


def test_malformed_json_names_the_line() -> None:
    problem = only(problems_of("malformed.json", ParseError))
    assert problem.line == 5
    assert problem.message.startswith("malformed JSON: Expecting property name")


def test_malformed_turtle_names_the_line() -> None:
    problem = only(problems_of("malformed.ttl", ParseError))
    assert problem.line == line_of(BAD / "malformed.ttl", '"United States ;')
    assert problem.message == "malformed turtle: newline found in string literal"


def test_unknown_entity_reference() -> None:
    problem = only(problems_of("unknown-entity.yaml"))
    assert problem.line == line_of(BAD / "unknown-entity.yaml", "dzaa")
    assert problem.path == "agreements[0].parties[1]"
    assert problem.message == (
        "unknown entity 'dzaa' (known: dza, langley, usa); did you mean 'dza'?"
    )
    assert str(problem) == f"{BAD / 'unknown-entity.yaml'}:{problem.line}: {problem.path}: " + (
        problem.message
    )


def test_unknown_entity_reference_in_json_has_a_line_too() -> None:
    path = BAD / "unknown-entity.json"
    problem = only(problems_of("unknown-entity.json"))
    assert problem.path == "agreements[0].parties[1]"
    assert problem.line == line_of(path, '"dzaa"')
    assert "unknown entity 'dzaa'" in problem.message


def test_wrong_type() -> None:
    problem = only(problems_of("wrong-type.yaml"))
    assert problem.path == "agreements[0].parties"
    assert problem.line == line_of(BAD / "wrong-type.yaml", "parties: usa")
    assert problem.message == "Input should be a valid list, got a string 'usa'"


def test_impossible_date() -> None:
    problem = only(problems_of("impossible-date.yaml"))
    assert problem.path == "agreements[0].signed.date"
    assert problem.line == line_of(BAD / "impossible-date.yaml", "2025-02-30")
    assert problem.message == (
        "impossible date '2025-02-30': February 2025 has 28 days (no day 30)"
    )


def test_fact_without_evidence() -> None:
    problem = only(problems_of("no-evidence.yaml"))
    assert problem.path == "agreements[0].signatories[0].evidence"
    assert problem.line == line_of(BAD / "no-evidence.yaml", "- signatory: langley")
    assert problem.message.startswith("fact without evidence")


def test_duplicate_id() -> None:
    path = BAD / "duplicate-id.yaml"
    problems = problems_of("duplicate-id.yaml")
    first = problems[0]
    assert first.path == "entities[1].id"
    assert first.line == line_of(path, "- id: usa", 2)
    assert first.message == f"duplicate id 'usa' (first at line {line_of(path, '- id: usa')})"


def test_unknown_vocabulary_slug_suggests_the_notation() -> None:
    problem = only(problems_of("unknown-slug.yaml"))
    assert problem.path == "agreements[0].areas[0]"
    assert problem.line == line_of(BAD / "unknown-slug.yaml", "counter-terrorism")
    assert problem.message.startswith(
        "unknown area 'counter-terrorism': did you mean 'counterterrorism' (counterterrorism)?"
    )


def test_unknown_country_name() -> None:
    problem = only(problems_of("unknown-country.yaml"))
    assert problem.path == "entities[1].name"
    assert problem.line == line_of(BAD / "unknown-country.yaml", "Atlantis")
    assert problem.message.startswith("unknown country 'Atlantis'")
    assert "add its ISO code as `iso`" in problem.message


def test_unknown_iso_code() -> None:
    problem = only(problems_of("unknown-iso.yaml"))
    assert problem.path == "entities[1].iso"
    assert problem.line == line_of(BAD / "unknown-iso.yaml", "iso: DZ")
    assert problem.message == "'DZ' is an alpha-2 code: use the alpha-3 code 'DZA'"


def test_every_problem_of_a_file_is_reported() -> None:
    path = BAD / "many-errors.yaml"
    problems = problems_of("many-errors.yaml")
    assert [p.path for p in problems] == [
        "entities[1].iso",
        "agreements[0].parties[1]",
        "agreements[0].signatories[0].signatory",
        "agreements[0].areas[0]",
    ]
    assert [p.line for p in problems] == [
        line_of(path, "XYZ"),
        line_of(path, "dzaa"),
        line_of(path, "langly"),
        line_of(path, "counter-terrorism"),
    ]
    assert "unknown ISO 3166 code 'XYZ'" in problems[0].message
    assert "did you mean 'langley'?" in problems[2].message


def test_every_type_problem_of_a_file_is_reported() -> None:
    path = BAD / "many-type-errors.yaml"
    problems = problems_of("many-type-errors.yaml")
    assert [(p.path, p.line) for p in problems] == [
        ("article.published", line_of(path, "published")),
        ("entities[2].rank", line_of(path, "rank")),
        ("agreements[0].parties[1]", line_of(path, "parties")),
    ]
    assert problems[0].message == "impossible date '2025-13': there is no month 13"
    assert problems[1].message == "unknown field 'rank'"
    assert problems[2].message == "Input should be a valid string, got a number 42"


def test_error_renders_like_a_compiler() -> None:
    with pytest.raises(LoadError) as caught:
        load_path(BAD / "many-errors.yaml", EntityIndex())
    lines = str(caught.value).splitlines()
    assert len(lines) == 4
    assert all(line.startswith(f"{BAD / 'many-errors.yaml'}:") for line in lines)


SHEET = """\
article: {id: inline}
entities:
  - {id: usa, type: country, name: United States, iso: USA}
"""


@pytest.mark.parametrize(
    ("extra", "path", "message"),
    [
        (
            "  - {id: x, type: country, name: X, iso: usa}\n",
            "entities[1].iso",
            "ISO codes are upper case: did you mean 'USA'?",
        ),
        (
            "  - {id: x, type: planet, name: X}\n",
            "entities[1].type",
            "unknown entity type 'planet' (expected country, organization, person, "
            "official, region or place)",
        ),
        (
            "  - {id: Bad Id, type: region, name: X}\n",
            "entities[1].id",
            "'Bad Id' is not a valid id: use lower-case letters, digits and hyphens",
        ),
        (
            "  - {id: x, type: person, name: X, nationalty: usa}\n",
            "entities[1].nationalty",
            "unknown field 'nationalty'; did you mean 'nationality'?",
        ),
        (
            "  - {id: x, type: person, name: X, wikidata: 42}\n",
            "entities[1].wikidata",
            "Input should be a valid string, got a number 42",
        ),
        (
            "  - {id: x, type: person, name: X, nationality: x}\n",
            "entities[1].nationality",
            "'x' is a person, expected a country",
        ),
    ],
)
def test_inline_entity_problems(extra: str, path: str, message: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        load_document(SHEET + extra, EntityIndex(), file="inline.yaml")
    problem = only(caught.value.problems)
    assert (problem.file, problem.line, problem.path) == ("inline.yaml", 4, path)
    assert problem.message == message


def test_duplicate_keys_are_errors() -> None:
    text = "article: {id: a}\narticle: {id: b}\n"
    with pytest.raises(InvalidInputError) as caught:
        load_document(text, EntityIndex(), file="dup.yaml")
    problem = only(caught.value.problems)
    assert (problem.line, problem.path) == (2, "article")
    assert problem.message == "duplicate key 'article' (first at line 1)"


def test_a_sheet_must_be_a_mapping() -> None:
    with pytest.raises(InvalidInputError) as caught:
        load_document("- just\n- a list\n", EntityIndex(), file="list.yaml")
    assert "a fact sheet is a mapping" in only(caught.value.problems).message


def test_period_that_ends_before_it_starts() -> None:
    text = SHEET + (
        "relations:\n"
        "  - subject: usa\n    object: usa\n    kind: rival-of\n"
        "    start: 1974\n    end: 1967-05\n    evidence: {quote: q}\n"
    )
    with pytest.raises(InvalidInputError) as caught:
        load_document(text, EntityIndex(), file="p.yaml")
    problem = only(caught.value.problems)
    assert (problem.line, problem.path) == (9, "relations[0].end")
    assert problem.message == "ends (1967-05) before it starts (1974)"


def test_unknown_file_type() -> None:
    with pytest.raises(ParseError) as caught:
        load_document("x", EntityIndex(), file="notes.txt")
    assert "unknown file type '.txt'" in only(caught.value.problems).message


def test_meeting_frequency_must_be_a_duration() -> None:
    text = SHEET + (
        "  - {id: jmc, type: organization, name: JMC}\n"
        "agreements:\n"
        "  - parties: [usa]\n    establishes: [{body: jmc, meets: sometimes}]\n"
        "    evidence: {quote: q}\n"
    )
    with pytest.raises(InvalidInputError) as caught:
        load_document(text, EntityIndex(), file="m.yaml")
    problem = only(caught.value.problems)
    assert problem.path == "agreements[0].establishes[0].meets"
    assert problem.message.startswith("'sometimes' is not an ISO 8601 duration")


def test_quotes_are_short() -> None:
    text = SHEET + (
        "relations:\n  - {subject: usa, object: usa, kind: rival-of, evidence: {quote: "
        + "x" * 601
        + "}}\n"
    )
    with pytest.raises(InvalidInputError) as caught:
        load_document(text, EntityIndex(), file="q.yaml")
    problem = only(caught.value.problems)
    assert problem.path == "relations[0].evidence[0].quote"
    assert "at most 600 characters" in problem.message
