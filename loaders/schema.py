"""The JSON schema of fact sheets, generated from :class:`loaders.model.FactSheet`.

``python -m loaders.schema`` rewrites ``loaders/factsheet.schema.json``; a test checks that the
committed file equals :func:`factsheet_json_schema`, so the two cannot drift apart.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from loaders.model import FactSheet

SCHEMA_PATH = Path(__file__).with_name("factsheet.schema.json")
SCHEMA_ID = "https://w3id.org/diplograph/schema/factsheet.schema.json"


def factsheet_json_schema() -> dict[str, Any]:
    """The JSON schema (draft 2020-12) of a fact sheet, keys by alias (``in``, ``$schema``)."""
    schema = FactSheet.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
    }


def schema_text() -> str:
    """The schema as it is written to disk (sorted keys, two-space indent, final newline)."""
    return json.dumps(factsheet_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    """Write the schema file; return its path."""
    path.write_text(schema_text(), encoding="utf-8")
    return path


if __name__ == "__main__":  # pragma: no cover
    print(write_schema())
