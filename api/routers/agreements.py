"""Agreements: a list filtered by party, signatory, cooperation area and date signed, and the
detail of one agreement (parties, who signed on whose behalf, areas, commitments and their
status, the bodies it establishes, the evidence)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.deps import QueriesDep
from api.schemas.agreements import AgreementDetailOut, AgreementList
from api.schemas.common import MOU_ID, json_response
from api.schemas.params import (
    ClaimedBy,
    Id,
    Include,
    Limit,
    Offset,
    SignedAfter,
    SignedBefore,
    check_window,
    clean_id,
)

router = APIRouter(prefix="/agreements", tags=["agreements"])

ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "No agreement has this id (problem+json)"},
    422: {"description": "A parameter is invalid: the problem names it (problem+json)"},
}


def _actor(description: str, example: str, label: str) -> Any:
    """``Query`` of an optional actor filter."""
    return Query(
        description=f"{description}: short id, IRI or name (an ambiguous name is a 409 listing "
        "the candidates)",
        openapi_examples={label: {"summary": label, "value": example}},
    )


@router.get("", response_model=AgreementList, summary="List agreements", responses=ERRORS)
async def list_agreements(
    queries: QueriesDep,
    party: Annotated[Id | None, _actor("a party", "country/DZA", "Algeria")] = None,
    signatory: Annotated[
        Id | None, _actor("a signatory", "person/said-chanegriha", "Saïd Chanegriha")
    ] = None,
    area: Annotated[
        Id | None,
        Query(
            description="a cooperation area (notation or IRI): counterterrorism, "
            "maritime-search-and-rescue, military-training, military-healthcare…",
            openapi_examples={"ct": {"summary": "counterterrorism", "value": "counterterrorism"}},
        ),
    ] = None,
    signed_after: SignedAfter = None,
    signed_before: SignedBefore = None,
    claimed_by: ClaimedBy = None,
    include: Include = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    """Agreements (MOUs, treaties, declarations, road maps…) with their parties, signatories
    and cooperation areas, by date signed (undated last). Filter by `party`, `signatory`,
    `area` and a window of signing dates (`signed_after`/`signed_before`, inclusive, partial
    dates allowed). "Which agreements has Algeria signed?" is `/agreements?party=country/DZA`;
    with `include=subordinates` also those of its ministries, armed forces and officials.
    `area` matches the agreement's areas and its commitments'. `claimed_by` keeps the
    agreements whose evidence that actor vouches for."""
    check_window(signed_after, signed_before, ("signed_after", "signed_before"))
    result = await run_in_threadpool(
        queries.agreements,
        party=clean_id(party) if party else None,
        signatory=clean_id(signatory) if signatory else None,
        area=area,
        signed_since=signed_after,
        signed_until=signed_before,
        limit=limit,
        offset=offset,
        claimed_by=clean_id(claimed_by) if claimed_by else None,
        subordinates=include == "subordinates",
    )
    return json_response(AgreementList.of(result))


@router.get(
    "/{agreement_id:path}",
    response_model=AgreementDetailOut,
    summary="Detail of an agreement",
    responses=ERRORS,
)
async def agreement(
    agreement_id: Annotated[
        Id,
        Path(
            description="Short id (`agreement/…`) or IRI of the agreement.",
            openapi_examples={"mou": {"summary": "the U.S.-Algeria MOU", "value": MOU_ID}},
        ),
    ],
    queries: QueriesDep,
) -> Response:
    """One agreement with everything the articles say: parties, who signed on whose behalf
    and when, whether it is legally binding, who negotiated it, the cooperation areas it
    covers, its commitments (kind, area, actors, status, due date) with their evidence, and
    the bodies it establishes (e.g. a Joint Military Commission meeting yearly)."""
    result = await run_in_threadpool(queries.agreement, clean_id(agreement_id))
    return json_response(AgreementDetailOut.of_detail(result))
