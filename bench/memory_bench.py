"""Peak memory of ``diplograph load`` as users run it (issue 16, item 5: ≤ 1.5 GB at 10,000).

    python bench/memory_bench.py --sizes 1000 10000

For each corpus size (synthetic fact sheets from ``bench/generate.py``, generated once into
``bench/out/``) it runs, each in a fresh process so peaks do not mix:

* baseline: the same process importing the stack and opening an empty embedded data directory
  (what any command costs before it reads a file);
* diplograph load: ``diplograph load <corpus>`` into a fresh data directory, defaults (one batch,
  validation on, identity resolution, embedded store), its peak resident set size;
* parse only: the loaders' part of it (``loaders.load_paths``), the batch held as the load holds
  it before writing.

It prints peak RSS in MB and the load's growth over the baseline per 1,000 articles, so a figure
that grows with the corpus (a batch held whole) shows as a rising per-1,000 cost.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from load_bench import corpus  # noqa: E402

BASELINE = """
from pathlib import Path
from graph.backends import BackendConfig, open_backends
open_backends(BackendConfig(data_dir=Path({data!r}))).close()
"""
LOAD = """
import sys
from api.cli.main import main
sys.argv = ["diplograph", "load", {corpus!r}]
try:
    main()
except SystemExit as exit:
    assert not exit.code, exit.code
"""
PARSE = """
from pathlib import Path
from api.ingest import entity_index
from graph.backends import BackendConfig, open_backends
from loaders.batch import load_paths
backends = open_backends(BackendConfig(data_dir=Path({data!r})))
batch = load_paths([Path({corpus!r})], entity_index(backends.store))
assert batch.articles
"""


REPORT = """
import resource, sys
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def peak_mb(script: str, data_dir: str) -> tuple[float, float]:
    """Peak RSS (MB) of a fresh process running ``script`` (it reports its own peak), and its
    wall seconds. The embedded store only: Neo4j settings are removed from the environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIPLOGRAPH_NEO4J")}
    env |= {"PYTHONPATH": str(ROOT), "DIPLOGRAPH_DATA_DIR": data_dir}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script + REPORT],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seconds = time.perf_counter() - started
    return int(done.stderr.strip().splitlines()[-1]) / 1024, seconds


def measure(size: int, seed: int) -> list[tuple[str, float, float]]:
    """Rows (stage, peak MB, seconds) for one corpus."""
    path = corpus(size, seed)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        script = BASELINE.format(data=f"{tmp}/base")
        rows.append(("baseline", *peak_mb(script, f"{tmp}/base")))
        script = PARSE.format(data=f"{tmp}/parse", corpus=str(path))
        rows.append(("parse only", *peak_mb(script, f"{tmp}/parse")))
        script = LOAD.format(corpus=str(path))
        rows.append(("diplograph load", *peak_mb(script, f"{tmp}/load")))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(f"{'articles':>8}  {'stage':<16} {'peak MB':>8} {'seconds':>8} {'MB/1k over base':>16}")
    for size in sorted(args.sizes):
        rows = measure(size, args.seed)
        base = rows[0][1]
        for stage, mb, seconds in rows:
            growth = (mb - base) / (size / 1000) if stage != "baseline" else 0.0
            print(f"{size:>8}  {stage:<16} {mb:>8.0f} {seconds:>8.1f} {growth:>16.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
