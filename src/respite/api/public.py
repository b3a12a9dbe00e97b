"""The public answer (/v1/status) and liveness (/v1/health).

/v1/status is the question civilians ask; it must stay fast under load, so it is answered
from the in-memory snapshot of published pauses, never by a database query per request.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from respite.api.cache import PublishedCache
from respite.engine.present import status_to_json
from respite.errors import InvalidInput

router = APIRouter(prefix="/v1", tags=["public"])


@router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/status")
async def status(
    request: Request,
    response: Response,
    lat: Annotated[float, Query(ge=-90, le=90, description="latitude, WGS84")],
    lon: Annotated[float, Query(ge=-180, le=180, description="longitude, WGS84")],
    at: Annotated[datetime | None, Query(description="ISO 8601 with offset; default now")] = None,
) -> dict[str, Any]:
    """Is this place paused at this moment, by what, and until when (published pauses)?"""
    if at is None:
        at = datetime.now(UTC).replace(microsecond=0)
        max_age = min(request.app.state.settings.status_max_age, 30)
    elif at.tzinfo is None:
        raise InvalidInput("add a UTC offset (e.g. Z or +03:00) to 'at'", location="at")
    elif not 1970 <= at.astimezone(UTC).year <= 2100:
        raise InvalidInput("'at' must be between 1970 and 2100", location="at")
    else:
        max_age = request.app.state.settings.status_max_age
    cache: PublishedCache = request.app.state.cache
    snapshot = cache.get()
    answer = status_to_json(snapshot.engine_at(at).status(lon, lat, at))
    answer["data_generation"] = snapshot.generation
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.headers["Vary"] = "Accept-Encoding"
    return answer
