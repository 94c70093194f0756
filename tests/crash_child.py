"""A writer the crash tests kill: ``python tests/crash_child.py DATA_DIR FILE...``.

Opens the stores with the production wiring (``open_backends``; Neo4j when
``DIPLOGRAPH_NEO4J_URI`` is set), parses the files, prints ``ready``, waits for a line on stdin,
then makes the one store write (``GraphStore.replace_articles``, as the API and ``diplograph load``
do) and prints ``done``. The test sends SIGKILL at a random moment after the line it wrote;
nothing in the stores is instrumented.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from api.ingest import entity_index
from api.resolution import plan_identity
from graph.backends import BackendConfig, open_backends
from loaders.batch import expand_paths, load_paths
from loaders.identity import NoJudgements


def main(data_dir: str, *files: str) -> None:
    """Replace the articles of ``files`` in the stores of ``data_dir``."""
    config = BackendConfig(
        data_dir=Path(data_dir),
        neo4j_uri=os.environ.get("DIPLOGRAPH_NEO4J_URI"),
        neo4j_user=os.environ.get("DIPLOGRAPH_NEO4J_USER", "neo4j"),
        neo4j_password=os.environ.get("DIPLOGRAPH_NEO4J_PASSWORD"),
    )
    backends = open_backends(config)
    try:
        # SHACL off: the shapes are not what is tested here, and they triple the setup time
        batch = load_paths(expand_paths(files), entity_index(backends.store), shacl=False)
        assert not batch.failed, batch.failed
        graphs = {str(a.iri): a.graph for a in batch.articles}
        # identity resolved as every load is (api.ingest): the write is the one being killed
        plan = plan_identity(backends.store, graphs, NoJudgements())
        print("ready", flush=True)
        sys.stdin.readline()
        backends.store.replace_articles(plan.graphs)
        print("done", flush=True)
    finally:
        backends.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
