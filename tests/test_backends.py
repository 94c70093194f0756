"""Opening and closing the backends: a closed data directory can be opened again at once."""

from __future__ import annotations

import gc
from pathlib import Path

from api.ingest import ingest_paths
from graph.backends import BackendConfig, open_backends
from graph.rdf.store import OxigraphStore

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "us-algeria-mou.yaml"


def test_closing_the_backends_releases_the_data_directory(tmp_path: Path) -> None:
    # RocksDB allows one open store per directory and process: after close() nothing may keep
    # the store alive until the cyclic garbage collector runs (it is switched off here).
    gc.disable()
    try:
        for _ in range(2):
            backends = open_backends(BackendConfig(data_dir=tmp_path))
            ingest_paths(backends.store, [EXAMPLE])
            backends.sparql.query("ASK { ?s ?p ?o }")  # snapshots the store for the workers
            backends.close()
            del backends
        assert OxigraphStore(tmp_path).counts().articles == 1
    finally:
        gc.enable()
