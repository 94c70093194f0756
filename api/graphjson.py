"""Graph-shaped results of the query services in the neutral ``{nodes, edges}`` form, and the
Cytoscape.js form of any of them (the models are in ``api.schemas.graph``).

Rules: node ids are short entity ids; edge ids are step ids (``link/<hash>``), each edge once
(paths share steps: a path lists edge ids, hop by hop: a hop is every fact joining two
consecutive actors); every edge's endpoints are among the nodes. Inferred edges (only with
``inferred=true``) say ``inferred: true`` and their ``rule``.
Agreements, commitments and events are undirected (their endpoints are ordered by IRI).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from api.schemas.common import EntityOut, EvidenceOut, next_offset, primary_type
from api.schemas.graph import (
    GraphEdge,
    GraphNode,
    Intermediary,
    LinkNode,
    LinksCytoscape,
    LinksGraph,
    LinksMeta,
    NeighbourhoodCytoscape,
    NeighbourhoodGraph,
    NeighbourhoodMeta,
    NeighbourNode,
    PathCountOut,
    PathOut,
    PathsCytoscape,
    PathsGraph,
    PathsMeta,
)
from graph.queries.model import (
    EntityRef,
    LinkPath,
    LinksResult,
    Neighbour,
    Neighbourhood,
    PathCount,
    PathsResult,
)
from graph.queries.refs import short_id
from graph.rules.steps import Step

__all__ = [
    "edge_of",
    "edges_of",
    "links_graph",
    "neighbourhood_graph",
    "node_fields",
    "paths_graph",
    "to_cytoscape",
]

Role = Literal["source", "target", "intermediary"]
GraphAnswer = NeighbourhoodGraph | LinksGraph | PathsGraph
CytoscapeAnswer = NeighbourhoodCytoscape | LinksCytoscape | PathsCytoscape


def node_fields(ref: EntityRef) -> dict[str, Any]:
    """The fields every node has, from an entity reference."""
    types = list(ref.types)
    return {
        "id": ref.id,
        "uri": ref.uri,
        "label": ref.name or ref.id,
        "type": primary_type(types),
        "types": types,
    }


def _edge_label(relation: str, kind: str | None) -> str:
    """``influence: arms-supply``; the relation alone when the kind adds nothing."""
    if not kind or relation.endswith(kind):
        return relation
    return f"{relation}: {kind}"


def edge_of(step: Step) -> GraphEdge:
    """The edge of one step, with its evidence (built unvalidated: the fields come typed from
    the step, and a links answer has thousands of them)."""
    return GraphEdge.model_construct(
        id=short_id(step.uri),
        source=short_id(step.source),
        target=short_id(step.target),
        relation=step.relation,
        kind=step.kind,
        label=_edge_label(step.relation, step.kind),
        directed=step.directed,
        via=short_id(step.via) if step.via else None,
        start=step.start,
        end=step.end,
        sources=list(step.sources),
        evidence=[
            EvidenceOut.model_construct(article=e.article, quote=e.quote, claimant=e.claimant)
            for e in step.evidence
        ],
        inferred=step.inferred,
        rule=step.rule,
    )


def edges_of(steps: Iterable[Step]) -> list[GraphEdge]:
    """One edge per distinct step, sorted by id."""
    unique = {step.uri: step for step in steps}
    return [edge_of(unique[uri]) for uri in sorted(unique)]


def path_of(path: LinkPath) -> PathOut:
    """A path as node ids and edge ids per hop (unvalidated, like the edges)."""
    return PathOut.model_construct(
        length=path.length,
        nodes=[short_id(n) for n in path.nodes],
        hops=[[short_id(s.uri) for s in hop] for hop in path.hops],
        edges=[short_id(s.uri) for s in path.steps],
        inferred=path.inferred,
    )


def counts_of(counts: Iterable[PathCount]) -> list[PathCountOut]:
    """Paths per length."""
    return [PathCountOut(length=c.length, paths=c.paths, exact=c.exact) for c in counts]


# ------------------------------------------------------------------------------ neighbours


def _neighbour_node(item: Neighbour) -> NeighbourNode:
    """A node of an ego network (unvalidated, like the edges: a page has up to 1,000)."""
    return NeighbourNode.model_construct(
        **node_fields(item.entity),
        depth=item.depth,
        degree=item.degree,
        expanded=item.expanded,
        hub=item.hub,
    )


def neighbourhood_graph(result: Neighbourhood) -> NeighbourhoodGraph:
    """A page of an ego network: the centre (depth 0, degree null) first, then the page."""
    centre = NeighbourNode(
        **node_fields(result.center), depth=0, degree=None, expanded=True, hub=False
    )
    return NeighbourhoodGraph(
        center=EntityOut.of(result.center),
        depth=result.depth,
        total=result.total,
        limit=result.limit,
        offset=result.offset,
        next=next_offset(result.offset, result.limit, result.total),
        hubs=[short_id(h) for h in result.hubs],
        nodes=[centre, *(_neighbour_node(n) for n in result.nodes)],
        edges=edges_of(result.steps),
    )


# ---------------------------------------------------------------------------------- links


def _link_nodes(entities: Iterable[EntityRef], source: str, target: str) -> list[LinkNode]:
    """The nodes of a links or paths answer, with their role."""
    nodes = []
    for ref in entities:
        role: Role = (
            "source" if ref.uri == source else "target" if ref.uri == target else "intermediary"
        )
        nodes.append(LinkNode.model_construct(**node_fields(ref), role=role))
    return nodes


def _path_steps(paths: Iterable[LinkPath]) -> list[Step]:
    """Every step of some paths (repeats included; ``edges_of`` keeps each once)."""
    return [step for path in paths for step in path.steps]


def links_graph(result: LinksResult) -> LinksGraph:
    """Paths between two actors, their ranked intermediaries, and the graph they form."""
    return LinksGraph(
        source=EntityOut.of(result.source),
        target=EntityOut.of(result.target),
        k=result.max_hops,
        inferred=result.inferred,
        truncated=result.truncated,
        reason=result.reason,
        counts=counts_of(result.counts),
        ranking="complete" if result.ranking_complete else "partial",
        intermediaries=[
            Intermediary(rank=rank, entity=EntityOut.of(i.entity), paths=i.paths, sources=i.sources)
            for rank, i in enumerate(result.intermediaries, start=1)
        ],
        paths=[path_of(p) for p in result.paths],
        nodes=_link_nodes(result.entities, result.source.uri, result.target.uri),
        edges=edges_of(_path_steps(result.paths)),
    )


def paths_graph(result: PathsResult) -> PathsGraph:
    """All shortest paths between two actors and the graph they form."""
    return PathsGraph(
        source=EntityOut.of(result.source),
        target=EntityOut.of(result.target),
        length=result.length,
        truncated=result.truncated,
        reason=result.reason,
        counts=counts_of(result.counts),
        paths=[path_of(p) for p in result.paths],
        nodes=_link_nodes(result.entities, result.source.uri, result.target.uri),
        edges=edges_of(_path_steps(result.paths)),
    )


# ------------------------------------------------------------------------------ cytoscape

_META: dict[type[GraphAnswer], tuple[type[Any], type[CytoscapeAnswer]]] = {
    NeighbourhoodGraph: (NeighbourhoodMeta, NeighbourhoodCytoscape),
    LinksGraph: (LinksMeta, LinksCytoscape),
    PathsGraph: (PathsMeta, PathsCytoscape),
}


def to_cytoscape(answer: GraphAnswer) -> CytoscapeAnswer:
    """The Cytoscape.js form of a graph answer: nodes and edges as element ``data``, the rest
    of the answer as the graph's ``data``."""
    meta_type, document_type = _META[type(answer)]
    meta = meta_type(**{name: getattr(answer, name) for name in meta_type.model_fields})
    nodes: list[GraphNode] = list(answer.nodes)
    elements = {
        "nodes": [{"data": n} for n in nodes],
        "edges": [{"data": e} for e in answer.edges],
    }
    return document_type(data=meta, elements=elements)
