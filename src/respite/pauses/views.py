"""HTTP views of pauses: create, read, list, amend, edit, versions and occurrences.

Every answer about one pause carries its stored version (in the body and as the ETag); every
change must send that version back in If-Match, so two coordinators editing at once cannot
overwrite each other: the second gets 412 and re-reads.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Body, Header, Query, Request, Response
from pydantic import ValidationError
from shapely import union_all
from sqlalchemy.orm import Session

from respite.errors import InvalidInput, NotFound, PreconditionRequired, Problem, VersionConflict
from respite.httpkit.deps import Caller, ReadSession, now, unit_of_work
from respite.httpkit.params import parse_bbox
from respite.httpkit.policy import Action, Principal, allowed, require
from respite.pauses.model import (
    Amendment,
    AmendmentAction,
    PartSpec,
    PauseKind,
    PauseSpec,
    PauseStatus,
    Source,
    Text,
)
from respite.pauses.resolve import Pause, resolve_pause
from respite.pauses.service import (
    amend_pause,
    create_pause,
    edit_pause,
    get_version,
    list_pauses,
    list_versions,
)
from respite.pauses.tables import PauseRow, PauseVersionRow
from respite.schedule import from_utc_seconds, utc_seconds
from respite.validation import Strict, problems_from_pydantic

router = APIRouter(prefix="/v1/pauses", tags=["pauses"])


class AmendmentRequest(Strict):
    """An amendment as a client sends it; the server assigns the version number."""

    action: AmendmentAction
    effective_at: datetime
    announced_at: datetime | None = None
    until: datetime | None = None
    parts: tuple[str, ...] | None = None
    new_parts: tuple[PartSpec, ...] | None = None
    summary: Text
    source: Source


# -- helpers -----------------------------------------------------------------------------------


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(if_match: str | None) -> int:
    if if_match is None:
        raise PreconditionRequired(
            "send If-Match with the pause's current ETag (its version) to change it"
        )
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise InvalidInput(f"If-Match {if_match!r} is not a pause version", location="If-Match")
    return int(value)


def _row(session: Session, pause_id: str) -> PauseRow:
    row = session.get(PauseRow, pause_id)
    if row is None:
        raise NotFound(f"no pause {pause_id!r}")
    return row


def _visible(principal: Principal | None, row: PauseRow) -> bool:
    return row.published or allowed(
        principal, Action.READ_UNPUBLISHED, owner_org_id=row.owner_organisation_id
    )


def _readable_row(session: Session, principal: Principal | None, pause_id: str) -> PauseRow:
    row = _row(session, pause_id)
    if not _visible(principal, row):
        # Unpublished pauses of others are not acknowledged to exist.
        raise NotFound(f"no pause {pause_id!r}")
    return row


def _restricted(principal: Principal | None, row: PauseRow) -> bool:
    return allowed(principal, Action.READ_UNPUBLISHED, owner_org_id=row.owner_organisation_id)


def pause_view(
    request: Request, row: PauseRow, version: PauseVersionRow, *, restricted: bool
) -> dict[str, Any]:
    base = f"/v1/pauses/{row.id}"
    view: dict[str, Any] = {
        "id": row.id,
        "version": version.version,
        "current_version": row.current_version,
        "kind": row.kind.value,
        "status": row.status.value,
        "published": row.published,
        "updated_at": _iso(row.updated_at),
        "document": version.document,
        "links": {
            "self": base,
            "versions": f"{base}/versions",
            "occurrences": f"{base}/occurrences",
            "geojson": f"/v1/feeds/pauses.geojson?id={row.id}",
            "ical": f"/v1/feeds/pauses.ics?id={row.id}",
            "cap": f"/v1/cap?pause={row.id}",
        },
    }
    if restricted:
        view["owner_organisation_id"] = row.owner_organisation_id
        view["recorded_by"] = version.recorded_by
    return view


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _as_sent(error: InvalidInput, prefix: str) -> InvalidInput:
    """Problems found in the stored document, named as in the amendment the client sent
    (``until``, not ``amendments[3].until``: the client never sent an ``amendments`` list)."""
    moved = []
    for problem in error.problems:
        location = problem.location.removeprefix("amendment.")
        if location == prefix:
            location = "body"
        elif location.startswith(prefix + "."):
            location = location.removeprefix(prefix + ".")
        moved.append(Problem(location, problem.message))
    return InvalidInput(moved)


def _spec(body: dict[str, Any]) -> PauseSpec:
    try:
        return PauseSpec.model_validate(body)
    except ValidationError as error:
        raise InvalidInput(problems_from_pydantic(error)) from None


# -- endpoints ---------------------------------------------------------------------------------


@router.post("", status_code=201)
def create(
    request: Request,
    response: Response,
    caller: Caller,
    body: Annotated[dict[str, Any], Body(description="a pause in the pause file format")],
) -> dict[str, Any]:
    """Record a new pause (coordinator or admin); its owner is the caller's organisation."""
    principal = require(caller, Action.CREATE_PAUSE)
    spec = _spec(body)
    with unit_of_work(request) as session:
        row = create_pause(
            session,
            spec=spec,
            owner_org_id=principal.organisation_id,
            user_id=principal.user_id,
            now=now(),
        )
        view = pause_view(request, row, get_version(session, row.id), restricted=True)
    request.app.state.cache.invalidate()
    response.headers["ETag"] = etag(view["version"])
    response.headers["Location"] = f"/v1/pauses/{view['id']}"
    return view


@router.get("")
def list_all(
    session: ReadSession,
    caller: Caller,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat")] = None,
    start: Annotated[datetime | None, Query(alias="from")] = None,
    end: Annotated[datetime | None, Query(alias="to")] = None,
    status: Annotated[list[PauseStatus] | None, Query()] = None,
    kind: Annotated[list[PauseKind] | None, Query()] = None,
) -> dict[str, Any]:
    """Pauses visible to the caller, filtered by bbox, time range, status and kind."""
    box = parse_bbox(bbox) if bbox else None
    span = _span(start, end)
    items = []
    for row in list_pauses(session, kinds=kind, statuses=status, published_only=False):
        if not _visible(caller, row):
            continue
        pause = resolve_pause(PauseSpec.model_validate(get_version(session, row.id).document))
        if box is not None and not any(box.intersects(p.zone) for p in pause.latest.parts):
            continue
        if span is not None and not _active_between(pause, *span):
            continue
        items.append(_summary(row, pause, restricted=_restricted(caller, row)))
    return {"pauses": items, "count": len(items)}


@router.get("/{pause_id}")
def read(
    request: Request,
    response: Response,
    session: ReadSession,
    caller: Caller,
    pause_id: str,
) -> dict[str, Any]:
    row = _readable_row(session, caller, pause_id)
    response.headers["ETag"] = etag(row.current_version)
    return pause_view(
        request, row, get_version(session, pause_id), restricted=_restricted(caller, row)
    )


@router.put("/{pause_id}")
def edit(
    request: Request,
    response: Response,
    caller: Caller,
    pause_id: str,
    body: Annotated[dict[str, Any], Body(description="the corrected pause record")],
    if_match: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Correct the record (typo, source, achieved counts, publishing); not for events."""
    expected = expected_version(if_match)
    spec = _spec(body)
    if spec.id != pause_id:
        raise InvalidInput(f"the body is pause {spec.id!r}, not {pause_id!r}", location="id")
    with unit_of_work(request) as session:
        row = _readable_row(session, caller, pause_id)
        principal = require(caller, Action.CHANGE_PAUSE, owner_org_id=row.owner_organisation_id)
        row = edit_pause(
            session, spec=spec, expected_version=expected, user_id=principal.user_id, now=now()
        )
        view = pause_view(request, row, get_version(session, row.id), restricted=True)
    request.app.state.cache.invalidate()
    response.headers["ETag"] = etag(view["version"])
    return view


@router.post("/{pause_id}/amendments", status_code=201)
def amend(
    request: Request,
    response: Response,
    caller: Caller,
    pause_id: str,
    body: AmendmentRequest,
    if_match: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Extend, shorten, suspend, resume, end, cancel or replace parts: a new version."""
    expected = expected_version(if_match)
    with unit_of_work(request) as session:
        row = _readable_row(session, caller, pause_id)
        principal = require(caller, Action.CHANGE_PAUSE, owner_org_id=row.owner_organisation_id)
        if expected != row.current_version:
            # Stale or unknown version: 412 (re-read), never 404 for a version never stored.
            # The UPDATE in amend_pause still guards against a writer between here and there.
            raise VersionConflict(
                f"pause {pause_id!r}", expected=expected, current=row.current_version
            )
        base = PauseSpec.model_validate(get_version(session, pause_id, version=expected).document)
        try:
            amendment = Amendment(version=len(base.amendments) + 2, **body.model_dump())
        except ValidationError as error:
            raise InvalidInput(problems_from_pydantic(error)) from None
        try:
            row = amend_pause(
                session,
                pause_id=pause_id,
                amendment=amendment,
                expected_version=expected,
                user_id=principal.user_id,
                now=now(),
            )
        except InvalidInput as error:
            raise _as_sent(error, f"amendments[{len(base.amendments)}]") from None
        view = pause_view(request, row, get_version(session, row.id), restricted=True)
    request.app.state.cache.invalidate()
    response.headers["ETag"] = etag(view["version"])
    response.headers["Location"] = f"/v1/pauses/{pause_id}/versions/{view['version']}"
    return view


@router.get("/{pause_id}/versions")
def versions(session: ReadSession, caller: Caller, pause_id: str) -> dict[str, Any]:
    row = _readable_row(session, caller, pause_id)
    restricted = _restricted(caller, row)
    listed = []
    for version in list_versions(session, pause_id):
        item: dict[str, Any] = {
            "version": version.version,
            "action": version.action.value,
            "effective_at": _iso(version.effective_at),
            "recorded_at": _iso(version.recorded_at),
            "source": version.source,
            "digest": version.digest,
            "href": f"/v1/pauses/{pause_id}/versions/{version.version}",
        }
        if restricted:
            item["recorded_by"] = version.recorded_by
        listed.append(item)
    return {"id": pause_id, "current_version": row.current_version, "versions": listed}


@router.get("/{pause_id}/versions/{version}")
def read_version(
    request: Request, session: ReadSession, caller: Caller, pause_id: str, version: int
) -> dict[str, Any]:
    row = _readable_row(session, caller, pause_id)
    stored = get_version(session, pause_id, version=version)
    return pause_view(request, row, stored, restricted=_restricted(caller, row))


@router.get("/{pause_id}/occurrences")
def occurrences(
    session: ReadSession,
    caller: Caller,
    pause_id: str,
    start: Annotated[datetime, Query(alias="from")],
    end: Annotated[datetime, Query(alias="to")],
) -> dict[str, Any]:
    """Every window of the pause's current version between two times, local and UTC."""
    row = _readable_row(session, caller, pause_id)
    span = _span(start, end)
    assert span is not None
    pause = resolve_pause(PauseSpec.model_validate(get_version(session, pause_id).document))
    tz = ZoneInfo(pause.timezone)
    windows = sorted(
        (
            {
                "part": part.id,
                "start": _iso(from_utc_seconds(s)),
                "end": _iso(from_utc_seconds(e)),
                "start_local": from_utc_seconds(s).astimezone(tz).isoformat(),
                "end_local": from_utc_seconds(e).astimezone(tz).isoformat(),
            }
            for part in pause.latest.parts
            for s, e in part.coverage(*span)
        ),
        key=lambda w: (str(w["start"]), str(w["part"])),
    )
    return {
        "id": pause_id,
        "version": row.current_version,
        "timezone": pause.timezone,
        "from": _iso(from_utc_seconds(span[0])),
        "to": _iso(from_utc_seconds(span[1])),
        "occurrences": windows,
    }


# -- filters -----------------------------------------------------------------------------------


def _span(start: datetime | None, end: datetime | None) -> tuple[int, int] | None:
    if start is None and end is None:
        return None
    problems = []
    for name, value in (("from", start), ("to", end)):
        if value is None:
            problems.append(Problem(name, "give both from and to"))
        elif value.tzinfo is None:
            problems.append(Problem(name, "add a UTC offset (e.g. Z or +03:00)"))
    if problems:
        raise InvalidInput(problems)
    assert start is not None and end is not None
    lo, hi = utc_seconds(start), utc_seconds(end)
    if hi <= lo:
        raise InvalidInput("to must be after from", location="to")
    if hi - lo > 20 * 366 * 86_400:
        raise InvalidInput("the range may span at most 20 years", location="to")
    return lo, hi


def _active_between(pause: Pause, lo: int, hi: int) -> bool:
    return any(not part.coverage(lo, hi).is_empty for part in pause.latest.parts)


def _summary(row: PauseRow, pause: Pause, *, restricted: bool) -> dict[str, Any]:
    bounds = union_all([p.zone for p in pause.latest.parts]).bounds
    starts = [p.first_start() for p in pause.latest.parts]
    ends = [p.last_end() for p in pause.latest.parts]
    summary: dict[str, Any] = {
        "id": row.id,
        "version": row.current_version,
        "kind": row.kind.value,
        "status": row.status.value,
        "published": row.published,
        "name": pause.spec.name.model_dump(),
        "timezone": pause.timezone,
        "bbox": [round(b, 6) for b in bounds],
        "first_start": _iso(from_utc_seconds(min(starts))),
        "last_end": None if None in ends else _iso(from_utc_seconds(max(e for e in ends if e))),
        "href": f"/v1/pauses/{row.id}",
    }
    if restricted:
        summary["owner_organisation_id"] = row.owner_organisation_id
    return summary
