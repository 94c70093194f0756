"""How long the start-up repair of a stale Neo4j projection takes (issue 14, point 6).

Loads the example and ``--articles`` generated fact sheets into a fresh data dir and the Neo4j
of ``DIPLOGRAPH_NEO4J_*`` (it is emptied first: use a private server), sets the
``projection.stale`` marker as an interrupted write would leave it, then opens the data dir in a
new process, as a restarted API or CLI would, and times ``GraphStore.repair()``::

    python bench/repair_bench.py --articles 1000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.ingest import ingest_paths  # noqa: E402
from api.settings import Settings  # noqa: E402
from graph.backends import BackendConfig, open_backends  # noqa: E402
from tests.faultutil import clear_database, write_sheets  # noqa: E402


def config(data_dir: Path) -> BackendConfig:
    """The backends of ``data_dir`` on the configured Neo4j."""
    settings = Settings()
    password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
    return BackendConfig(
        data_dir,
        neo4j_uri=settings.neo4j_uri,
        neo4j_user=settings.neo4j_user,
        neo4j_password=password,
    )


def prepare(root: Path, articles: int) -> Path:
    """Load the corpus into both stores; leave the marker set."""
    sheets = write_sheets(root / "sheets", articles)
    backends = open_backends(config(root / "data"))
    try:
        projection = backends.store.projection
        assert projection is not None, "set DIPLOGRAPH_NEO4J_URI"
        clear_database(projection.driver, projection.database)  # type: ignore[attr-defined]
        backends.store.ensure_schema()
        started = time.monotonic()
        ingest_paths(backends.store, [ROOT / "examples", *sheets])
        print(f"loaded {articles + 1} articles in {time.monotonic() - started:.1f} s")
        backends.store.marker.set("repair benchmark")
    finally:
        backends.close()
    return root / "data"


def repair(data_dir: Path) -> None:
    """Open the data dir as a restart does and time the rebuild."""
    backends = open_backends(config(data_dir))
    try:
        assert backends.store.projection_stale
        started = time.monotonic()
        counts = backends.store.repair()
        seconds = time.monotonic() - started
        assert counts is not None and not backends.store.projection_stale
        print(
            f"repair: {seconds:.1f} s for {backends.rdf.counts().triples} triples "
            f"({counts.nodes} nodes, {counts.relationships} relationships), "
            f"load average {os.getloadavg()[0]:.1f}"
        )
    finally:
        backends.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repair", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.repair is not None:
        repair(args.repair)
        return
    with tempfile.TemporaryDirectory(prefix="repair-bench-") as root:
        data_dir = prepare(Path(root), args.articles)
        # a new process: one process at a time opens a data dir
        subprocess.run([sys.executable, __file__, "--repair", str(data_dir)], check=True)


if __name__ == "__main__":
    main()
