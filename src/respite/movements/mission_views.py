"""HTTP views of what happens to a notified movement: acknowledgements by the parties (and
what is still unacknowledged), mission outcomes, and the delayed public release.

An acknowledgement says the party received the notification, nothing more: it is not an
approval, and there is no refusal.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Request

from respite.errors import InvalidInput, VersionConflict
from respite.httpkit.deps import Caller, ReadSession, now, unit_of_work
from respite.httpkit.params import expected_version, parse_body
from respite.httpkit.policy import Action, require
from respite.movements import notices as notice_store
from respite.movements import service
from respite.movements.model import NOTICE, Acknowledgement, OutcomeSpec
from respite.movements.outcomes import outcome_view
from respite.movements.visibility import (
    Sight,
    movement_view,
    notice_json,
    readable,
    released,
    sight,
    snapshot,
    visible_movements,
)
from respite.roles import UserRole

router = APIRouter(prefix="/v1/movements", tags=["movements"])


@router.get("/unacknowledged")
def unacknowledged(
    session: ReadSession,
    caller: Caller,
    within_hours: Annotated[float, Query(gt=0, le=24 * 14)] = 24,
    at: Annotated[datetime | None, Query(description="as of (default now)")] = None,
) -> dict[str, Any]:
    """Notifications of current versions not yet acknowledged, how long they have waited, and
    a flag when the movement departs within ``within_hours`` (or has departed)."""
    principal = require(caller, Action.READ_NOTIFICATIONS)
    moment = now() if at is None else at
    if moment.tzinfo is None:
        raise InvalidInput("add a UTC offset (e.g. Z or +03:00)", location="at")
    rows = [r for r in visible_movements(session, principal) if r.state.value == "notified"]
    versions = {f"movement:{r.id}": r.current_version for r in rows}
    party = principal.organisation_id if principal.role is UserRole.PARTY_LIAISON else None
    found = notice_store.current(
        notice_store.notices(session, versions, party_org_id=party), versions
    )
    by_subject = {f"movement:{r.id}": r for r in rows}
    items = []
    for item in found:
        if item.acknowledged_at is not None:
            continue
        row = by_subject[item.subject]
        tz = service.get_version(session, row.id).document.get("timezone", "UTC")
        entry = notice_json(item, tz, moment)
        entry.update(
            {
                "movement_id": row.id,
                "href": f"/v1/movements/{row.id}",
                "departure_in_minutes": round((row.departure_at - moment).total_seconds() / 60, 1),
                "flag": notice_store.flag(
                    item,
                    departure=row.departure_at,
                    now=moment,
                    warning=timedelta(hours=within_hours),
                ),
            }
        )
        items.append(entry)
    items.sort(key=lambda e: (e["flag"] is None, e["departure_in_minutes"]))
    return {"at": moment.isoformat(), "unacknowledged": items, "count": len(items)}


@router.get("/released")
def released_movements(session: ReadSession, caller: Caller) -> dict[str, Any]:
    """Movements marked for delayed public release, once their outcome is recorded."""
    rows = [row for row in service.list_movements(session) if released(row)]
    items = [
        movement_view(session, caller, r, service.get_version(session, r.id), Sight.PUBLIC, now())
        for r in rows
    ]
    return {"notice": NOTICE.model_dump(), "movements": items, "count": len(items)}


# -- one movement ------------------------------------------------------------------------------


@router.post("/{movement_id}/acknowledgements", status_code=201)
def acknowledge(
    request: Request,
    caller: Caller,
    movement_id: str,
    body: Annotated[Acknowledgement | None, Body()] = None,
    if_match: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """A party's liaison acknowledges receipt of the current version (not an approval)."""
    with unit_of_work(request) as session:
        row = service.get_movement(session, movement_id)
        readable(session, caller, row, least=Sight.PUBLIC)
        principal = require(caller, Action.ACKNOWLEDGE_NOTIFICATION)
        if if_match is not None and expected_version(if_match, "movement") != row.current_version:
            raise VersionConflict(
                f"movement {row.id}",
                expected=expected_version(if_match, "movement"),
                current=row.current_version,
            )
        notice_store.acknowledge(
            session,
            subject=service.subject_of(row.id),
            version=row.current_version,
            party_org_id=principal.organisation_id,
            user_id=principal.user_id,
            note=body.note if body else None,
            now=now(),
        )
        seen = sight(session, principal, row)
        view = movement_view(
            session, principal, row, service.get_version(session, row.id), seen, now()
        )
    return {
        "notice": NOTICE.model_dump(),
        "movement_id": row.id,
        "acknowledgements": view["acknowledgements"],
    }


@router.get("/{movement_id}/acknowledgements")
def acknowledgements(session: ReadSession, caller: Caller, movement_id: str) -> dict[str, Any]:
    row = service.get_movement(session, movement_id)
    seen = readable(session, caller, row, least=Sight.PARTY)
    party = caller.organisation_id if seen is Sight.PARTY and caller else None
    subject = service.subject_of(row.id)
    tz = service.get_version(session, row.id).document.get("timezone", "UTC")
    moment = now()
    listed = []
    for item in notice_store.notices(session, [subject], party_org_id=party):
        entry = notice_json(item, tz, moment)
        entry["current"] = item.version == row.current_version
        entry["flag"] = (
            notice_store.flag(
                item, departure=row.departure_at, now=moment, warning=notice_store.DEFAULT_WARNING
            )
            if entry["current"] and row.state.value == "notified"
            else None
        )
        listed.append(entry)
    return {"movement_id": row.id, "current_version": row.current_version, "notifications": listed}


@router.post("/{movement_id}/outcomes", status_code=201)
def record_outcome(
    request: Request, caller: Caller, movement_id: str, body: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    """Record how the mission ended (OCHA categories); a correction is a new revision."""
    with unit_of_work(request) as session:
        row = service.get_movement(session, movement_id)
        readable(session, caller, row, least=Sight.PUBLIC)
        principal = require(caller, Action.RECORD_OUTCOME)
        outcome = parse_body(body, OutcomeSpec)
        stored = service.record_outcome(
            session, movement_id=row.id, outcome=outcome, user_id=principal.user_id, now=now()
        )
        return outcome_view(session, snapshot(request), row, stored)


@router.get("/{movement_id}/outcomes")
def outcomes(
    request: Request, session: ReadSession, caller: Caller, movement_id: str
) -> dict[str, Any]:
    row = service.get_movement(session, movement_id)
    readable(session, caller, row, least=Sight.PARTY)
    found = snapshot(request)
    listed = [outcome_view(session, found, row, o) for o in service.list_outcomes(session, row.id)]
    return {"movement_id": row.id, "outcomes": listed}
