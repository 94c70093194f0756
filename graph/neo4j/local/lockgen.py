"""Generate the lock file of a Neo4j version (needs Maven and network, once per version).

    python -m graph.neo4j.local.lockgen                  # the default version, 5.26.30
    python -m graph.neo4j.local.lockgen --version 5.26.31

Maven resolves ``org.neo4j:neo4j:<version>`` from the packaged ``pom.xml`` (runtime scope, as
``mvn dependency:copy-dependencies`` would copy it); every resolved jar is hashed in the local
Maven repository, and its SHA-1 is checked against the ``.sha1`` file the repository publishes
beside it. The result, ``neo4j-<version>.lock.tsv`` beside this module, is what the ``download``
installer fetches; commit it.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path

import httpx

from graph.neo4j.local import download, lockfile
from graph.neo4j.local.install import find_java, find_mvn
from graph.neo4j.local.layout import NEO4J_VERSION, PACKAGE, Neo4jLocalError

HERE = Path(__file__).resolve().parent
_SCOPES = {"compile", "runtime"}


def resolve(version: str) -> list[tuple[lockfile.LockedJar, Path]]:
    """The runtime jars of Neo4j ``version`` as Maven resolves them, with their local files."""
    mvn, java = find_mvn(), find_java()
    with tempfile.TemporaryDirectory(prefix="neo4j-lockgen-") as work:
        pom, listing = Path(work, "pom.xml"), Path(work, "dependencies.txt")
        pom.write_bytes(resources.files(PACKAGE).joinpath("pom.xml").read_bytes())
        command = [mvn, "-B", "-q", "-f", str(pom), "dependency:list", "-DincludeScope=runtime"]
        command += [f"-Dneo4j.version={version}", f"-DoutputFile={listing}"]
        command += ["-DoutputAbsoluteArtifactFilename=true", "-DappendOutput=false"]
        env = {**os.environ, "JAVA_HOME": str(java.home)}
        result = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
        if result.returncode != 0:
            output = (result.stdout + result.stderr).strip()[-3000:]
            raise Neo4jLocalError(f"mvn could not resolve Neo4j {version}:\n{output}")
        lines = listing.read_text().splitlines()
    return [_parse(line) for line in lines if line.startswith("   ") and ":" in line]


def _parse(line: str) -> tuple[lockfile.LockedJar, Path]:
    """One ``dependency:list`` line: ``g:a:type[:classifier]:v:scope:/path.jar -- module …``."""
    parts = line.strip().split(" -- ")[0].split(":")
    if len(parts) >= 7 and parts[5] in _SCOPES:
        group, artifact, extension, classifier, version = parts[:5]
        path = Path(":".join(parts[6:]))
    elif len(parts) >= 6 and parts[4] in _SCOPES:
        group, artifact, extension, version = parts[:4]
        classifier, path = "", Path(":".join(parts[5:]))
    else:
        raise Neo4jLocalError(f"cannot read this line of mvn dependency:list: {line.strip()!r}")
    data = path.read_bytes()
    jar = lockfile.LockedJar(
        group=group,
        artifact=artifact,
        version=version,
        classifier=classifier,
        extension=extension,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        sha1=hashlib.sha1(data).hexdigest(),
    )
    return jar, path


def check_published_sha1(jars: list[lockfile.LockedJar], repository: str) -> None:
    """Compare each jar's SHA-1 with the ``.sha1`` file the repository publishes beside it."""

    def published(jar: lockfile.LockedJar) -> str:
        response = client.get(jar.url(repository) + ".sha1")
        response.raise_for_status()
        return response.text.split()[0].strip().lower()

    with httpx.Client(timeout=60, follow_redirects=True) as client, ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(published, jars))
    wrong = [jar.coordinates for jar, sha1 in zip(jars, answers, strict=True) if sha1 != jar.sha1]
    if wrong:
        raise Neo4jLocalError(f"local jars differ from the repository's SHA-1: {', '.join(wrong)}")


def generate(version: str, output: Path, repository: str) -> lockfile.Lock:
    """Resolve, hash, check and write the lock file of ``version`` to ``output``."""
    jars = [jar for jar, _ in resolve(version)]
    check_published_sha1(jars, repository)
    lock = lockfile.Lock(version, tuple(jars))
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    comments = [
        f"The runtime jars of Neo4j Community {version} "
        f"(org.neo4j:neo4j:{version}, runtime scope).",
        f"Generated on {today} by `python -m graph.neo4j.local.lockgen --version {version}`",
        f"(Maven resolution; SHA-1 checked against {repository}). Do not edit.",
        f"{len(jars)} jars, {lock.total_size} bytes.",
    ]
    text = lockfile.render(lock, comments)
    lockfile.parse(text, version, str(output))  # refuse to write what the installer cannot read
    output.write_text(text, encoding="utf-8")
    return lock


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m graph.neo4j.local.lockgen",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", default=NEO4J_VERSION, help="Neo4j version (%(default)s)")
    parser.add_argument("--output", type=Path, help="default: neo4j-<version>.lock.tsv here")
    parser.add_argument("--repository", default=download.MAVEN_CENTRAL, help="%(default)s")
    args = parser.parse_args(argv)
    output = args.output or HERE / lockfile.lock_file_name(args.version)
    try:
        lock = generate(args.version, output, args.repository)
    except (Neo4jLocalError, httpx.HTTPError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {output}: {len(lock.jars)} jars, {lock.total_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
