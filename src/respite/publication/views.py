"""The public answer (/v1/status) and liveness (/v1/health).

/v1/status is the question civilians ask; it must stay fast under load, so it is answered
from the in-memory snapshot of published pauses, never by a database query per request.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response

from respite.engine.present import status_to_json
from respite.errors import InvalidInput, Problem
from respite.publication.cache import PublishedCache

router = APIRouter(prefix="/v1", tags=["public"])


@router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


_STATUS_PARAMETERS = [
    {
        "name": "lat",
        "in": "query",
        "required": True,
        "description": "latitude, WGS84",
        "schema": {"type": "number", "minimum": -90, "maximum": 90},
    },
    {
        "name": "lon",
        "in": "query",
        "required": True,
        "description": "longitude, WGS84",
        "schema": {"type": "number", "minimum": -180, "maximum": 180},
    },
    {
        "name": "at",
        "in": "query",
        "required": False,
        "description": "ISO 8601 time with a UTC offset (Z or +03:00); default now",
        "schema": {"type": "string", "format": "date-time"},
    },
]


@router.get("/status", openapi_extra={"parameters": _STATUS_PARAMETERS}, response_model=None)
async def status(request: Request) -> Response:
    """Is this place paused at this moment, by what, and until when (published pauses)?

    The parameters are read by hand rather than declared: FastAPI's per-parameter validation
    and response serialisation cost more than the answer itself, and this is the endpoint
    that must hold under load (see benchmarks/load).
    """
    query = request.query_params
    problems: list[Problem] = []
    lat = _number(query.get("lat"), "lat", -90, 90, problems)
    lon = _number(query.get("lon"), "lon", -180, 180, problems)
    at = _instant(query.get("at"), problems)
    if problems:
        raise InvalidInput(problems)
    settings = request.app.state.settings
    max_age = settings.status_max_age if "at" in query else min(settings.status_max_age, 30)
    if at is None:
        at = datetime.now(UTC).replace(microsecond=0)
    cache: PublishedCache = request.app.state.cache
    snapshot = cache.get()
    answer = status_to_json(snapshot.engine_at(at).status(lon, lat, at))
    answer["data_generation"] = snapshot.generation
    return Response(
        json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode(),
        media_type="application/json",
        headers={"Cache-Control": f"public, max-age={max_age}", "Vary": "Accept-Encoding"},
    )


def _number(text: str | None, name: str, low: float, high: float, problems: list[Problem]) -> float:
    if text is None:
        problems.append(Problem(name, "required field is missing"))
        return 0.0
    try:
        value = float(text)
    except ValueError:
        problems.append(Problem(name, f"{text!r} is not a number"))
        return 0.0
    if not low <= value <= high:  # also false for NaN
        problems.append(Problem(name, f"must be between {low:g} and {high:g}"))
    return value


def _instant(text: str | None, problems: list[Problem]) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        problems.append(Problem("at", f"{text!r} is not an ISO 8601 time"))
        return None
    if moment.tzinfo is None:
        problems.append(Problem("at", "add a UTC offset (e.g. Z or +03:00)"))
        return None
    if not 1970 <= moment.astimezone(UTC).year <= 2100:
        problems.append(Problem("at", "must be between 1970 and 2100"))
        return None
    return moment
