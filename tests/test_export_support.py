"""Readers the export tests check files with: the official GEXF 1.3 RELAX NG schema (lxml),
graphology-gexf under Node.js (``tests/js``), and a Gephi CSV zip reader.

Node.js packages are installed once into ``tests/js/node_modules`` (``npm ci`` from the pinned
lock file) the first time a test needs them; without ``node``/``npm`` those tests skip, or fail
under ``CI=true``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
GEXF_RNG = ROOT / "graph" / "export" / "schema" / "gexf-1.3" / "gexf.rng"
JS_DIR = ROOT / "tests" / "js"


@cache
def gexf_schema() -> etree.RelaxNG:
    """The official GEXF 1.3 RELAX NG grammar (with its dynamics and viz includes)."""
    return etree.RelaxNG(etree.parse(str(GEXF_RNG)))


def assert_valid_gexf(data: bytes) -> etree._Element:
    """Parse ``data`` and check it against the schema; returns the root element."""
    root = etree.fromstring(data)
    schema = gexf_schema()
    if not schema.validate(root):
        errors = "\n".join(str(e) for e in list(schema.error_log)[:10])
        pytest.fail(f"GEXF does not validate against the 1.3 RELAX NG schema:\n{errors}")
    return root


def _missing(tool: str) -> None:
    message = f"{tool} is not installed; the JavaScript reader tests need Node.js and npm"
    if os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}:
        pytest.fail(message + " (CI=true: failing instead of skipping)")
    pytest.skip(message)


@cache
def node_ready() -> str:
    """Path of ``node`` once ``tests/js/node_modules`` is installed."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None:
        _missing("node")
    if not (JS_DIR / "node_modules" / "graphology-gexf").is_dir():
        if npm is None:
            _missing("npm")
        command = "ci" if (JS_DIR / "package-lock.json").exists() else "install"
        subprocess.run(
            [str(npm), command, "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=JS_DIR,
            check=True,
            timeout=240,
        )
    return str(node)


def read_with_graphology(path: Path) -> dict[str, Any]:
    """What graphology-gexf reads from a GEXF file (see ``tests/js/read_gexf.js``)."""
    node = node_ready()
    done = subprocess.run(
        [node, str(JS_DIR / "read_gexf.js"), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def read_csv_zip(data: bytes) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The node and edge rows of a Gephi CSV zip."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["nodes.csv", "edges.csv"]
        assert archive.testzip() is None
        tables = []
        for name in ("nodes.csv", "edges.csv"):
            text = archive.read(name).decode("utf-8")
            tables.append(list(csv.DictReader(io.StringIO(text, newline=""))))
    return tables[0], tables[1]


def test_the_official_schema_loads_and_rejects_a_bad_document() -> None:
    schema = gexf_schema()
    bad = b'<gexf xmlns="http://gexf.net/1.3" version="1.3"><graph><nodes/></graph></gexf>'
    assert not schema.validate(etree.fromstring(bad))


def test_graphology_reads_a_minimal_mixed_multigraph(tmp_path: Path) -> None:
    path = tmp_path / "mini.gexf"
    path.write_text(
        '<gexf xmlns="http://gexf.net/1.3" version="1.3"><graph defaultedgetype="directed">'
        '<nodes><node id="a"/><node id="b"/></nodes><edges>'
        '<edge id="1" source="a" target="b" kind="x"/>'
        '<edge id="2" source="a" target="b" kind="y" type="undirected"/>'
        "</edges></graph></gexf>"
    )
    read = read_with_graphology(path)
    assert (read["nodes"], read["edges"], read["type"]) == (2, 2, "mixed")
    assert read["kinds"] == {"x": 1, "y": 1}
