"""Who sees which site or movement, and what each answer about one looks like.

- an organisation's members see its own sites and movements (and change them);
- a party's liaison officers see what was notified to their party (the current version);
- observers, coordinators and administrators see everything (observers read only);
- the public sees nothing, except a movement marked for delayed public release once its
  outcome is recorded, and then only its public fields (no contacts, plates or notes).

Whatever may not be seen is answered exactly like what does not exist (404).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from respite.errors import Forbidden, NotFound
from respite.httpkit.policy import Action, Principal, require
from respite.movements import notices as notice_store
from respite.movements.model import NOTICE, MovementSpec, PublicRelease
from respite.movements.present import iso, minutes, times
from respite.movements.records import spec_part
from respite.movements.service import latest_outcome, list_movements, notified_to
from respite.movements.tables import (
    MovementRow,
    MovementState,
    MovementVersionRow,
    NotificationRow,
    NotifiedRecord,
)
from respite.publication.cache import Snapshot
from respite.roles import UserRole

#: Roles that see every organisation's notifications.
SEE_ALL = frozenset({UserRole.ADMIN, UserRole.OBSERVER, UserRole.COORDINATOR})


class Sight(enum.Enum):
    NONE = 0
    PUBLIC = 1
    PARTY = 2
    FULL = 3


def _notified(session: Session, subject: str, version: int, party: int) -> bool:
    found = session.scalar(
        select(NotificationRow.id).where(
            NotificationRow.subject == subject,
            NotificationRow.version == version,
            NotificationRow.party_organisation_id == party,
        )
    )
    return found is not None


def released(row: MovementRow) -> bool:
    return (
        row.public_release is PublicRelease.AFTER_COMPLETION
        and row.state is MovementState.COMPLETED
    )


def sight(session: Session, principal: Principal | None, row: NotifiedRecord) -> Sight:
    movement = isinstance(row, MovementRow)
    public = Sight.PUBLIC if isinstance(row, MovementRow) and released(row) else Sight.NONE
    if principal is None:
        return public
    if principal.role in SEE_ALL or principal.organisation_id == row.owner_organisation_id:
        return Sight.FULL
    if principal.role is UserRole.PARTY_LIAISON:
        subject = f"{'movement' if movement else 'site'}:{row.id}"
        if _notified(session, subject, row.current_version, principal.organisation_id):
            return Sight.PARTY
    return public


def readable(
    session: Session, principal: Principal | None, row: NotifiedRecord, *, least: Sight
) -> Sight:
    seen = sight(session, principal, row)
    if seen.value < least.value:
        kind = "movement" if isinstance(row, MovementRow) else "site"
        raise NotFound(f"no {kind} {row.id!r}")
    return seen


def snapshot(request: Request) -> Snapshot:
    """The published pauses and their coverage engine."""
    found: Snapshot = request.app.state.cache.get()
    return found


def visible_movements(session: Session, principal: Principal) -> list[MovementRow]:
    """The movements a (token-holding) caller may see, by planned departure."""
    if principal.role is UserRole.PARTY_LIAISON:
        sent = notified_to(session, principal.organisation_id)
        return [
            row
            for row in list_movements(session)
            if (f"movement:{row.id}", row.current_version) in sent
        ]
    owner = None if principal.role in SEE_ALL else principal.organisation_id
    return list_movements(session, owner_org_id=owner)


def require_owner(principal: Principal | None, action: Action, owner_org_id: int) -> Principal:
    """Allowed to change it: the owning organisation's members (of a role that may), admins."""
    allowed = require(principal, action)
    if allowed.role is not UserRole.ADMIN and allowed.organisation_id != owner_org_id:
        raise Forbidden(f"only {action.value.replace('_', ' ')} of your own organisation")
    return allowed


# -- views -------------------------------------------------------------------------------------


def notice_json(notice: notice_store.Notice, tz: str, now: datetime) -> dict[str, Any]:
    waiting = notice.waiting(now)
    return {
        "party_organisation_id": notice.party_organisation_id,
        "party": notice.party,
        "version": notice.version,
        **times(tz, sent_at=notice.sent_at, acknowledged_at=notice.acknowledged_at),
        "acknowledged": notice.acknowledged_at is not None,
        "acknowledged_by": notice.acknowledged_by,
        "note": notice.note,
        "unacknowledged_minutes": None if waiting is None else minutes(waiting),
    }


def acknowledgements(
    session: Session,
    principal: Principal | None,
    subject: str,
    version: int,
    seen: Sight,
    tz: str,
    now: datetime,
) -> list[dict[str, Any]]:
    if seen is Sight.PUBLIC:
        return []
    party = principal.organisation_id if seen is Sight.PARTY and principal else None
    found = notice_store.notices(session, [subject], party_org_id=party)
    return [notice_json(n, tz, now) for n in notice_store.current(found, {subject: version})]


def movement_view(
    session: Session,
    principal: Principal | None,
    row: MovementRow,
    version: MovementVersionRow,
    seen: Sight,
    now: datetime,
) -> dict[str, Any]:
    document = spec_part(version.document)
    spec = MovementSpec.model_validate(document)
    tz = spec.timezone
    outcome = latest_outcome(session, row)
    view: dict[str, Any] = {
        "id": row.id,
        "kind": "movement",
        "notice": NOTICE.model_dump(),
        "version": version.version,
        "current_version": row.current_version,
        "state": row.state.value,
        "objective": row.objective.value,
        "area": row.area.value,
        "timezone": tz,
        "schedule": times(
            tz,
            departure_earliest=spec.departure.earliest,
            departure_latest=spec.departure.latest,
            arrival_by=row.arrival_by,
            expires_at=row.expires_at,
        ),
        "pause_ids": list(row.pause_ids),
        "outcome": None
        if outcome is None
        else {
            "category": outcome.category.value,
            "revision": outcome.revision,
            "delivered": outcome.document.get("delivered"),
        },
        "links": {"self": f"/v1/movements/{row.id}"},
    }
    if seen is Sight.PUBLIC:
        view["route"] = (version.plan or {}).get("route", {}).get("description")
        view["people"] = spec.people
        view["trucks"] = spec.trucks
        return view
    view.update(
        {
            "reference": row.reference,
            "owner_organisation_id": row.owner_organisation_id,
            "public_release": row.public_release.value,
            "withdrawal": version.document.get("withdrawal"),
            "document": document,
            "plan": version.plan,
            "recorded_at": iso(version.recorded_at),
            "recorded_by": version.recorded_by,
            "digest": version.digest,
            "acknowledgements": acknowledgements(
                session, principal, f"movement:{row.id}", version.version, seen, tz, now
            ),
        }
    )
    view["links"].update(
        {
            "versions": f"/v1/movements/{row.id}/versions",
            "acknowledgements": f"/v1/movements/{row.id}/acknowledgements",
            "outcomes": f"/v1/movements/{row.id}/outcomes",
        }
    )
    return view
