"""The neutral graph form (``api.graphjson``): unique edge ids, endpoints among the nodes,
parallel facts kept apart, Cytoscape.js conversion, and loading into graphology (the library
behind sigma.js), which refuses duplicate keys and dangling edges."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from test_export_support import node_ready

from api.graphjson import links_graph, neighbourhood_graph, to_cytoscape
from api.schemas.graph import LinksCytoscape, NeighbourhoodCytoscape
from graph.queries.model import (
    EntityRef,
    Intermediary,
    LinkPath,
    LinksResult,
    Neighbour,
    Neighbourhood,
)
from graph.rules.fact_index import Evidence
from graph.rules.steps import Step, step_uri

ID = "https://w3id.org/diplograph/id/"
JS_DIR = Path(__file__).parent / "js"


def ref(short: str, name: str, *types: str) -> EntityRef:
    """An entity reference."""
    return EntityRef(ID + short, short, name, types)


DZA = ref("country/DZA", "Algeria", "Country")
RUS = ref("country/RUS", "Russia", "Country")
MLI = ref("country/MLI", "Mali", "Country")
WAGNER = ref("organization/wagner-group", "Wagner Group", "Organization")
ARTICLE = ID + "article/a"


def step(a: EntityRef, b: EntityRef, relation: str, via: str, quote: str = "q") -> Step:
    """A step with one piece of evidence."""
    return Step(
        uri=step_uri(ID + via, a.uri, b.uri, relation),
        source=a.uri,
        target=b.uri,
        relation=relation,
        via=ID + via,
        kind="arms-supply" if relation == "influence" else None,
        start="2025",
        end=None,
        sources=(ARTICLE,),
        evidence=(Evidence(ARTICLE, quote, "an official"),),
    )


RUS_DZA_1 = step(RUS, DZA, "influence", "influence/1", "slow supplies")
RUS_DZA_2 = step(RUS, DZA, "influence", "influence/2", "relies on equipment")
DZA_MLI = step(DZA, MLI, "event", "event/1")
MLI_WAGNER = step(WAGNER, MLI, "relation:deployed", "relation/1")
WAGNER_RUS = step(WAGNER, RUS, "part-of", "relation/2")


def links_result() -> LinksResult:
    """Two actor paths: a direct hop carrying two parallel facts, and a three-hop path."""
    paths = (
        LinkPath((DZA.uri, RUS.uri), ((RUS_DZA_1, RUS_DZA_2),)),
        LinkPath(
            (DZA.uri, MLI.uri, WAGNER.uri, RUS.uri), ((DZA_MLI,), (MLI_WAGNER,), (WAGNER_RUS,))
        ),
    )
    ranked = (Intermediary(MLI, 1, 1), Intermediary(WAGNER, 1, 1))
    return LinksResult(DZA, RUS, 3, paths, ranked, (DZA, MLI, RUS, WAGNER), False, None)


def test_parallel_facts_are_distinct_edges() -> None:
    graph = links_graph(links_result())
    ids = [e.id for e in graph.edges]
    assert len(ids) == len(set(ids)) == 5
    between = [e for e in graph.edges if {e.source, e.target} == {"country/RUS", "country/DZA"}]
    assert len(between) == 2 and {e.via for e in between} == {"influence/1", "influence/2"}
    assert all(e.id.startswith("link/") for e in graph.edges)


def test_edges_carry_direction_label_and_evidence() -> None:
    edges = {e.via: e for e in links_graph(links_result()).edges}
    assert edges["influence/1"].directed and edges["influence/1"].label == "influence: arms-supply"
    assert not edges["event/1"].directed and edges["event/1"].label == "event"
    assert edges["relation/1"].label == "relation:deployed"
    assert edges["influence/1"].evidence[0].quote == "slow supplies"
    assert edges["influence/1"].evidence[0].claimant == "an official"


def test_links_roles_ranks_and_paths() -> None:
    graph = links_graph(links_result())
    roles = {n.id: n.role for n in graph.nodes}
    assert roles == {
        "country/DZA": "source",
        "country/RUS": "target",
        "country/MLI": "intermediary",
        "organization/wagner-group": "intermediary",
    }
    assert [(i.rank, i.entity.id) for i in graph.intermediaries] == [
        (1, "country/MLI"),
        (2, "organization/wagner-group"),
    ]
    direct = graph.paths[0]
    assert direct.length == 1 and len(direct.hops) == 1 and len(direct.hops[0]) == 2
    assert direct.edges == direct.hops[0]
    long = graph.paths[1]
    assert long.length == 3 and long.nodes[0] == "country/DZA" and long.nodes[-1] == "country/RUS"


def test_neighbourhood_puts_the_centre_first() -> None:
    result = Neighbourhood(
        center=DZA,
        depth=1,
        total=5,
        limit=2,
        offset=0,
        nodes=(Neighbour(MLI, 1, 3, False, False), Neighbour(RUS, 1, 300, False, True)),
        steps=(RUS_DZA_1, DZA_MLI),
        hubs=(RUS.uri,),
    )
    graph = neighbourhood_graph(result)
    assert [(n.id, n.depth) for n in graph.nodes] == [
        ("country/DZA", 0),
        ("country/MLI", 1),
        ("country/RUS", 1),
    ]
    assert graph.nodes[0].degree is None and graph.nodes[2].hub
    assert graph.next == 2 and graph.hubs == ["country/RUS"]
    cy = to_cytoscape(graph)
    assert isinstance(cy, NeighbourhoodCytoscape)
    assert cy.data.center.id == "country/DZA"


def test_cytoscape_form_has_the_same_elements() -> None:
    graph = links_graph(links_result())
    cy = to_cytoscape(graph)
    assert isinstance(cy, LinksCytoscape)
    body = json.loads(cy.model_dump_json())
    neutral = json.loads(graph.model_dump_json())
    assert [n["data"] for n in body["elements"]["nodes"]] == neutral["nodes"]
    assert [e["data"] for e in body["elements"]["edges"]] == neutral["edges"]
    assert set(body["data"]) == set(neutral) - {"nodes", "edges"}
    assert all(n["data"]["role"] for n in body["elements"]["nodes"])  # subclass fields kept


GRAPHOLOGY_LOADER = """
const { MultiGraph } = require("graphology");
const body = JSON.parse(require("fs").readFileSync(0, "utf8"));
const graph = new MultiGraph();
for (const node of body.nodes) graph.addNode(node.id, node);
for (const edge of body.edges) {
  if (edge.directed) graph.addDirectedEdgeWithKey(edge.id, edge.source, edge.target, edge);
  else graph.addUndirectedEdgeWithKey(edge.id, edge.source, edge.target, edge);
}
console.log(JSON.stringify({ order: graph.order, size: graph.size }));
"""


def _node_with_graphology() -> tuple[str, dict[str, str]]:
    """The node binary and an environment that finds graphology."""
    node = node_ready()  # installs tests/js/node_modules once; fails under CI=true without node
    return node, {**os.environ, "NODE_PATH": str(JS_DIR / "node_modules")}


def test_graphology_loads_the_neutral_form() -> None:
    node, env = _node_with_graphology()
    body: dict[str, Any] = json.loads(links_graph(links_result()).model_dump_json())
    done = subprocess.run(
        [node, "-e", GRAPHOLOGY_LOADER],
        input=json.dumps(body),
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"order": 4, "size": 5}
