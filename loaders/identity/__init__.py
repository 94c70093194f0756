"""Identity across articles: which IRI every entity and fact of every stored article stands for.

The loaders map each article on its own (:mod:`loaders.resolve`: the IRIs one article alone gives,
its *local ids*). :func:`canonicalise` then clusters every description of every article, plus the
recorded judgements, into one canonical IRI per real-world entity, agreement, event, post or
tenure, deterministically from that set: the graph does not depend on the order in which
articles were loaded. :func:`rewrite_article` puts one article graph into canonical IRIs.
:class:`~loaders.identity.incremental.IdentityState` gives the same canon after a write while
re-clustering only the descriptions the written articles reach (:mod:`.components`).
"""

from loaders.identity.canon import Canon, Judged, NoJudgements
from loaders.identity.facts import canonicalise
from loaders.identity.rewrite import rewrite_article, rewrite_statements, unchanged
from loaders.identity.statements import IDENTITY_PREDICATES, Statements, statements_of_graph

__all__ = [
    "IDENTITY_PREDICATES",
    "Canon",
    "Judged",
    "NoJudgements",
    "Statements",
    "canonicalise",
    "rewrite_article",
    "rewrite_statements",
    "statements_of_graph",
    "unchanged",
]
