"""JSON-LD that cannot reach out: every context is inline, nothing is fetched.

rdflib's JSON-LD parser fetches (with no timeout) every context given by reference: a string
``@context`` anywhere (top level, embedded in a node, in an array of contexts, nested inside a
context object, as the scoped context of a term or a type) and every ``@import``, resolved
against the document's base, which for a request body is a ``file:`` IRI. A remote context
would make the server a client of any URL, a ``file:`` one would read server files (and
``file:///dev/zero`` never ends). rdflib reads these keys literally (``@context`` cannot be
aliased in JSON-LD), so walking the parsed document for them finds every reference before the
parser runs; the parser is then given the very object that was checked, never the text again.

No context is bundled: the project's own documents (exports, examples, tests) carry their
contexts inline. The refusal is the same for every reference, so it reveals nothing about the
server's files.
"""

from __future__ import annotations

import json
from typing import Any

from loaders.errors import ParseError, Problem
from loaders.source import load_json
from ontology.identifiers import preview

CONTEXT, IMPORT = "@context", "@import"
REMOTE_CONTEXT = (
    "context {iri} is given by reference: diplograph loads no remote or file: document, "
    "write the context inline (an object) instead"
)
IMPORTED_CONTEXT = (
    "@import {iri} names a context to load: diplograph loads no remote or file: document, "
    "write the context inline instead"
)


def load_jsonld(text: str, file: str) -> Any:
    """The JSON value of a JSON-LD document whose contexts are all inline; raise
    :class:`ParseError` naming the file, the line and the first context given by reference."""
    data = load_json(text, file)
    problems = [
        Problem(file, _line_of(text, iri), "", message) for iri, message in references(data)
    ]
    if problems:
        raise ParseError(problems)
    return data


def references(data: Any) -> list[tuple[str, str]]:
    """``(iri, message)`` of every context a JSON-LD parser would load from elsewhere.

    An explicit stack, not recursion: the document may nest as deep as the JSON decoder allows.
    Any value of ``@import`` counts (rdflib would try to load even a non-string one).
    """
    found: list[tuple[str, str]] = []
    stack: list[Any] = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key == CONTEXT:
                    found += [
                        (iri, REMOTE_CONTEXT.format(iri=preview(iri))) for iri in _strings(item)
                    ]
                elif key == IMPORT:
                    text = item if isinstance(item, str) else json.dumps(item)[:200]
                    found.append((text, IMPORTED_CONTEXT.format(iri=preview(text))))
                stack.append(item)
    return found


def _strings(context: Any) -> list[str]:
    """The strings a ``@context`` value holds directly or in (nested) arrays; objects are
    walked by :func:`references` itself."""
    out: list[str] = []
    stack = [context]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list):
            stack.extend(value)
    return out


def _line_of(text: str, iri: str) -> int | None:
    """The line where ``iri`` is written (as a JSON string), when it is written plainly."""
    position = text.find(json.dumps(iri, ensure_ascii=False))
    return None if position < 0 else text.count("\n", 0, position) + 1
