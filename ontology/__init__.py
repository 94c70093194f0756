"""The diplograph ontology, SHACL shapes and the typed namespace module."""
