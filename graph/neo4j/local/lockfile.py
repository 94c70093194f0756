"""The lock file of a Neo4j version: every runtime jar of the server, with its size and checksums.

One packaged file per version, ``neo4j-<version>.lock.tsv`` beside this module, generated once by
``python -m graph.neo4j.local.lockgen`` (which asks Maven to resolve ``org.neo4j:neo4j``). Format:
``#`` comment lines, a header line, then one tab-separated line per jar::

    group  artifact  version  classifier  extension  size  sha256  sha1

``classifier`` is empty for most jars; ``sha1`` is the one Maven Central publishes beside the jar
(``<jar>.sha1``), ``sha256`` the one the downloader verifies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from graph.neo4j.local.layout import PACKAGE, Neo4jLocalError

COLUMNS = ("group", "artifact", "version", "classifier", "extension", "size", "sha256", "sha1")

_HEX = {"sha256": re.compile(r"^[0-9a-f]{64}$"), "sha1": re.compile(r"^[0-9a-f]{40}$")}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
"""Coordinates end up in URLs and file names: no slashes, no ``..``, no spaces."""


@dataclass(frozen=True)
class LockedJar:
    """One artifact of the lock file."""

    group: str
    artifact: str
    version: str
    classifier: str
    extension: str
    size: int
    sha256: str
    sha1: str

    @property
    def coordinates(self) -> str:
        """``group:artifact:version`` (``:classifier`` appended when there is one)."""
        base = f"{self.group}:{self.artifact}:{self.version}"
        return f"{base}:{self.classifier}" if self.classifier else base

    @property
    def file_name(self) -> str:
        """``artifact-version[-classifier].extension``, as ``mvn dependency:copy-dependencies``."""
        suffix = f"-{self.classifier}" if self.classifier else ""
        return f"{self.artifact}-{self.version}{suffix}.{self.extension}"

    @property
    def repository_path(self) -> str:
        """The path below a repository's root in the standard Maven layout."""
        return f"{self.group.replace('.', '/')}/{self.artifact}/{self.version}/{self.file_name}"

    def url(self, repository: str) -> str:
        """The artifact's URL in ``repository`` (a Maven repository's root URL)."""
        return f"{repository.rstrip('/')}/{self.repository_path}"

    def to_line(self) -> str:
        """The lock file line of this jar."""
        fields = (self.group, self.artifact, self.version, self.classifier, self.extension)
        return "\t".join([*fields, str(self.size), self.sha256, self.sha1])


@dataclass(frozen=True)
class Lock:
    """The jars of one Neo4j version."""

    neo4j_version: str
    jars: tuple[LockedJar, ...]

    @property
    def total_size(self) -> int:
        """Bytes of all jars together."""
        return sum(jar.size for jar in self.jars)


def lock_file_name(neo4j_version: str) -> str:
    """``neo4j-5.26.30.lock.tsv``."""
    return f"neo4j-{neo4j_version}.lock.tsv"


def packaged_versions() -> list[str]:
    """The Neo4j versions a lock file is packaged for."""
    names = [entry.name for entry in resources.files(PACKAGE).iterdir()]
    found = [re.fullmatch(r"neo4j-(.+)\.lock\.tsv", name) for name in names]
    return sorted(match.group(1) for match in found if match)


def packaged_lock(neo4j_version: str) -> Lock | None:
    """The packaged lock of ``neo4j_version``, or None when there is none."""
    resource = resources.files(PACKAGE).joinpath(lock_file_name(neo4j_version))
    if not resource.is_file():
        return None
    return parse(resource.read_text(encoding="utf-8"), neo4j_version, lock_file_name(neo4j_version))


def read(path: Path, neo4j_version: str) -> Lock:
    """The lock file at ``path``."""
    return parse(path.read_text(encoding="utf-8"), neo4j_version, str(path))


def parse(text: str, neo4j_version: str, origin: str) -> Lock:
    """Parse a lock file's text; ``origin`` names it in errors."""
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line and line[0] != "#"]
    if not lines or tuple(lines[0][1].split("\t")) != COLUMNS:
        raise Neo4jLocalError(f"{origin}: the first line must be the header {'/'.join(COLUMNS)}")
    jars = tuple(_parse_line(line, f"{origin} line {n}") for n, line in lines[1:])
    names = [jar.file_name for jar in jars]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise Neo4jLocalError(f"{origin}: two jars would share the file name {duplicates[0]}")
    if not jars:
        raise Neo4jLocalError(f"{origin}: lists no jar")
    return Lock(neo4j_version, jars)


def _parse_line(line: str, where: str) -> LockedJar:
    values = line.split("\t")
    if len(values) != len(COLUMNS):
        raise Neo4jLocalError(f"{where}: expected {len(COLUMNS)} tab-separated fields")
    fields = dict(zip(COLUMNS, values, strict=True))
    for column in ("group", "artifact", "version", "extension"):
        if not _NAME.match(fields[column]) or ".." in fields[column]:
            raise Neo4jLocalError(f"{where}: bad {column} {fields[column]!r}")
    if fields["classifier"] and not _NAME.match(fields["classifier"]):
        raise Neo4jLocalError(f"{where}: bad classifier {fields['classifier']!r}")
    for column, pattern in _HEX.items():
        if not pattern.match(fields[column]):
            raise Neo4jLocalError(f"{where}: {column} is not a lowercase hex digest")
    if not fields["size"].isdigit():
        raise Neo4jLocalError(f"{where}: size {fields['size']!r} is not a number of bytes")
    return LockedJar(
        group=fields["group"],
        artifact=fields["artifact"],
        version=fields["version"],
        classifier=fields["classifier"],
        extension=fields["extension"],
        size=int(fields["size"]),
        sha256=fields["sha256"],
        sha1=fields["sha1"],
    )


def render(lock: Lock, comments: list[str]) -> str:
    """The text of a lock file (``comments`` become ``#`` lines at the top)."""
    head = [f"# {comment}" for comment in comments]
    body = [jar.to_line() for jar in sorted(lock.jars, key=lambda jar: jar.coordinates)]
    return "\n".join([*head, "\t".join(COLUMNS), *body]) + "\n"
