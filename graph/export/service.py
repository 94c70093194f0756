"""One entry point for the CLI and the API: select a subgraph, render it in a format.

:meth:`ExportService.export` does all the reading first (selection, and the quads for the RDF
formats), so every error (:class:`graph.errors.NotFound`, ``QueryError``, ``ResultTooLarge``,
store errors) is raised before the first byte; the returned :class:`Export` then streams the
file as ``bytes`` chunks, written as produced.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from graph.errors import QueryError
from graph.export import cytoscape, gephi_csv, gexf, graphml, rdf
from graph.export.model import Subgraph
from graph.export.select import Progress, Selection, SubgraphSelector
from graph.model import QuadRow, RDFStore
from graph.queries import QueryService


@dataclass(frozen=True)
class ExportFormat:
    """A file format: its name, media type and file extension."""

    name: str
    media_type: str
    extension: str
    rdf: bool = False
    """True for the RDF serialisations (read from the RDF store)."""


FORMATS: dict[str, ExportFormat] = {
    "gexf": ExportFormat("gexf", gexf.MEDIA_TYPE, gexf.EXTENSION),
    "graphml": ExportFormat("graphml", graphml.MEDIA_TYPE, graphml.EXTENSION),
    "csv": ExportFormat("csv", gephi_csv.MEDIA_TYPE, gephi_csv.EXTENSION),
    "cytoscape": ExportFormat("cytoscape", cytoscape.MEDIA_TYPE, cytoscape.EXTENSION),
    "turtle": ExportFormat("turtle", rdf.MEDIA_TYPES["turtle"], rdf.EXTENSIONS["turtle"], True),
    "jsonld": ExportFormat("jsonld", rdf.MEDIA_TYPES["jsonld"], rdf.EXTENSIONS["jsonld"], True),
    "nquads": ExportFormat("nquads", rdf.MEDIA_TYPES["nquads"], rdf.EXTENSIONS["nquads"], True),
}
"""Every export format by name (the CLI's ``--format`` and the API's ``/export/{format}``)."""


def export_format(name: str) -> ExportFormat:
    """The format called ``name``; QueryError listing the known ones otherwise."""
    found = FORMATS.get(name.strip().lower())
    if found is None:
        raise QueryError(f"unknown export format {name!r}; known: {', '.join(FORMATS)}")
    return found


def _encode(chunks: Iterator[str]) -> Iterator[bytes]:
    for chunk in chunks:
        if chunk:
            yield chunk.encode("utf-8", "replace")


def render(fmt: ExportFormat, sub: Subgraph, *, mixed: bool = False) -> Iterator[bytes]:
    """The file of ``sub`` in a graph format (not the RDF ones), as bytes chunks."""
    if fmt.name == "gexf":
        return _encode(gexf.write_gexf(sub, mixed=mixed))
    if fmt.name == "graphml":
        return _encode(graphml.write_graphml(sub))
    if fmt.name == "csv":
        return gephi_csv.write_gephi_csv(sub, mixed=mixed)
    if fmt.name == "cytoscape":
        return _encode(cytoscape.write_cytoscape(sub))
    raise QueryError(f"{fmt.name} is an RDF format: render it with render_rdf")


def render_rdf(fmt: ExportFormat, quads: list[QuadRow]) -> Iterator[bytes]:
    """The quads in an RDF format, as bytes chunks."""
    writers: dict[str, Callable[[list[QuadRow]], Iterator[str]]] = {
        "nquads": rdf.write_nquads,
        "turtle": rdf.write_turtle,
        "jsonld": rdf.write_jsonld,
    }
    return _encode(writers[fmt.name](quads))


def file_name(fmt: ExportFormat, selection: Selection) -> str:
    """``diplograph-ego-country-DZA.gexf``, ``diplograph-graph.graphml``…"""
    ids = selection.link or selection.seeds
    slug = "-".join(i.rsplit("/id/", 1)[-1] for i in ids[:3])
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", slug).strip("-")[:80]
    stem = f"diplograph-{selection.mode}" + (f"-{slug}" if slug else "")
    return f"{stem}.{fmt.extension}"


@dataclass
class Export:
    """A selected subgraph ready to stream: the format, a file name, the chunks."""

    format: ExportFormat
    filename: str
    subgraph: Subgraph
    chunks: Iterator[bytes]


class ExportService:
    """Exports over a query service (selection) and the RDF store (RDF formats)."""

    def __init__(self, queries: QueryService, rdf_store: RDFStore | None = None) -> None:
        """Select through ``queries``; read RDF from ``rdf_store`` (RDF formats need it)."""
        self.selector = SubgraphSelector(queries)
        self.rdf_store = rdf_store

    def select(self, selection: Selection, progress: Progress | None = None) -> Subgraph:
        """The subgraph of ``selection``."""
        return self.selector.select(selection, progress)

    def export(
        self,
        format_name: str,
        selection: Selection,
        *,
        mixed: bool = False,
        progress: Progress | None = None,
    ) -> Export:
        """Select now (errors raise here), stream later."""
        fmt = export_format(format_name)
        sub = self.select(selection, progress)
        if fmt.rdf:
            if self.rdf_store is None:
                raise QueryError("RDF exports need the RDF store")
            chunks = render_rdf(fmt, rdf.subgraph_quads(sub, self.rdf_store))
        else:
            chunks = render(fmt, sub, mixed=mixed)
        return Export(fmt, file_name(fmt, selection), sub, chunks)
