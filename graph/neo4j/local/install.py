"""The one-time installation of the Neo4j jars into ``<cache_dir>/neo4j-<version>/lib``.

Two installers:

- ``download`` (the default; needs nothing but Python): the jars listed in the packaged lock file
  ``neo4j-<version>.lock.tsv`` are fetched from a Maven repository (Maven Central unless
  ``InstallOptions.repository`` says otherwise) and verified against their SHA-256
  (see ``download``).
- ``maven``: ``mvn dependency:copy-dependencies`` on the packaged pom, the way it was done before
  the lock file existed; needed for a Neo4j version without a lock file. When there is a lock file
  the copied jars are checked against it too.

``lib/.complete`` records the size and mtime of every verified jar; a start whose jars still
match it skips the checksums (0.5 s for 128 MB), any other start verifies every jar again.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from graph.neo4j.local import download, lockfile
from graph.neo4j.local.java import (
    JavaRuntime,
    find_java,
    java_major_version,
)
from graph.neo4j.local.layout import (
    NEO4J_VERSION,
    PACKAGE,
    Neo4jLocalError,
    Paths,
    Progress,
    locked,
    print_progress,
)

__all__ = [
    "DEFAULT_OPTIONS",
    "InstallOptions",
    "Installer",
    "JavaRuntime",
    "ensure_installed",
    "find_java",
    "find_mvn",
    "is_installed",
    "java_major_version",
]

Installer = Literal["download", "maven"]

STAMP = ".complete"


@dataclass(frozen=True)
class InstallOptions:
    """Which Neo4j to install and how."""

    version: str = NEO4J_VERSION
    installer: Installer = "download"
    repository: str = download.MAVEN_CENTRAL
    """Root URL of the Maven repository the ``download`` installer fetches from."""


DEFAULT_OPTIONS = InstallOptions()


def find_mvn() -> str:
    """The ``mvn`` executable."""
    mvn = shutil.which("mvn")
    if not mvn:
        raise Neo4jLocalError(
            "mvn not found: the maven installer needs Maven on the PATH (the default installer, "
            "download, needs nothing but Python)"
        )
    return mvn


def is_installed(cache_dir: Path, version: str = NEO4J_VERSION) -> bool:
    """True when the jars of ``version`` have been installed in the cache dir."""
    return (Paths.of(cache_dir, version).lib / STAMP).is_file()


def ensure_installed(
    cache_dir: Path,
    progress: Progress = print_progress,
    options: InstallOptions = DEFAULT_OPTIONS,
) -> Path:
    """Install the Neo4j jars into the cache dir once; returns the directory holding them.

    Idempotent and safe to call from several processes at once; an interrupted installation is
    resumed by the next call and never looks complete.
    """
    paths = Paths.of(cache_dir, options.version)
    with locked(paths):
        lock = lockfile.packaged_lock(options.version)
        if _stamp_is_current(paths, lock):
            return paths.lib
        (paths.lib / STAMP).unlink(missing_ok=True)
        started = time.monotonic()
        if options.installer == "maven":
            _install_with_maven(paths, options.version, lock, progress)
            source = "maven"
        else:
            if lock is None:
                raise _no_lock_file(options.version)
            _install_from_lock(paths, lock, options.repository, progress, started)
            source = options.repository
        _write_stamp(paths, options.version, source)
        return paths.lib


def _install_from_lock(
    paths: Paths, lock: lockfile.Lock, repository: str, progress: Progress, started: float
) -> None:
    report = download.fetch_jars(lock, repository, paths.lib, progress)
    elapsed = time.monotonic() - started
    total = f"{len(lock.jars)} jars of Neo4j {lock.neo4j_version} ({lock.total_size / 1e6:.1f} MB)"
    if report.downloaded == 0:
        progress(f"verified the {total} in {paths.lib} in {elapsed:.1f} s")
        return
    resumed = f", {report.resumed} resumed" if report.resumed else ""
    refused = f", {len(report.refused)} refused and fetched again" if report.refused else ""
    progress(
        f"installed the {total} in {paths.lib} in {elapsed:.1f} s: {report.downloaded} "
        f"downloaded ({report.bytes_received / 1e6:.1f} MB{resumed}{refused}), "
        f"{report.verified} already there; every SHA-256 verified"
    )


def _no_lock_file(version: str) -> Neo4jLocalError:
    known = ", ".join(lockfile.packaged_versions()) or "none"
    return Neo4jLocalError(
        f"there is no lock file for Neo4j {version} in this diplograph (lock files for: {known}), "
        "so its jars cannot be downloaded without Maven: install Maven and set "
        "DIPLOGRAPH_NEO4J_LOCAL_INSTALLER=maven, or generate a lock file once with "
        f"`python -m graph.neo4j.local.lockgen --version {version}` (uses Maven)"
    )


def _install_with_maven(
    paths: Paths, version: str, lock: lockfile.Lock | None, progress: Progress
) -> None:
    java = find_java()
    mvn = find_mvn()
    progress(f"fetching Neo4j {version} with Maven ({mvn}, on {java.describe()}) into {paths.lib}")
    started = time.monotonic()
    _copy_dependencies(mvn, paths, version, java)
    jars = len(list(paths.lib.glob("*.jar")))
    progress(f"Maven copied {jars} jars in {time.monotonic() - started:.1f} s")
    if lock is not None:
        problems = download.verify(lock, paths.lib)
        if problems:
            listed = "\n".join(f"  {problem}" for problem in problems[:20])
            raise Neo4jLocalError(
                f"the jars Maven resolved for Neo4j {version} differ from the lock file "
                f"{lockfile.lock_file_name(version)}:\n{listed}"
            )
        progress(f"the {jars} jars match the lock file (SHA-256)")


def _copy_dependencies(mvn: str, paths: Paths, version: str, java: JavaRuntime) -> None:
    """Run ``mvn dependency:copy-dependencies`` on the packaged pom into ``paths.lib``."""
    pom = paths.root / "pom.xml"
    pom.write_bytes(resources.files(PACKAGE).joinpath("pom.xml").read_bytes())
    staging = paths.root / "lib.partial"
    shutil.rmtree(staging, ignore_errors=True)
    command = [mvn, "-q", "-B", "-f", str(pom), "dependency:copy-dependencies"]
    command += [f"-Dneo4j.version={version}", f"-DoutputDirectory={staging}"]
    command += ["-DincludeScope=runtime"]
    env = {**os.environ, "JAVA_HOME": str(java.home)}
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()[-3000:]
        raise Neo4jLocalError(f"mvn could not fetch Neo4j {version}:\n{output}")
    shutil.rmtree(paths.lib, ignore_errors=True)
    staging.rename(paths.lib)


# --- the stamp: which verified jars lib/ holds ----------------------------------------------------


def _jar_stats(lib: Path) -> dict[str, list[int]]:
    stats = {}
    for path in sorted(lib.glob("*.jar")):
        stat = path.stat()
        stats[path.name] = [stat.st_size, stat.st_mtime_ns]
    return stats


def _write_stamp(paths: Paths, version: str, source: str) -> None:
    """Record the verified jars (written last: its presence means a finished installation)."""
    stamp = {"neo4j_version": version, "source": source, "jars": _jar_stats(paths.lib)}
    temporary = paths.lib / f"{STAMP}.tmp"
    temporary.write_text(json.dumps(stamp, indent=1) + "\n")
    os.replace(temporary, paths.lib / STAMP)


def _stamp_is_current(paths: Paths, lock: lockfile.Lock | None) -> bool:
    """True when ``lib`` holds exactly the jars verified last time, untouched since."""
    try:
        stamp = json.loads((paths.lib / STAMP).read_text())
    except (OSError, ValueError):
        return False
    if not isinstance(stamp, dict) or stamp.get("jars") != _jar_stats(paths.lib):
        return False
    return lock is None or set(stamp["jars"]) == {jar.file_name for jar in lock.jars}
