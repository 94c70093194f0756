"""The one table that maps the project's errors to RFC 9457 ``application/problem+json``.

Store and loader code raise their own error types (``graph.errors``, ``loaders.errors``); routers
never build error responses by hand. Anything not in the table is a 500 whose body reveals nothing
but a request id, while the details go to the log.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph import errors as graph_errors
from loaders import errors as loader_errors
from loaders.identity import judgements

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "https://w3id.org/diplograph/problems/"
log = logging.getLogger("diplograph.api")


@dataclass(frozen=True)
class ProblemKind:
    """How one error type is shown over HTTP."""

    status: int
    slug: str
    title: str
    retry_after_s: int | None = None


# Order matters: the first entry whose class matches (isinstance) wins, so subclasses come first.
PROBLEM_TABLE: tuple[tuple[type[Exception], ProblemKind], ...] = (
    (graph_errors.NotFound, ProblemKind(404, "not-found", "Not found")),
    (graph_errors.AmbiguousName, ProblemKind(409, "ambiguous-name", "Ambiguous name")),
    (graph_errors.QueryTimeout, ProblemKind(504, "query-timeout", "Query timed out")),
    (graph_errors.StoreUnavailable, ProblemKind(503, "store-unavailable", "Store unavailable", 5)),
    (graph_errors.WriteRejected, ProblemKind(403, "write-rejected", "Write rejected")),
    (graph_errors.ResultTooLarge, ProblemKind(413, "result-too-large", "Result too large")),
    (
        graph_errors.MemoryLimitExceeded,
        ProblemKind(422, "memory-limit", "Query exceeds the memory limit"),
    ),
    (graph_errors.QueryError, ProblemKind(400, "bad-query", "Bad query")),
    (
        graph_errors.QueryAborted,
        ProblemKind(422, "query-aborted", "Query exceeded the engine's limits"),
    ),
    (graph_errors.NotAcceptable, ProblemKind(406, "not-acceptable", "Not acceptable")),
    (graph_errors.InvalidData, ProblemKind(422, "invalid-data", "Invalid data")),
    (graph_errors.ConflictError, ProblemKind(409, "conflict", "Conflicting write", 1)),
    (judgements.JudgementRefused, ProblemKind(422, "judgement-refused", "Judgement refused")),
    (judgements.NoJudgement, ProblemKind(404, "no-judgement", "No such judgement")),
    (
        judgements.JudgementFileError,
        ProblemKind(500, "judgement-file", "The judgement file is not well formed"),
    ),
    (loader_errors.LoadError, ProblemKind(422, "invalid-input", "Invalid input")),
    (graph_errors.GraphError, ProblemKind(500, "graph-error", "Graph error")),
)


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    slug: str,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def kind_of(error: BaseException) -> ProblemKind | None:
    """The table entry for ``error``, if any."""
    for error_type, kind in PROBLEM_TABLE:
        if isinstance(error, error_type):
            return kind
    return None


def _problems_of(error: BaseException) -> list[dict[str, Any]]:
    problems = getattr(error, "problems", None) or []
    return [p.as_dict() if hasattr(p, "as_dict") else {"message": str(p)} for p in problems]


async def _handle_known(request: Request, error: Exception) -> JSONResponse:
    kind = kind_of(error)
    if kind is None or kind.slug == "graph-error":
        return await _handle_unexpected(request, error)
    retry_after = getattr(error, "retry_after", None) or kind.retry_after_s
    headers = {"Retry-After": str(max(1, round(retry_after)))} if retry_after else None
    extra: dict[str, Any] = {}
    if problems := _problems_of(error):
        extra["problems"] = problems
    return problem_response(
        kind.status,
        kind.title,
        str(error),
        slug=kind.slug,
        instance=str(request.url.path),
        headers=headers,
        **extra,
    )


def _parameter_problem(item: Any) -> dict[str, str]:
    """One validation error as ``{parameter, in, message}``: ``loc`` is (where, name…)."""
    location = [str(part) for part in item.get("loc", ())]
    where = location[0] if location else "request"
    name = ".".join(location[1:]) or where
    return {"parameter": name, "in": where, "message": item.get("msg", "invalid")}


async def _handle_validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = [_parameter_problem(item) for item in error.errors()]
    detail = "; ".join(f"{p['in']} parameter '{p['parameter']}': {p['message']}" for p in problems)
    return problem_response(
        422,
        "Invalid request",
        detail,
        slug="invalid-request",
        instance=str(request.url.path),
        problems=problems,
    )


async def _handle_http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    headers = dict(error.headers) if error.headers else None
    return problem_response(
        error.status_code,
        _reason(error.status_code),
        str(error.detail),
        slug=f"http-{error.status_code}",
        instance=str(request.url.path),
        headers=headers,
    )


async def _handle_unexpected(request: Request, error: Exception) -> JSONResponse:
    request_id = uuid.uuid4().hex
    log.exception("unexpected error (request id %s)", request_id, exc_info=error)
    return problem_response(
        500,
        "Internal error",
        f"An unexpected error occurred; request id {request_id}.",
        slug="internal",
        instance=str(request.url.path),
        request_id=request_id,
    )


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def install_problem_handlers(app: FastAPI) -> None:
    """Route every error through the table above."""
    for error_type, _ in PROBLEM_TABLE:
        app.add_exception_handler(error_type, _handle_known)
    app.add_exception_handler(RequestValidationError, _handle_validation)
    app.add_exception_handler(StarletteHTTPException, _handle_http)
    app.add_exception_handler(Exception, _handle_unexpected)
