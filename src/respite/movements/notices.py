"""Notifications sent to parties and their acknowledgements (the "switchboard operator").

Each version of a site or movement is sent to each recipient party (a ``notifications`` row,
timestamped); a liaison officer of that party acknowledges it (an ``acknowledgements`` row,
timestamped, by whom). Both tables are append-only. What is still unacknowledged, and for how
long, is derived from them; :func:`flag` marks a movement whose departure is near (or past)
without an acknowledgement.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from respite.accounts.tables import Organisation
from respite.errors import AlreadyExists, Conflict
from respite.movements import records
from respite.movements.tables import AcknowledgementRow, NotificationRow
from respite.storage.types import require_aware

#: Flag an unacknowledged movement this long before its departure.
DEFAULT_WARNING = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Notice:
    """One notification to one party and, if it came, its acknowledgement."""

    notification_id: int
    subject: str
    version: int
    party_organisation_id: int
    party: str
    sent_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: int | None
    note: str | None

    def waiting(self, now: datetime) -> timedelta | None:
        """How long it has gone unacknowledged (None once acknowledged)."""
        return None if self.acknowledged_at else now - self.sent_at


def acknowledge(
    session: Session,
    *,
    subject: str,
    version: int,
    party_org_id: int,
    user_id: int,
    note: str | None,
    now: datetime,
) -> AcknowledgementRow:
    """Acknowledge receipt of ``subject`` at ``version`` for a party (once)."""
    now = require_aware(now, "now")
    user = records.actor(session, user_id)
    notification = session.scalar(
        select(NotificationRow).where(
            NotificationRow.subject == subject,
            NotificationRow.version == version,
            NotificationRow.party_organisation_id == party_org_id,
        )
    )
    if notification is None:
        raise Conflict(f"version {version} of {subject} was not notified to your organisation")
    done = session.scalar(
        select(AcknowledgementRow).where(AcknowledgementRow.notification_id == notification.id)
    )
    if done is not None:
        raise AlreadyExists(
            f"version {version} of {subject} was already acknowledged at "
            f"{done.acknowledged_at.isoformat()}"
        )
    row = AcknowledgementRow(
        notification_id=notification.id, acknowledged_at=now, acknowledged_by=user.id, note=note
    )
    try:
        # Two liaisons acknowledging at the same moment both pass the check above; the unique
        # index decides, and the loser is told so rather than getting a server error.
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise AlreadyExists(f"version {version} of {subject} was already acknowledged") from None
    kind = subject.split(":", 1)[0]
    records.audit(
        session,
        user,
        now,
        action=f"{kind}.acknowledge",
        subject=subject,
        after={
            "notification_id": notification.id,
            "version": version,
            "party_organisation_id": party_org_id,
            "acknowledged_at": now.isoformat(),
            "note": note,
        },
        details={
            "version": version,
            "party_organisation_id": party_org_id,
            "waited_seconds": int((now - notification.sent_at).total_seconds()),
        },
    )
    return row


def notices(
    session: Session,
    subjects: Iterable[str],
    *,
    party_org_id: int | None = None,
) -> list[Notice]:
    """Every notification of the subjects (all versions), with acknowledgements."""
    wanted = sorted(set(subjects))
    if not wanted:
        return []
    query = (
        select(NotificationRow, AcknowledgementRow, Organisation.slug)
        .join(Organisation, Organisation.id == NotificationRow.party_organisation_id)
        .outerjoin(AcknowledgementRow, AcknowledgementRow.notification_id == NotificationRow.id)
        .where(NotificationRow.subject.in_(wanted))
        .order_by(NotificationRow.subject, NotificationRow.version, NotificationRow.id)
    )
    if party_org_id is not None:
        query = query.where(NotificationRow.party_organisation_id == party_org_id)
    found = []
    for notification, ack, slug in session.execute(query):
        found.append(
            Notice(
                notification_id=notification.id,
                subject=notification.subject,
                version=notification.version,
                party_organisation_id=notification.party_organisation_id,
                party=slug,
                sent_at=notification.sent_at,
                acknowledged_at=ack.acknowledged_at if ack else None,
                acknowledged_by=ack.acknowledged_by if ack else None,
                note=ack.note if ack else None,
            )
        )
    return found


def current(found: Iterable[Notice], versions: dict[str, int]) -> list[Notice]:
    """The notices of each subject's current version."""
    return [n for n in found if versions.get(n.subject) == n.version]


def flag(
    notice: Notice, *, departure: datetime | None, now: datetime, warning: timedelta
) -> str | None:
    """``departure_passed``/``departure_soon`` for an unacknowledged movement; else None."""
    if notice.acknowledged_at is not None or departure is None:
        return None
    if departure <= now:
        return "departure_passed"
    if departure - now <= warning:
        return "departure_soon"
    return None
