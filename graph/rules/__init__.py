"""Pure derivations from the RDF union: records of the property graph, actor steps."""
