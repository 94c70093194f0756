"""Graph-shaped answers: one neutral ``{nodes, edges}`` form and its Cytoscape.js variant.

The neutral form converts directly to the usual JavaScript libraries: graphology/sigma.js
(``graph.addNode(n.id, n)``, ``graph.addEdgeWithKey(e.id, e.source, e.target, e)``), vis-network
(``{id, label}`` nodes, edges with ``from: source, to: target``) and D3 (``forceLink().id(d =>
d.id)``). Node ids are short entity ids; edge ids are step ids (``link/<hash>``), unique in every
answer, so parallel edges (two facts between the same actors) stay apart. Every edge carries its
evidence: the articles and the quotes with their claimants.

``?format=cytoscape`` gives ``{data: {...}, elements: {nodes: [{data}], edges: [{data}]}}``: the
same nodes and edges as element ``data``, and the result's other fields as the graph's ``data``.
"""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, Field

from api.schemas.common import ApiModel, EntityOut, EvidenceOut
from graph.queries.model import BrokersResult

__all__ = [
    "Broker",
    "Brokers",
    "CytoscapeEdge",
    "CytoscapeElements",
    "CytoscapeGraph",
    "CytoscapeNode",
    "GraphEdge",
    "GraphNode",
    "Intermediary",
    "LinkNode",
    "LinksCytoscape",
    "LinksGraph",
    "LinksMeta",
    "NeighbourNode",
    "NeighbourhoodCytoscape",
    "NeighbourhoodGraph",
    "NeighbourhoodMeta",
    "PathCountOut",
    "PathOut",
    "PathsCytoscape",
    "PathsGraph",
    "PathsMeta",
]


class GraphNode(ApiModel):
    """A node of a graph answer."""

    id: str = Field(description="short entity id, unique in the answer", examples=["country/DZA"])
    uri: str = Field(examples=["https://w3id.org/diplograph/id/country/DZA"])
    label: str = Field(description="name, else the id", examples=["Algeria"])
    type: str = Field(description="most specific entity type", examples=["Country"])
    types: list[str] = Field(examples=[["Country"]])


class NeighbourNode(GraphNode):
    """A node of an ego network."""

    depth: int = Field(description="steps from the centre (0 for the centre)", examples=[1])
    degree: int | None = Field(
        description="steps of this actor that pass the filters (null for the centre)", examples=[12]
    )
    expanded: bool = Field(description="whether its own neighbours were followed")
    hub: bool = Field(description="more steps than hub_cap: shown but not expanded")


class LinkNode(GraphNode):
    """A node of a links or paths answer."""

    role: Literal["source", "target", "intermediary"] = Field(examples=["intermediary"])


class GraphEdge(ApiModel):
    """An edge: one fact (agreement, influence, tenure…) connecting two actors."""

    id: str = Field(description="step id, unique in the answer", examples=["link/9781190e914e8d"])
    source: str = Field(description="id of the source node", examples=["country/RUS"])
    target: str = Field(description="id of the target node", examples=["country/DZA"])
    relation: str = Field(
        description="agreement, signature, commitment, influence, tenure, event, "
        "relation:<kind>, part-of, country, nationality, role:<role> or ended",
        examples=["influence"],
    )
    kind: str | None = Field(description="kind of the fact", examples=["arms-supply"])
    label: str = Field(
        description="relation and kind, for display", examples=["influence: arms-supply"]
    )
    directed: bool = Field(description="false for agreements, commitments and events")
    via: str | None = Field(
        description="id of the fact node (agreement, influence…); null for a direct property",
        examples=["influence/d093a88d10720904"],
    )
    start: str | None = Field(examples=["2025-01-22"])
    end: str | None = Field(examples=[None])
    sources: list[str] = Field(description="articles (IRIs) stating the fact")
    evidence: list[EvidenceOut] = Field(description="quotes supporting the fact")
    inferred: bool = Field(
        description="true when no article states this link between these two actors and a "
        "rule inferred it (only with inferred=true)",
        examples=[False],
    )
    rule: str | None = Field(
        description="the inference rule of an inferred edge (docs/data-model.md)",
        examples=[None, "region-membership"],
    )


class PathOut(ApiModel):
    """One actor path: distinct actors (first to last); each hop between two consecutive
    actors carries every fact joining them."""

    length: int = Field(description="hops (actors minus one)", examples=[2])
    nodes: list[str] = Field(examples=[["country/DZA", "country/MLI", "country/RUS"]])
    hops: list[list[str]] = Field(
        description="for each hop, the ids of the edges (facts) joining its two actors",
        examples=[[["link/0a1b…", "link/4e5f…"], ["link/2c3d…"]]],
    )
    edges: list[str] = Field(
        description="the edge ids of every hop, hop after hop; the articles and quotes are on "
        "the edges",
        examples=[["link/0a1b…", "link/4e5f…", "link/2c3d…"]],
    )
    inferred: bool = Field(
        description="true when some hop rests only on inferred edges", examples=[False]
    )


class PathCountOut(ApiModel):
    """How many actor paths of one length exist."""

    length: int = Field(examples=[2])
    paths: int = Field(description="paths of this length (a lower bound unless exact)")
    exact: bool = Field(description="false when counting stopped at its limit or in time")


class Intermediary(ApiModel):
    """An actor on paths between the two ends, ranked by paths, then sources."""

    rank: int = Field(examples=[1])
    entity: EntityOut
    paths: int = Field(description="distinct paths through it", examples=[44])
    sources: int = Field(description="distinct articles supporting those paths", examples=[1])


# ------------------------------------------------------------------------------ neighbours


class NeighbourhoodMeta(ApiModel):
    """What an ego-network answer says besides its nodes and edges."""

    center: EntityOut
    depth: int = Field(examples=[2])
    total: int = Field(description="actors in the ego network (centre excluded)", examples=[14])
    limit: int = Field(examples=[100])
    offset: int = Field(examples=[0])
    next: int | None = Field(description="offset of the next page, or null", examples=[None])
    hubs: list[str] = Field(description="ids of the hubs met and not expanded")


class NeighbourhoodGraph(NeighbourhoodMeta):
    """A page of an ego network: the centre (depth 0) and the page's actors, and the edges
    among them."""

    nodes: list[NeighbourNode]
    edges: list[GraphEdge]


# ---------------------------------------------------------------------------------- links


class LinksMeta(ApiModel):
    """What a links answer says besides its nodes and edges."""

    source: EntityOut
    target: EntityOut
    k: int = Field(description="most hops a path may take", examples=[3])
    inferred: bool = Field(description="whether inferred edges were allowed (inferred=true)")
    truncated: bool = Field(description="the path cap or the time limit stopped the search")
    reason: Literal["path-cap", "timeout"] | None = Field(examples=[None])
    counts: list[PathCountOut] = Field(
        description="actor paths per length, 1..k (exact, or a lower bound when truncated)"
    )
    ranking: Literal["complete", "partial"] = Field(
        description="partial: the intermediaries are ranked over the paths returned only"
    )
    intermediaries: list[Intermediary]
    paths: list[PathOut] = Field(description="actor paths by length, then actors")


class LinksGraph(LinksMeta):
    """Every path of at most ``k`` steps between two actors, as a graph."""

    nodes: list[LinkNode]
    edges: list[GraphEdge]


class PathsMeta(ApiModel):
    """What a shortest-paths answer says besides its nodes and edges."""

    source: EntityOut
    target: EntityOut
    length: int | None = Field(description="hops of the shortest paths; null: none", examples=[2])
    truncated: bool
    reason: Literal["path-cap", "timeout"] | None = Field(examples=[None])
    counts: list[PathCountOut] = Field(description="actor paths per length searched")
    paths: list[PathOut]


class PathsGraph(PathsMeta):
    """All shortest paths (up to the cap) between two actors, as a graph."""

    nodes: list[LinkNode]
    edges: list[GraphEdge]


# ------------------------------------------------------------------------------ cytoscape

M = TypeVar("M", bound=BaseModel)
N = TypeVar("N", bound=GraphNode)


class CytoscapeNode(BaseModel, Generic[N]):
    """A Cytoscape.js node element."""

    data: N


class CytoscapeEdge(ApiModel):
    """A Cytoscape.js edge element."""

    data: GraphEdge


class CytoscapeElements(BaseModel, Generic[N]):
    """Cytoscape.js ``elements`` in the grouped form."""

    nodes: list[CytoscapeNode[N]]
    edges: list[CytoscapeEdge]


class CytoscapeGraph(BaseModel, Generic[M, N]):
    """A Cytoscape.js document: ``cytoscape({elements})``; ``data`` holds the rest of the
    answer (``cy.data()``)."""

    data: M
    elements: CytoscapeElements[N]


class NeighbourhoodCytoscape(CytoscapeGraph[NeighbourhoodMeta, NeighbourNode]):
    """An ego network as a Cytoscape.js document (``format=cytoscape``)."""


class LinksCytoscape(CytoscapeGraph[LinksMeta, LinkNode]):
    """A links answer as a Cytoscape.js document (``format=cytoscape``)."""


class PathsCytoscape(CytoscapeGraph[PathsMeta, LinkNode]):
    """A shortest-paths answer as a Cytoscape.js document (``format=cytoscape``)."""


# -------------------------------------------------------------------------------- brokers


class Broker(ApiModel):
    """An actor and its betweenness centrality."""

    rank: int = Field(examples=[1])
    entity: EntityOut
    score: float = Field(description="normalised betweenness", examples=[0.55025641])


class Brokers(ApiModel):
    """Top brokers (betweenness) of the actor graph or of an ego network."""

    items: list[Broker]
    scope: Literal["graph", "ego"] = Field(examples=["graph"])
    method: Literal["exact", "sampled"] = Field(examples=["exact"])
    pivots: int | None = Field(description="pivots of a sampled computation", examples=[None])
    random_seed: int | None = Field(description="seed of a sampled computation", examples=[None])
    nodes: int = Field(description="actors in the graph scored", examples=[27])
    edges: int = Field(examples=[59])
    computed_on: str = Field(examples=["networkx"])

    @classmethod
    def of(cls, result: BrokersResult) -> Brokers:
        """From a brokers result."""
        return cls(
            items=[
                Broker(rank=rank, entity=EntityOut.of(b.entity), score=b.score)
                for rank, b in enumerate(result.items, start=1)
            ],
            scope=result.scope,
            method=result.method,
            pivots=result.k,
            random_seed=result.seed,
            nodes=result.nodes,
            edges=result.edges,
            computed_on=result.computed_on,
        )
