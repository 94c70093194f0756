"""Fuzz the fact-sheet parser with hypothesis.

Whatever the text — a random YAML or JSON document, the reference sheet
(``examples/us-algeria-mou.yaml``) with keys deleted, values of the wrong type, random or huge
strings, deep nesting, or bytes of junk decoded as latin-1 — loading it either succeeds or raises
:class:`loaders.LoadError` whose problems each name the file and a line (or a path inside the
document) and say what is wrong. Any other exception is a bug. SHACL is off in the bulk of the
runs (it takes 0.4 s per sheet that gets that far); one smaller run keeps it on.
"""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders import EntityIndex, LoadError, load_document, load_factsheet_text
from loaders.source import MAX_DEPTH, parse_yaml
from tests.conftest import fuzz_examples, fuzz_profile

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "us-algeria-mou.yaml"
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")
EXAMPLE_DATA: dict[str, Any] = parse_yaml(EXAMPLE_TEXT, str(EXAMPLE)).data
EXAMPLES = fuzz_examples(60)
"""Examples per property; ``FUZZ_EXAMPLES=2000`` digs deeper."""

FUZZ = fuzz_profile(EXAMPLES)
SLOWEST_S = 5.0
"""No single document may take longer than this to load or be refused."""


def check(text: str, fmt: str = "yaml", *, shacl: bool = False) -> None:
    """Load ``text``: success, or a LoadError whose every problem is located and explained."""
    file = f"fuzz.{fmt}"
    started = time.monotonic()
    try:
        article = load_factsheet_text(text, EntityIndex(), file=file, fmt=fmt, shacl=shacl)  # type: ignore[arg-type]
    except LoadError as error:
        assert error.problems, "a LoadError without problems"
        lines = text.count("\n") + 1  # a parser may point at the end of the input: one more
        for problem in error.problems:
            assert problem.file == file, problem
            assert problem.message.strip(), problem
            assert problem.line is not None or problem.path, f"neither line nor path: {problem}"
            assert problem.line is None or 1 <= problem.line <= lines + 1, (problem, lines)
        assert str(error).startswith(file), str(error)[:200]
    else:
        assert len(article.graph) > 0
    elapsed = time.monotonic() - started
    assert elapsed < SLOWEST_S, f"{elapsed:.1f}s for a {len(text)}-character document"


def dump(data: Any, fmt: str) -> str:
    """``data`` as YAML or JSON text."""
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, default=str)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


# ------------------------------------------------------------------ strategies

texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.sampled_from(["", "null", "~", "true", "NaN", "-", "? ", "&a *a", "!!python/object", "@"]),
    st.integers(min_value=10, max_value=100_000).map(lambda n: "x" * n),  # huge strings
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    texts,
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(texts, inner, max_size=5),
    ),
    max_leaves=30,
)


def nested(depth: int, leaf: Any) -> Any:
    """``leaf`` inside ``depth`` levels of alternating lists and mappings."""
    for level in range(depth):
        leaf = [leaf] if level % 2 else {"k": leaf}
    return leaf


replacements = st.one_of(
    documents,
    st.integers(min_value=1, max_value=MAX_DEPTH * 3).map(lambda d: nested(d, "deep")),
)


def paths_of(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``data`` (mapping keys and list indexes)."""
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths_of(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths_of(value, (*prefix, index))
    return found


EXAMPLE_PATHS = paths_of(EXAMPLE_DATA)


@st.composite
def mutated_examples(draw: st.DrawFn) -> Any:
    """The reference sheet with one to four mutations at random places."""
    data = copy.deepcopy(EXAMPLE_DATA)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        path = draw(st.sampled_from(EXAMPLE_PATHS))
        parent: Any = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            key = path[-1]
            parent[key]
        except (KeyError, IndexError, TypeError):
            continue
        action = draw(st.sampled_from(["delete", "replace", "rename", "duplicate", "stringify"]))
        if action == "delete":
            del parent[key]
        elif action == "replace":
            parent[key] = draw(replacements)
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(texts)] = parent.pop(key)
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        elif action == "stringify":
            parent[key] = str(parent[key])
    return data


@st.composite
def corrupted_texts(draw: st.DrawFn) -> str:
    """The reference sheet's text with slices cut, repeated, or replaced by junk."""
    text = EXAMPLE_TEXT
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        start = draw(st.integers(min_value=0, max_value=len(text)))
        end = draw(st.integers(min_value=start, max_value=min(len(text), start + 200)))
        junk = draw(
            st.one_of(
                st.binary(max_size=64).map(lambda b: b.decode("latin-1")),
                st.text(max_size=32),
                st.sampled_from(["\t", "\x00", "\ufeff", "- ", ": ", "{", "[", "&a", "*a", "'"]),
            )
        )
        action = draw(st.sampled_from(["replace", "insert", "cut", "truncate"]))
        if action == "replace":
            text = text[:start] + junk + text[end:]
        elif action == "insert":
            text = text[:start] + junk + text[start:]
        elif action == "cut":
            text = text[:start] + text[end:]
        else:
            text = text[:start]
    return text


# ------------------------------------------------------------------ properties


def test_the_reference_sheet_loads() -> None:
    """The baseline the mutations start from is a valid sheet (in both formats)."""
    check(EXAMPLE_TEXT, shacl=True)
    check(dump(EXAMPLE_DATA, "json"), "json")


@FUZZ
@given(document=documents, fmt=st.sampled_from(["yaml", "json"]))
def test_random_documents_load_or_raise_located_load_errors(document: Any, fmt: str) -> None:
    check(dump(document, fmt), fmt)


@FUZZ
@given(document=mutated_examples(), fmt=st.sampled_from(["yaml", "json"]))
def test_mutated_reference_sheets_load_or_raise_located_load_errors(
    document: Any, fmt: str
) -> None:
    check(dump(document, fmt), fmt)


@FUZZ
@given(text=corrupted_texts())
def test_corrupted_reference_text_loads_or_raises_located_load_errors(text: str) -> None:
    check(text)


@FUZZ
@given(junk=st.binary(max_size=2000), fmt=st.sampled_from(["yaml", "json"]))
def test_binary_junk_decoded_as_latin1_raises_load_errors(junk: bytes, fmt: str) -> None:
    check(junk.decode("latin-1"), fmt)


@settings(FUZZ, max_examples=max(5, EXAMPLES // 6))
@given(document=mutated_examples())
def test_mutated_sheets_through_shacl_load_or_raise_load_errors(document: Any) -> None:
    check(dump(document, "yaml"), shacl=True)


@pytest.mark.parametrize("depth", [MAX_DEPTH, MAX_DEPTH + 1, 1_000, 100_000, 1_000_000])
@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda n: "[" * n + "]" * n, id="flow-lists"),
        pytest.param(lambda n: "{a: " * n + "1" + "}" * n, id="flow-maps"),
        pytest.param(lambda n: "- " * n + "x", id="compact-block-lists"),
        pytest.param(lambda n: "article:\n  title: " + "[" * n + "]" * n, id="inside-the-sheet"),
    ],
)
def test_deep_nesting_is_a_located_parse_error(make: Any, depth: int) -> None:
    """libyaml composes recursively: 50,000 levels used to kill the process (SIGSEGV)."""
    text = make(depth)
    with pytest.raises(LoadError) as caught:
        load_factsheet_text(text, EntityIndex(), file="deep.yaml", shacl=False)
    if depth > MAX_DEPTH:
        # Our own guard says "nested more than…"; PyYAML ≥ 6.0.4 has one of its own in libyaml's
        # flow parser ("exceeded maximum nesting depth") that may fire first.
        assert any(
            ("nested more than" in p.message or "nesting depth" in p.message) and p.line
            for p in caught.value.problems
        )
    check(text)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 990, 5_000, 1_000_000])
def test_deep_json_is_a_located_parse_error(depth: int) -> None:
    """json.loads raises RecursionError near 1,000 levels; the line indexer recursed too."""
    text = '{"article": ' + "[" * depth + "]" * depth + "}"
    with pytest.raises(LoadError, match="nested more than"):
        load_factsheet_text(text, EntityIndex(), file="deep.json", fmt="json", shacl=False)
    check(text, "json")


@pytest.mark.parametrize("levels", [6, 9, 40])
def test_alias_bombs_are_refused_quickly(levels: int) -> None:
    """Nine values per level, each an alias of the level below: 9**levels once expanded."""
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels)]
    text = "\n".join(lines) + "\n"
    started = time.monotonic()
    with pytest.raises(LoadError) as caught:
        load_factsheet_text(text, EntityIndex(), file="bomb.yaml", shacl=False)
    # an expanded bomb takes minutes (9**9 values); the refusal, well under the bound
    assert time.monotonic() - started < SLOWEST_S
    if 9**levels > 1_000_000:
        assert any("aliases expand" in p.message for p in caught.value.problems)
    check(text)


@pytest.mark.parametrize("size", [100_000, 2_000_000])
def test_huge_strings_are_refused_or_loaded_in_bounded_time(size: int) -> None:
    document = copy.deepcopy(EXAMPLE_DATA)
    document["article"]["title"] = "T" * size
    document["entities"][0]["aliases"] = ["A" * size]
    check(dump(document, "yaml"))
    check(dump(document, "json"), "json")


@FUZZ
@given(junk=st.binary(max_size=500), fmt=st.sampled_from(["turtle", "json-ld", "trig", "nquads"]))
def test_rdf_documents_of_junk_raise_load_errors(junk: bytes, fmt: str) -> None:
    """The RDF side of ``POST /articles``: junk is a LoadError naming the file too."""
    with pytest.raises(LoadError) as caught:
        load_document(junk.decode("latin-1"), EntityIndex(), file=f"fuzz.{fmt}", fmt=fmt)
    assert all(p.file == f"fuzz.{fmt}" and p.message for p in caught.value.problems)
