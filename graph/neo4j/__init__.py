"""Everything that talks to the Neo4j driver.

The projection writer, its LINK upkeep, graph reads, the read-only Cypher service and the local
server manager.
"""
