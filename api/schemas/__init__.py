"""Models of the JSON graph API (entities, network, agreements).

API models are not storage types: each is built from the frozen result dataclasses of
``graph.queries.model`` by an explicit constructor (``of``), so the HTTP contract is written
down here once and documented in the OpenAPI document.

* ``common`` — entity references, concepts, evidence, pagination;
* ``params`` — query parameters, their checks and 422 answers;
* ``entities`` — search, detail, timeline;
* ``graph`` — the neutral ``{nodes, edges}`` form, its Cytoscape.js variant, brokers;
* ``agreements`` — agreements and influences.
"""
