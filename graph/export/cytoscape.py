"""Cytoscape.js JSON (``{"elements": {"nodes": [{"data": …}], "edges": [{"data": …}]}}``).

Every element's ``data`` has ``id`` (nodes: the entity IRI; edges: the step IRI), ``label`` and
the attributes with their JSON types (lists stay arrays); edges add ``source``, ``target``,
``relation`` and ``directed``; nodes add ``type``. Spells are ``[{start, end}]`` (null for an
open bound). The document is streamed element by element.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from typing import Any

from graph.export.model import Spell, Subgraph, Value

MEDIA_TYPE = "application/json"
EXTENSION = "cyjs"
CHUNK = 1000

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _json_value(value: Value) -> Any:
    """A JSON-friendly value (tuples as lists, non-finite numbers as null)."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _spells(spells: tuple[Spell, ...]) -> list[dict[str, str | None]]:
    return [{"start": s.start, "end": s.end} for s in spells]


def _data(base: dict[str, Any], attributes: Mapping[str, Value], spells: tuple[Spell, ...]) -> str:
    """One element as JSON text (base keys win over attributes of the same name)."""
    data = {k: j for k, v in attributes.items() if (j := _json_value(v)) is not None}
    data.update(base)
    if spells:
        data["spells"] = _spells(spells)
    return _dumps({"data": data})


def write_cytoscape(sub: Subgraph) -> Iterator[str]:
    """The Cytoscape.js document of ``sub``, in chunks."""
    head: dict[str, Any] = {"description": sub.description, **dict(sub.meta)}
    yield '{"data":' + _dumps(head) + ',"elements":{"nodes":['
    buf: list[str] = []
    first = True
    for node in sub.nodes:
        text = _data(
            {"id": node.id, "label": node.label, "type": node.type}, node.attributes, node.spells
        )
        buf.append(text if first else "," + text)
        first = False
        if len(buf) >= CHUNK:
            yield "".join(buf)
            buf.clear()
    buf.append('],"edges":[')
    first = True
    for edge in sub.edges:
        base = {
            "id": edge.id,
            "source": edge.source,
            "target": edge.target,
            "label": edge.label,
            "relation": edge.relation,
            "directed": edge.directed,
            "weight": edge.weight if math.isfinite(edge.weight) else 1.0,
        }
        text = _data(base, edge.attributes, edge.spells)
        buf.append(text if first else "," + text)
        first = False
        if len(buf) >= CHUNK:
            yield "".join(buf)
            buf.clear()
    buf.append("]}}\n")
    yield "".join(buf)
