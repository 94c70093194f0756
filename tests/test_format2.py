"""Format 2 itself: the gate on format 2 keys, and ``diplograph migrate`` on every v1 sheet."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Literal, get_args, get_origin

import pytest
from pydantic import BaseModel
from rdflib import BNode

from loaders import model
from loaders.errors import InvalidInputError
from loaders.factsheet import SheetFormat, load_factsheet_text, parse_factsheet
from loaders.index import EntityIndex
from loaders.migrate import migrate_text

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "fixtures" / "loaders" / "bad"
V1_SHEETS = sorted(
    p
    for folder in (ROOT / "examples", ROOT / "tests" / "fixtures")
    for p in folder.rglob("*.yaml")
    if "bad" not in p.parts and "format: 2" not in p.read_text(encoding="utf-8")
)


def _load(text: str, file: str, fmt: SheetFormat = "yaml") -> list[str]:
    """The article's quads as N-Quads lines, sorted (the mapping mints no blank nodes)."""
    article = load_factsheet_text(text, EntityIndex(), file=file, fmt=fmt)
    quads = [(s, p, o) for s, p, o in article.graph]
    assert quads and not any(isinstance(term, BNode) for quad in quads for term in quad)
    return sorted(f"{s.n3()} {p.n3()} {o.n3()} <{article.iri}> ." for s, p, o in quads)


def _problems(path: Path) -> list[str]:
    with pytest.raises(InvalidInputError) as raised:
        load_factsheet_text(path.read_text(encoding="utf-8"), EntityIndex(), file=str(path))
    return [str(p) for p in raised.value.problems]


def test_a_format_2_key_needs_format_2_with_file_and_line() -> None:
    path = BAD / "v2-key-without-format-2.yaml"
    assert _problems(path) == [
        f"{path}:12: events[0].place: `place` is a format 2 key: add `format: 2` at the top "
        "of the sheet (or run `diplograph migrate FILE`)"
    ]


def test_format_2_refuses_location_and_names_place() -> None:
    path = BAD / "v2-location-in-format-2.yaml"
    assert _problems(path) == [
        f"{path}:13: events[0].location: `location` is not a format 2 key: write `place` instead"
    ]


def test_place_and_location_map_to_the_same_graph() -> None:
    v1 = (BAD / "v2-location-in-format-2.yaml").read_text(encoding="utf-8")
    v1 = v1.replace("format: 2\n", "").replace("bad-v2", "v2")
    v2 = v1.replace("location:", "place:").replace("article:", "format: 2\narticle:", 1)
    assert _load(v1, "v1.yaml") == _load(v2, "v2.yaml")


def test_there_are_v1_sheets_to_migrate() -> None:
    assert len(V1_SHEETS) >= 10
    assert any("location:" in p.read_text(encoding="utf-8") for p in V1_SHEETS)


@pytest.mark.parametrize("path", V1_SHEETS, ids=lambda p: p.name)
def test_migrate_keeps_the_graph_comments_and_is_idempotent(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    migrated = migrate_text(text, str(path))
    sheet = parse_factsheet(migrated, str(path)).data
    assert isinstance(sheet, dict) and sheet["format"] == 2
    assert "location:" not in migrated
    assert _load(migrated, str(path)) == _load(text, str(path))
    assert migrate_text(migrated, str(path)) == migrated
    comments = [line.strip() for line in text.splitlines() if line.lstrip().startswith("#")]
    kept = [line.strip() for line in migrated.splitlines() if line.lstrip().startswith("#")]
    assert kept == comments
    assert len(migrated.splitlines()) == len(text.splitlines()) + 1  # only `format: 2` added


def test_migrate_rewrites_json_as_json() -> None:
    path = ROOT / "tests" / "fixtures" / "regions" / "morocco-us-african-lion.yaml"
    data = parse_factsheet(path.read_text(encoding="utf-8"), str(path)).data
    assert isinstance(data, dict)
    text = json.dumps({"$schema": "x.json", **data}, indent=2) + "\n"
    migrated = migrate_text(text, "sheet.json", "json")
    out = json.loads(migrated)
    assert list(out)[:3] == ["$schema", "format", "article"]
    assert all("location" not in e for e in out["events"])
    assert _load(migrated, "sheet.json", "json") == _load(text, "sheet.json", "json")
    assert migrate_text(migrated, "sheet.json", "json") == migrated


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIPLOGRAPH_")}
    command = [sys.executable, "-m", "api.cli.main", "migrate", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def test_migrate_command_in_place_then_unchanged(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.yaml"
    sheet.write_bytes((ROOT / "tests" / "fixtures" / "loaders" / "good.yaml").read_bytes())
    first = _cli("--in-place", str(sheet))
    assert first.returncode == 0, first.stderr
    assert "migrated" in first.stderr
    once = sheet.read_bytes()
    assert b"\nformat: 2\n" in once
    second = _cli("--in-place", str(sheet))
    assert "already format 2, unchanged" in second.stderr
    assert sheet.read_bytes() == once


def test_migrate_command_refuses_a_file_it_cannot_read(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("article: [unclosed\n", encoding="utf-8")
    result = _cli("-o", str(tmp_path / "out.yaml"), str(broken))
    assert result.returncode == 1
    assert f"{broken}:" in result.stderr and "not YAML" in result.stderr
    assert not (tmp_path / "out.yaml").exists()


def _format_2_section() -> str:
    text = (ROOT / "docs" / "fact-sheets.md").read_text(encoding="utf-8")
    start = text.index("\n## Format 2\n")
    return text[start : text.index("\n## ", start + 1)]


def _marked_keys() -> set[str]:
    """Every key the model marks as format 2, as the gate names it (``type: place`` for tags)."""
    keys: set[str] = set()
    for cls in vars(model).values():
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
            continue
        for name, info in cls.model_fields.items():
            extra = info.json_schema_extra
            if isinstance(extra, dict) and extra.get("x-format") == 2:
                key = info.alias or name
                if get_origin(info.annotation) is Literal:
                    key = f"{key}: {get_args(info.annotation)[0]}"
                keys.add(key)
    return keys


def test_the_overview_lists_every_format_2_key_and_its_links_resolve() -> None:
    section = _format_2_section()
    keys = _marked_keys()
    assert "place" in keys
    missing = sorted(k for k in keys if f"`{k}`" not in section)
    assert missing == [], f"format 2 keys missing from the ## Format 2 overview: {missing}"
    headings = {
        "-".join("".join(c for c in h.lower() if c.isalnum() or c in " -").split())
        for h in (ROOT / "docs" / "fact-sheets.md").read_text(encoding="utf-8").splitlines()
        if h.startswith(("## ", "### "))
        for h in [h.lstrip("#").strip()]
    }
    links = set(re.findall(r"\]\(#([a-z0-9-]+)\)", section))
    assert links and links <= headings, links - headings


def test_migrate_puts_format_after_schema_and_replaces_format_1() -> None:
    sheet = '"$schema": ../schema.json\narticle: {id: a, published: 2025}  # kept\n'
    lines = migrate_text(sheet).splitlines()
    assert lines[:2] == ['"$schema": ../schema.json', "format: 2"]
    assert " ".join(lines[2].split()) == 'article: {id: a, published: "2025"} # kept'
    declared = "format: 1\narticle:\n  id: a\n"
    assert migrate_text(declared) == "format: 2\narticle:\n  id: a\n"
