"""HTTP views of the access snapshot (JSON, HXL CSV, page) and per-pause objective progress.

Coordinators, observers and administrators only: the counts are built from every
organisation's notifications, which the public does not see.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session

from respite.errors import InvalidInput, NotFound, Problem
from respite.httpkit.deps import Caller, ReadSession
from respite.httpkit.policy import Action, require
from respite.movements import service
from respite.movements.model import DEFAULT_TIMEZONE, Area, MovementSpec
from respite.movements.records import spec_part
from respite.movements.snapshot import (
    Mission,
    access_snapshot,
    local_bounds,
    objective_progress,
    snapshot_html,
    snapshot_hxl_csv,
)
from respite.movements.tables import MovementState
from respite.pauses.resolve import Pause
from respite.publication.cache import Snapshot
from respite.schedule import from_utc_seconds

router = APIRouter(prefix="/v1/access", tags=["access"])
HXL_CSV = "text/csv; charset=utf-8"
MAX_DAYS = 366

From = Annotated[date, Query(alias="from", description="first local day, YYYY-MM-DD")]
To = Annotated[date, Query(alias="to", description="last local day (included)")]


def missions(session: Session, start: date, end: date, tz: str) -> list[Mission]:
    """Every notified movement departing in the period, with its latest outcome."""
    if end < start:
        raise InvalidInput("to must not be before from", location="to")
    if (end - start).days >= MAX_DAYS:
        raise InvalidInput(f"a period spans at most {MAX_DAYS} days", location="to")
    lo, hi = local_bounds(start, end, tz)
    found = []
    for row in service.list_movements(session, departure_from=lo, departure_to=hi):
        spec = MovementSpec.model_validate(spec_part(service.get_version(session, row.id).document))
        outcome = service.latest_outcome(session, row)
        delivered = (outcome.document.get("delivered") or {}) if outcome else {}
        found.append(
            Mission(
                movement_id=row.id,
                area=row.area,
                departure=row.departure_at,
                objective=row.objective,
                pause_ids=tuple(row.pause_ids),
                outcome=outcome.category if outcome else None,
                withdrawn=row.state is MovementState.WITHDRAWN,
                planned_trucks=spec.trucks,
                planned_people=spec.people,
                trucks=int(delivered.get("trucks", 0)),
                people=int(delivered.get("people", 0)),
                fuel_litres=float(delivered.get("fuel_litres", 0)),
            )
        )
    return found


def _report(
    session: Session, caller: Any, start: date, end: date, area: Area | None
) -> dict[str, Any]:
    require(caller, Action.READ_ACCESS_SNAPSHOT)
    found = missions(session, start, end, DEFAULT_TIMEZONE)
    return access_snapshot(found, start=start, end=end, tz=DEFAULT_TIMEZONE, area=area)


@router.get("/snapshot")
def snapshot_json(
    session: ReadSession, caller: Caller, start: From, end: To, area: Area | None = None
) -> dict[str, Any]:
    """Planned, facilitated, partially facilitated, impeded, denied and cancelled missions
    north and south of Wadi Gaza in a period, with percentages of planned."""
    return _report(session, caller, start, end, area)


@router.get("/snapshot.hxl.csv")
def snapshot_csv(
    session: ReadSession, caller: Caller, start: From, end: To, area: Area | None = None
) -> Response:
    report = _report(session, caller, start, end, area)
    return Response(snapshot_hxl_csv(report), media_type=HXL_CSV)


@router.get("/snapshot.html")
def snapshot_page(
    session: ReadSession, caller: Caller, start: From, end: To, area: Area | None = None
) -> Response:
    report = _report(session, caller, start, end, area)
    return Response(snapshot_html(report), media_type="text/html; charset=utf-8")


@router.get("/progress/{pause_id}")
def progress(
    request: Request,
    session: ReadSession,
    caller: Caller,
    pause_id: str,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
) -> dict[str, Any]:
    """Per objective and day: target, planned by notified movements, delivered per their
    outcomes, and what the pause record cites (e.g. trucks in against 200 a day)."""
    require(caller, Action.READ_ACCESS_SNAPSHOT)
    found: Snapshot = request.app.state.cache.get()
    pause = found.pause(pause_id)
    if pause is None:
        raise NotFound(f"no published pause {pause_id!r}")
    first, last = _pause_days(pause, start, end)
    counted = missions(session, first, last, pause.timezone)
    return objective_progress(pause, counted, start=first, end=last)


def _pause_days(pause: Pause, start: date | None, end: date | None) -> tuple[date, date]:
    tz = ZoneInfo(pause.timezone)
    parts = pause.latest.parts
    if start is None:
        start = from_utc_seconds(min(p.first_start() for p in parts)).astimezone(tz).date()
    if end is None:
        ends = [p.last_end() for p in parts]
        if None in ends:
            raise InvalidInput(
                [Problem("to", "the pause runs until further notice; give from and to")]
            )
        last = from_utc_seconds(max(e for e in ends if e is not None) - 1)
        end = last.astimezone(tz).date()
    if end - start > timedelta(days=MAX_DAYS):
        raise InvalidInput(f"a period spans at most {MAX_DAYS} days", location="to")
    return start, end
