"""Export benchmark: a synthetic 100,000-node / 300,000-edge subgraph to GEXF, GraphML and Gephi
CSV with diplograph's streaming writers, against networkx's ``write_gexf``/``write_graphml`` of
the same graph, in the same run. Not a test: run it by hand.

    python bench/export_bench.py                 # full size (a few minutes)
    python bench/export_bench.py --nodes 10000 --edges 30000

Each case runs in fresh subprocesses (the input is built there first, outside the
measurement): ``--repeat`` timed runs, the fastest counting as ``timeit`` does (the machine
is shared), reporting wall time, CPU time (``time.process_time``, less sensitive to other
load) and the growth of the peak resident size while writing (Linux ``VmHWM``, reset first;
it sees C allocations such as lxml's, which tracemalloc does not); then one run under
``tracemalloc`` for the peak Python memory the writing allocates.
Targets: GEXF at least 5x faster than networkx's
``write_gexf`` with at most half its peak memory, and under 3 s.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graph.export.model import Edge, Node, Subgraph, spell_of  # noqa: E402
from graph.export.select import EDGE_ATTRS, NODE_ATTRS  # noqa: E402

CASES = ("diplograph-gexf", "networkx-gexf", "diplograph-graphml", "networkx-graphml",
         "diplograph-csv")  # fmt: skip
ID = "https://w3id.org/diplograph/id/"
TYPES = ("Country", "Organization", "Person", "Official")
RELATIONS = ("agreement", "influence", "tenure", "event", "relation:ruled", "part-of")
QUOTES = (
    "The commander of U.S. Africa Command, Marine Corps Gen. Michael Langley, signed the new MOU",
    "“This is a first-of-its-kind agreement between the U.S. & Algeria,” an official said",
    "Algeria is concerned about the Wagner Group’s destabilizing presence in Mali.",
)


def synthetic(nodes: int, edges: int, seed: int = 7) -> Subgraph:
    """A reproducible subgraph shaped like real exports (attributes, provenance, spells)."""
    rng = random.Random(seed)
    node_list = []
    for i in range(nodes):
        kind = TYPES[i % len(TYPES)]
        node_list.append(
            Node(
                f"{ID}{kind.lower()}/n{i}",
                f"Actor {i} “{kind}”",
                kind,
                {
                    "short_id": f"{kind.lower()}/n{i}",
                    "entity_type": kind,
                    "types": (kind,),
                    "aliases": (f"A{i}", f"Alias & {i}"),
                    "iso_code": f"X{i % 1000:03d}" if kind == "Country" else None,
                    "sources": (f"{ID}article/a{i % 500}",),
                    "source_count": 1,
                    "degree": rng.randint(1, 40),
                    "depth": rng.randint(0, 3),
                    "seed": i == 0,
                    "hub": False,
                },
            )
        )
    edge_list = []
    for j in range(edges):
        a, b = rng.randrange(nodes), rng.randrange(nodes)
        relation = RELATIONS[j % len(RELATIONS)]
        year = 1960 + rng.randrange(66)
        start = f"{year}-{rng.randint(1, 12):02d}" if j % 2 else None
        end = str(year + 3) if j % 5 == 0 else None
        spell = spell_of(start, end, point=relation == "event")
        sources = tuple(f"{ID}article/a{(j + k) % 500}" for k in range(1 + j % 3))
        quotes = tuple(QUOTES[(j + k) % 3] for k in range(1 + j % 2))
        edge_list.append(
            Edge(
                f"{ID}link/{j:032x}",
                node_list[a].id,
                node_list[b].id,
                relation,
                f"{relation} (kind)",
                relation not in ("agreement", "event"),
                {
                    "relation": relation,
                    "relation_kind": "mou" if relation == "agreement" else None,
                    "fact": f"{ID}fact/{j // 3}",
                    "start_date": start,
                    "end_date": end,
                    "symmetric": relation in ("agreement", "event"),
                    "sources": sources,
                    "source_count": len(sources),
                    "quotes": quotes,
                    "claimants": ("a U.S. defense official",),
                    "evidence_count": len(quotes),
                },
                (spell,) if spell else (),
            )
        )
    return Subgraph(node_list, edge_list, NODE_ATTRS, EDGE_ATTRS, "synthetic benchmark")


def to_networkx(sub: Subgraph) -> Any:
    """The same graph as a networkx MultiDiGraph (lists joined, None dropped: networkx's
    writers crash on both), spells as networkx's ``spells`` lists."""
    import networkx as nx

    def clean(values: Any) -> dict[str, Any]:
        return {
            k: " | ".join(v) if isinstance(v, tuple) else v
            for k, v in values.items()
            if v is not None
        }

    g = nx.MultiDiGraph()
    for n in sub.nodes:
        g.add_node(n.id, label=n.label, **clean(n.attributes))
    for e in sub.edges:
        data = clean(e.attributes)
        if e.spells:
            data["spells"] = [(s.start, s.end) for s in e.spells]
        g.add_edge(e.source, e.target, key=e.id, label=e.label, weight=e.weight, **data)
    return g


def _spells_for_graphml(g: Any) -> None:
    """networkx's GraphML writer cannot write lists: drop the spells."""
    for _, _, data in g.edges(data=True):
        data.pop("spells", None)


def write_case(case: str, sub: Subgraph, g: Any, path: Path) -> None:
    """Write ``path`` for one case."""
    if case.startswith("networkx"):
        import networkx as nx

        if case == "networkx-gexf":
            nx.write_gexf(g, path, version="1.2draft")
        else:
            nx.write_graphml(g, path)
        return
    from graph.export import gephi_csv, gexf, graphml

    if case == "diplograph-csv":
        with path.open("wb") as out:
            for chunk in gephi_csv.write_gephi_csv(sub):
                out.write(chunk)
        return
    writer = gexf.write_gexf if case == "diplograph-gexf" else graphml.write_graphml
    with path.open("w", encoding="utf-8") as text_out:
        for text in writer(sub):
            text_out.write(text)


def run_one(case: str, nodes: int, edges: int, memory: bool) -> dict[str, float]:
    """Build the input, then time (or trace) the writing of one case."""
    sub = synthetic(nodes, edges)
    g = to_networkx(sub) if case.startswith("networkx") else None
    if case == "networkx-graphml":
        _spells_for_graphml(g)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"out.{case}"
        if memory:
            tracemalloc.start()
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
            write_case(case, sub, g, path)
            peak = tracemalloc.get_traced_memory()[1] - base
            tracemalloc.stop()
            return {"peak_mb": peak / 1e6, "size_mb": path.stat().st_size / 1e6}
        rss_before = _status("VmRSS")
        _reset_peak_rss()
        started, cpu = time.perf_counter(), time.process_time()
        write_case(case, sub, g, path)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        rss_peak = max(0.0, _status("VmHWM") - rss_before)
        size = path.stat().st_size / 1e6
        return {"seconds": seconds, "cpu": cpu, "rss_mb": rss_peak, "size_mb": size}


def _status(field: str) -> float:
    """A memory figure of this process from /proc/self/status, in MB (0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1e3
    except OSError:
        pass
    return 0.0


def _reset_peak_rss() -> None:
    """Reset the peak resident size (Linux: writing 5 to clear_refs resets VmHWM)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _subprocess(case: str, nodes: int, edges: int, memory: bool) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", case, "--nodes", str(nodes),
               "--edges", str(edges)] + (["--memory"] if memory else [])  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=300_000)
    parser.add_argument("--cases", nargs="*", default=list(CASES), choices=CASES)
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs per case; the fastest counts (default 3)"
    )
    parser.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    parser.add_argument("--memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child, args.nodes, args.edges, args.memory)))
        return 0
    print(f"export benchmark: {args.nodes:,} nodes, {args.edges:,} edges", flush=True)
    rows: dict[str, dict[str, float]] = {}
    for case in args.cases:
        runs = [_subprocess(case, args.nodes, args.edges, memory=False) for _ in range(args.repeat)]
        timing = min(runs, key=lambda r: r["seconds"])
        timing["cpu"] = min(r["cpu"] for r in runs)
        timing["rss_mb"] = max(r["rss_mb"] for r in runs)
        memory = _subprocess(case, args.nodes, args.edges, memory=True)
        rows[case] = {**timing, **memory}
        print(
            f"  {case}: {timing['seconds']:.2f} s ({timing['cpu']:.2f} s CPU), "
            f"{memory['peak_mb']:.1f} MB traced peak, "
            f"{timing['rss_mb']:.1f} MB RSS peak",
            flush=True,
        )
    print()
    print(
        "| case | write time (s) | CPU time (s) | peak traced memory (MB) | peak RSS growth (MB) "
        "| file (MB) | vs networkx |"
    )
    print("|---|---:|---:|---:|---:|---:|---|")
    for case, row in rows.items():
        versus = ""
        fmt = case.split("-")[1]
        reference = rows.get(f"networkx-{fmt}")
        if case.startswith("diplograph") and reference:
            versus = (
                f"{reference['seconds'] / row['seconds']:.1f}x faster "
                f"({reference['cpu'] / row['cpu']:.1f}x CPU); memory "
                f"{row['peak_mb'] / reference['peak_mb']:.2f}x (traced), "
                f"{row['rss_mb'] / max(reference['rss_mb'], 0.1):.2f}x (RSS)"
            )
        print(
            f"| {case} | {row['seconds']:.2f} | {row['cpu']:.2f} | {row['peak_mb']:.1f} "
            f"| {row['rss_mb']:.1f} "
            f"| {row['size_mb']:.1f} | {versus} |"
        )
    ours, theirs = rows.get("diplograph-gexf"), rows.get("networkx-gexf")
    if ours and theirs:
        ok = (
            theirs["seconds"] / ours["seconds"] >= 5
            and ours["peak_mb"] <= theirs["peak_mb"] / 2
            and ours["rss_mb"] <= theirs["rss_mb"] / 2
            and ours["seconds"] < 3
        )
        print(f"\nGEXF targets (>=5x faster, <=1/2 memory, <3 s): {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
