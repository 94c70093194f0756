"""Identity review: candidate duplicates (open) and judgements (recorded behind the write key).

The HTTP side of ``diplograph xref | merge | not-same | split | judgements``: the same checks
(``api.identity``), the same file (``<data_dir>/judgements.jsonl``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import BackendsDep, JudgementsDep
from api.identity import JudgementOutcome, candidate_dict, candidates, judge, split, undo
from api.schemas.params import Id, invalid
from api.security import require_key
from loaders.identity.judgements import MAX_BY_LENGTH, MAX_NOTE_LENGTH, Judgement

router = APIRouter(prefix="/identity", tags=["identity"])

MAX_CANDIDATES = 1000


class EvidenceOut(BaseModel):
    """Why a pair is proposed."""

    rule: str = Field(description="similar-names, shared-alias, shared-post, same-day-agreement")
    detail: str
    score: float
    names: list[str] = Field(description="the spellings (or post, titles) compared")
    articles: list[str] = Field(description="IRIs of the articles that give them")


class CandidateOut(BaseModel):
    """A candidate duplicate pair."""

    ids: list[str]
    names: list[str]
    group: str
    score: float = Field(description="0-100, best evidence raised a little by each further one")
    evidence: list[EvidenceOut]


class CandidateList(BaseModel):
    """Candidate duplicates, best first."""

    total: int
    items: list[CandidateOut]


class JudgementOut(BaseModel):
    """A recorded judgement (a line of judgements.jsonl)."""

    ids: list[str]
    judgement: Literal["same", "not-same"]
    at: str | None = Field(default=None, description="when it was recorded (UTC)")
    by: str | None = None
    note: str | None = None


class JudgementList(BaseModel):
    """The judgements in force, in the order recorded."""

    total: int
    items: list[JudgementOut]


class JudgementIn(BaseModel):
    """A judgement to record: ``same`` or ``not-same`` on two ids, or ``split`` of one former
    id out of the entity it was merged into."""

    model_config = {"extra": "forbid"}

    judgement: Literal["same", "not-same", "split"]
    ids: list[Id] = Field(min_length=1, max_length=2, description="canonical, former or short ids")
    note: str | None = Field(default=None, max_length=MAX_NOTE_LENGTH)
    by: str | None = Field(default=None, max_length=MAX_BY_LENGTH)


class JudgementResult(BaseModel):
    """What a change recorded and what it replaced (or removed)."""

    recorded: list[JudgementOut]
    replaced: list[JudgementOut]


def _out(judgement: Judgement) -> JudgementOut:
    return JudgementOut(**judgement.as_dict())


def _result(outcome: JudgementOutcome) -> JudgementResult:
    return JudgementResult(
        recorded=[_out(j) for j in outcome.recorded],
        replaced=[_out(j) for j in outcome.replaced],
    )


@router.get("/candidates", response_model=CandidateList, summary="Candidate duplicates")
async def list_candidates(
    backends: BackendsDep,
    judgements: JudgementsDep,
    limit: Annotated[int, Query(ge=1, le=MAX_CANDIDATES)] = 50,
    min_score: Annotated[float, Query(ge=0, le=100)] = 0.0,
) -> dict[str, Any]:
    """Entities (and agreements) the rules did not merge but that may be one: similar names
    and transliterations, shared aliases, shared posts, same-day agreements between the same
    parties. Best first, with the evidence and its articles; judged pairs are left out."""
    found = await run_in_threadpool(candidates, backends.store, judgements, min_score=min_score)
    return {"total": len(found), "items": [candidate_dict(c) for c in found[:limit]]}


@router.get("/judgements", response_model=JudgementList, summary="Recorded judgements")
async def list_judgements(judgements: JudgementsDep) -> JudgementList:
    """Every judgement in force (the content of judgements.jsonl)."""
    items = await run_in_threadpool(judgements.judgements)
    return JudgementList(total=len(items), items=[_out(j) for j in items])


@router.post(
    "/judgements",
    response_model=JudgementResult,
    status_code=status.HTTP_201_CREATED,
    summary="Record a judgement (API key)",
    dependencies=[Depends(require_key)],
)
async def record_judgement(
    body: JudgementIn, backends: BackendsDep, judgements: JudgementsDep
) -> JudgementResult:
    """Record that two ids are one entity (`same`), are not (`not-same`), or take a former id
    out of its entity (`split`, one id); then both stores are re-resolved. A later judgement on
    the same pair replaces the earlier one. Refused with 422, recording nothing, when an id is
    unknown, the two are of different kinds (a Country and a Person), the same entity, or
    countries with one ISO code."""
    wanted = 1 if body.judgement == "split" else 2
    if len(body.ids) != wanted:
        invalid(
            "ids", f"{body.judgement} takes {wanted} id(s), not {len(body.ids)}", body.ids, "body"
        )
    if body.judgement == "split":
        outcome = await run_in_threadpool(
            split, backends.store, judgements, body.ids[0], by=body.by, note=body.note
        )
    else:
        outcome = await run_in_threadpool(
            judge, backends.store, judgements, body.judgement, body.ids[0], body.ids[1],
            by=body.by, note=body.note,
        )  # fmt: skip
    return _result(outcome)


@router.delete(
    "/judgements",
    response_model=JudgementResult,
    summary="Undo a judgement (API key)",
    dependencies=[Depends(require_key)],
)
async def remove_judgement(
    a: Annotated[Id, Query(description="one id of the pair")],
    b: Annotated[Id, Query(description="the other id")],
    backends: BackendsDep,
    judgements: JudgementsDep,
) -> JudgementResult:
    """Remove the judgement on a pair (404 when there is none); both stores are re-resolved."""
    outcome = await run_in_threadpool(undo, backends.store, judgements, a, b)
    return _result(outcome)
