"""Fuzz the loaders with hostile JSON-LD and over-long ids (issue 14, points 7 and 8).

Hypothesis builds JSON-LD documents with context references hidden anywhere a parser would
follow them (top level, arrays and nested arrays, contexts inside contexts, scoped contexts of
terms and types, embedded nodes, ``@graph``, ``@import``), pointing at a listener on 127.0.0.1
or at ``file:`` paths: each is refused with a :class:`LoadError` naming the file, and the
listener never sees a connection. Fact sheets get ids and names of every length: they load when
within the limits of :mod:`ontology.identifiers` and are refused, naming the limit, beyond.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loaders import EntityIndex, LoadError, load_document
from loaders.jsonld import references
from ontology.identifiers import MAX_ID_LENGTH, MAX_NAME_LENGTH
from tests.conftest import fuzz_examples, fuzz_profile

EXAMPLES = fuzz_examples(60)
FUZZ = fuzz_profile(EXAMPLES)
DG = "https://w3id.org/diplograph/ontology#"
ID = "https://w3id.org/diplograph/id/"


@pytest.fixture(scope="module")
def listener() -> Iterator[socket.socket]:
    """A listening socket on 127.0.0.1 that nothing accepts: a connection would queue."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.setblocking(False)
    yield sock
    sock.close()


def connections(sock: socket.socket) -> int:
    """Connections queued on the listener (accepted and closed here)."""
    count = 0
    while True:
        try:
            conn, _ = sock.accept()
        except BlockingIOError:
            return count
        conn.close()
        count += 1


def targets(port: int) -> st.SearchStrategy[str]:
    """IRIs a context could be loaded from."""
    return st.one_of(
        st.sampled_from(
            [
                f"http://127.0.0.1:{port}/c.jsonld",
                f"https://127.0.0.1:{port}/c",
                f"//127.0.0.1:{port}/c",
                "file:///etc/passwd",
                "file:///dev/zero",
                "file:/proc/self/environ",
                "../../../../etc/hostname",
                "c.jsonld",
                "",
            ]
        ),
        st.text(max_size=20),
    )


def _with_a_reference(items: list[Any]) -> list[Any]:
    """``items``, plus a relative reference when all of them are plain term maps."""
    return items if any(not isinstance(i, dict) for i in items) else [*items, "x"]


def hostile_context(iri: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """A ``@context`` value that names ``iri`` somewhere inside."""
    terms = st.dictionaries(st.sampled_from(["a", "b", "dg", "t"]), st.just(DG), max_size=2)
    return st.recursive(
        iri,
        lambda inner: st.one_of(
            st.lists(st.one_of(inner, terms), min_size=1, max_size=3).map(
                lambda items: (
                    items if any(not isinstance(i, dict) for i in items) else [*items, "x"]
                )
            ),
            st.builds(lambda c: {"@context": c}, inner),
            st.builds(lambda c: {"t": {"@id": f"{DG}t", "@context": c}}, inner),
            st.builds(lambda c: {"T": {"@id": f"{DG}Article", "@context": c}}, inner),
            st.builds(lambda i: {"@import": i, "dg": DG}, iri),
        ),
        max_leaves=4,
    )


def place(context: Any, where: str) -> Any:
    """A JSON-LD article document with ``context`` at ``where``."""
    node = {"@id": f"{ID}article/fuzz", "@type": f"{DG}Article", "t": {"@id": f"{ID}x"}}
    if where == "top":
        return {"@context": context, **node}
    if where == "embedded":
        return {**node, f"{DG}about": {"@context": context, "@id": f"{ID}y"}}
    if where == "graph":
        return {"@graph": [{"@context": context, **node}]}
    return [{"@context": context, **node}]


@FUZZ
@given(data=st.data(), where=st.sampled_from(["top", "embedded", "graph", "array"]))
def test_hostile_jsonld_is_refused_without_a_connection(
    listener: socket.socket, data: st.DataObject, where: str
) -> None:
    port = listener.getsockname()[1]
    document = place(data.draw(hostile_context(targets(port))), where)
    assert references(document), document  # the generator hid at least one reference
    with pytest.raises(LoadError) as caught:
        load_document(json.dumps(document), EntityIndex(), file="fuzz.jsonld")
    problems = caught.value.problems
    assert problems and all(p.file == "fuzz.jsonld" for p in problems)
    assert any("loads no remote or file: document" in p.message for p in problems), problems
    assert connections(listener) == 0


KEYS = ["@context", "@id", "@type", "@graph", "@import", "@value", "@list", "x", DG + "x"]
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(["@context", "@id", "@type", "@graph", "@import", "x"]),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=12,
)


@FUZZ
@given(document=json_values)
def test_any_json_ld_loads_or_raises_a_load_error(listener: socket.socket, document: Any) -> None:
    """Random JSON-LD shapes: a LoadError or articles, never another exception nor a fetch."""
    try:
        load_document(json.dumps(document), EntityIndex(), file="any.jsonld", shacl=False)
    except LoadError as error:
        assert error.problems and all(p.file == "any.jsonld" for p in error.problems)
    assert connections(listener) == 0


EXAMPLE_SHEET = """article:
  id: {article}
entities:
  - id: {entity}
    type: country
    name: {name}
    iso: DZA
"""


@FUZZ
@given(
    article=st.integers(min_value=1, max_value=300_000),
    entity=st.integers(min_value=1, max_value=5_000),
    name=st.integers(min_value=1, max_value=20_000),
)
def test_ids_and_names_load_within_their_limits_only(article: int, entity: int, name: int) -> None:
    text = EXAMPLE_SHEET.format(article="a" * article, entity="e" * entity, name="N" * name)
    too_long = article > MAX_ID_LENGTH or entity > MAX_ID_LENGTH or name > MAX_NAME_LENGTH
    try:
        load_document(text, EntityIndex(), file="ids.yaml", shacl=False)
    except LoadError as error:
        assert too_long, str(error)[:300]
        assert all("characters long" in p.message for p in error.problems), str(error)[:300]
        assert len(str(error)) < 2_000  # the ids are not echoed back
    else:
        assert not too_long
