"""Subgraph export for Gephi, network tools and dashboards.

* :mod:`graph.export.select` — what to export (whole graph, ego network, links between two
  actors, with filters and a node cap), over the query services of either backend;
* :mod:`graph.export.model` — the neutral :class:`Subgraph` every writer reads;
* one streaming writer per format: :mod:`~graph.export.gexf` (GEXF 1.3, dynamic),
  :mod:`~graph.export.graphml`, :mod:`~graph.export.gephi_csv` (zip of nodes/edges tables),
  :mod:`~graph.export.cytoscape` (Cytoscape.js JSON), :mod:`~graph.export.rdf` (N-Quads,
  Turtle, JSON-LD from the RDF store);
* :mod:`graph.export.service` — :class:`ExportService`, the single entry point of the CLI
  and the API.
"""

from __future__ import annotations

from graph.export.model import Attr, Edge, Node, Spell, Subgraph
from graph.export.select import DEFAULT_MAX_NODES, Selection, SubgraphSelector
from graph.export.service import (
    FORMATS,
    Export,
    ExportFormat,
    ExportService,
    export_format,
)

__all__ = [
    "DEFAULT_MAX_NODES",
    "FORMATS",
    "Attr",
    "Edge",
    "Export",
    "ExportFormat",
    "ExportService",
    "Node",
    "Selection",
    "Spell",
    "Subgraph",
    "SubgraphSelector",
    "export_format",
]
