"""Input formats (fact sheets, RDF) to rdflib Datasets; entity resolution and IRI minting."""
