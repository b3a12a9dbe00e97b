"""Incidents in the database: field reports, corrections and review; every write audited.

An incident is one ``incidents`` row (its current content, visibility, review state and
version) plus one ``incident_versions`` row per version (append-only). A correction of the
content sends the incident back to review (``submitted``): what a coordinator verified is no
longer what is stored. Review moves ``submitted`` to ``verified``, ``rejected`` or
``duplicate`` (of another incident, which is counted instead), and any of those back to
``submitted`` (re-opened); each decision is a version.

Keyword-only functions that flush but never commit (imports, which must commit per batch,
are :mod:`respite.incidents.importer`).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from respite.accounts.service import get_user
from respite.accounts.tables import Organisation, User
from respite.errors import AlreadyExists, Conflict, InvalidInput, NotFound, VersionConflict
from respite.events.record import IncidentRecord, IncidentSource
from respite.incidents.convert import (
    record_columns,
    record_json,
    record_of,
    store_problems,
)
from respite.incidents.tables import (
    ChangeKind,
    IncidentRow,
    IncidentVersionRow,
    ReviewState,
    Visibility,
)
from respite.movements.records import audit
from respite.storage.types import require_aware
from respite.storage.versioned import bump_version

#: Review moves allowed: from submitted to a decision, from a decision back to submitted.
DECISIONS = frozenset({ReviewState.VERIFIED, ReviewState.REJECTED, ReviewState.DUPLICATE})


def subject_of(incident_id: str) -> str:
    return f"incident:{incident_id}"


def new_incident_id(occurred_from: int) -> str:
    """``inc-20231105-3f9a1c2b4d5e``: the day it happened (UTC) and 48 random bits, so that
    a million events of one day do not collide."""
    day = datetime.fromtimestamp(occurred_from, UTC)
    return f"inc-{day:%Y%m%d}-{secrets.token_hex(6)}"


def field_dataset(session: Session, owner_org_id: int) -> str:
    """Field reports' keys are unique per organisation: ``field/<organisation slug>``."""
    organisation = session.get(Organisation, owner_org_id)
    if organisation is None:
        raise NotFound(f"no organisation {owner_org_id}")
    return f"field/{organisation.slug}"


def state_document(row: IncidentRow) -> dict[str, Any]:
    """What an audit entry's digests cover: the content and the review decision."""
    return {
        "record": record_json(record_of(row)),
        "visibility": row.visibility.value,
        "review_state": row.review_state.value,
        "duplicate_of": row.duplicate_of,
    }


def report_incident(
    session: Session,
    *,
    record: IncidentRecord,
    owner_org_id: int,
    visibility: Visibility,
    user_id: int,
    now: datetime,
) -> IncidentRow:
    """Store a field report (version 1, ``submitted``)."""
    now = require_aware(now, "now")
    user = get_user(session, user_id)
    if record.source is not IncidentSource.FIELD:
        raise InvalidInput("a report entered by hand is a field report", location="source")
    problems = store_problems(record, "")
    if problems:
        raise InvalidInput(problems)
    dataset = field_dataset(session, owner_org_id)
    clash = session.scalar(
        select(IncidentRow.id).where(
            IncidentRow.source == record.source,
            IncidentRow.dataset == dataset,
            IncidentRow.source_key == record.source_key,
        )
    )
    if clash is not None:
        raise AlreadyExists(
            f"your organisation's incident {clash} has reference {record.source_key!r}"
        )
    row = IncidentRow(
        id=new_incident_id(record.occurred_from),
        dataset=dataset,
        owner_organisation_id=owner_org_id,
        visibility=visibility,
        review_state=ReviewState.SUBMITTED,
        duplicate_of=None,
        current_version=1,
        created_at=now,
        updated_at=now,
        **record_columns(record),
    )
    session.add(row)
    session.flush()
    _version(session, row, ChangeKind.REPORT, user, now)
    audit(
        session,
        user,
        now,
        action="incident.report",
        subject=subject_of(row.id),
        after=state_document(row),
        details=_details(row),
    )
    return row


def correct_incident(
    session: Session,
    *,
    incident_id: str,
    record: IncidentRecord,
    visibility: Visibility,
    expected_version: int,
    user_id: int,
    now: datetime,
) -> IncidentRow:
    """A corrected field report: a new version; changed content goes back to review.

    Sending what is already stored changes nothing (no version, no audit entry)."""
    now = require_aware(now, "now")
    user = get_user(session, user_id)
    row = get_incident(session, incident_id)
    if row.source is not IncidentSource.FIELD:
        raise Conflict(
            f"incident {row.id} was imported from {row.source.value} ({row.dataset}): "
            "correct the source and import it again"
        )
    if record.source_key != row.source_key or record.source is not row.source:
        raise InvalidInput("the reference of a report cannot change", location="reference")
    problems = store_problems(record, "")
    if problems:
        raise InvalidInput(problems)
    if expected_version != row.current_version:
        raise VersionConflict(
            f"incident {row.id}", expected=expected_version, current=row.current_version
        )
    content_changed = record.digest() != row.digest
    if not content_changed and visibility is row.visibility:
        return row
    before = state_document(row)
    values: dict[str, Any] = {"visibility": visibility, "updated_at": now}
    if content_changed:
        values |= record_columns(record)
        values |= {"review_state": ReviewState.SUBMITTED, "duplicate_of": None}
    _bump(session, row, expected_version, values)
    _version(session, row, ChangeKind.CORRECT, user, now)
    audit(
        session,
        user,
        now,
        action="incident.correct",
        subject=subject_of(row.id),
        before=before,
        after=state_document(row),
        details=_details(row) | {"content_changed": content_changed},
    )
    return row


def review_incident(
    session: Session,
    *,
    incident_id: str,
    state: ReviewState,
    duplicate_of: str | None = None,
    note: str | None = None,
    expected_version: int,
    user_id: int,
    now: datetime,
) -> IncidentRow:
    """Record a review decision (or re-open one) as a new version."""
    now = require_aware(now, "now")
    user = get_user(session, user_id)
    row = get_incident(session, incident_id)
    current = row.review_state
    allowed = DECISIONS if current is ReviewState.SUBMITTED else {ReviewState.SUBMITTED}
    if state not in allowed:
        raise Conflict(
            f"incident {row.id} is {current.value}; it can become "
            + " or ".join(sorted(s.value for s in allowed))
        )
    if state is ReviewState.DUPLICATE:
        _check_original(session, row, duplicate_of)
    elif duplicate_of is not None:
        raise InvalidInput("duplicate_of is only for state 'duplicate'", location="duplicate_of")
    if expected_version != row.current_version:
        raise VersionConflict(
            f"incident {row.id}", expected=expected_version, current=row.current_version
        )
    before = state_document(row)
    values = {"review_state": state, "duplicate_of": duplicate_of, "updated_at": now}
    _bump(session, row, expected_version, values)
    _version(session, row, ChangeKind.REVIEW, user, now, note=note)
    audit(
        session,
        user,
        now,
        action="incident.review",
        subject=subject_of(row.id),
        before=before,
        after=state_document(row),
        details=_details(row) | {"from": current.value, "note": note},
    )
    return row


# -- reading -----------------------------------------------------------------------------------


def get_incident(session: Session, incident_id: str) -> IncidentRow:
    row = session.get(IncidentRow, incident_id)
    if row is None:
        raise NotFound(f"no incident {incident_id!r}")
    return row


def get_version(session: Session, incident_id: str, version: int) -> IncidentVersionRow:
    stored = session.get(IncidentVersionRow, (incident_id, version))
    if stored is None:
        raise NotFound(f"no version {version} of incident {incident_id!r}")
    return stored


def list_versions(session: Session, incident_id: str) -> list[IncidentVersionRow]:
    query = select(IncidentVersionRow).where(IncidentVersionRow.incident_id == incident_id)
    return list(session.scalars(query.order_by(IncidentVersionRow.version)))


# -- internals ---------------------------------------------------------------------------------


def _check_original(session: Session, row: IncidentRow, duplicate_of: str | None) -> None:
    if duplicate_of is None:
        raise InvalidInput("name the incident this one duplicates", location="duplicate_of")
    if duplicate_of == row.id:
        raise InvalidInput("an incident cannot duplicate itself", location="duplicate_of")
    original = session.get(IncidentRow, duplicate_of)
    if original is None:
        raise InvalidInput(f"no incident {duplicate_of!r}", location="duplicate_of")
    if original.review_state is ReviewState.DUPLICATE:
        raise InvalidInput(
            f"{duplicate_of} is itself a duplicate of {original.duplicate_of}; name that one",
            location="duplicate_of",
        )


def _bump(session: Session, row: IncidentRow, expected: int, values: dict[str, Any]) -> None:
    bump_version(
        session, IncidentRow, row.id, expected=expected, subject=f"incident {row.id}", values=values
    )
    session.refresh(row)


def _version(
    session: Session,
    row: IncidentRow,
    action: ChangeKind,
    user: User,
    now: datetime,
    *,
    note: str | None = None,
) -> None:
    session.add(
        IncidentVersionRow(
            incident_id=row.id,
            version=row.current_version,
            action=action,
            visibility=row.visibility,
            review_state=row.review_state,
            duplicate_of=row.duplicate_of,
            document=record_json(record_of(row)),
            digest=row.digest,
            note=note,
            import_run_id=None,
            recorded_at=now,
            recorded_by=user.id,
        )
    )
    session.flush()


def _details(row: IncidentRow) -> dict[str, Any]:
    return {
        "version": row.current_version,
        "owner_organisation_id": row.owner_organisation_id,
        "visibility": row.visibility.value,
        "review_state": row.review_state.value,
        "duplicate_of": row.duplicate_of,
        "record_digest": row.digest,
    }
