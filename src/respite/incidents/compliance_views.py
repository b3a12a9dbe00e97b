"""``GET /v1/pauses/{pause_id}/compliance``: did the pause hold, as JSON, HXL CSV or HTML.

Computed on request over the incidents the caller may see (the public: public, verified
incidents only); every format says which set was used: the JSON in ``incidents``, the HTML in
a note under the title, and every answer in the ``Respite-Incident-Set`` header.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from respite.compliance.windows import ReportOptions
from respite.errors import InvalidInput
from respite.httpkit.deps import Caller, ReadSession
from respite.incidents.compliance_render import render
from respite.incidents.compliance_report import compliance_report, incident_set, stored_pause

router = APIRouter(prefix="/v1/pauses", tags=["compliance"])
Format = Literal["json", "hxl", "html"]


@router.get("/{pause_id}/compliance")
def compliance(
    session: ReadSession,
    caller: Caller,
    pause_id: str,
    format: Format = "json",
    as_of: Annotated[datetime | None, Query(description="UTC offset required")] = None,
    verified_only: bool = False,
    margin_hours: Annotated[float, Query(gt=0, le=168)] = 6.0,
    baseline_days: Annotated[int, Query(ge=0, le=90)] = 7,
    near_distance_m: Annotated[float, Query(gt=0, le=100_000)] = 1000.0,
    list_events: Annotated[
        int, Query(ge=0, le=100_000, description="event pairs listed one by one")
    ] = 20_000,
) -> Response:
    """Events inside, possibly inside and outside each window of the pause, against the
    margins around the windows and the same hours on the days before the pause."""
    if as_of is not None and as_of.utcoffset() is None:
        raise InvalidInput("add a UTC offset (e.g. Z or +03:00)", location="as_of")
    options = ReportOptions(
        margin_hours=margin_hours,
        baseline_days=baseline_days,
        near_distance_m=near_distance_m,
        as_of=None if as_of is None else int(as_of.timestamp()),
        list_events=list_events,
    )
    pause = stored_pause(session, caller, pause_id)
    report = compliance_report(session, caller, pause, options=options, verified_only=verified_only)
    used = incident_set(caller, verified_only)
    text, media_type = render(report, used, format)
    headers = {"Respite-Incident-Set": used["scope"] + "; " + ",".join(used["review_states"])}
    return Response(text, media_type=media_type, headers=headers)
