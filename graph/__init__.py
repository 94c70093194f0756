"""Stores (Oxigraph RDF store, Neo4j projection), query services and exporters."""
