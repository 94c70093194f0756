"""Durable files of the data directory that make writes all-or-nothing across a crash.

* :class:`UndoJournal` (``replace.undo``): the former content of the graphs a bulk load is about
  to replace, made durable before the store is touched. Oxigraph's bulk loader is not
  transactional, so a process killed in the middle of one leaves part of the batch; when the
  store is opened again, a journal still present means such a load never finished, and the
  graphs are put back as the journal says, then the journal is deleted.
* :class:`StaleMarker` (``projection.stale``): written before a write changes the RDF store and
  cleared once the projection (Neo4j) holds the same change. Present at start-up, it means the
  projection may disagree with the RDF store: it is rebuilt (``GraphStore.sync``).

Each file is written to a temporary name, fsynced, then renamed (the rename is the commit
point; the directory is fsynced too): a crash leaves either no file or a complete one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from graph.errors import StoreUnavailable
from graph.model import GraphSnapshot

UNDO_FILE = "replace.undo"
STALE_FILE = "projection.stale"
_MAGIC = b"diplograph-undo 1\n"


def durable_write(path: Path, chunks: Iterable[bytes]) -> None:
    """Write ``path`` all or nothing: a temporary file, fsynced, renamed over ``path``."""
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as file:
        for chunk in chunks:
            file.write(chunk)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    _sync_directory(path.parent)


def durable_delete(path: Path) -> None:
    """Delete ``path`` (if present) and make the deletion durable."""
    path.unlink(missing_ok=True)
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    """fsync a directory, so that a rename or deletion in it survives a power loss."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class UndoJournal:
    """The former content of the graphs of an unfinished bulk load, in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / UNDO_FILE

    def write(self, snapshot: GraphSnapshot) -> None:
        """Make ``snapshot`` durable: from now on a crash undoes the load."""
        durable_write(self.path, _encode(snapshot))

    def read(self) -> GraphSnapshot | None:
        """The snapshot of an unfinished load, None when there is none (a temporary file left
        by a crash before the commit point is deleted: the store was not touched yet)."""
        self.path.with_name(self.path.name + ".tmp").unlink(missing_ok=True)
        if not self.path.exists():
            return None
        return _decode(self.path.read_bytes(), self.path)

    def clear(self) -> None:
        """The load finished (or was undone): forget the journal."""
        durable_delete(self.path)


def _encode(snapshot: GraphSnapshot) -> Iterable[bytes]:
    """``MAGIC`` then, per graph, ``IRI TAB length NL`` and ``length`` bytes of N-Triples
    (length -1: the graph did not exist)."""
    yield _MAGIC
    for iri, data in snapshot.graphs.items():
        yield f"{iri}\t{-1 if data is None else len(data)}\n".encode()
        if data:
            yield data


def _decode(raw: bytes, path: Path) -> GraphSnapshot:
    """The snapshot :func:`_encode` wrote; a damaged file is :class:`StoreUnavailable`."""
    if not raw.startswith(_MAGIC):
        raise _damaged(path, "unknown header")
    graphs: dict[str, bytes | None] = {}
    position = len(_MAGIC)
    while position < len(raw):
        end = raw.find(b"\n", position)
        if end < 0:
            raise _damaged(path, f"truncated record at byte {position}")
        iri, _, size_text = raw[position:end].decode("utf-8").partition("\t")
        if not size_text.lstrip("-").isdigit():
            raise _damaged(path, f"bad record at byte {position}")
        size = int(size_text)
        position = end + 1
        graphs[iri] = None if size < 0 else raw[position : position + size]
        position += max(size, 0)
    if position != len(raw):
        raise _damaged(path, "truncated")
    return GraphSnapshot(graphs)


def _damaged(path: Path, why: str) -> StoreUnavailable:
    return StoreUnavailable(
        f"the undo journal {path} is damaged ({why}): the last bulk load may be half-applied; "
        "restore the data directory from a backup",
        retry_after=None,
    )


class StaleMarker:
    """Whether the projection may disagree with the RDF store: a file in ``directory``, or a
    flag in memory when there is none (an in-memory store dies with its process)."""

    def __init__(self, directory: Path | None) -> None:
        self.path = None if directory is None else directory / STALE_FILE
        self._present = self.path is not None and self.path.exists()

    @property
    def present(self) -> bool:
        """Whether the marker is set."""
        return self._present

    def set(self, reason: str) -> None:
        """Set the marker (durably) before a write that may leave the stores apart."""
        if self._present:
            return
        if self.path is not None:
            durable_write(self.path, [reason.encode("utf-8") + b"\n"])
        self._present = True

    def clear(self) -> None:
        """Both stores hold the same content again."""
        if not self._present:
            return
        if self.path is not None:
            durable_delete(self.path)
        self._present = False
