"""Input formats (fact sheets, RDF) to rdflib Datasets; entity resolution and IRI minting.

The public API other layers call::

    index = EntityIndex.from_graph(store_entities)          # or EntityIndex(records)
    result = load_paths(["examples/"], index)               # BatchResult, all-or-nothing
    articles = load_document(body, index, file="upload.yaml")  # one document given as text
    article = load_factsheet("examples/us-algeria-mou.yaml", index)

Every failure is a :class:`LoadError` whose ``problems`` name file, line, path and message.
Loaders never write to a store and never change the index they are given.
"""

from loaders.article import ArticleGraph
from loaders.batch import BatchResult, detect_format, load_document, load_path, load_paths
from loaders.errors import (
    BatchError,
    InvalidInputError,
    LoadError,
    ParseError,
    Problem,
    ShapeError,
)
from loaders.factsheet import load_factsheet, load_factsheet_text
from loaders.index import EntityIndex, IndexEntry, records_from_graph
from loaders.rdf_input import load_rdf, load_rdf_text
from loaders.schema import factsheet_json_schema
from loaders.shacl import shacl_problems, shapes_graph

__all__ = [
    "ArticleGraph",
    "BatchError",
    "BatchResult",
    "EntityIndex",
    "IndexEntry",
    "InvalidInputError",
    "LoadError",
    "ParseError",
    "Problem",
    "ShapeError",
    "detect_format",
    "factsheet_json_schema",
    "load_document",
    "load_factsheet",
    "load_factsheet_text",
    "load_path",
    "load_paths",
    "load_rdf",
    "load_rdf_text",
    "records_from_graph",
    "shacl_problems",
    "shapes_graph",
]
