"""docker-compose.yml, Dockerfile and .env.example are wired together (no Docker engine needed)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from api.cli.main import build_parser
from api.settings import Settings

REPO = Path(__file__).resolve().parents[1]
_INTERPOLATION = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    assert isinstance(data, dict)
    return data


def _environment(service: dict[str, Any]) -> dict[str, str]:
    environment = service.get("environment", {})
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {str(key): str(value) for key, value in environment.items()}


def test_services_and_volumes(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) >= {"neo4j", "api"}
    assert services["neo4j"]["image"] == "neo4j:5.26"
    mounts = {volume.split(":")[1] for volume in services["neo4j"]["volumes"]}
    assert mounts >= {"/data", "/logs"}
    named = {volume.split(":")[0] for s in services.values() for volume in s.get("volumes", [])}
    assert named <= set(compose["volumes"])


def test_neo4j_auth_and_healthcheck(compose: dict[str, Any]) -> None:
    neo4j = compose["services"]["neo4j"]
    auth = _environment(neo4j)["NEO4J_AUTH"]
    assert re.fullmatch(r"\$\{NEO4J_USER[^}]*\}/\$\{NEO4J_PASSWORD[^}]*\}", auth), auth
    check = neo4j["healthcheck"]
    command = " ".join(check["test"])
    assert check["test"][0] == "CMD-SHELL"
    assert "cypher-shell" in command and "NEO4J_AUTH" in command and "RETURN 1" in command
    assert check["retries"] > 0


def test_api_is_wired_to_neo4j(compose: dict[str, Any]) -> None:
    api = compose["services"]["api"]
    environment = _environment(api)
    assert environment["DIPLOGRAPH_NEO4J_URI"] == "bolt://neo4j:7687"
    assert environment["DIPLOGRAPH_NEO4J_USER"].startswith("${NEO4J_USER")
    assert environment["DIPLOGRAPH_NEO4J_PASSWORD"].startswith("${NEO4J_PASSWORD")
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert api["build"]["dockerfile"] == "Dockerfile"


def test_every_api_variable_is_a_setting(compose: dict[str, Any]) -> None:
    names = [name for name in _environment(compose["services"]["api"]) if name != "PYTHONPATH"]
    assert names and all(name.startswith("DIPLOGRAPH_") for name in names)
    fields = set(Settings.model_fields)
    unknown = [name for name in names if name.removeprefix("DIPLOGRAPH_").lower() not in fields]
    assert not unknown, f"not fields of api.settings.Settings: {unknown}"


def test_settings_accept_the_api_environment(
    compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The values compose passes (defaults filled in) parse into Settings."""
    for name, value in _environment(compose["services"]["api"]).items():
        filled = re.sub(r"\$\{[A-Za-z_]+:-([^}]*)\}", r"\1", value)
        monkeypatch.setenv(name, re.sub(r"\$\{[^}]*\}", "secret-password", filled))
    settings = Settings(_env_file=None)
    assert settings.neo4j_uri == "bolt://neo4j:7687"
    assert settings.neo4j_password is not None
    assert settings.data_dir == Path("/data")


def test_env_example_documents_every_interpolated_variable() -> None:
    used = set(_INTERPOLATION.findall((REPO / "docker-compose.yml").read_text()))
    documented = {
        line.split("=", 1)[0].strip()
        for line in (REPO / ".env.example").read_text().splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    }
    assert used, "the compose file takes nothing from .env?"
    assert used <= documented, f"missing from .env.example: {sorted(used - documented)}"
    assert "NEO4J_PASSWORD" in used


def test_dockerfile_runs_the_console_script() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim\b", dockerfile, re.M)
    assert re.search(r"^RUN pip install \.", dockerfile, re.M)
    cmd_line = re.search(r"^CMD (\[.*\])$", dockerfile, re.M)
    assert cmd_line, "CMD in exec (JSON) form"
    command = json.loads(cmd_line.group(1))
    assert command[:2] == ["diplograph", "serve"]
    assert "--load-examples" in command
    assert command[command.index("--host") + 1] == "0.0.0.0"
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["diplograph"] == "api.cli.main:main"
    args = build_parser().parse_args(command[1:])
    assert (args.host, args.load_examples) == ("0.0.0.0", True)


def test_dockerfile_copies_what_pip_install_needs() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    copied = {
        part.rstrip("/")
        for line in dockerfile.splitlines()
        if line.startswith("COPY ")
        for part in line.split()[1:-1]
    }
    packages = {"ontology", "loaders", "graph", "api"}
    assert packages | {"pyproject.toml", "README.md", "examples"} <= copied
    for name in copied:
        assert (REPO / name).exists(), f"Dockerfile copies {name}, which does not exist"
