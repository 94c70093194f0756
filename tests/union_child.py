"""Articles for the default-graph tests, and a writer they kill in the middle of a bulk load.

``python tests/union_child.py DATA_DIR POINT`` opens the store holding version 1 of
:func:`articles`, replaces them by version 2 through the bulk loader (the threshold lowered so
that a few small graphs take that path, in several parts) and exits abruptly (``os._exit``: no
cleanup, as after SIGKILL) at ``POINT``: ``part`` (the second part is being written while the
first is loading) or ``flush`` (everything loaded, before the commit point).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, Namespace, URIRef

import graph.rdf.store as store_module
import graph.rdf.terms as terms
from graph.rdf.store import OxigraphStore

DG = Namespace("https://w3id.org/diplograph/ontology#")
ID = "https://w3id.org/diplograph/id/"
FRANCE = URIRef(f"{ID}country/FRA")
ARTICLES = 8


def article(number: int) -> str:
    """The IRI of article ``number``."""
    return f"{ID}article/union-{number}"


def articles(version: int, count: int = ARTICLES) -> dict[str, Graph]:
    """``count`` article graphs: each states France's type and name (shared by all), one
    triple shared with its neighbour, and its own title (which changes with ``version``)."""
    graphs = {}
    for number in range(count):
        graph = Graph()
        graph.add((FRANCE, DG.name, Literal("France")))
        graph.add((FRANCE, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), DG.Country))
        pair = URIRef(f"{ID}agreement/pair-{number // 2}")
        graph.add((pair, DG.signedIn, FRANCE))
        graph.add((URIRef(article(number)), DG.title, Literal(f"article {number} v{version}")))
        graphs[article(number)] = graph
    return graphs


def main(data_dir: str, point: str) -> None:
    """Replace version 1 by version 2 in the bulk path and die at ``point``."""
    store = OxigraphStore(Path(data_dir))
    store_module.BULK_THRESHOLD, store_module.BULK_PART = 5, 8
    if point == "part":
        real = terms.parts_data
        calls = [0]

        def parts_data(graphs: Any) -> tuple[bytes, bytes]:
            calls[0] += 1
            if calls[0] == 2:
                time.sleep(0.3)  # the first part is in the store (or being written)
                os._exit(9)
            return real(graphs)

        terms.parts_data = parts_data
    else:

        def flush() -> None:
            os._exit(9)

        store.flush = flush  # type: ignore[method-assign]
    store.replace_graphs(articles(2))
    print("finished without dying", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
