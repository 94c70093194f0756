"""Entity identity across articles: mentions, clusters, canonical IRIs and judgements."""
