# The diplograph API (FastAPI, SPARQL, read-only Cypher) for docker-compose.yml, where it talks to
# the neo4j service. Build context: the repository root.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# Only what the package needs (no .git, caches or virtualenvs in the image).
COPY pyproject.toml README.md ./
COPY ontology ./ontology
COPY loaders ./loaders
COPY graph ./graph
COPY api ./api
COPY examples ./examples
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /data diplograph \
    && mkdir -p /data \
    && chown diplograph /data

# The RDF store lives in /data; the example fact sheets stay in /app/examples (they are not part
# of the installed package).
ENV DIPLOGRAPH_DATA_DIR=/data \
    DIPLOGRAPH_EXAMPLES_DIR=/app/examples
USER diplograph
VOLUME /data
EXPOSE 8000
CMD ["diplograph", "serve", "--host", "0.0.0.0", "--load-examples"]
