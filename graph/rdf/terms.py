"""RDF terms between rdflib, pyoxigraph and N-Triples/N-Quads text, for the Oxigraph store.

rdflib's own N-Triples serialiser is about three times slower than these writers, and a load
writes every triple once; pyoxigraph terms become the plain values of ``graph.model``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
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


def bulk_parts(graphs: Mapping[str, Triples], total: int, count: int) -> list[dict[str, Triples]]:
    """``graphs`` in ``count`` parts of about the same number of triples (graph IRIs checked)."""
    parts: list[dict[str, Triples]] = [{}]
    size = 0
    for iri, graph in graphs.items():
        iri_node(iri)
        if size >= total * len(parts) / count:
            parts.append({})
        parts[-1][iri] = graph
        size += len(graph)
    return parts


def quad_row(quad: Any) -> QuadRow:
    """A pyoxigraph quad of a named graph as a :class:`QuadRow`."""
    subject = to_term(quad.subject)
    if isinstance(subject, Lit):  # pragma: no cover - RDF forbids literal subjects
        raise InvalidData(f"literal subject in {quad!r}")
    return QuadRow(subject, quad.predicate.value, to_term(quad.object), quad.graph_name.value)


def bulk_load(
    targets: Sequence[ox.Store],
    graphs: Mapping[str, Triples],
    total: int,
    count: int,
    default: ox.Store | None = None,
) -> None:
    """Bulk-load ``graphs`` into every store of ``targets`` in ``count`` parts, and their
    distinct triples into the default graph of ``default``: worker threads load one part while
    the N-Quads of the next are written (the bulk loader runs without the GIL; measured 15-25%
    faster than one part, more parts cost more than they save)."""
    with ThreadPoolExecutor(len(targets) + 1, thread_name_prefix="diplograph-bulk-load") as pool:
        loading: list[Future[None]] = []
        for part in bulk_parts(graphs, total, count):
            data, triples = parts_data(part)
            for future in loading:
                future.result()
            loading = [
                pool.submit(target.bulk_load, data, format=ox.RdfFormat.N_QUADS)
                for target in targets
            ]
            if default is not None:
                loading.append(
                    pool.submit(
                        default.bulk_load,
                        triples,
                        format=ox.RdfFormat.N_TRIPLES,
                        to_graph=ox.DefaultGraph(),
                    )
                )
        for future in loading:
            future.result()


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
