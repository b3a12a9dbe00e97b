"""RFC 9457 problem documents: the one place errors become HTTP answers.

Each Respite error class declares its status, type and title (:mod:`respite.errors`); the one
handler here reads them. InvalidInput also lists every problem with the field it concerns
(``errors: [{"location": ..., "message": ...}]``). Nothing here parses messages: the class
decides the status.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from respite.errors import (
    InvalidInput,
    Problem,
    RespiteError,
)
from respite.validation import format_location

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://respite.invalid/problems/"


def problem_response(
    status: int,
    slug: str,
    title: str,
    detail: str,
    *,
    instance: str | None = None,
    errors: list[Problem] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = [{"location": p.location, "message": p.message} for p in errors]
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _respite_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RespiteError)
    kind = type(error)
    if kind.http_status is None:  # tests/test_errors.py holds that no class leaves it unset
        return problem_response(500, "internal", "Internal error", "unexpected error")
    return problem_response(
        kind.http_status,
        kind.problem_type,
        kind.title,
        str(error),
        instance=request.url.path,
        errors=list(error.problems) if isinstance(error, InvalidInput) else None,
        headers={"WWW-Authenticate": "Bearer"} if kind.http_status == 401 else None,
    )


def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = []
    for item in error.errors():
        loc = [part for part in item.get("loc", ()) if isinstance(part, (str, int))]
        message = str(item.get("msg", "invalid")).removeprefix("Value error, ")
        if item.get("type") == "extra_forbidden":
            message = "unknown field"
        elif item.get("type") == "missing":
            message = "required field is missing"
        elif item.get("type") == "json_invalid":
            # loc is ("body", character offset): the body as a whole is at fault
            reason = (item.get("ctx") or {}).get("error")
            message = f"the body is not valid JSON ({reason}; at character {loc[-1]})"
            loc = loc[:1]
        problems.append(Problem(_location(loc), message))
    detail = "; ".join(str(p) for p in problems[:5])
    return problem_response(
        422,
        "invalid-input",
        "The request is not valid",
        detail,
        instance=request.url.path,
        errors=problems,
    )


#: Where FastAPI found a request value; dropped from locations so that a field is named the
#: same way whichever layer refused it (``until``, not ``body.until``; ``lat``, not
#: ``query.lat``), as Respite's own checks name it.
_SOURCES = frozenset({"body", "query", "header", "path", "cookie"})


def _location(loc: list[str | int]) -> str:
    if len(loc) > 1 and loc[0] in _SOURCES:
        loc = loc[1:]
        if isinstance(loc[0], int):  # a body that is a list: keep "body[0]..."
            loc = ["body", *loc]
    return format_location(loc)


def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    slug = {404: "not-found", 405: "method-not-allowed", 413: "payload-too-large"}.get(
        error.status_code, "http-error"
    )
    title = {413: "The request body is too large"}.get(error.status_code, str(error.detail))
    return problem_response(
        error.status_code,
        slug,
        title,
        str(error.detail),
        instance=request.url.path,
        headers=getattr(error, "headers", None),
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(RespiteError, _respite_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
