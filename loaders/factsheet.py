"""Fact sheets (YAML or JSON) to article graphs: parse → validate → check → resolve → map."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from loaders.article import ArticleGraph, identifier_problems
from loaders.checks import check_sheet
from loaders.errors import InvalidInputError, raise_if_errors
from loaders.index import EntityIndex
from loaders.mapping import build_article
from loaders.resolve import resolve_entities
from loaders.shacl import check_article
from loaders.source import Document, parse_json, parse_yaml, read_text
from loaders.validate import validate_sheet

SheetFormat = Literal["yaml", "json"]
SHEET_SUFFIXES: dict[str, SheetFormat] = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}


def load_factsheet(path: str | Path, index: EntityIndex, *, shacl: bool = False) -> ArticleGraph:
    """Load the fact sheet at ``path`` (``.yaml``, ``.yml`` or ``.json``) into an article graph.

    The sheet is validated against the fact-sheet model and its cross-checks; the RDF mapped
    from a sheet they accept conforms to the SHACL shapes by construction (proved on the
    examples, a synthetic corpus and mutations by tests/test_mapping_conforms.py), so pySHACL
    (100-300 ms an article) runs only with ``shacl=True``.

    Entities are resolved against ``index``, which is not changed: add ``result.entities`` to
    it once the article is stored. Raises a :class:`~loaders.errors.LoadError` listing every
    problem found; warnings are in ``result.warnings``.
    """
    fmt = SHEET_SUFFIXES.get(Path(path).suffix.lower(), "yaml")
    return load_factsheet_text(read_text(path), index, file=str(path), fmt=fmt, shacl=shacl)


def load_factsheet_text(
    text: str,
    index: EntityIndex,
    *,
    file: str = "<input>",
    fmt: SheetFormat = "yaml",
    shacl: bool = False,
) -> ArticleGraph:
    """Load a fact sheet given as text (an HTTP request body); ``file`` names it in problems.

    ``shacl=True`` also checks the mapped graph against the shapes (see :func:`load_factsheet`).
    """
    doc = parse_factsheet(text, file, fmt)
    sheet = validate_sheet(doc)
    resolution = resolve_entities(sheet, doc, index)
    problems = [*doc.problems, *check_sheet(sheet, doc), *resolution.problems]
    warnings = raise_if_errors(problems, InvalidInputError)
    article = build_article(sheet, doc, resolution, warnings)
    raise_if_errors(identifier_problems(article), InvalidInputError)
    if shacl:
        check_article(article)
    return article


def parse_factsheet(text: str, file: str, fmt: SheetFormat = "yaml") -> Document:
    """Parse fact-sheet text with line numbers; raise :class:`ParseError` if malformed."""
    return parse_json(text, file) if fmt == "json" else parse_yaml(text, file)
