"""Every YAML example of docs/fact-sheets.md is valid, so a writer can copy any of them.

Convention for the reference's ```yaml blocks (first line of the block):

- no marker: a whole sheet; it must load (shape, references, vocabularies, format gate);
- ``# fragment``: top-level keys of a sheet without ``article`` (``posts:``, ``agreements:``…,
  and ``format: 2`` when it shows format 2 keys); shape, vocabularies and the format gate are
  checked, references are not (they name entities of the surrounding text);
- ``# fragment: Agreement`` (any class of ``loaders.model``; ``, format 2`` after it for format 2
  keys): one entry of that class, or a list of them, checked against the class and the gate.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from loaders import model
from loaders.checks import notations
from loaders.factsheet import load_factsheet_text, parse_factsheet
from loaders.formats import format_violations
from loaders.index import EntityIndex
from loaders.model import FactSheet
from loaders.vocab import resolve_concept

DOCS = Path(__file__).resolve().parent.parent / "docs" / "fact-sheets.md"
BLOCK = re.compile(r"^```yaml\n(.*?)^```", re.MULTILINE | re.DOTALL)
MARKER = re.compile(r"#\s*fragment(?::\s*(?P<cls>\w+))?(?:,\s*format\s+(?P<fmt>\d))?\s*$")


def _blocks() -> list[tuple[int, str]]:
    text = DOCS.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 2, m.group(1)) for m in BLOCK.finditer(text)]


BLOCKS = _blocks()


def test_the_reference_has_examples_of_each_kind() -> None:
    markers = [MARKER.match(block.splitlines()[0]) for _, block in BLOCKS]
    assert len(BLOCKS) >= 2
    assert any(m is None for m in markers), "no whole-sheet example"
    assert any(m is not None for m in markers), "no fragment"


def _model_class(name: str) -> type[BaseModel]:
    found = vars(model).get(name)
    assert isinstance(found, type) and issubclass(found, BaseModel), f"no model class {name}"
    return found


def _check_fragment(data: Any, cls_name: str | None, fmt: int, where: str) -> None:
    if cls_name is None:
        assert isinstance(data, dict), f"{where}: a fragment of a sheet is a mapping"
        sheet = FactSheet.model_validate({"article": {"id": "docs-fragment"}, **data})
        assert format_violations(sheet, sheet.format) == [], where
        for _path, scheme, text in notations(sheet):
            resolve_concept(scheme, text)  # raises on an unknown notation (path in the message)
        return
    cls = _model_class(cls_name)
    for item in data if isinstance(data, list) else [data]:
        entry = cls.model_validate(item)
        assert format_violations(entry, fmt) == [], where


@pytest.mark.parametrize(("line", "block"), BLOCKS, ids=[f"line-{n}" for n, _ in BLOCKS])
def test_each_yaml_example_is_valid(line: int, block: str) -> None:
    where = f"{DOCS}:{line}"
    marker = MARKER.match(block.splitlines()[0])
    if marker is None:
        article = load_factsheet_text(block, EntityIndex(), file=where)
        assert len(article) > 0
        return
    data = parse_factsheet(block, where).data
    _check_fragment(data, marker.group("cls"), int(marker.group("fmt") or 1), where)


def test_class_fragments_are_checked_against_their_class_and_format() -> None:
    event = {"kind": "visit", "place": "dza", "evidence": {"quote": "q"}}
    _check_fragment([event], "Event", 2, "here")
    with pytest.raises(AssertionError):
        _check_fragment(event, "Event", 1, "here")  # `place` is a format 2 key
    with pytest.raises(ValueError):
        _check_fragment({"kind": "visit"}, "Event", 2, "here")  # no evidence
    marker = MARKER.match("# fragment: Event, format 2")
    assert marker is not None and (marker["cls"], marker["fmt"]) == ("Event", "2")
