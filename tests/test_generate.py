"""The synthetic fact-sheet generator of ``bench/generate.py``."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from faultutil import bench_generator

import loaders
import loaders.model
import loaders.names

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = 20
SEED = 7


gen = bench_generator()


def _run(out: Path, fmt: str = "json", seed: int = SEED, articles: int = ARTICLES) -> list[Path]:
    args = ["--articles", str(articles), "--out", str(out), "--seed", str(seed), "--format", fmt]
    assert gen.main(args) == 0
    return sorted(out.iterdir())


def _read(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, dict[str, Any]]]:
    files = _run(tmp_path_factory.mktemp("corpus"))
    return [(f, _read(f)) for f in files]


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    first = _run(tmp_path / "a")
    second = _run(tmp_path / "b")
    other = _run(tmp_path / "c", seed=SEED + 1)
    assert len(first) == ARTICLES
    assert [f.name for f in first] == [f.name for f in second]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, second, strict=True))
    assert [f.read_bytes() for f in first] != [f.read_bytes() for f in other]


def test_article_i_does_not_depend_on_how_many_follow() -> None:
    """Article ``i`` has its own generator: a shorter run is a prefix of a longer one."""
    few = list(gen.generate(5, SEED, n_agreements=30))
    many = list(gen.generate(ARTICLES, SEED, n_agreements=30))
    assert few == many[:5]


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_every_file_parses_with_the_top_level_keys(tmp_path: Path, fmt: str) -> None:
    files = _run(tmp_path / fmt, fmt=fmt)
    assert len(files) == ARTICLES
    for path in files:
        assert path.suffix == f".{fmt}"
        sheet = _read(path)
        assert set(sheet) == set(gen.TOP_LEVEL_KEYS)
        assert sheet["article"]["id"] == path.stem
        assert sheet["entities"]
        facts = sum(len(sheet[k]) for k in ("agreements", "influences"))
        assert facts > 0


def test_json_and_yaml_hold_the_same_data(tmp_path: Path) -> None:
    as_json = _run(tmp_path / "j", fmt="json")
    as_yaml = _run(tmp_path / "y", fmt="yaml")
    for j, y in zip(as_json, as_yaml, strict=True):
        assert _read(j) == _read(y)


def _refs(sheet: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(where, reference, namespace) for every reference of a sheet; namespaces: entity, post,
    agreement."""
    art = sheet["article"]
    yield "article.publisher", art["publisher"], "entity"
    for a in art["authors"]:
        yield "article.authors", a, "entity"
    for e in sheet["entities"]:
        for key in ("part_of", "country", "nationality"):
            if key in e:
                yield f"entity {e['id']}.{key}", e[key], "entity"
        for c in e.get("includes", []):
            yield f"region {e['id']}.includes", c, "entity"
    for p in sheet["posts"]:
        yield f"post {p['id']}.in", p["in"], "entity"
    for t in sheet["tenures"]:
        yield "tenure.holder", t["holder"], "entity"
        yield "tenure.post", t["post"], "post"
    for ag in sheet["agreements"]:
        for p in ag["parties"]:
            yield "agreement.parties", p, "entity"
        if "place" in ag.get("signed", {}):
            yield "agreement.signed.place", ag["signed"]["place"], "entity"
        for s in ag["signatories"]:
            yield "signatory", s["signatory"], "entity"
            yield "signatory.on_behalf_of", s["on_behalf_of"], "entity"
        for est in ag.get("establishes", []):
            yield "establishes.body", est["body"], "entity"
        for n in ag.get("negotiated_by", []):
            yield "agreement.negotiated_by", n, "entity"
        for c in ag["commitments"]:
            for a in c["actors"]:
                yield "commitment.actors", a, "entity"
    for i in sheet["influences"]:
        yield "influence.influencer", i["influencer"], "entity"
        yield "influence.influenced", i["influenced"], "entity"
    for ev in sheet["events"]:
        for p in ev["participants"]:
            yield "event.participants", p, "entity"
        if "location" in ev:
            yield "event.location", ev["location"], "entity"
        if "concerns" in ev:
            yield "event.concerns", ev["concerns"], "agreement"
    for r in sheet["relations"]:
        yield "relation.subject", r["subject"], "entity"
        yield "relation.object", r["object"], "entity"
    for fact in _facts(sheet):
        for evidence in _evidence(fact):
            if "claimed_by" in evidence:
                yield "evidence.claimed_by", evidence["claimed_by"], "entity"


def _facts(sheet: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from sheet["tenures"]
    for ag in sheet["agreements"]:
        yield ag
        yield from ag["signatories"]
        yield from ag["commitments"]
    yield from sheet["influences"]
    yield from sheet["events"]
    yield from sheet["relations"]


def _evidence(fact: dict[str, Any]) -> list[dict[str, Any]]:
    ev = fact["evidence"]
    return ev if isinstance(ev, list) else [ev]


def test_every_reference_is_declared_and_every_fact_has_evidence(
    corpus: list[tuple[Path, dict[str, Any]]],
) -> None:
    for path, sheet in corpus:
        ids = [e["id"] for e in sheet["entities"]]
        assert len(ids) == len(set(ids)), path
        declared = {
            "entity": set(ids),
            "post": {p["id"] for p in sheet["posts"]},
            "agreement": {a["id"] for a in sheet["agreements"]},
        }
        for where, ref, namespace in _refs(sheet):
            assert ref in declared[namespace], f"{path.name}: {where} -> undeclared {ref!r}"
        for fact in _facts(sheet):
            evidence = _evidence(fact)
            assert evidence, f"{path.name}: fact without evidence: {fact}"
            assert all(e["quote"] and len(e["quote"]) <= 600 for e in evidence)


def test_entities_are_shared_with_hubs(tmp_path: Path) -> None:
    """Across sheets the same entities recur (hubs), and some agreements are reported twice."""
    sheets = [_read(f) for f in _run(tmp_path / "share", articles=200)]
    mentions = Counter(e["id"] for s in sheets for e in s["entities"])
    top, count = mentions.most_common(1)[0]
    assert count >= 40, (top, count)
    assert sum(1 for c in mentions.values() if c == 1) > 0  # and a long tail
    agreements = Counter(
        (a["kind"], a["signed"]["date"], tuple(sorted(a["parties"])))
        for s in sheets
        for a in s["agreements"]
    )
    assert max(agreements.values()) >= 2
    # one entity, one description: the same id is declared identically everywhere
    by_id: dict[str, dict[str, Any]] = {}
    for s in sheets:
        for e in s["entities"]:
            seen = by_id.setdefault(e["id"], e)
            if e["type"] != "region":  # a region lists only the member countries a sheet declares
                assert seen == e


def test_sheets_match_the_fact_sheet_model(corpus: list[tuple[Path, dict[str, Any]]]) -> None:
    """The pydantic models of the format (shape, types, dates) accept every sheet."""
    for _, sheet in corpus:
        loaders.model.FactSheet.model_validate(sheet)


def test_notations_are_known_or_labels(corpus: list[tuple[Path, dict[str, Any]]]) -> None:
    vocab = gen.read_notations()
    checks: dict[str, Callable[[dict[str, Any]], list[str]]] = {
        "area": lambda s: (
            [c for a in s["agreements"] for c in a["areas"]]
            + [c["area"] for a in s["agreements"] for c in a["commitments"] if "area" in c]
        ),
        "commitment-kind": lambda s: [c["kind"] for a in s["agreements"] for c in a["commitments"]],
        "commitment-status": lambda s: [
            c["status"] for a in s["agreements"] for c in a["commitments"] if "status" in c
        ],
        "influence-kind": lambda s: [i["kind"] for i in s["influences"]],
        "event-kind": lambda s: [e["kind"] for e in s["events"]],
        "relation-kind": lambda s: [r["kind"] for r in s["relations"]],
        "organization-kind": lambda s: [
            e["kind"] for e in s["entities"] if e["type"] == "organization"
        ],
    }
    for _, sheet in corpus:
        for scheme, values in checks.items():
            for value in values(sheet):
                assert value in vocab[scheme] or " " in value, (scheme, value)


def test_generator_writes_the_sheets_asked_for(tmp_path: Path) -> None:
    """500 sheets, one file each (its speed is measured by bench/load_bench.py, not here)."""
    _run(tmp_path / "many", articles=500)
    assert len(list((tmp_path / "many").iterdir())) == 500


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_sheets_load_with_the_loader(tmp_path: Path, fmt: str) -> None:
    """The loader's batch API (``loaders.load_paths``, SHACL included) accepts every sheet; the
    only warnings are the rare new concepts the generator adds on purpose."""
    out = tmp_path / fmt
    _run(out, fmt=fmt)
    result = loaders.load_paths([out], loaders.EntityIndex())  # all-or-nothing: raises on error
    assert len(result.articles) == ARTICLES
    assert not result.failed
    for warning in result.warnings:
        assert "is new to the" in warning.message, str(warning)
    assert all(len(article) > 20 for article in result.articles)
    # entities recur across sheets: the batch index holds fewer entities than were declared
    declared = sum(len(_read(f)["entities"]) for f in out.iterdir())
    assert len(result.index) < declared


def test_world_names_never_merge_under_the_loaders_matching() -> None:
    """Distinct synthetic entities keep distinct matching keys (name and aliases), so the
    loader's name-based identity never merges two of them, nor one with a person of the
    reference example."""
    world = gen.World(SEED, 300)
    owner: dict[tuple[str, str], str] = {}
    for entity in world.entities.values():
        group = "person" if entity.type in ("person", "official") else entity.type
        for text in [entity.name, *entity.decl.get("aliases", [])]:
            key = (group, loaders.names.normalize_name(text, person=group == "person"))
            assert owner.setdefault(key, entity.id) == entity.id, (key, owner[key], entity.id)
    for real in ("Michael Langley", "Saïd Chanegriha", "Martin Pimentel", "Brandi Vincent"):
        assert ("person", loaders.names.normalize_name(real, person=True)) not in owner
