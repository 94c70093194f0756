"""Stores, the projection, query services and exporters: the middle layer of diplograph.

One room per backend, one home per rule. Reading the folder names top-down draws the
architecture (an arrow is "imports"; ``tests/test_layers.py`` enforces it)::

    backends.py            opens everything: the RDF store, Neo4j (driver, projection, Cypher),
        │                  the query services on Neo4j or networkx, the exporter
        ├── writer.py      GraphStore: writes the RDF store, then the projection, as one load
        │                  (journal.py: the undo journal and stale marker of the data dir;
        │                  repair.py: rebuilds a stale projection at start-up)
        ├── export/        one module per format (GEXF, GraphML, Gephi CSV, Cytoscape, RDF)
        ├── neo4j/         everything that talks to the Neo4j driver: projection writer, LINK
        │                  upkeep, graph reads (source.py), read-only Cypher, the local server
        ├── nx/            the in-process networkx view of the RDF store and its graph source
        └── rdf/           everything that talks to pyoxigraph: the Oxigraph store (store.py,
                           terms, lookups, catalog, evaluate), the /sparql service (a pool of
                           isolated worker processes, a parse-tree check), SPARQL readers
    queries/               the query services (links, paths, neighbours, agreements, timeline,
                           brokers…), written once over the GraphSource protocol: no backend
    rules/                 pure derivations from quads: property-graph records (records.py,
                           with the "which value wins" and evidence rules; naming.py, RDF <->
                           Neo4j names both ways) and actor steps (steps.py, fact_index.py,
                           step_reads.py): no store, no I/O
    model.py, errors.py    records, the RDFStore and Projection protocols, the error tree
    batching.py            slicing long lists for UNWIND and VALUES

Domain rules that every layer shares (actor and entity classes, type priority) live in
``ontology.classes``.
"""
