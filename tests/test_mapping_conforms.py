"""A fact sheet that passes the model's checks maps to RDF that conforms to the SHACL shapes.

This is why ``diplograph load`` does not run pySHACL on fact sheets (it took 108 of 126 s of a
1,000-article load): the fact-sheet path validates the sheet (pydantic model, cross-checks,
entity resolution, identifier checks) and the mapping is shown here to produce conformant RDF
for every sheet those checks accept — the reference example, a synthetic corpus of varied
sheets (``bench/generate.py``), and hypothesis mutations of the example. RDF input keeps the
SHACL check (tests/test_loaders_rdf.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given

from loaders import EntityIndex, LoadError, shacl_problems
from loaders.batch import load_paths
from loaders.factsheet import load_factsheet_text
from tests.conftest import fuzz_examples, fuzz_profile
from tests.faultutil import write_sheets
from tests.test_fuzz_factsheet import dump, mutated_examples

ROOT = Path(__file__).resolve().parents[1]


def conforms(text: str, fmt: str = "yaml") -> None:
    """Load ``text`` without SHACL; if it loads, its graph has no SHACL violation."""
    try:
        article = load_factsheet_text(text, EntityIndex(), file=f"t.{fmt}", fmt=fmt)  # type: ignore[arg-type]
    except LoadError:
        return  # refused by the model's checks: nothing is mapped
    errors = [p for p in shacl_problems(article.graph, article.source) if p.severity == "error"]
    assert errors == [], errors


def test_every_example_conforms() -> None:
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        conforms(path.read_text(encoding="utf-8"))


def test_a_synthetic_corpus_conforms(tmp_path: Path) -> None:
    files = write_sheets(tmp_path, 60, seed=7)
    batch = load_paths(files, EntityIndex(), shacl=False)
    assert not batch.failed and len(batch.articles) == 60
    for article in batch.articles:
        errors = [p for p in shacl_problems(article.graph, article.source) if p.severity == "error"]
        assert errors == [], (article.source, errors)


@fuzz_profile(fuzz_examples(60))
@given(document=mutated_examples())
def test_mutated_sheets_that_load_conform(document: Any) -> None:
    conforms(dump(document, "yaml"))
