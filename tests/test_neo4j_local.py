"""The local Neo4j manager (``graph.neo4j.local``) and the Neo4j test fixtures.

Unit tests run anywhere. Tests marked ``neo4j`` use the shared local server (started with
``diplograph neo4j start``) or ``DIPLOGRAPH_NEO4J_*``; the ``slow`` test starts and stops a second,
private instance and never touches the shared one.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import stat
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from neo4j import Driver, GraphDatabase

from api.settings import Settings
from graph.neo4j import local as neo4j_local
from graph.neo4j.local import install, manager, process
from graph.neo4j.local.layout import Paths

REPO = Path(__file__).resolve().parents[1]
POM_NS = {"m": "http://maven.apache.org/POM/4.0.0"}


def running_in_ci() -> bool:
    """Same rule as the conftest's: ``CI`` set to true, 1 or yes."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _server_pids(home: Path) -> list[int]:
    """Pids of Neo4j servers whose command line names ``home``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            arguments = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if process.ENTRY_POINT in arguments and f"--home-dir={home}" in arguments:
            pids.append(int(entry.name))
    return pids


@pytest.fixture(scope="module")
def local_server() -> neo4j_local.LocalNeo4j:
    """The shared server started by ``diplograph neo4j start`` (from the settings' cache dir)."""
    server = neo4j_local.running_instance(Settings().cache_dir)
    if server is None:
        message = "the local Neo4j is not running: run `diplograph neo4j start`"
        if running_in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return server


# --- unit tests (no server) -----------------------------------------------------------------------


def test_pom_fetches_the_version_the_manager_expects() -> None:
    pom = ET.fromstring(resources.files("graph.neo4j.local").joinpath("pom.xml").read_bytes())
    assert pom.findtext("m:properties/m:neo4j.version", namespaces=POM_NS) == "5.26.30"
    assert neo4j_local.NEO4J_VERSION == "5.26.30"
    dependency = pom.find("m:dependencies/m:dependency", POM_NS)
    assert dependency is not None
    assert dependency.findtext("m:groupId", namespaces=POM_NS) == "org.neo4j"
    assert dependency.findtext("m:artifactId", namespaces=POM_NS) == "neo4j"


def test_conf_template_renders_loopback_bolt_with_auth(tmp_path: Path) -> None:
    paths = Paths(tmp_path)
    manager._write_conf(paths, 12345, "1g", "512m")
    text = (paths.conf_dir / "neo4j.conf").read_text()
    settings = dict(
        line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#")
    )
    assert settings["server.bolt.listen_address"] == "127.0.0.1:12345"
    assert settings["server.default_listen_address"] == "127.0.0.1"
    assert settings["dbms.security.auth_enabled"] == "true"
    assert settings["server.http.enabled"] == "false"
    assert settings["db.memory.transaction.max"] == "256m"
    assert settings["db.memory.transaction.total.max"] == "512m"
    assert settings["dbms.memory.transaction.total.max"] == "512m"
    assert settings["db.transaction.timeout"] == "900s"
    assert "$" not in text


@pytest.mark.parametrize(
    ("output", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('openjdk version "21" 2023-09-19', 21),
        ('java version "1.8.0_392"', 8),
    ],
)
def test_java_major_version(output: str, major: int) -> None:
    assert install.java_major_version(output) == major


_VERSION_CASE = "*-version*) echo '{}' >&2 ;;"


def _fake_java(directory: Path, script: str) -> Path:
    """A JAVA_HOME whose bin/java runs the given shell ``case`` body."""
    java = directory / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text(f'#!/bin/sh\ncase "$*" in\n{textwrap.dedent(script)}\nesac\n')
    java.chmod(0o755)
    return directory


def test_the_maven_installer_without_mvn_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    java_home = _fake_java(tmp_path / "jdk", _VERSION_CASE.format('openjdk version "17.0.9"'))
    monkeypatch.setenv("JAVA_HOME", str(java_home))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    options = install.InstallOptions(installer="maven")
    with pytest.raises(neo4j_local.Neo4jLocalError, match="mvn not found"):
        neo4j_local.ensure_installed(tmp_path / "cache", options=options)
    assert not install.is_installed(tmp_path / "cache")


def test_port_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.setattr(manager, "DEFAULT_BOLT_PORT", port)
        messages: list[str] = []
        chosen = manager.choose_port(None, messages.append)
        assert chosen != port and manager.port_is_free(chosen)
        assert f"port {port} is taken" in messages[0]
        with pytest.raises(neo4j_local.Neo4jLocalError, match="already in use"):
            manager.choose_port(port)
    assert manager.choose_port(0) > 0


def test_a_server_that_dies_during_start_up_is_reported_with_its_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    java_home = _fake_java(
        tmp_path / "jdk",
        """\
        *-version*) echo 'openjdk version "17.0.9"' >&2 ;;
        *AdminTool*) exit 0 ;;
        *) echo "boom: this JVM refuses to start"; exit 1 ;;""",
    )
    monkeypatch.setenv("JAVA_HOME", str(java_home))
    cache = tmp_path / "cache"
    # A version without a lock file, "installed" with no jars: nothing to download.
    options = install.InstallOptions(version="0.0.0", installer="maven")
    paths = Paths.of(cache, options.version)
    paths.lib.mkdir(parents=True)
    install._write_stamp(paths, options.version, "test")
    with pytest.raises(neo4j_local.Neo4jLocalError, match="exited during start-up") as caught:
        neo4j_local.start(cache, port=0, timeout=30, options=options)
    assert "boom: this JVM refuses to start" in str(caught.value)
    assert not paths.pid_file.exists()
    assert stat.S_IMODE(paths.state_file.stat().st_mode) == 0o600


def test_status_of_an_empty_cache_dir(tmp_path: Path) -> None:
    state = neo4j_local.status(tmp_path)
    assert (state.running, state.pid, state.uri, state.version) == (False, None, None, None)
    assert neo4j_local.running_instance(tmp_path) is None
    assert neo4j_local.stop(tmp_path) is False


# --- the fixtures: CI=true turns "no Neo4j" into a failure ----------------------------------------


def _run_tiny_suite(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    """Run a one-test suite using ``neo4j_connection`` against a port where nothing listens."""
    (tmp_path / "test_tiny.py").write_text(
        "def test_needs_neo4j(neo4j_connection):\n    assert neo4j_connection\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIPLOGRAPH_")}
    env.pop("CI", None)
    env.update(
        DIPLOGRAPH_NEO4J_URI="bolt://127.0.0.1:1",
        DIPLOGRAPH_NEO4J_PASSWORD="irrelevant",
        PYTHONPATH=os.pathsep.join([str(REPO / "tests"), str(REPO)]),
    )
    if ci is not None:
        env["CI"] = ci
    command = [sys.executable, "-m", "pytest", "-p", "conftest", "-p", "no:cacheprovider"]
    command += ["-q", "-rA", "--rootdir", str(tmp_path), str(tmp_path / "test_tiny.py")]
    return subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )


def test_ci_true_without_neo4j_fails_instead_of_skipping(tmp_path: Path) -> None:
    result = _run_tiny_suite(tmp_path, ci="true")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "no Neo4j reachable" in output and "CI=true" in output
    assert "skipped" not in output.splitlines()[-1]


def test_without_ci_no_neo4j_skips(tmp_path: Path) -> None:
    result = _run_tiny_suite(tmp_path, ci=None)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "1 skipped" in output.splitlines()[-1]


# --- the shared server ----------------------------------------------------------------------------


@pytest.mark.neo4j
def test_write_and_read_through_the_official_driver(
    clean_neo4j: Driver, neo4j_database: str
) -> None:
    clean_neo4j.execute_query(
        "CREATE (:Country {iso: $a})-[:SIGNED {year: 2025}]->(:Agreement {name: $mou})"
        "<-[:SIGNED {year: 2025}]-(:Country {iso: $b})",
        a="USA",
        b="DZA",
        mou="US-Algeria defence MOU",
        database_=neo4j_database,
    )
    records, _, _ = clean_neo4j.execute_query(
        "MATCH (c:Country)-[s:SIGNED]->(a:Agreement) RETURN c.iso AS iso, s.year AS year, "
        "a.name AS name ORDER BY iso",
        database_=neo4j_database,
    )
    assert [(r["iso"], r["year"], r["name"]) for r in records] == [
        ("DZA", 2025, "US-Algeria defence MOU"),
        ("USA", 2025, "US-Algeria defence MOU"),
    ]


@pytest.mark.neo4j
def test_clean_neo4j_leaves_an_empty_database(clean_neo4j: Driver, neo4j_database: str) -> None:
    records, _, _ = clean_neo4j.execute_query(
        "MATCH (n) RETURN count(n) AS n", database_=neo4j_database
    )
    assert records[0]["n"] == 0


@pytest.mark.neo4j
def test_status_reports_the_running_server(local_server: neo4j_local.LocalNeo4j) -> None:
    state = neo4j_local.status(Settings().cache_dir)
    assert state.running
    assert state.pid == local_server.pid
    assert state.uri == local_server.uri
    assert state.user == local_server.user
    assert state.version == f"{neo4j_local.NEO4J_VERSION} community"


@pytest.mark.neo4j
def test_starting_twice_returns_the_same_server(local_server: neo4j_local.LocalNeo4j) -> None:
    cache_dir = Settings().cache_dir
    again = neo4j_local.start(cache_dir)
    assert again.reused
    assert (again.pid, again.uri, again.password) == (
        local_server.pid,
        local_server.uri,
        local_server.password,
    )
    assert _server_pids(Paths.of(cache_dir).home) == [local_server.pid]


@pytest.mark.neo4j
def test_the_state_file_is_private(local_server: neo4j_local.LocalNeo4j) -> None:
    state_file = Paths.of(Settings().cache_dir).state_file
    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600


@pytest.mark.neo4j
def test_cli_env_prints_exports_for_eval(local_server: neo4j_local.LocalNeo4j) -> None:
    diplograph = shutil.which("diplograph") or pytest.fail("the diplograph script is not installed")
    result = subprocess.run(
        [diplograph, "neo4j", "env"], capture_output=True, text=True, check=True, timeout=60
    )
    exported = dict(
        shlex.split(line.removeprefix("export "))[0].split("=", 1)
        for line in result.stdout.splitlines()
    )
    assert exported == {
        "DIPLOGRAPH_NEO4J_URI": local_server.uri,
        "DIPLOGRAPH_NEO4J_USER": local_server.user,
        "DIPLOGRAPH_NEO4J_PASSWORD": local_server.password,
    }


# --- a second, private instance: start, restart, stop, nothing left behind ------------------------


@pytest.fixture
def private_cache(tmp_path: Path) -> Iterator[Path]:
    """A cache dir of its own, reusing the shared jars when they are installed; always stopped."""
    cache = tmp_path / "cache"
    shared = Paths.of(Settings().cache_dir)
    if install.is_installed(Settings().cache_dir):
        Paths.of(cache).root.mkdir(parents=True)
        Paths.of(cache).lib.symlink_to(shared.lib, target_is_directory=True)
    yield cache
    neo4j_local.stop(cache, timeout=30)


def _count_nodes(server: neo4j_local.LocalNeo4j) -> int:
    with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
        records, _, _ = driver.execute_query("MATCH (n:Marker) RETURN count(n) AS n")
    return int(records[0]["n"])


@pytest.mark.slow
def test_private_instance_starts_restarts_and_stops_without_leftovers(
    private_cache: Path,
) -> None:
    paths = Paths.of(private_cache)
    first = neo4j_local.start(private_cache, port=0, timeout=180)
    assert not first.reused and process.pid_alive(first.pid)
    assert neo4j_local.start(private_cache).pid == first.pid
    with GraphDatabase.driver(first.uri, auth=(first.user, first.password)) as driver:
        driver.execute_query("CREATE (:Marker {kept: true})")

    assert neo4j_local.stop(private_cache, timeout=30) is True
    assert not process.pid_alive(first.pid)
    assert _server_pids(paths.home) == []
    assert not paths.pid_file.exists()
    assert not neo4j_local.status(private_cache).running
    assert neo4j_local.stop(private_cache) is False

    second = neo4j_local.start(private_cache, port=0, timeout=180)
    assert second.pid != first.pid and second.password == first.password
    assert _count_nodes(second) == 1
    assert neo4j_local.stop(private_cache, timeout=30) is True
    assert _server_pids(paths.home) == []
