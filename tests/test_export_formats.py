"""The export writers on hand-made subgraphs: every file reads back with real readers.

Values are chosen to break naive writers: curly quotes, ampersands, angle brackets, newlines,
control characters, None, tuples, booleans, non-finite numbers, parallel edges of different
relations, open and partial-date spells.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import igraph
import networkx as nx
import pytest

from graph.export.cytoscape import write_cytoscape
from graph.export.gephi_csv import timeset, write_gephi_csv
from graph.export.gexf import write_gexf
from graph.export.graphml import write_graphml
from graph.export.model import Attr, Edge, Node, Spell, Subgraph, spell_of
from tests.test_export_support import assert_valid_gexf, read_csv_zip, read_with_graphology

A, B, C = "https://w3id.org/diplograph/id/country/DZA", "id:a b&c", 'x"y<z>'
QUOTE = '“Both militaries commit” & <agree>,\nsaid "an official"\ttoday\x01'
NODE_ATTRS = (
    Attr("aliases", "string"),
    Attr("depth", "integer"),
    Attr("seed", "boolean"),
    Attr("score", "double"),
    Attr("sources", "string"),
)
EDGE_ATTRS = (
    Attr("quotes", "string"),
    Attr("source_count", "integer"),
    Attr("symmetric", "boolean"),
    Attr("sources", "string"),
    Attr("strength", "double"),
)


def tricky() -> Subgraph:
    """Three nodes, four edges (two parallel between A and B), every odd value."""
    nodes = [
        Node(A, "Algérie “DZ” & <co>", "Country", {"aliases": ("Algiers", "DZ"), "depth": 0,
             "seed": True, "score": 0.5, "sources": ("s1",)}),
        Node(B, "B\nnewline", "Official", {"aliases": (), "depth": None, "seed": False,
             "score": float("nan")}, (Spell("2024-11-01", None),)),
        Node(C, C, "Thing", {}),
    ]  # fmt: skip
    edges = [
        Edge("e1", A, B, "agreement", "agreement (mou)", False,
             {"quotes": (QUOTE, "second"), "source_count": 2, "symmetric": True,
              "sources": ("s1", "s2"), "strength": 1.25},
             (Spell("2025-01-22", None),)),
        Edge("e2", B, A, "relation:ruled", "ruled", True, {"symmetric": False},
             (Spell(None, "1962-12-31"),)),
        Edge("e3", A, B, "event", "event (signing)", False, {"quotes": ()},
             (Spell("2025-01-22", "2025-01-22"),), weight=float("inf")),
        Edge("e4", C, A, "part-of", "part-of", True, {"strength": float("-inf")}),
    ]  # fmt: skip
    return Subgraph(nodes, edges, NODE_ATTRS, EDGE_ATTRS, "test & “export”", {"selection": "x"})


def gexf_bytes(sub: Subgraph, mixed: bool = False) -> bytes:
    return "".join(write_gexf(sub, mixed=mixed)).encode()


# ------------------------------------------------------------------------------------ model


@pytest.mark.parametrize(
    ("start", "end", "point", "expected"),
    [
        ("2025", None, False, Spell("2025-01-01", None)),
        ("2025", None, True, Spell("2025-01-01", "2025-12-31")),
        ("2024-11", None, True, Spell("2024-11-01", "2024-11-30")),
        ("2024-02", "2024-02", False, Spell("2024-02-01", "2024-02-29")),
        (None, "1962", False, Spell(None, "1962-12-31")),
        ("1967", "1974", True, Spell("1967-01-01", "1974-12-31")),
        ("2025-01-22", "2024", False, Spell("2025-01-22", None)),
        (None, None, True, None),
    ],
)
def test_spells_widen_partial_dates(
    start: str | None, end: str | None, point: bool, expected: Spell | None
) -> None:
    assert spell_of(start, end, point=point) == expected


@pytest.mark.parametrize("name", ["type", "label", "weight", "start", "end", "id", "kind", "Label"])
def test_reserved_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="reserved"):
        Attr(name, "string")


# ------------------------------------------------------------------------------------ GEXF


@pytest.mark.parametrize("mixed", [False, True])
def test_gexf_validates_against_the_official_schema(mixed: bool) -> None:
    root = assert_valid_gexf(gexf_bytes(tricky(), mixed))
    ns = {"g": "http://gexf.net/1.3", "viz": "http://gexf.net/1.3/viz"}
    graph = root.find("g:graph", ns)
    assert graph is not None
    assert (graph.get("mode"), graph.get("timeformat")) == ("dynamic", "date")
    # typed attributes declared before the nodes, named ids, no reserved titles
    children = [c.tag.split("}")[1] for c in graph]
    assert children == ["attributes", "attributes", "nodes", "edges"]
    titles = graph.xpath("g:attributes/g:attribute/@title", namespaces=ns)
    assert set(titles) == {a.name for a in (*NODE_ATTRS, *EDGE_ATTRS)}
    assert graph.xpath("g:attributes/g:attribute/@id", namespaces=ns) == titles
    assert graph.xpath("g:edges/g:edge/@kind", namespaces=ns) == [
        "agreement", "relation:ruled", "event", "part-of"
    ]  # fmt: skip
    assert len(graph.xpath("g:nodes/g:node/viz:color", namespaces=ns)) == 3
    types = graph.xpath("g:edges/g:edge/@type", namespaces=ns)
    assert types == (["undirected", "undirected"] if mixed else [])


def test_gexf_reads_back_with_networkx() -> None:
    g = nx.read_gexf(io.BytesIO(gexf_bytes(tricky())))
    assert isinstance(g, nx.MultiDiGraph)
    assert (g.number_of_nodes(), g.number_of_edges()) == (3, 4)
    assert g.nodes[A]["label"] == "Algérie “DZ” & <co>"
    assert g.nodes[A]["depth"] == 0 and g.nodes[A]["seed"] is True
    assert g.nodes[A]["aliases"] == "Algiers | DZ"
    assert "score" not in g.nodes[B]  # NaN is left out, not written as 'nan'
    assert g.nodes[B]["label"] == "B\nnewline"
    e1 = g.edges[A, B, "e1"]
    assert e1["quotes"] == QUOTE.replace("\x01", "") + " | second"
    assert e1["source_count"] == 2 and e1["strength"] == 1.25 and e1["symmetric"] is True
    assert g.edges[A, B, "e3"]["weight"] == 1.0  # infinite weight falls back to 1.0
    assert "strength" not in g.edges[C, A, "e4"]


@pytest.mark.parametrize("mixed", [False, True])
def test_gexf_reads_back_with_graphology(tmp_path: Path, mixed: bool) -> None:
    path = tmp_path / "tricky.gexf"
    path.write_bytes(gexf_bytes(tricky(), mixed))
    read = read_with_graphology(path)
    assert (read["nodes"], read["edges"]) == (3, 4)
    assert read["multi"] is True
    assert read["type"] == ("mixed" if mixed else "directed")
    assert read["kinds"] == {"agreement": 1, "relation:ruled": 1, "event": 1, "part-of": 1}
    assert read["edge"]["e1"]["quotes"] == QUOTE.replace("\x01", "") + " | second"
    assert read["node"][A]["depth"] == 0 and read["node"][A]["seed"] is True


def test_gexf_static_graph_without_spells() -> None:
    sub = tricky()
    flat = Subgraph(
        [Node(n.id, n.label, n.type, n.attributes) for n in sub.nodes],
        [Edge(e.id, e.source, e.target, e.relation, e.label, e.directed, e.attributes)
         for e in sub.edges],
        sub.node_attrs,
        sub.edge_attrs,
    )  # fmt: skip
    root = assert_valid_gexf(gexf_bytes(flat))
    assert root.find("{http://gexf.net/1.3}graph").get("mode") == "static"  # type: ignore[union-attr]


def test_writers_stream_in_chunks() -> None:
    nodes = [Node(f"n{i}", f"N{i}", "Country", {"depth": i}) for i in range(5000)]
    edges = [
        Edge(f"e{i}", f"n{i}", f"n{(i + 1) % 5000}", "agreement", "a", False, {"quotes": ("q",)})
        for i in range(5000)
    ]
    sub = Subgraph(nodes, edges, (Attr("depth", "integer"),), (Attr("quotes", "string"),))
    for writer in (write_gexf, write_graphml, write_cytoscape, write_gephi_csv):
        chunks = writer(sub)  # type: ignore[operator]
        assert iter(chunks) is chunks, f"{writer.__name__} is not lazy"
        assert sum(1 for _ in chunks) >= 3, writer.__name__


# ------------------------------------------------------------------------------------ GraphML


def graphml_file(tmp_path: Path) -> Path:
    path = tmp_path / "tricky.graphml"
    path.write_text("".join(write_graphml(tricky())), encoding="utf-8")
    return path


def test_graphml_keys_have_names_not_numbers(tmp_path: Path) -> None:
    text = graphml_file(tmp_path).read_text()
    ids = re.findall(r'<key id="([^"]+)"', text)
    assert not [i for i in ids if re.fullmatch(r"d\d+", i)]
    assert {"label", "edgelabel", "weight", "sources", "edge_sources", "quotes"} <= set(ids)
    assert 'attr.type="int"' in text and 'attr.type="boolean"' in text


def test_graphml_reads_back_with_networkx(tmp_path: Path) -> None:
    g = nx.read_graphml(graphml_file(tmp_path))
    assert (g.number_of_nodes(), g.number_of_edges()) == (3, 4)
    assert g.nodes[A]["depth"] == 0 and g.nodes[A]["seed"] is True
    assert g.nodes[A]["label"] == "Algérie “DZ” & <co>"
    e1 = next(d for _, _, k, d in g.edges(keys=True, data=True) if k == "e1")
    assert e1["quotes"].startswith("“Both militaries commit” & <agree>,\nsaid")
    assert e1["sources"] == "s1 | s2" and e1["spell_start"] == "2025-01-22"


def test_graphml_reads_back_with_igraph(tmp_path: Path) -> None:
    g = igraph.Graph.Read_GraphML(str(graphml_file(tmp_path)))
    assert (g.vcount(), g.ecount()) == (3, 4)
    assert g.is_directed()
    # igraph (libxml2) hands back "&" in attribute values as "&#38;": its quirk, not the file's
    assert [i.replace("&#38;", "&") for i in g.vs["id"]] == [A, B, C]
    assert g.vs["depth"][0] == 0.0  # igraph keeps numbers numeric
    assert g.es["source_count"][0] == 2
    assert g.es["quotes"][0].startswith("“Both")


# ------------------------------------------------------------------------------------ CSV


@pytest.mark.parametrize("mixed", [False, True])
def test_gephi_csv_zip_reads_back(mixed: bool) -> None:
    nodes, edges = read_csv_zip(b"".join(write_gephi_csv(tricky(), mixed=mixed)))
    assert (len(nodes), len(edges)) == (3, 4)
    assert list(nodes[0])[:3] == ["Id", "Label", "Timeset"]
    assert list(edges[0])[:8] == [
        "Source", "Target", "Type", "Kind", "Id", "Label", "Weight", "Timeset"
    ]  # fmt: skip
    assert nodes[0]["Label"] == "Algérie “DZ” & <co>" and nodes[1]["Label"] == "B\nnewline"
    assert nodes[1]["Timeset"] == "<[2024-11-01, Infinity]>"
    assert edges[1]["Timeset"] == "<[-Infinity, 1962-12-31]>"
    assert edges[0]["Kind"] == "agreement" and edges[0]["quotes"].startswith("“Both")
    assert {e["Type"] for e in edges} == ({"Directed", "Undirected"} if mixed else {"Directed"})
    assert {e["Source"] for e in edges} | {e["Target"] for e in edges} <= {n["Id"] for n in nodes}


def test_timeset_syntax() -> None:
    assert timeset([]) == ""
    assert timeset([Spell("2025-01-22", "2025-12-31")]) == "<[2025-01-22, 2025-12-31]>"
    assert timeset([Spell(None, "1962-12-31"), Spell("1967-01-01", None)]) == (
        "<[-Infinity, 1962-12-31]; [1967-01-01, Infinity]>"
    )


# ------------------------------------------------------------------------------------ Cytoscape


def test_cytoscape_json_has_unique_ids_and_no_dangling_edges() -> None:
    doc = json.loads("".join(write_cytoscape(tricky())))
    nodes = [n["data"] for n in doc["elements"]["nodes"]]
    edges = [e["data"] for e in doc["elements"]["edges"]]
    ids = [n["id"] for n in nodes] + [e["id"] for e in edges]
    assert len(ids) == len(set(ids)) == 7
    assert {e["source"] for e in edges} | {e["target"] for e in edges} <= {n["id"] for n in nodes}
    e1 = next(e for e in edges if e["id"] == "e1")
    assert e1["quotes"] == [QUOTE, "second"] and e1["directed"] is False
    assert e1["spells"] == [{"start": "2025-01-22", "end": None}]
    assert "score" not in nodes[1] and nodes[0]["aliases"] == ["Algiers", "DZ"]
