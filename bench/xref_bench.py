"""How long ``diplograph xref`` takes over a large store (issue 10: under 30 s at 10,000 articles).

Opens ``--data-dir`` (an Oxigraph data dir; RDF store only, Neo4j is not used), loads
``--corpus`` into it first when the store is empty, then times what ``xref`` does: reading the
identity records from the store (names and aliases by article, states, tenures, agreements) and
finding the candidates. Repeats ``--runs`` times and prints the best and the median::

    python bench/generate.py --articles 10000 --out bench/out/corpus-10000 --seed 1
    python bench/xref_bench.py --data-dir /tmp/xref-bench --corpus bench/out/corpus-10000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.identity_records import identity_records  # noqa: E402
from api.ingest import ingest_paths  # noqa: E402
from graph.backends import BackendConfig, open_backends  # noqa: E402
from loaders.identity.xref import find_candidates  # noqa: E402


def main() -> int:
    """Run the benchmark; prints one line per run and a summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, help="fact sheets to load when the store is empty")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    backends = open_backends(BackendConfig(args.data_dir))
    try:
        counts = backends.rdf.counts()
        if counts.articles == 0:
            if args.corpus is None:
                parser.error("the store is empty: give --corpus")
            started = time.perf_counter()
            ingest_paths(backends.store, [args.corpus])
            print(f"loaded {args.corpus} in {time.perf_counter() - started:.1f} s")
            counts = backends.rdf.counts()
        print(f"store: {counts.articles:,} articles, {counts.triples:,} triples")
        totals = []
        for run in range(1, args.runs + 1):
            started = time.perf_counter()
            records = identity_records(backends.rdf)
            read = time.perf_counter() - started
            found = find_candidates(records.entities, records.tenures, records.agreements)
            total = time.perf_counter() - started
            totals.append(total)
            print(
                f"run {run}: {len(records.entities):,} entities, {len(records.tenures):,} tenures, "
                f"{len(records.agreements):,} agreements; read {read:.2f} s, "
                f"find {total - read:.2f} s, total {total:.2f} s; {len(found):,} candidates"
            )
        print(f"xref total: best {min(totals):.2f} s, median {statistics.median(totals):.2f} s")
        for candidate in found[:5]:
            rules = ", ".join(e.rule for e in candidate.evidence)
            names = " / ".join(candidate.names)
            print(f"  {candidate.score:5.1f}  {names} ({rules})")
    finally:
        backends.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
