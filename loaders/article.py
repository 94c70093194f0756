"""The result of loading one article: an rdflib Dataset with exactly one named graph."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Dataset, Graph, URIRef

from loaders.errors import Problem
from loaders.index import IndexEntry
from ontology.namespace import ID, PREFIXES


def new_dataset() -> Dataset:
    """An empty Dataset with the diplograph prefixes bound."""
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace, override=True)
    return dataset


@dataclass
class ArticleGraph:
    """One article's triples in the named graph ``iri`` of ``dataset``, ready for storing.

    ``entities`` are the index records the article contributes (add them to an
    :class:`~loaders.index.EntityIndex` once stored); ``origins`` maps minted nodes to the
    ``(path, line)`` of the sheet entry they come from, so SHACL problems can point at the sheet.
    """

    iri: URIRef
    dataset: Dataset
    source: str
    warnings: list[Problem] = field(default_factory=list)
    entities: list[IndexEntry] = field(default_factory=list)
    origins: dict[URIRef, tuple[str, int | None]] = field(default_factory=dict)

    @property
    def graph(self) -> Graph:
        """The article's named graph."""
        return self.dataset.graph(self.iri)

    @property
    def article_id(self) -> str:
        """The article id (the last part of ``id:article/{id}``, or the whole IRI otherwise)."""
        prefix = f"{ID}article/"
        text = str(self.iri)
        return text.removeprefix(prefix)

    def __len__(self) -> int:
        return len(self.graph)
