"""Which part of the graph to export, shared by the CLI and the API, on either backend.

A :class:`Selection` is one of three shapes, each with the step filters of
``graph.queries.filters`` (node types, relation kinds, date window):

* the **whole graph**: every actor passing the type filter and the steps between them;
* the **ego network** of one or more seeds to ``depth`` steps (hubs with more than ``hub_cap``
  steps are kept but not expanded, as in ``/neighbours``), with every step among its nodes;
* the **links between two actors**: the paths of at most ``k`` steps (as ``/links``), their
  actors and their steps only.

Everything is read through a :class:`graph.queries.QueryService`'s primitives, so networkx and
Neo4j give the same subgraph. More than ``max_nodes`` nodes raises
:class:`graph.errors.ResultTooLarge` before any fact is described.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from graph.batching import chunks
from graph.errors import QueryError, ResultTooLarge
from graph.export.model import (
    POINT_RELATIONS,
    Attr,
    Edge,
    Node,
    Spell,
    Subgraph,
    Value,
    spell_of,
)
from graph.queries import QueryService
from graph.queries.filters import StepFilter
from graph.queries.graphwalk import links, neighbourhood
from graph.queries.refs import Refs, short_id
from graph.queries.source import Described, GraphSource
from graph.rules.steps import Step, notation
from ontology.classes import primary_type as entity_primary_type

DEFAULT_MAX_NODES = 50_000
BATCH = 500

NODE_ATTRS = (
    Attr("short_id", "string"),
    Attr("entity_type", "string"),
    Attr("types", "string"),
    Attr("aliases", "string"),
    Attr("iso_code", "string"),
    Attr("wikidata", "string"),
    Attr("organization_kind", "string"),
    Attr("honorific", "string"),
    Attr("sources", "string"),
    Attr("source_count", "integer"),
    Attr("degree", "integer"),
    Attr("depth", "integer"),
    Attr("seed", "boolean"),
    Attr("hub", "boolean"),
    Attr("paths", "integer"),
    Attr("lat", "double"),
    Attr("long", "double"),
)
"""Node attributes (``depth``/``hub`` for ego networks, ``paths`` for links, ``lat``/``long``
the WGS84 position of a node that has one: a place, format 2)."""

EDGE_ATTRS = (
    Attr("relation", "string"),
    Attr("relation_kind", "string"),
    Attr("fact", "string"),
    Attr("start_date", "string"),
    Attr("end_date", "string"),
    Attr("symmetric", "boolean"),
    Attr("sources", "string"),
    Attr("source_count", "integer"),
    Attr("quotes", "string"),
    Attr("claimants", "string"),
    Attr("evidence_count", "integer"),
    Attr("inferred", "boolean"),
    Attr("rule", "string"),
)
"""Edge attributes: the step's relation, fact, dates as stated and its provenance."""

Progress = Callable[[str, int, int | None], None]
"""``progress(stage, done, total)``; total None when unknown."""


@dataclass(frozen=True)
class Selection:
    """What to export (see the module docstring); ids are IRIs or short forms."""

    seeds: tuple[str, ...] = ()
    depth: int = 1
    link: tuple[str, str] | None = None
    k: int = 3
    types: tuple[str, ...] | None = None
    relations: tuple[str, ...] | None = None
    since: str | None = None
    until: str | None = None
    inferred: bool = False
    max_nodes: int = DEFAULT_MAX_NODES
    hub_cap: int | None = None
    max_paths: int | None = None

    @property
    def mode(self) -> str:
        """``graph``, ``ego`` or ``links``."""
        if self.link is not None:
            return "links"
        return "ego" if self.seeds else "graph"

    def step_filter(self) -> StepFilter:
        """The checked step filter (QueryError for an unknown type, relation or bad date)."""
        try:
            return StepFilter.of(self.relations, self.types, self.since, self.until, self.inferred)
        except ValueError as error:
            raise QueryError(str(error)) from error

    def describe(self) -> str:
        """One line saying what was selected (the export's description)."""
        parts = {
            "graph": "whole graph",
            "ego": f"ego network of {', '.join(self.seeds)} to depth {self.depth}",
            "links": f"links between {' and '.join(self.link or ())} in at most {self.k} hops",
        }
        words = [parts[self.mode]]
        if self.types:
            words.append(f"types {', '.join(self.types)}")
        if self.relations:
            words.append(f"relations {', '.join(self.relations)}")
        if self.since or self.until:
            words.append(f"dates {self.since or '…'} to {self.until or '…'}")
        if self.inferred:
            words.append("inferred links included")
        return "; ".join(words)


def _check(value: int, low: int, high: int, name: str) -> int:
    if not low <= value <= high:
        raise QueryError(f"{name} must be between {low} and {high}, not {value}")
    return value


def _too_many(count: int, cap: int) -> ResultTooLarge:
    return ResultTooLarge(
        f"the selection has {count} nodes, more than the cap of {cap}; narrow it with a node "
        "type or relation filter, a date window, a smaller depth or fewer seeds (or raise the "
        "node cap)",
        limit=cap,
    )


def _steps_among(
    source: GraphSource, nodes: Sequence[str], flt: StepFilter, exempt: frozenset[str]
) -> dict[str, Step]:
    """Steps passing ``flt`` whose two ends are both in ``nodes``, by uri."""
    keep = set(nodes)
    found: dict[str, Step] = {}
    for batch in chunks(sorted(keep), BATCH):
        for steps in source.incident(batch, flt, exempt).values():
            for step in steps:
                if step.source in keep and step.target in keep:
                    found[step.uri] = step
    return found


@dataclass
class _Picked:
    """Nodes and steps chosen, with per-node extras (depth, seed, hub, paths)."""

    nodes: list[str]
    steps: dict[str, Step]
    extras: dict[str, dict[str, Value]]
    meta: dict[str, str]


class SubgraphSelector:
    """Selects subgraphs through a query service (see the module docstring)."""

    def __init__(self, queries: QueryService) -> None:
        """Read through ``queries.source`` within ``queries.limits``."""
        self.queries = queries

    def select(self, selection: Selection, progress: Progress | None = None) -> Subgraph:
        """The :class:`Subgraph` of ``selection``; QueryError, NotFound or ResultTooLarge."""
        report = progress or (lambda _stage, _done, _total: None)
        _check(selection.max_nodes, 1, 10**7, "max_nodes")
        flt = selection.step_filter()
        refs = Refs(self.queries.source)
        if selection.mode == "links":
            picked = self._links(selection, flt, refs)
        elif selection.mode == "ego":
            picked = self._ego(selection, flt, refs)
        else:
            picked = self._graph(selection, flt, report)
        if len(picked.nodes) > selection.max_nodes:
            raise _too_many(len(picked.nodes), selection.max_nodes)
        nodes = self._nodes(picked, refs, report)
        edges = [edge_of(picked.steps[k]) for k in sorted(picked.steps)]
        meta = {"selection": selection.mode, **picked.meta}
        return Subgraph(nodes, edges, NODE_ATTRS, EDGE_ATTRS, selection.describe(), meta)

    # ------------------------------------------------------------------ shapes

    def _graph(self, selection: Selection, flt: StepFilter, report: Progress) -> _Picked:
        source = self.queries.source
        actors = sorted(e.uri for e in source.entities() if e.is_actor and flt.node_ok(e.types))
        if len(actors) > selection.max_nodes:
            raise _too_many(len(actors), selection.max_nodes)
        steps: dict[str, Step] = {}
        keep = set(actors)
        done = 0
        for batch in chunks(actors, BATCH):
            for found in source.incident(batch, flt, frozenset()).values():
                for step in found:
                    if step.source in keep and step.target in keep:
                        steps[step.uri] = step
            done += len(batch)
            report("selecting", done, len(actors))
        return _Picked(actors, steps, {}, {})

    def _ego(self, selection: Selection, flt: StepFilter, refs: Refs) -> _Picked:
        limits = self.queries.limits
        _check(selection.depth, 1, limits.max_depth, "depth")
        hub_cap = _check(selection.hub_cap or limits.hub_cap, 1, 10**9, "hub_cap")
        seeds = sorted({refs.resolve(s, actor=True) for s in selection.seeds})
        extras: dict[str, dict[str, Value]] = {s: {"depth": 0, "seed": True} for s in seeds}
        hubs: set[str] = set()
        for seed in seeds:
            cap = selection.max_nodes + 1
            ego = neighbourhood(
                self.queries.source, refs, seed, selection.depth, flt, hub_cap, cap, 0
            )
            if ego.total + 1 > selection.max_nodes:
                raise _too_many(ego.total + 1, selection.max_nodes)
            hubs.update(ego.hubs)
            for n in ego.nodes:
                extra = extras.setdefault(n.entity.uri, {})
                depth = extra.get("depth")
                extra["depth"] = n.depth if not isinstance(depth, int) else min(depth, n.depth)
        for uri, extra in extras.items():
            extra.setdefault("seed", False)
            extra["hub"] = uri in hubs
        nodes = sorted(extras)
        if len(nodes) > selection.max_nodes:
            raise _too_many(len(nodes), selection.max_nodes)
        steps = _steps_among(self.queries.source, nodes, flt, frozenset(seeds))
        return _Picked(nodes, steps, extras, {"hub_cap": str(hub_cap)})

    def _links(self, selection: Selection, flt: StepFilter, refs: Refs) -> _Picked:
        limits = self.queries.limits
        assert selection.link is not None
        hops = _check(selection.k, 1, limits.max_hops, "k")
        cap = _check(selection.max_paths or limits.max_paths, 1, limits.max_paths, "max_paths")
        a, b = (refs.resolve(x, actor=True) for x in selection.link)
        result = links(self.queries.source, refs, a, b, hops, flt, cap, limits.timeout)
        steps = {s.uri: s for p in result.paths for s in p.steps}
        nodes = sorted({a, b} | {n for p in result.paths for n in p.nodes})
        extras: dict[str, dict[str, Value]] = {n: {"seed": n in (a, b)} for n in nodes}
        for item in result.intermediaries:
            extras[item.entity.uri]["paths"] = item.paths
        meta = {"paths": str(len(result.paths))}
        meta["path_counts"] = " ".join(
            f"{c.length}:{c.paths}{'' if c.exact else '+'}" for c in result.counts
        )
        if result.truncated:
            meta["truncated"] = result.reason or "true"
        return _Picked(nodes, steps, extras, meta)

    # ------------------------------------------------------------------ nodes

    def _nodes(self, picked: _Picked, refs: Refs, report: Progress) -> list[Node]:
        """Nodes with their entity data, projected properties and extras."""
        refs.load(picked.nodes)
        degree: dict[str, int] = {}
        for step in picked.steps.values():
            degree[step.source] = degree.get(step.source, 0) + 1
            degree[step.target] = degree.get(step.target, 0) + 1
        nodes = []
        done = 0
        for batch in chunks(picked.nodes, BATCH):
            described = self.queries.source.describe(list(batch))
            for uri in batch:
                extra = dict(picked.extras.get(uri, {}))
                extra["degree"] = degree.get(uri, 0)
                nodes.append(node_of(uri, refs, described.get(uri), extra))
            done += len(batch)
            report("describing", done, len(picked.nodes))
        return nodes


def primary_type(types: Iterable[str]) -> str:
    """The most specific entity type (``Official`` over ``Person``), else ``Entity``."""
    return entity_primary_type(types) or "Entity"


def _degrees(fact: Described | None, key: str) -> float | None:
    """A coordinate of a node (``geo:lat``/``geo:long`` projected as ``lat``/``long``)."""
    text = fact.text(key) if fact else None
    return None if text is None else float(text)


def node_of(uri: str, refs: Refs, fact: Described | None, extra: dict[str, Value]) -> Node:
    """The export node of an entity."""
    info = refs.info(uri)
    types = info.types if info else ()
    sources = fact.texts("sources") if fact else ()
    kind = fact.one("ORGANIZATION_KIND") if fact else None
    attributes: dict[str, Value] = {
        "short_id": short_id(uri),
        "entity_type": primary_type(types),
        "types": tuple(types),
        "aliases": info.aliases if info else (),
        "iso_code": fact.text("isoCode") if fact else None,
        "wikidata": fact.text("wikidata") if fact else None,
        "organization_kind": notation(kind),
        "honorific": fact.text("honorific") if fact else None,
        "sources": sources,
        "source_count": len(sources),
        "lat": _degrees(fact, "lat"),
        "long": _degrees(fact, "long"),
        **extra,
    }
    label = (info.name if info else None) or short_id(uri)
    return Node(uri, label, primary_type(types), attributes)


def edge_label(step: Step) -> str:
    """``agreement (mou)``, ``influence (arms-supply)``, ``ruled``, ``role:mediator``,
    ``part-of``…"""
    if step.relation.startswith("relation:"):
        return step.relation.removeprefix("relation:")
    if step.relation.startswith("role:"):
        return step.relation  # role:mediator (its kind is the role again)
    return f"{step.relation} ({step.kind})" if step.kind else step.relation


def edge_of(step: Step) -> Edge:
    """The export edge of a step (spell from its dates, provenance as strings)."""
    spell = spell_of(step.start, step.end, point=step.relation in POINT_RELATIONS)
    quotes = tuple(dict.fromkeys(e.quote for e in step.evidence))
    claimants = tuple(dict.fromkeys(e.claimant for e in step.evidence if e.claimant))
    symmetric = not step.directed
    attributes: dict[str, Value] = {
        "relation": step.relation,
        "relation_kind": step.kind,
        "fact": step.via,
        "start_date": step.start,
        "end_date": step.end,
        "symmetric": symmetric,
        "sources": step.sources,
        "source_count": len(step.sources),
        "quotes": quotes,
        "claimants": claimants,
        "evidence_count": len(step.evidence),
        "inferred": step.inferred,
        "rule": step.rule,
    }
    spells: tuple[Spell, ...] = (spell,) if spell else ()
    return Edge(
        step.uri,
        step.source,
        step.target,
        step.relation,
        edge_label(step),
        not symmetric,
        attributes,
        spells,
    )
