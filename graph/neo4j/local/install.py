"""Prerequisites (Java 17+, Maven) and the one-time download of the Neo4j jars."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from importlib import resources
from pathlib import Path

from graph.neo4j.local.layout import (
    NEO4J_VERSION,
    PACKAGE,
    Neo4jLocalError,
    Paths,
    Progress,
    locked,
    print_progress,
)

MIN_JAVA = 17


def java_major_version(version_output: str) -> int:
    """The major version in ``java -version`` output (``1.8.0_392`` → 8, ``17.0.15`` → 17)."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', version_output)
    if not match:
        raise Neo4jLocalError(f"cannot read the Java version from: {version_output.strip()!r}")
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def find_java() -> str:
    """The ``java`` executable (``$JAVA_HOME/bin/java`` first), checked to be Java 17 or newer."""
    java_home = os.environ.get("JAVA_HOME")
    candidate = Path(java_home, "bin", "java") if java_home else None
    java = str(candidate) if candidate and candidate.exists() else shutil.which("java")
    if not java:
        raise Neo4jLocalError(
            f"java not found: Neo4j {NEO4J_VERSION} needs Java {MIN_JAVA} or 21 "
            "(e.g. `apt-get install openjdk-17-jre-headless`, or set JAVA_HOME)"
        )
    result = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    major = java_major_version(result.stderr + result.stdout)
    if major < MIN_JAVA:
        raise Neo4jLocalError(
            f"{java} is Java {major}; Neo4j {NEO4J_VERSION} needs Java {MIN_JAVA} or newer "
            "(install openjdk-17-jre-headless or set JAVA_HOME to a newer JDK)"
        )
    return java


def find_mvn() -> str:
    """The ``mvn`` executable."""
    mvn = shutil.which("mvn")
    if not mvn:
        raise Neo4jLocalError(
            "mvn not found: Maven fetches the Neo4j jars from Maven Central "
            "(e.g. `apt-get install maven`)"
        )
    return mvn


def is_installed(cache_dir: Path) -> bool:
    """True when the jars are already in the cache dir."""
    return (Paths.of(cache_dir).lib / ".complete").is_file()


def ensure_installed(cache_dir: Path, progress: Progress = print_progress) -> Path:
    """Fetch the Neo4j jars into the cache dir once; returns the directory holding them.

    Idempotent and safe to call from several processes at once. The jars are copied to a staging
    directory first, so an interrupted download never looks complete.
    """
    paths = Paths.of(cache_dir)
    with locked(paths):
        if is_installed(cache_dir):
            return paths.lib
        find_java()
        mvn = find_mvn()
        progress(f"fetching Neo4j {NEO4J_VERSION} from Maven Central into {paths.lib} …")
        started = time.monotonic()
        _copy_dependencies(mvn, paths)
        (paths.lib / ".complete").write_text(NEO4J_VERSION + "\n")
        jars = len(list(paths.lib.glob("*.jar")))
        progress(f"fetched {jars} jars in {time.monotonic() - started:.1f} s")
        return paths.lib


def _copy_dependencies(mvn: str, paths: Paths) -> None:
    """Run ``mvn dependency:copy-dependencies`` on the packaged pom into ``paths.lib``."""
    pom = paths.root / "pom.xml"
    pom.write_bytes(resources.files(PACKAGE).joinpath("pom.xml").read_bytes())
    staging = paths.root / "lib.partial"
    shutil.rmtree(staging, ignore_errors=True)
    command = [mvn, "-q", "-B", "-f", str(pom), "dependency:copy-dependencies"]
    command += [f"-DoutputDirectory={staging}", "-DincludeScope=runtime"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()[-3000:]
        raise Neo4jLocalError(f"mvn could not fetch Neo4j {NEO4J_VERSION}:\n{output}")
    shutil.rmtree(paths.lib, ignore_errors=True)
    staging.rename(paths.lib)
