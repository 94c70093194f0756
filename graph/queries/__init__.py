"""Graph query services (search, detail, neighbours, links, paths, agreements, influences,
timeline, brokers, statistics), written once over the backend-neutral :class:`GraphSource`.

Nothing here names a backend: ``graph.nx.source`` and ``graph.neo4j.source`` implement the source,
and ``graph.backends`` (``nx_queries``, ``neo4j_queries``) picks one. Results are the frozen
dataclasses of ``graph.queries.model`` and are identical for both backends.
"""

from __future__ import annotations

from graph.queries.filters import StepFilter
from graph.queries.service import QueryLimits, QueryService

__all__ = ["QueryLimits", "QueryService", "StepFilter"]
