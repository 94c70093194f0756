"""Everything that talks to pyoxigraph: the Oxigraph store, SPARQL service and formats."""
