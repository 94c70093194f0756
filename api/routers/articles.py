"""Articles: list and inspect (open), load and retract (API key)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request, status
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import BackendsDep, JudgementsDep
from api.ingest import article_iri, ingest_text, retract
from api.schemas.params import Id
from api.security import require_key
from graph.errors import NotFound

router = APIRouter(prefix="/articles", tags=["articles"])

BODY_FORMATS = {
    "application/yaml": "yaml",
    "application/x-yaml": "yaml",
    "text/yaml": "yaml",
    "application/json": "json",
    "application/ld+json": "json-ld",
    "text/turtle": "turtle",
    "application/trig": "trig",
    "application/n-quads": "nquads",
    "application/n-triples": "nt",
}


ArticleId = Annotated[
    Id,
    Path(description="Article id (`defensescoop-2025-01-us-algeria-mou`) or article IRI."),
]


class ArticleOut(BaseModel):
    """An article graph and what its `dg:Article` node says."""

    id: str = Field(description="the article IRI (its named graph)")
    triples: int
    title: str | None = None
    url: str | None = None
    date: str | None = None


class ArticleList(BaseModel):
    """Loaded articles, by IRI."""

    total: int
    items: list[ArticleOut]


class MergeOut(BaseModel):
    """Descriptions with different local ids that identity resolution made one entity."""

    id: str
    merged_from: list[str]
    articles: list[str]
    reasons: list[str]


class LoadResult(BaseModel):
    """What a load did."""

    articles: list[str]
    triples: int
    warnings: list[str]
    seconds: float
    merged: list[MergeOut] = []
    """Entities this load merged (or that stay merged with the articles it rewrote)."""
    rewritten: list[str] = []
    """Stored articles whose facts were re-pointed at merged entities."""


class RetractResult(BaseModel):
    """What a retraction did."""

    article: str
    recomputed: int


def _out(info: Any) -> ArticleOut:
    return ArticleOut(
        id=info.iri, triples=info.triples, title=info.title, url=info.url, date=info.date
    )


@router.get("", response_model=ArticleList, summary="List articles")
async def list_articles(backends: BackendsDep) -> ArticleList:
    """Every loaded article with its triple count, title, URL and date."""
    articles = await run_in_threadpool(backends.rdf.articles)
    return ArticleList(total=len(articles), items=[_out(a) for a in articles])


@router.get("/{article_id:path}", response_model=ArticleOut, summary="One article")
async def get_article(article_id: ArticleId, backends: BackendsDep) -> ArticleOut:
    """One article by id (`defensescoop-2025-01-us-algeria-mou`) or IRI; 404 if not loaded."""
    iri = article_iri(article_id)
    for info in await run_in_threadpool(backends.rdf.articles):
        if info.iri == iri:
            return _out(info)
    raise NotFound(f"no article {iri} is loaded")


def _body_format(request: Request) -> str:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in BODY_FORMATS:
        known = ", ".join(sorted(BODY_FORMATS))
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            f"unsupported Content-Type '{media_type or '(none)'}'; send one of: {known}",
        )
    return BODY_FORMATS[media_type]


@router.post(
    "",
    response_model=LoadResult,
    status_code=status.HTTP_201_CREATED,
    summary="Load an article (API key)",
    dependencies=[Depends(require_key)],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {media: {"schema": {"type": "string"}} for media in BODY_FORMATS},
        }
    },
)
async def load_article(
    request: Request, backends: BackendsDep, judgements: JudgementsDep
) -> LoadResult:
    """Load one fact sheet (YAML or JSON) or RDF document (Turtle, TriG, N-Quads, JSON-LD).
    A changed version of an article replaces its facts. All-or-nothing: a bad document is
    refused with 422 and the problems, and nothing reaches either store."""
    fmt = _body_format(request)
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, f"the body is not UTF-8 text: {error}"
        ) from error
    report = await run_in_threadpool(ingest_text, backends.store, text, fmt=fmt, judged=judgements)
    return LoadResult(
        articles=report.articles,
        triples=report.triples,
        warnings=[str(w) for w in report.warnings],
        seconds=round(report.seconds, 4),
        merged=[
            MergeOut(
                id=m.iri,
                merged_from=[x for x in m.local_ids if x != m.iri],
                articles=list(m.articles),
                reasons=list(m.reasons),
            )
            for m in report.merges
        ],
        rewritten=list(report.rewritten),
    )


@router.delete(
    "/{article_id:path}",
    response_model=RetractResult,
    summary="Retract an article (API key)",
    dependencies=[Depends(require_key)],
)
async def retract_article(
    article_id: ArticleId, backends: BackendsDep, judgements: JudgementsDep
) -> RetractResult:
    """Drop the article's named graph from the RDF store and recompute the Neo4j projection of
    what it touched; facts other articles also state stay. 404 if not loaded."""
    result = await run_in_threadpool(retract, backends.store, article_id, judgements)
    return RetractResult(article=result.articles[0], recomputed=result.touched)
