"""RDF terms between rdflib, pyoxigraph and N-Triples/N-Quads text, for the Oxigraph store.

rdflib's own N-Triples serialiser is about three times slower than these writers, and a load
writes every triple once; pyoxigraph terms become the plain values of ``graph.model``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pyoxigraph as ox
from rdflib import XSD, Literal, URIRef
from rdflib import BNode as RdfBNode

from graph.errors import InvalidData
from graph.model import BNode, GraphSnapshot, Lit, QuadRow, Term
from graph.rules.records import REL_SUBJECT
from ontology.triples import Triples


def to_term(term: Any) -> Term:
    """A pyoxigraph term as a plain value (``str`` IRI, :class:`BNode` or :class:`Lit`)."""
    kind = type(term)
    if kind is ox.NamedNode:
        return str(term.value)
    if kind is ox.Literal:
        return Lit(term.value, term.datatype.value, term.language)
    if kind is ox.BlankNode:
        return BNode(term.value)
    raise InvalidData(f"unsupported RDF term {term!r} (RDF-star triples are not supported)")


def iri_node(iri: str) -> ox.NamedNode:
    """A pyoxigraph IRI; an invalid IRI is :class:`InvalidData`."""
    try:
        return ox.NamedNode(iri)
    except ValueError as error:
        raise InvalidData(f"invalid IRI <{iri}>: {error}") from error


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_XSD_STRING = XSD.string


def nt_literal(term: Literal) -> str:
    """One rdflib literal in N-Triples syntax."""
    text = str(term)
    if '"' in text or "\\" in text or "\n" in text or "\r" in text:
        text = text.translate(_ESCAPES)
    if term.language:
        return f'"{text}"@{term.language}'
    datatype = term.datatype
    if datatype is not None and datatype != _XSD_STRING:
        return f'"{text}"^^<{datatype}>'
    return f'"{text}"'


def nt_term(term: Any) -> str:
    """One rdflib term in N-Triples syntax (rdflib's own serialiser is three times slower)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return nt_literal(term)
    if isinstance(term, RdfBNode):
        return f"_:{term}"
    raise InvalidData(f"cannot store the term {term!r}")


def nquads(graphs: Mapping[str, Triples]) -> bytes:
    """Every triple of ``graphs`` as N-Quads in its named graph."""
    return parts_data(graphs)[0]


def parts_data(graphs: Mapping[str, Triples]) -> tuple[bytes, bytes]:
    """Every triple of ``graphs`` as N-Quads in its named graph, and as N-Triples (the default
    graph's share of a bulk load: the bulk loader keeps a repeated triple once, in less time
    than removing the repeats here).

    Our writer escapes newlines inside literals, so each line ends with the only ``" .\\n"``
    of the line and naming the graph before the dot makes N-Quads of N-Triples.
    """
    quads: list[str] = []
    triples: list[str] = []
    for iri, graph in graphs.items():
        lines: list[str] = []
        triple_lines(graph, " .\n", lines)
        text = "".join(lines)
        triples.append(text)
        quads.append(text.replace(" .\n", f" <{iri_node(iri).value}> .\n"))
    return "".join(quads).encode("utf-8"), "".join(triples).encode("utf-8")


def insert_data(graphs: Mapping[str, Triples]) -> list[str]:
    """SPARQL update operations that replace ``graphs``: dropped, then inserted."""
    operations = [f"DROP SILENT GRAPH <{iri_node(iri).value}>" for iri in graphs]
    for iri, graph in graphs.items():
        lines: list[str] = []
        triple_lines(graph, " .\n", lines)
        operations.append(f"INSERT DATA {{ GRAPH <{iri}> {{\n{''.join(lines)}}} }}")
    return operations


def triple_lines(graph: Triples, end: str, lines: list[str]) -> None:
    """Append every triple of ``graph`` to ``lines`` in N-Triples syntax, each ending with
    ``end`` (its graph name for N-Quads).

    An IRI is written by formatting it (``<…>``): cheaper than looking it up in a cache, since
    an rdflib IRI that is equal but not identical to the cached key costs a Python ``__eq__``.
    """
    append = lines.append
    for s, p, o in graph:
        subject = f"<{s}>" if type(s) is URIRef else nt_term(s)
        predicate = f"<{p}>" if type(p) is URIRef else nt_term(p)
        if type(o) is Literal:
            append(f"{subject} {predicate} {nt_literal(o)}{end}")
        elif type(o) is URIRef:
            append(f"{subject} {predicate} <{o}>{end}")
        else:
            append(f"{subject} {predicate} {nt_term(o)}{end}")


def quad_row(quad: Any) -> QuadRow:
    """A pyoxigraph quad of a named graph as a :class:`QuadRow`."""
    subject = to_term(quad.subject)
    if isinstance(subject, Lit):  # pragma: no cover - RDF forbids literal subjects
        raise InvalidData(f"literal subject in {quad!r}")
    return QuadRow(subject, quad.predicate.value, to_term(quad.object), quad.graph_name.value)


def bulk_load(
    store: ox.Store,
    graphs: Mapping[str, Triples],
    part: int,
    call: int,
    mirror: ox.Store | None = None,
) -> None:
    """Bulk-load ``graphs`` into ``store``'s named graphs and their triples into its default
    graph (the loader keeps a repeated triple once), in ONE call of Oxigraph's bulk loader;
    ``mirror`` (in memory) gets the named graphs too.

    The N-Quads are formatted as the loader reads them (:class:`_Stream`, ``part`` triples at
    a time), so the text held in memory is one part, whatever the batch. One call, not one per
    part: each call ingests its own sorted files into RocksDB, whose compactions then merge
    them with what the earlier calls wrote, so the cost of a part grew with the store
    (measured at 10,000 articles: 1.2 CPU s for the first of 15 parts, 3 s for the last).
    Graph IRIs are checked before the store is touched.
    """
    for iri in graphs:
        iri_node(iri)
    for share in _shares(graphs, call):
        stream = io.BufferedReader(_Stream(_chunks(share, part, mirror)), buffer_size=1 << 20)
        store.bulk_load(stream, format=ox.RdfFormat.N_QUADS)


def _shares(graphs: Mapping[str, Triples], size: int) -> Iterator[dict[str, Triples]]:
    """``graphs`` in consecutive groups of about ``size`` triples."""
    share: dict[str, Triples] = {}
    count = 0
    for iri, graph in graphs.items():
        share[iri] = graph
        count += len(graph)
        if count >= size:
            yield share
            share, count = {}, 0
    if share:
        yield share


def _chunks(graphs: Mapping[str, Triples], part: int, mirror: ox.Store | None) -> Iterator[bytes]:
    """The N-Quads of ``graphs`` (named graphs, then the same triples in the default graph),
    about ``part`` triples at a time (:func:`parts_data`)."""
    chunk: dict[str, Triples] = {}
    size = 0
    for iri, graph in graphs.items():
        chunk[iri] = graph
        size += len(graph)
        if size >= part:
            yield from _chunk_data(chunk, mirror)
            chunk, size = {}, 0
    if chunk:
        yield from _chunk_data(chunk, mirror)


def _chunk_data(chunk: Mapping[str, Triples], mirror: ox.Store | None) -> Iterator[bytes]:
    """One part as N-Quads: its quads, then its triples (N-Triples lines are N-Quads in the
    default graph); the quads also go to ``mirror``."""
    quads, triples = parts_data(chunk)
    if mirror is not None:
        mirror.bulk_load(quads, format=ox.RdfFormat.N_QUADS)
    yield quads
    yield triples


class _Stream(io.RawIOBase):
    """A binary file over an iterator of byte strings, read by Oxigraph's bulk loader (its
    parser thread calls ``read``, so the next part is formatted while the loader's other
    threads sort and write the previous ones)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._view = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        """Copy the next bytes into ``buffer``; 0 at the end."""
        while not self._view:
            data = next(self._chunks, None)
            if data is None:
                return 0
            self._view = memoryview(data)
        size = min(len(buffer), len(self._view))
        buffer[:size] = self._view[:size]
        self._view = self._view[size:]
        return size


def snapshot_subjects(snapshot: GraphSnapshot) -> set[str]:
    """:func:`graph.rules.records.touched_subjects` of the former content of some graphs.

    The snapshot holds it as N-Triples: parsing them is several times cheaper than reading the
    graphs from the store (which decodes every term from its dictionary).
    """
    touched: set[str] = set()
    for data in snapshot.graphs.values():
        if not data:
            continue
        for triple in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
            subject, obj = triple.subject, triple.object
            if type(subject) is ox.NamedNode:
                touched.add(subject.value)
            if type(obj) is ox.NamedNode and triple.predicate.value == REL_SUBJECT:
                touched.add(obj.value)
    return touched


def nquad_lines(store: ox.Store, graphs: Sequence[str]) -> bytes:
    """The quads of the named graphs ``graphs`` as N-Quads (Oxigraph's N-Triples of each,
    named: it escapes newlines inside literals, so a line ends with its only ``" .\\n"``)."""
    parts: list[bytes] = []
    for iri in graphs:
        data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=iri_node(iri))
        if data:
            parts.append(data.replace(b" .\n", f" <{iri}> .\n".encode()))
    return b"".join(parts)
