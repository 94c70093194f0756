"""Load any supported document, one file or a batch, all-or-nothing by default."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from loaders.article import ArticleGraph
from loaders.errors import BatchError, InvalidInputError, LoadError, ParseError, Problem
from loaders.factsheet import SHEET_SUFFIXES, SheetFormat, load_factsheet_text
from loaders.index import EntityIndex
from loaders.rdf_input import RDF_SUFFIXES, load_rdf_text, rdf_format
from loaders.source import load_json, read_text

SUFFIXES = frozenset({*SHEET_SUFFIXES, *RDF_SUFFIXES})
"""File extensions the loaders read (fact sheets and RDF)."""


def detect_format(file: str, text: str, fmt: str | None = None) -> str:
    """``yaml``, ``json`` or an rdflib format name, from ``fmt`` or the file extension.

    A ``.json`` file whose top-level object has ``@context`` is JSON-LD, not a fact sheet.
    """
    if fmt is not None:
        name = fmt.lower()
        if name in ("yaml", "yml", "json"):
            return "yaml" if name == "yml" else name
        chosen = rdf_format(name)
        if chosen is None:
            raise ParseError([Problem(file, None, "", f"unknown format '{fmt}'")])
        return chosen
    suffix = Path(file).suffix.lower()
    if suffix == ".json" and _is_json_ld(text):
        return "json-ld"
    if suffix in SHEET_SUFFIXES:
        return SHEET_SUFFIXES[suffix]
    if suffix in RDF_SUFFIXES:
        return RDF_SUFFIXES[suffix]
    known = ", ".join(sorted(SUFFIXES))
    raise ParseError([Problem(file, None, "", f"unknown file type '{suffix}' (known: {known})")])


def _is_json_ld(text: str) -> bool:
    """Whether ``text`` is a JSON object with an ``@context``; JSON this cannot read (malformed,
    too deep, bad numbers) is left to the fact-sheet reader, which says where and why."""
    try:
        data = load_json(text, "<sniffed>")
    except ParseError:
        return False
    return isinstance(data, dict) and "@context" in data


def load_document(
    text: str,
    index: EntityIndex,
    *,
    file: str = "<input>",
    fmt: str | None = None,
    shacl: bool = True,
) -> list[ArticleGraph]:
    """The article graphs in one document given as text (fact sheet or RDF).

    ``fmt`` is ``yaml``, ``json``, ``turtle``, ``json-ld``, ``trig``, ``nquads``… or ``None``
    to go by the extension of ``file``. ``index`` is read, never changed. ``shacl`` validates
    RDF input against the shapes; a fact sheet is validated against its model, whose mapping
    conforms to the shapes by construction (:func:`loaders.factsheet.load_factsheet`).
    """
    chosen = detect_format(file, text, fmt)
    if chosen in ("yaml", "json"):
        sheet_fmt: SheetFormat = "json" if chosen == "json" else "yaml"
        return [load_factsheet_text(text, index, file=file, fmt=sheet_fmt)]
    return load_rdf_text(text, file=file, fmt=chosen, shacl=shacl)


def load_path(
    path: str | Path, index: EntityIndex, *, fmt: str | None = None, shacl: bool = True
) -> list[ArticleGraph]:
    """The article graphs in the file at ``path`` (see :func:`load_document`)."""
    return load_document(read_text(path), index, file=str(path), fmt=fmt, shacl=shacl)


@dataclass
class BatchResult:
    """What a batch produced: the good articles, the problems of the bad files, the grown index."""

    articles: list[ArticleGraph] = field(default_factory=list)
    failed: dict[str, LoadError] = field(default_factory=dict)
    index: EntityIndex = field(default_factory=EntityIndex)

    @property
    def problems(self) -> list[Problem]:
        """Every error of every failed file."""
        return [p for error in self.failed.values() for p in error.problems]

    @property
    def warnings(self) -> list[Problem]:
        """Every warning of the loaded articles."""
        return [w for article in self.articles for w in article.warnings]


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus the supported files under named directories (sorted)."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES)
        else:
            out.append(path)
    return out


def load_paths(
    paths: Iterable[str | Path],
    index: EntityIndex,
    *,
    keep_going: bool = False,
    shacl: bool = True,
    on_file: Callable[[str, int, int], None] | None = None,
) -> BatchResult:
    """Load files (and directories of files) together, sharing entities between them.

    Every file is checked; entities of each good file join a copy of ``index`` before the next
    file is resolved (``result.index``; the caller's index is not changed). By default the batch
    is all-or-nothing: if any file fails, :class:`BatchError` is raised with the problems of
    every bad file. With ``keep_going=True`` the good articles are returned and the bad files
    are in ``result.failed``. The same article id in two files is an error.
    ``on_file(path, done, total)`` is called after each file, for progress bars.
    """
    result = BatchResult(index=index.copy())
    seen: dict[str, str] = {}
    files = expand_paths(paths)
    for done, path in enumerate(files, start=1):
        _load_into(result, path, seen, shacl)
        if on_file is not None:
            on_file(str(path), done, len(files))
    if result.failed and not keep_going:
        raise BatchError(result.problems, result.failed)
    return result


def _load_into(result: BatchResult, path: Path, seen: dict[str, str], shacl: bool) -> None:
    """Load one file into ``result`` (articles and grown index) or record why it failed."""
    file = str(path)
    try:
        articles = load_path(path, result.index, shacl=shacl)
        _check_unique(articles, file, seen)
    except LoadError as exc:
        result.failed[file] = exc
        return
    for article in articles:
        seen[str(article.iri)] = file
        result.index.add_all(article.entities)
        article.freeze()  # checked: from here on only its triples are read
    result.articles += articles


def _check_unique(articles: list[ArticleGraph], file: str, seen: dict[str, str]) -> None:
    problems = []
    here: set[str] = set()
    for article in articles:
        iri = str(article.iri)
        other = seen.get(iri) or (file if iri in here else None)
        if other is not None:
            message = f"article '{article.article_id}' is loaded twice in this batch (also {other})"
            line = article.origins.get(article.iri, ("", None))[1]
            problems.append(Problem(file, line, "article", message))
        here.add(iri)
    if problems:
        raise InvalidInputError(problems)
