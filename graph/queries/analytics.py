"""Brokers (betweenness centrality) and statistics.

Betweenness is always computed by networkx: on the Neo4j backend the (sub)graph's ``LINK`` edges
are pulled into networkx (the Graph Data Science plugin is not installed). Parallel steps
between two actors collapse into one edge (betweenness counts shortest paths between actors,
not facts), and the graph holds the actors that have at least one (filtered) step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import networkx as nx

from graph.queries.model import Broker, BrokersResult, Statistics
from graph.queries.refs import Refs
from graph.rules.steps import PREFIXED_RELATIONS, RELATIONS

EXACT_MAX_NODES = 2000
"""Exact betweenness up to this many nodes (or on an ego network); sampled beyond."""
SAMPLE_K = 500
SEED = 42
STAT_LABELS = (
    "Agreement", "Article", "Commitment", "Country", "Event", "Influence", "Official",
    "Organization", "Person", "Place", "Post", "Region", "Signature", "Tenure", "Reaction",
    "CollectiveActor",
)  # fmt: skip


def actor_graph(edges: Iterable[tuple[str, str]], keep: set[str] | None = None) -> nx.Graph:
    """A simple undirected graph of the edges (restricted to ``keep``), built in sorted order."""
    pairs = sorted({(min(a, b), max(a, b)) for a, b in edges if a != b})
    if keep is not None:
        pairs = [(a, b) for a, b in pairs if a in keep and b in keep]
    graph = nx.Graph()
    graph.add_nodes_from(sorted({n for pair in pairs for n in pair}))
    graph.add_edges_from(pairs)
    return graph


def brokers(
    refs: Refs,
    graph: nx.Graph,
    scope: str,
    limit: int,
    exact_max_nodes: int = EXACT_MAX_NODES,
    sample_k: int = SAMPLE_K,
) -> BrokersResult:
    """The top ``limit`` actors by betweenness (exact on small graphs and ego networks)."""
    nodes = graph.number_of_nodes()
    exact = scope == "ego" or nodes <= exact_max_nodes
    k = None if exact else min(sample_k, nodes)
    seed = None if exact else SEED
    scores = nx.betweenness_centrality(graph, k=k, normalized=True, seed=seed)
    ranked = sorted(
        ((round(float(v), 9), n) for n, v in scores.items()), key=lambda p: (-p[0], p[1])
    )
    top = ranked[:limit]
    refs.load(n for _, n in top)
    items = tuple(Broker(refs.ref(n), score) for score, n in top)
    method = "exact" if exact else "sampled"
    return BrokersResult(items, method, k, seed, scope, nodes, graph.number_of_edges(), "networkx")


def statistics(
    label_counts: Callable[[list[str]], dict[str, int]],
    relation_counts: dict[str, int],
    last_loaded: str | None,
) -> Statistics:
    """Counts by type and by relation, number of articles, last load time."""
    counts = label_counts(list(STAT_LABELS))
    by_type = tuple((label, counts.get(label, 0)) for label in STAT_LABELS if label != "Article")
    known = [r for r in RELATIONS if r not in PREFIXED_RELATIONS]
    relations = {r: relation_counts.get(r, 0) for r in known}
    relations.update(
        {r: n for r, n in relation_counts.items() if r.partition(":")[0] in PREFIXED_RELATIONS}
    )
    return Statistics(
        by_type=by_type,
        by_relation=tuple(sorted(relations.items())),
        articles=counts.get("Article", 0),
        steps=sum(relation_counts.values()),
        last_loaded=last_loaded,
    )
