"""The JSON line scanner gives what re-reading the JSON as YAML gave: the same lines, the same
duplicate-key problems, the same depth problem (loaders/json_lines.py against the YAML path it
replaced, kept in loaders/source.py for the documents the scanner declines)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.batch import load_paths
from loaders.errors import BatchError, ParseError
from loaders.index import EntityIndex
from loaders.json_lines import Unusual, index_json
from loaders.migrate import migrate_text
from loaders.source import (
    MAX_DEPTH,
    MAX_VALUES,
    TOO_DEEP,
    Document,
    _index_as_yaml,
    load_json,
    parse_json,
    parse_yaml,
)

ROOT = Path(__file__).resolve().parent.parent
SHEETS = sorted(p for p in [*ROOT.glob("examples/*.yaml"), *ROOT.glob("tests/fixtures/**/*.yaml")])


def both(text: str) -> tuple[Document, Document]:
    """``text`` indexed by the scanner and by the YAML path (same data, fresh documents)."""
    data = load_json(text, "f.json")
    fast, slow = Document("f.json", data, {(): 1}), Document("f.json", data, {(): 1})
    assert index_json(text, fast, MAX_DEPTH, TOO_DEEP, MAX_VALUES) is None
    assert _index_as_yaml(text, slow) is None
    return fast, slow


def assert_same(text: str) -> None:
    fast, slow = both(text)
    assert fast.lines == slow.lines
    assert fast.problems == slow.problems


def as_json_texts(data: Any) -> list[str]:
    """``data`` as JSON, compact and pretty-printed."""
    return [json.dumps(data, ensure_ascii=False), json.dumps(data, indent=2, ensure_ascii=False)]


@pytest.mark.parametrize("path", SHEETS, ids=lambda p: p.name)
def test_every_fixture_as_json_gets_the_yaml_lines(path: Path) -> None:
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"), str(path)).data
    except ParseError:
        data = {"unreadable": str(path)}  # a malformed fixture: still a document to index
    for text in as_json_texts(json.loads(json.dumps(data, default=str))):
        assert_same(text)


def test_duplicate_keys_keep_the_first_line_and_skip_the_repeat() -> None:
    text = (
        '{\n"a": 1,\n"b": {"x": [1,\n2]},\n"b": {"y": {"z": 1, "z": 2}},\n'
        '"c": [{"d": 1, "d": 2}]\n}'
    )
    fast, _ = both(text)
    assert_same(text)
    assert [(p.line, p.path) for p in fast.problems] == [(5, "b"), (6, "c[0].d")]
    assert ("b", "y") not in fast.lines and fast.lines[("b", "x", 1)] == 4


def test_too_deep_is_located_like_yaml() -> None:
    text = "[" * 30 + "\n" + "[" * 40 + "1" + "]" * 70
    data = load_json(text, "f.json")
    fast, slow = Document("f.json", data, {(): 1}), Document("f.json", data, {(): 1})
    problem = index_json(text, fast, MAX_DEPTH, TOO_DEEP, MAX_VALUES)
    assert problem is not None and problem == _index_as_yaml(text, slow)
    assert problem.line == 2
    with pytest.raises(ParseError) as error:
        parse_json(text, "f.json")
    assert error.value.problems == [problem]


@pytest.mark.parametrize(
    "text",
    [
        '{"a":\r\n 1}',  # a line break YAML counts its own way
        '{"a\\u00e9": 1}',  # an escaped key
        '{"a"\n: 1}',  # a key and its colon on two lines
        '{"' + "k" * 1200 + '": 1}',  # a key longer than YAML's implicit keys
        '{"a": "\u2028"}',  # a Unicode line separator inside a string
    ],
)
def test_what_yaml_reads_differently_goes_the_yaml_way(text: str) -> None:
    doc = Document("f.json", load_json(text, "f.json"), {(): 1})
    with pytest.raises(Unusual):
        index_json(text, doc, MAX_DEPTH, TOO_DEEP, MAX_VALUES)
    assert doc.lines == {(): 1} and doc.problems == []
    assert parse_json(text, "f.json").lines == both_yaml(text).lines


def both_yaml(text: str) -> Document:
    doc = Document("f.json", load_json(text, "f.json"), {(): 1})
    _index_as_yaml(text, doc)
    return doc


LETTERS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"))
KEYS = st.text(LETTERS, max_size=6)
NUMBERS = st.integers() | st.floats(allow_nan=False, allow_infinity=False)
SCALARS = st.none() | st.booleans() | NUMBERS | KEYS
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(VALUES, st.sampled_from([None, 1, 2]), st.booleans())
def test_random_json_gets_the_yaml_lines(data: Any, indent: int | None, repeat: bool) -> None:
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    if repeat and text.startswith("{") and len(text) > 2:
        text = '{"r": 1, "r": [1, 2],' + text[1:]  # a repeated key at the top
    try:
        assert_same(text)
    except Unusual:
        assert parse_json(text, "f.json").lines == both_yaml(text).lines


@pytest.mark.parametrize("depth", [2_000, 10_000])
def test_a_json_file_nested_past_the_decoder_is_a_located_problem(
    tmp_path: Path, depth: int
) -> None:
    """Format detection reads a ``.json`` file to look for ``@context`` before the sheet reader
    does: nesting past Python's recursion limit must reach the reader's own check, not crash."""
    deep = tmp_path / "deep.json"
    deep.write_text('{"article": ' + "[" * depth + "]" * depth + "}")
    with pytest.raises(BatchError) as caught:
        load_paths([deep], EntityIndex())
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == (str(deep), 1)
    assert TOO_DEEP in problem.message
    with pytest.raises(ParseError) as migrating:
        migrate_text(deep.read_text(), str(deep), fmt="json")
    assert TOO_DEEP in migrating.value.problems[0].message
