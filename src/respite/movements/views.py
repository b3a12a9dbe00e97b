"""HTTP views of movements: plan, notify (one, or many from CSV), list, read, update, withdraw.

``router`` also carries the acknowledgement and outcome endpoints (:mod:`.mission_views`) and
the access snapshot (:mod:`.access_views`); static sites have their own (:mod:`respite.sites`).
A notification is information, not a request for permission: every answer about one says so
(``notice``), and nothing here approves or refuses anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Request, Response
from sqlalchemy.orm import Session

from respite.errors import NotFound
from respite.httpkit.deps import Caller, ReadSession, now, unit_of_work
from respite.httpkit.params import etag, expected_version, parse_body
from respite.httpkit.policy import Action, Principal, require
from respite.movements import access_views, service
from respite.movements import mission_views as missions
from respite.movements.csv_import import import_movements
from respite.movements.model import (
    NOTICE,
    MovementSpec,
    Withdrawal,
)
from respite.movements.planning import DEFAULT_SEARCH_DAYS, MAX_SEARCH_DAYS, Plan, plan_movement
from respite.movements.present import plan_to_json
from respite.movements.tables import MovementRow
from respite.movements.visibility import (
    Sight,
    movement_view,
    readable,
    require_owner,
    sight,
    snapshot,
    visible_movements,
)

router = APIRouter(tags=["movements"])
movements = APIRouter(prefix="/v1/movements", tags=["movements"])

Days = Annotated[
    int,
    Query(ge=1, le=MAX_SEARCH_DAYS, description="days to search for fitting departures"),
]
MovementBody = Annotated[dict[str, Any], Body(description="a movement notification")]


def make_plan(request: Request, spec: MovementSpec, days: int) -> Plan:
    """The plan against the published pauses (an engine whose horizon holds the trip)."""
    utc = spec.in_utc()
    engine = snapshot(request).engine_at(utc.departure.earliest)
    return plan_movement(engine, utc, search_days=days)


def _summary(session: Session, principal: Principal, row: MovementRow) -> dict[str, Any]:
    seen = sight(session, principal, row)
    view = movement_view(session, principal, row, service.get_version(session, row.id), seen, now())
    for heavy in ("document", "plan", "acknowledgements", "notice"):
        view.pop(heavy, None)
    return view


# -- planning and notifying --------------------------------------------------------------------


@movements.post("/plan")
def plan(
    request: Request, caller: Caller, body: MovementBody, days: Days = DEFAULT_SEARCH_DAYS
) -> dict[str, Any]:
    """Check a planned movement without notifying it: outside-coverage stretches, fits."""
    require(caller, Action.NOTIFY)
    spec = parse_body(body, MovementSpec)
    return {
        "notice": NOTICE.model_dump(),
        "plan": plan_to_json(make_plan(request, spec, days), spec.timezone),
    }


@movements.post("", status_code=201)
def notify(
    request: Request,
    response: Response,
    caller: Caller,
    body: MovementBody,
    days: Days = DEFAULT_SEARCH_DAYS,
) -> dict[str, Any]:
    """Notify a movement to the parties; the answer says which stretches of the planned trip
    are outside pause coverage and which departures would keep it covered."""
    principal = require(caller, Action.NOTIFY)
    spec = parse_body(body, MovementSpec)
    found = make_plan(request, spec, days)
    with unit_of_work(request) as session:
        row = service.notify_movement(
            session,
            spec=spec,
            plan=found,
            owner_org_id=principal.organisation_id,
            user_id=principal.user_id,
            now=now(),
        )
        view = movement_view(
            session, principal, row, service.get_version(session, row.id), Sight.FULL, now()
        )
    response.headers["ETag"] = etag(view["version"])
    response.headers["Location"] = f"/v1/movements/{row.id}"
    return view


@movements.post("/import", status_code=201)
def import_csv(
    request: Request,
    response: Response,
    caller: Caller,
    body: Annotated[str, Body(media_type="text/csv", description="movements, one per row")],
    dry_run: bool = False,
    days: Days = DEFAULT_SEARCH_DAYS,
) -> dict[str, Any]:
    """Notify many movements from CSV (see :mod:`respite.movements.csv_import`); all or
    nothing, with every problem named as ``row[N].column``. ``dry_run`` checks only."""
    principal = require(caller, Action.NOTIFY)
    with unit_of_work(request) as session:
        done = import_movements(
            session,
            text=body,
            plan_for=lambda spec: make_plan(request, spec, days),
            owner_org_id=principal.organisation_id,
            user_id=principal.user_id,
            now=now(),
            dry_run=dry_run,
        )
    if dry_run:
        response.status_code = 200
    rows = [
        {
            "row": item.row,
            "id": item.movement_id,
            "reference": item.spec.reference,
            "href": None if item.movement_id is None else f"/v1/movements/{item.movement_id}",
            "fully_covered": item.plan.check.fully_covered,
            "summary": plan_to_json(item.plan, item.spec.timezone)["summary"],
        }
        for item in done
    ]
    return {
        "notice": NOTICE.model_dump(),
        "dry_run": dry_run,
        "movements": rows,
        "count": len(rows),
    }


@movements.get("")
def list_all(
    session: ReadSession,
    caller: Caller,
    start: Annotated[datetime | None, Query(alias="from")] = None,
    end: Annotated[datetime | None, Query(alias="to")] = None,
) -> dict[str, Any]:
    """The movements the caller may see (own organisation's; notified to one's party; all
    for coordinators, observers and administrators), by planned departure."""
    principal = require(caller, Action.READ_NOTIFICATIONS)
    items = [
        _summary(session, principal, row)
        for row in visible_movements(session, principal)
        if (start is None or row.departure_at >= start) and (end is None or row.departure_at < end)
    ]
    return {"notice": NOTICE.model_dump(), "movements": items, "count": len(items)}


@movements.get("/{movement_id}")
def read(
    session: ReadSession, response: Response, caller: Caller, movement_id: str
) -> dict[str, Any]:
    row = service.get_movement(session, movement_id)
    seen = readable(session, caller, row, least=Sight.PUBLIC)
    response.headers["ETag"] = etag(row.current_version)
    return movement_view(session, caller, row, service.get_version(session, row.id), seen, now())


@movements.put("/{movement_id}")
def update(
    request: Request,
    response: Response,
    caller: Caller,
    movement_id: str,
    body: MovementBody,
    if_match: Annotated[str | None, Header()] = None,
    days: Days = DEFAULT_SEARCH_DAYS,
) -> dict[str, Any]:
    """A new version of the notification (sent again to the parties)."""
    with unit_of_work(request) as session:
        row = service.get_movement(session, movement_id)
        readable(session, caller, row, least=Sight.PUBLIC)
        principal = require_owner(caller, Action.CHANGE_NOTIFICATION, row.owner_organisation_id)
        expected = expected_version(if_match, "movement")
        spec = parse_body(body, MovementSpec)
        found = make_plan(request, spec, days)
        row = service.update_movement(
            session,
            movement_id=movement_id,
            spec=spec,
            plan=found,
            expected_version=expected,
            user_id=principal.user_id,
            now=now(),
        )
        view = movement_view(
            session, principal, row, service.get_version(session, row.id), Sight.FULL, now()
        )
    response.headers["ETag"] = etag(view["version"])
    return view


@movements.post("/{movement_id}/withdrawal", status_code=201)
def withdraw(
    request: Request,
    response: Response,
    caller: Caller,
    movement_id: str,
    body: Withdrawal,
    if_match: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    with unit_of_work(request) as session:
        row = service.get_movement(session, movement_id)
        readable(session, caller, row, least=Sight.PUBLIC)
        principal = require_owner(caller, Action.CHANGE_NOTIFICATION, row.owner_organisation_id)
        row = service.withdraw_movement(
            session,
            movement_id=movement_id,
            reason=body.reason,
            expected_version=expected_version(if_match, "movement"),
            user_id=principal.user_id,
            now=now(),
        )
        view = movement_view(
            session, principal, row, service.get_version(session, row.id), Sight.FULL, now()
        )
    response.headers["ETag"] = etag(view["version"])
    return view


@movements.get("/{movement_id}/versions")
def versions(session: ReadSession, caller: Caller, movement_id: str) -> dict[str, Any]:
    row = service.get_movement(session, movement_id)
    seen = readable(session, caller, row, least=Sight.PARTY)
    listed = [
        {
            "version": v.version,
            "action": v.action.value,
            "recorded_at": v.recorded_at.isoformat().replace("+00:00", "Z"),
            "recorded_by": v.recorded_by,
            "digest": v.digest,
            "href": f"/v1/movements/{row.id}/versions/{v.version}",
        }
        for v in service.list_versions(session, row.id)
        if seen is Sight.FULL or _sent(session, caller, row.id, v.version)
    ]
    return {"id": row.id, "current_version": row.current_version, "versions": listed}


def _sent(session: Session, caller: Principal | None, movement_id: str, version: int) -> bool:
    if caller is None:
        return False
    sent = service.notified_to(session, caller.organisation_id)
    return (f"movement:{movement_id}", version) in sent


@movements.get("/{movement_id}/versions/{version}")
def read_version(
    session: ReadSession, caller: Caller, movement_id: str, version: int
) -> dict[str, Any]:
    row = service.get_movement(session, movement_id)
    seen = readable(session, caller, row, least=Sight.PARTY)
    if seen is not Sight.FULL and not _sent(session, caller, row.id, version):
        raise NotFound(f"no version {version} of movement {movement_id!r}")
    stored = service.get_version(session, row.id, version)
    return movement_view(session, caller, row, stored, seen, now())


router.include_router(missions.router)  # first: /unacknowledged before /{movement_id}
router.include_router(movements)
router.include_router(access_views.router)
