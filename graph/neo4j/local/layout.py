"""Where a local Neo4j installation keeps its files, its error type, and its lock.

Everything lives under ``<cache_dir>/neo4j-<version>/``::

    lib/          the runtime jars, each verified against the version's lock file (see ``install``);
                  ``lib/.complete`` marks a finished installation and records the jars' sizes
    lib.download/ unfinished downloads (``<jar>.part``), resumed by the next start
    pom.xml       copy of the packaged pom, when the jars were fetched with Maven
    home/         NEO4J_HOME: conf/neo4j.conf (rendered on every start), data/, logs/ (console.log
                  receives the JVM's stdout and stderr, neo4j.log the server's own log)
    state.json    user, password and port of the instance (mode 0600)
    neo4j.pid     pid of the running server
    .lock         serialises install, start and stop between processes
"""

from __future__ import annotations

import contextlib
import fcntl
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

NEO4J_VERSION = "5.26.30"
"""The default Neo4j Community version (5.26 LTS); a lock file is packaged for it, and ``pom.xml``
names it too."""

PACKAGE = "graph.neo4j.local"

Progress = Callable[[str], None]
"""Receives one human-readable progress message at a time."""


class Neo4jLocalError(RuntimeError):
    """The local Neo4j server could not be installed, started, reached or stopped."""


def print_progress(message: str) -> None:
    """The default ``Progress``: one line on stderr."""
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Paths:
    """The files of one local installation under the cache dir."""

    root: Path

    @classmethod
    def of(cls, cache_dir: Path, version: str = NEO4J_VERSION) -> Paths:
        """Paths of Neo4j ``version`` in ``cache_dir`` (nothing is created here)."""
        return cls(Path(cache_dir).expanduser().resolve() / f"neo4j-{version}")

    @property
    def lib(self) -> Path:
        """The runtime jars."""
        return self.root / "lib"

    @property
    def home(self) -> Path:
        """NEO4J_HOME."""
        return self.root / "home"

    @property
    def conf_dir(self) -> Path:
        """The directory holding neo4j.conf."""
        return self.home / "conf"

    @property
    def log_file(self) -> Path:
        """The JVM's stdout and stderr."""
        return self.home / "logs" / "console.log"

    @property
    def server_log(self) -> Path:
        """Neo4j's own log (start-up and shutdown messages, fatal errors)."""
        return self.home / "logs" / "neo4j.log"

    @property
    def state_file(self) -> Path:
        """User, password and port (mode 0600)."""
        return self.root / "state.json"

    @property
    def pid_file(self) -> Path:
        """The pid of the running server."""
        return self.root / "neo4j.pid"


@contextlib.contextmanager
def locked(paths: Paths) -> Iterator[None]:
    """Hold an exclusive inter-process lock on the installation for the block."""
    paths.root.mkdir(parents=True, exist_ok=True)
    with open(paths.root / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
