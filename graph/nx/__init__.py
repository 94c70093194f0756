"""The in-process networkx view of the RDF store and its graph source."""
