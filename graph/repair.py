"""Rebuild a stale projection in the background while the API serves (``/ready`` says 503
"projection stale" until it is done): a start-up that finds the marker of an interrupted write
(:class:`graph.journal.StaleMarker`) does not wait for the rebuild, and a Neo4j that is not up
yet is retried until it is."""

from __future__ import annotations

import logging
import threading
import time

from graph.writer import GraphStore

log = logging.getLogger("diplograph.repair")


class ProjectionRepair:
    """Runs :meth:`GraphStore.repair` in a thread, retrying every ``retry_s`` until it succeeds
    or :meth:`stop` is called."""

    def __init__(self, store: GraphStore, retry_s: float = 5.0) -> None:
        self.store = store
        self.retry_s = retry_s
        self.seconds: float | None = None
        """How long the successful rebuild took (None until then)."""
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name="diplograph-projection-repair", daemon=True
        )

    def start(self) -> bool:
        """Start the thread when the projection is stale; whether it was started."""
        if not self.store.projection_stale:
            return False
        log.warning("the Neo4j projection may be stale (interrupted write): rebuilding it")
        self._thread.start()
        return True

    def stop(self, timeout: float = 1.0) -> None:
        """Ask the thread to stop retrying; a rebuild under way fails once the driver closes
        and is done again at the next start (the marker stays)."""
        self._stop.set()
        if self._thread.ident is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                counts = self.store.repair()
            except Exception as error:  # Neo4j down or going away: retried
                log.warning("rebuilding the projection failed (%s); retrying", error)
                self._stop.wait(self.retry_s)
                continue
            self.seconds = time.monotonic() - started
            if counts is not None:
                log.warning(
                    "projection rebuilt in %.1f s: %d nodes, %d relationships",
                    self.seconds,
                    counts.nodes,
                    counts.relationships,
                )
            return
