"""HTTP views of incidents: field reports, corrections, review, reading and listing.

Every answer about one incident carries its version (body and ``ETag``); a correction or a
review decision must send it back in ``If-Match`` (428 without, 412 when someone changed it
first). Who sees what is :mod:`respite.incidents.visibility`; bad input is an RFC 9457 problem
naming each field, and nothing is stored when a request fails. The compliance report of a
pause has its own router, :mod:`respite.incidents.compliance_views`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Request, Response
from sqlalchemy.orm import Session

from respite.errors import InvalidInput, NotFound, Problem
from respite.events.record import IncidentSource
from respite.httpkit.deps import Caller, ReadSession, now, unit_of_work
from respite.httpkit.params import etag, expected_version, parse_bbox
from respite.httpkit.policy import Action, Principal, require
from respite.incidents import service
from respite.incidents.convert import record_of
from respite.incidents.model import corrected, new_reference, parse_report
from respite.incidents.present import (
    DEFAULT_TIMEZONE,
    checked_zone,
    incident_view,
    version_view,
)
from respite.incidents.queries import MAX_LIMIT, Filters, find_incidents
from respite.incidents.tables import IncidentRow, ReviewState
from respite.incidents.visibility import Sight, described, sight, visible_clause
from respite.validation import Strict

router = APIRouter(tags=["incidents"])
incidents = APIRouter(prefix="/v1/incidents", tags=["incidents"])

ReportBody = Annotated[dict[str, Any], Body(description="a field report")]
Zone = Annotated[str, Query(alias="tz", description="IANA zone the times are shown in")]


class ReviewRequest(Strict):
    state: ReviewState
    duplicate_of: str | None = None
    note: str | None = None


def _readable(session: Session, caller: Principal | None, incident_id: str) -> IncidentRow:
    row = service.get_incident(session, incident_id)
    if sight(caller, row) is Sight.NONE:
        raise NotFound(f"no incident {incident_id!r}")
    return row


def _answer(response: Response, row: IncidentRow, seen: Sight, tz: str) -> dict[str, Any]:
    response.headers["ETag"] = etag(row.current_version)
    return incident_view(row, seen, tz)


@incidents.post("", status_code=201)
def report(
    request: Request,
    response: Response,
    caller: Caller,
    body: ReportBody,
    tz: Zone = DEFAULT_TIMEZONE,
) -> dict[str, Any]:
    """Report an incident for your organisation (``submitted`` until a coordinator reviews
    it). Time: ``occurred_at`` with a UTC offset and ``uncertainty_minutes``, or
    ``occurred_from``/``occurred_until``; place: ``lon``, ``lat``, ``radius_m``."""
    principal = require(caller, Action.REPORT_INCIDENT)
    tz = checked_zone(tz)
    parsed = parse_report(body)
    record = parsed.to_record(parsed.reference or new_reference())
    with unit_of_work(request) as session:
        row = service.report_incident(
            session,
            record=record,
            owner_org_id=principal.organisation_id,
            visibility=parsed.visibility,
            user_id=principal.user_id,
            now=now(),
        )
        view = _answer(response, row, Sight.FULL, tz)
    response.headers["Location"] = f"/v1/incidents/{row.id}"
    return view


@incidents.get("")
def list_all(
    request: Request,
    session: ReadSession,
    caller: Caller,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat")] = None,
    start: Annotated[datetime | None, Query(alias="from")] = None,
    end: Annotated[datetime | None, Query(alias="to")] = None,
    state: Annotated[list[ReviewState] | None, Query()] = None,
    source: Annotated[list[IncidentSource] | None, Query()] = None,
    event_type: Annotated[list[str] | None, Query()] = None,
    dataset: Annotated[list[str] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
    tz: Zone = DEFAULT_TIMEZONE,
) -> dict[str, Any]:
    """The incidents you may see, filtered, a page at a time (``next`` links the next)."""
    tz = checked_zone(tz)
    filters = Filters(
        bbox=bbox_of(bbox),
        start=_seconds(start, "from"),
        end=_seconds(end, "to"),
        states=state or (),
        sources=source or (),
        event_types=event_type or (),
        datasets=dataset or (),
    )
    if filters.start is not None and filters.end is not None and filters.end <= filters.start:
        raise InvalidInput("to must be after from", location="to")
    rows, total = find_incidents(
        session, visible=visible_clause(caller), filters=filters, limit=limit, offset=offset
    )
    following = None
    if offset + len(rows) < total:
        following = str(request.url.include_query_params(offset=offset + len(rows)))
    return {
        "incidents": [incident_view(row, sight(caller, row), tz) for row in rows],
        "count": len(rows),
        "total": total,
        "limit": limit,
        "offset": offset,
        "next": following,
        "visible": described(caller),
    }


@incidents.get("/{incident_id}")
def read(
    session: ReadSession,
    response: Response,
    caller: Caller,
    incident_id: str,
    tz: Zone = DEFAULT_TIMEZONE,
) -> dict[str, Any]:
    row = _readable(session, caller, incident_id)
    return _answer(response, row, sight(caller, row), checked_zone(tz))


@incidents.patch("/{incident_id}")
def correct(
    request: Request,
    response: Response,
    caller: Caller,
    incident_id: str,
    body: Annotated[dict[str, Any], Body(description="the fields to change; null clears one")],
    if_match: Annotated[str | None, Header()] = None,
    tz: Zone = DEFAULT_TIMEZONE,
) -> dict[str, Any]:
    """Correct a field report (your organisation's): a new version, back to ``submitted``
    when the content changed. Sending any time field replaces the report's whole time."""
    tz = checked_zone(tz)
    with unit_of_work(request) as session:
        row = _readable(session, caller, incident_id)
        principal = require(caller, Action.CORRECT_INCIDENT, owner_org_id=row.owner_organisation_id)
        expected = expected_version(if_match, "incident")
        fixed = corrected(record_of(row), row.visibility, body)
        row = service.correct_incident(
            session,
            incident_id=row.id,
            record=fixed.to_record(row.source_key),
            visibility=fixed.visibility,
            expected_version=expected,
            user_id=principal.user_id,
            now=now(),
        )
        return _answer(response, row, Sight.FULL, tz)


@incidents.post("/{incident_id}/review")
def review(
    request: Request,
    response: Response,
    caller: Caller,
    incident_id: str,
    body: ReviewRequest,
    if_match: Annotated[str | None, Header()] = None,
    tz: Zone = DEFAULT_TIMEZONE,
) -> dict[str, Any]:
    """Verify, reject or mark as a duplicate (``duplicate_of``) a submitted incident, or
    re-open a decision (``submitted``): coordinators and administrators."""
    tz = checked_zone(tz)
    with unit_of_work(request) as session:
        row = _readable(session, caller, incident_id)
        principal = require(caller, Action.REVIEW_INCIDENT)
        row = service.review_incident(
            session,
            incident_id=row.id,
            state=body.state,
            duplicate_of=body.duplicate_of,
            note=body.note,
            expected_version=expected_version(if_match, "incident"),
            user_id=principal.user_id,
            now=now(),
        )
        return _answer(response, row, Sight.FULL, tz)


@incidents.get("/{incident_id}/versions")
def versions(
    session: ReadSession, caller: Caller, incident_id: str, tz: Zone = DEFAULT_TIMEZONE
) -> dict[str, Any]:
    """Every version (content changes and review decisions) with its digest."""
    row = _readable(session, caller, incident_id)
    if sight(caller, row) is not Sight.FULL:
        raise NotFound(f"no history of incident {incident_id!r} for you")
    tz = checked_zone(tz)
    return {
        "id": row.id,
        "current_version": row.current_version,
        "versions": [version_view(v, tz) for v in service.list_versions(session, row.id)],
    }


def bbox_of(text: str | None) -> tuple[float, float, float, float] | None:
    if text is None:
        return None
    box = parse_bbox(text)
    minlon, minlat, maxlon, maxlat = box.bounds
    return float(minlon), float(minlat), float(maxlon), float(maxlat)


def _seconds(value: datetime | None, name: str) -> int | None:
    if value is None:
        return None
    if value.utcoffset() is None:
        raise InvalidInput([Problem(name, "add a UTC offset (e.g. Z or +03:00)")])
    return int(value.timestamp())


router.include_router(incidents)
