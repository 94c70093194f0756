"""What identity resolution costs a load (issue 10: no more than 10 % of load throughput).

Times, on the embedded store, the path ``diplograph load`` runs with its defaults (parse and
check every fact sheet, resolve identity over the stored articles and the new ones, write),
against a baseline measured in the same run: the same parsed articles written as they are, without
identity resolution (what loads did before issue 10). Three cases, each on a fresh store:

* ``bulk``: every article in one batch (``diplograph load corpus/``);
* ``incremental``: the last ``--tail`` articles into a store holding the rest, in a fresh process
  (the read of the stored articles' identifying statements and the clustering of all of them
  are part of it: the CLI) and in the process that loaded the rest in two writes (from its
  second write on, a process keeps the clusters and re-clusters only what a write reaches: the
  API);
* ``one``: one article posted to a store holding the rest, in a process that loaded them (the
  API: the identifying statements are kept between writes) and in a fresh process (the CLI).

Parsing is timed once and shown apart (both paths share it)::

    python bench/generate.py --articles 1000 --out bench/out/corpus-1000 --seed 1
    python bench/identity_bench.py bench/out/corpus-1000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api import resolution  # noqa: E402
from api.ingest import entity_index  # noqa: E402
from api.resolution import plan_identity, remember  # noqa: E402
from graph.rdf.store import OxigraphStore  # noqa: E402
from graph.writer import GraphStore  # noqa: E402
from loaders.article import ArticleGraph  # noqa: E402
from loaders.batch import expand_paths, load_paths  # noqa: E402
from loaders.identity import NoJudgements  # noqa: E402


def _parse(files: list[Path], store: GraphStore) -> list[ArticleGraph]:
    return load_paths(files, entity_index(store)).articles


def _baseline(store: GraphStore, articles: list[ArticleGraph]) -> float:
    started = time.perf_counter()
    store.load_graphs({str(a.iri): a.graph for a in articles})
    return time.perf_counter() - started


def _resolved(store: GraphStore, articles: list[ArticleGraph]) -> tuple[float, float]:
    """(seconds resolving identity, seconds in all) for one load as ``api.ingest`` makes it."""
    started = time.perf_counter()
    with store.exclusive():
        plan = plan_identity(store, {str(a.iri): a.graph for a in articles}, NoJudgements())
        resolved = time.perf_counter() - started
        store.replace_articles(plan.graphs)
        remember(store, plan)
    return resolved, time.perf_counter() - started


def _fresh() -> GraphStore:
    return GraphStore(OxigraphStore())


def main() -> int:
    """Run the three cases; print seconds and ratios to the baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="a directory of fact sheets")
    parser.add_argument("--tail", type=int, default=0, help="articles of the incremental case")
    args = parser.parse_args()
    files = expand_paths([args.corpus])
    tail = args.tail or max(1, len(files) // 10)
    started = time.perf_counter()
    articles = _parse(files, _fresh())
    parse = time.perf_counter() - started
    triples = sum(len(a) for a in articles)
    print(f"{len(articles):,} articles, {triples:,} triples; parse and check {parse:.1f} s")

    base = _baseline(_fresh(), articles)
    resolve, total = _resolved(_fresh(), articles)
    print(
        f"bulk: write without identity {base:.2f} s; with identity {total:.2f} s "
        f"(resolution {resolve:.2f} s); end to end {(parse + total) / (parse + base):.2f}x "
        f"the baseline ({triples / (parse + base):,.0f} → {triples / (parse + total):,.0f} "
        "triples/s)"
    )

    head, rest = articles[:-tail], articles[-tail:]
    rest_triples = sum(len(a) for a in rest)
    store = _fresh()
    store.load_graphs({str(a.iri): a.graph for a in head})
    base = _baseline(store, rest)
    share = parse * rest_triples / max(triples, 1)  # the tail's part of the parse
    warm_store = _fresh()
    _resolved(warm_store, head[:-1])
    _resolved(warm_store, head[-1:])  # a process that wrote before keeps the clusters
    resolve, total = _resolved(warm_store, rest)
    print(
        f"incremental ({tail} into {len(head):,}), process keeping the clusters: write without "
        f"identity {base:.2f} s; with identity {total:.2f} s (resolution {resolve:.2f} s); with "
        f"their parse {(share + total) / (share + base):.2f}x the baseline"
    )
    store = _fresh()
    _resolved(store, head)
    resolution._KNOWN.clear()  # a new process: the stored statements are read again
    resolve, total = _resolved(store, rest)
    print(
        f"incremental ({tail} into {len(head):,}), fresh process: with identity {total:.2f} s "
        f"(resolution {resolve:.2f} s); with their parse "
        f"{(share + total) / (share + base):.2f}x the baseline"
    )

    one = rest[:1]
    _resolved(store, one)  # this process has written before: it keeps the clusters (the API)
    warm, warm_total = _resolved(store, one)
    resolution._KNOWN.clear()
    cold, cold_total = _resolved(store, one)
    print(
        f"one article into {len(articles):,}: resolution {warm * 1000:.0f} ms in a process that "
        f"keeps the clusters (write {warm_total * 1000:.0f} ms in all), "
        f"{cold * 1000:.0f} ms in a fresh one ({cold_total * 1000:.0f} ms)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
