"""Movements in the database: notify, update, withdraw, record outcomes; every write audited.

A movement is one ``movements`` row (which version is current, its state and the fields the
reports filter on) plus one ``movement_versions`` row per version, each holding the whole
notified document (times in UTC) and what the system told the organisation about it (the route
check and the fitting departures). Every version is sent to the recipient parties: one
``notifications`` row per party, which its liaison acknowledges. Updates and withdrawals are
new versions; outcomes are revisions in ``movement_outcomes``. All of those tables are
append-only in the database.

Keyword-only functions; they flush but never commit. The plan (see
:func:`respite.movements.planning.plan_movement`) is computed by the caller, which holds the
coverage engine, and is stored as given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from respite.audit.canonical import digest
from respite.errors import Conflict, InvalidInput, NotFound, VersionConflict
from respite.movements import records
from respite.movements.model import MovementSpec, OutcomeCategory, OutcomeSpec
from respite.movements.planning import Plan
from respite.movements.present import plan_to_json
from respite.movements.tables import (
    MovementRow,
    MovementState,
    MovementVersionRow,
    NotificationRow,
    OutcomeRow,
    VersionKind,
)
from respite.pauses.tables import PauseRow
from respite.storage.types import require_aware
from respite.storage.versioned import bump_version, compare_and_swap

#: A notification without an expiry lapses this long after the planned arrival.
DEFAULT_EXPIRY = timedelta(hours=12)


def subject_of(movement_id: str) -> str:
    return f"movement:{movement_id}"


@dataclass(frozen=True, slots=True)
class Derived:
    """The movement row's fields that follow from the spec and its plan."""

    departure_at: datetime
    arrival_by: datetime
    expires_at: datetime
    values: dict[str, Any]


def _derive(session: Session, spec: MovementSpec, plan: Plan) -> Derived:
    departure = spec.departure.earliest
    arrival = spec.arrival.latest if spec.arrival else spec.departure.latest + plan.travel
    expires = spec.expires_at or arrival + DEFAULT_EXPIRY
    if expires <= departure:
        raise InvalidInput(
            "the notification must expire after the departure", location="expires_at"
        )
    if spec.pause_id is not None and session.get(PauseRow, spec.pause_id) is None:
        raise InvalidInput(f"no pause {spec.pause_id!r}", location="pause_id")
    values = {
        "reference": spec.reference,
        "objective": spec.objective,
        "area": spec.area or plan.route.area,
        "departure_at": departure,
        "arrival_by": arrival,
        "expires_at": expires,
        "public_release": spec.public_release,
        "pause_ids": [spec.pause_id] if spec.pause_id else list(plan.pause_ids),
    }
    return Derived(departure, arrival, expires, values)


def notify_movement(
    session: Session,
    *,
    spec: MovementSpec,
    plan: Plan,
    owner_org_id: int,
    user_id: int,
    now: datetime,
) -> MovementRow:
    """Store a new movement (version 1) and send it to the recipient parties."""
    now = require_aware(now, "now")
    user = records.actor(session, user_id)
    spec = spec.in_utc()
    records.recipients(session, spec.notify)  # checked before anything is written
    derived = _derive(session, spec, plan)
    records.check_reference(session, MovementRow, owner_org_id, spec.reference)
    row = MovementRow(
        id=records.new_id("mv", derived.departure_at),
        owner_organisation_id=owner_org_id,
        current_version=1,
        state=MovementState.NOTIFIED,
        outcome_category=None,
        outcome_revisions=0,
        created_at=now,
        updated_at=now,
        **derived.values,
    )
    session.add(row)
    session.flush()
    _version(session, row, 1, VersionKind.NOTIFY, spec.model_dump(mode="json"), plan, user, now)
    return row


def update_movement(
    session: Session,
    *,
    movement_id: str,
    spec: MovementSpec,
    plan: Plan,
    expected_version: int,
    user_id: int,
    now: datetime,
) -> MovementRow:
    """A new version of a notified movement, sent again to its recipient parties."""
    now = require_aware(now, "now")
    user = records.actor(session, user_id)
    row = get_movement(session, movement_id)
    _still_open(row)
    spec = spec.in_utc()
    records.recipients(session, spec.notify)  # checked before anything is written
    derived = _derive(session, spec, plan)
    records.check_reference(
        session, MovementRow, row.owner_organisation_id, spec.reference, own_id=row.id
    )
    before = get_version(session, row.id, expected_version)
    bump_version(
        session,
        MovementRow,
        row.id,
        expected=expected_version,
        subject=f"movement {row.id}",
        values={"updated_at": now, **derived.values},
    )
    session.refresh(row)
    document = spec.model_dump(mode="json")
    _version(
        session, row, row.current_version, VersionKind.UPDATE, document, plan, user, now, before
    )
    return row


def withdraw_movement(
    session: Session,
    *,
    movement_id: str,
    reason: str,
    expected_version: int,
    user_id: int,
    now: datetime,
) -> MovementRow:
    """Withdraw a notification (a version; the parties are told)."""
    now = require_aware(now, "now")
    user = records.actor(session, user_id)
    row = get_movement(session, movement_id)
    _still_open(row)
    before = get_version(session, row.id, expected_version)
    bump_version(
        session,
        MovementRow,
        row.id,
        expected=expected_version,
        subject=f"movement {row.id}",
        values={"updated_at": now, "state": MovementState.WITHDRAWN},
    )
    session.refresh(row)
    document = {**records.spec_part(before.document), records.WITHDRAWAL_KEY: {"reason": reason}}
    plan_json = before.plan
    session.add(
        MovementVersionRow(
            movement_id=row.id,
            version=row.current_version,
            action=VersionKind.WITHDRAW,
            document=document,
            plan=plan_json,
            recorded_at=now,
            recorded_by=user.id,
            digest=digest(document),
        )
    )
    session.flush()
    parties = records.parties_of(session, subject_of(row.id), before.version)
    subject = subject_of(row.id)
    records.send(session, subject=subject, version=row.current_version, parties=parties, now=now)
    records.audit(
        session,
        user,
        now,
        action="movement.withdraw",
        subject=subject,
        before=before.document,
        after=document,
        details={"version": row.current_version, "parties": parties},
    )
    return row


def record_outcome(
    session: Session, *, movement_id: str, outcome: OutcomeSpec, user_id: int, now: datetime
) -> OutcomeRow:
    """Record (or correct, as a new revision) how the mission ended."""
    now = require_aware(now, "now")
    user = records.actor(session, user_id)
    row = get_movement(session, movement_id)
    outcome = outcome.in_utc()
    if row.state is MovementState.WITHDRAWN and outcome.category is not OutcomeCategory.CANCELLED:
        raise InvalidInput(
            "the notification was withdrawn: the outcome can only be 'cancelled'",
            location="category",
        )
    if outcome.departed_at and outcome.arrived_at and outcome.arrived_at < outcome.departed_at:
        raise InvalidInput("arrived_at is before departed_at", location="arrived_at")
    revision = row.outcome_revisions + 1
    moved = compare_and_swap(
        session,
        MovementRow.outcome_revisions,
        MovementRow.id,
        row.id,
        expected=revision - 1,
        values={
            "outcome_revisions": revision,
            "outcome_category": outcome.category,
            "state": MovementState.COMPLETED
            if row.state is not MovementState.WITHDRAWN
            else MovementState.WITHDRAWN,
            "updated_at": now,
        },
    )
    if not moved:
        raise Conflict(f"another outcome of movement {row.id} was recorded first; re-read it")
    session.refresh(row)
    document = outcome.model_dump(mode="json")
    stored = OutcomeRow(
        movement_id=row.id,
        revision=revision,
        category=outcome.category,
        document=document,
        recorded_at=now,
        recorded_by=user.id,
        digest=digest(document),
    )
    session.add(stored)
    session.flush()
    records.audit(
        session,
        user,
        now,
        action="movement.outcome",
        subject=subject_of(row.id),
        after=document,
        details={"revision": revision, "category": outcome.category.value},
    )
    return stored


# -- reading -----------------------------------------------------------------------------------


def get_movement(session: Session, movement_id: str) -> MovementRow:
    row = session.get(MovementRow, movement_id)
    if row is None:
        raise NotFound(f"no movement {movement_id!r}")
    return row


def get_version(
    session: Session, movement_id: str, version: int | None = None
) -> MovementVersionRow:
    if version is None:
        version = get_movement(session, movement_id).current_version
    stored = session.get(MovementVersionRow, (movement_id, version))
    if stored is None:
        current = get_movement(session, movement_id).current_version
        raise VersionConflict(f"movement {movement_id}", expected=version, current=current)
    return stored


def list_versions(session: Session, movement_id: str) -> list[MovementVersionRow]:
    query = select(MovementVersionRow).where(MovementVersionRow.movement_id == movement_id)
    return list(session.scalars(query.order_by(MovementVersionRow.version)))


def list_outcomes(session: Session, movement_id: str) -> list[OutcomeRow]:
    query = select(OutcomeRow).where(OutcomeRow.movement_id == movement_id)
    return list(session.scalars(query.order_by(OutcomeRow.revision)))


def latest_outcome(session: Session, row: MovementRow) -> OutcomeRow | None:
    if not row.outcome_revisions:
        return None
    return session.get(OutcomeRow, (row.id, row.outcome_revisions))


def list_movements(
    session: Session,
    *,
    owner_org_id: int | None = None,
    departure_from: datetime | None = None,
    departure_to: datetime | None = None,
) -> list[MovementRow]:
    query = select(MovementRow)
    if owner_org_id is not None:
        query = query.where(MovementRow.owner_organisation_id == owner_org_id)
    if departure_from is not None:
        query = query.where(MovementRow.departure_at >= departure_from)
    if departure_to is not None:
        query = query.where(MovementRow.departure_at < departure_to)
    return list(session.scalars(query.order_by(MovementRow.departure_at, MovementRow.id)))


def notified_to(session: Session, party_org_id: int) -> set[tuple[str, int]]:
    """(subject, version) of everything sent to a party organisation."""
    query = select(NotificationRow.subject, NotificationRow.version).where(
        NotificationRow.party_organisation_id == party_org_id
    )
    return {(subject, version) for subject, version in session.execute(query)}


# -- internals ---------------------------------------------------------------------------------


def _still_open(row: MovementRow) -> None:
    if row.state is not MovementState.NOTIFIED:
        raise Conflict(
            f"movement {row.id} is {row.state.value}; notify a new movement instead of changing it"
        )


def _version(
    session: Session,
    row: MovementRow,
    version: int,
    action: VersionKind,
    document: dict[str, Any],
    plan: Plan,
    user: Any,
    now: datetime,
    before: MovementVersionRow | None = None,
) -> None:
    spec = MovementSpec.model_validate(document)
    plan_json = plan_to_json(plan, spec.timezone)
    session.add(
        MovementVersionRow(
            movement_id=row.id,
            version=version,
            action=action,
            document=document,
            plan=plan_json,
            recorded_at=now,
            recorded_by=user.id,
            digest=digest(document),
        )
    )
    session.flush()
    parties = [p.id for p in records.recipients(session, spec.notify)]
    subject = subject_of(row.id)
    records.send(session, subject=subject, version=version, parties=parties, now=now)
    records.audit(
        session,
        user,
        now,
        action=f"movement.{'notify' if action is VersionKind.NOTIFY else 'update'}",
        subject=subject,
        before=None if before is None else before.document,
        after=document,
        details={
            "version": version,
            "owner_organisation_id": row.owner_organisation_id,
            "parties": parties,
            "plan_digest": digest(plan_json),
        },
    )
