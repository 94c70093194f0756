"""The default graph of the store: the set union of the article graphs, kept materialised.

Oxigraph's ``use_default_graph_as_union`` (and a ``FROM`` list) has bag semantics: a triple
stated by n article graphs is seen n times, so joins through shared entities multiply and
``COUNT`` is wrong without ``DISTINCT``. The store therefore keeps the union in its own
default graph, once per distinct triple, and queries use that graph as it is. Every article
write keeps it exact in the same transaction as the write:

* before graphs change, :func:`orphan_delete` removes from the default graph the triples of
  those graphs that no other graph states (a triple also stated elsewhere stays); for many
  graphs at once, :data:`SWEEP` after the change removes what no graph states any more;
* after they are written, :func:`insert_from` adds their triples (a set: adding a triple
  already there does nothing).

A write through the bulk loader (not transactional, see :mod:`graph.rdf.store`) does the same
in two steps; a crash in between is repaired by :func:`rebuild` when the undo journal is
replayed. A data directory written before this existed has no marker file (:data:`MARKER`):
opening it rebuilds the default graph once, then writes the marker.

Untrusted queries never write, so nothing else changes the default graph.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from graph.rdf.terms import iri_node

log = logging.getLogger("diplograph.rdf")

MARKER = "default-graph-union"
"""File in the data directory saying the default graph holds the union of the named graphs."""


def _names(iris: Iterable[str]) -> list[str]:
    """``<iri>`` for each graph IRI (checked: an invalid IRI is InvalidData)."""
    return [f"<{iri_node(iri).value}>" for iri in iris]


NOT_IN_LIMIT = 256
"""Graphs up to which :func:`orphan_removal` checks candidates against the graph list; above,
a sweep of the whole default graph costs less (the list is compared linearly per candidate)."""

SWEEP = "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?h { ?s ?p ?o } } }"
"""Remove every triple of the default graph that no named graph states (a full scan of the
default graph with one index lookup per triple: ≈ 1 s per 500,000 distinct triples)."""


def orphan_removal(iris: Iterable[str]) -> tuple[str, str]:
    """SPARQL update operations that remove from the default graph what the graphs ``iris``
    alone stated: one to run before they change, one after (either may be empty).

    A few graphs: :func:`orphan_delete` before (cost ∝ their triples x their number). Many
    (a corpus loaded again): :data:`SWEEP` after (cost ∝ the default graph).
    """
    names = list(iris)
    if len(names) > NOT_IN_LIMIT:
        return "", SWEEP
    return orphan_delete(names), ""


def orphan_delete(iris: Iterable[str]) -> str:
    """A SPARQL update operation removing from the default graph every triple of the graphs
    ``iris`` that no graph outside ``iris`` states (run it before those graphs change).

    Each candidate is one index lookup (``GRAPH ?h`` with the triple bound), stopped at the
    first other graph stating it: ~20 µs a triple; graphs that do not exist cost nothing.
    """
    names = _names(iris)
    if not names:
        return ""
    listed, others = " ".join(names), ", ".join(names)
    return (
        f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {listed} }} GRAPH ?g {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} FILTER (?h NOT IN ({others})) }} }}"
    )


def insert_from(iris: Iterable[str]) -> str:
    """A SPARQL update operation adding every triple of the graphs ``iris`` to the default
    graph (run it after they were written, in the same update: it reads them)."""
    names = _names(iris)
    if not names:
        return ""
    listed = " ".join(names)
    return f"INSERT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {listed} }} GRAPH ?g {{ ?s ?p ?o }} }}"


def rebuild(store: ox.Store) -> None:
    """Make the default graph the union of the named graphs again, from scratch.

    Not one transaction (the default graph is cleared, then bulk-loaded): callers run it
    while a marker of unfinished work exists (the undo journal, or no :data:`MARKER`), so a
    crash during it repeats it.
    """
    started = time.monotonic()
    store.clear_graph(ox.DefaultGraph())
    parts = [
        store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        for graph in store.named_graphs()
    ]
    data = b"".join(part for part in parts if part)
    if data:
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    log.info("default graph rebuilt in %.2f s", time.monotonic() - started)


def marked(directory: Path) -> bool:
    """Whether the data directory's default graph is known to hold the union."""
    return (directory / MARKER).exists()


def mark(directory: Path) -> None:
    """Record that the default graph holds the union (after :func:`rebuild` and a flush)."""
    (directory / MARKER).write_text(
        "the default graph of this store is the set union of its named graphs\n",
        encoding="utf-8",
    )
