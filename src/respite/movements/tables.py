"""The notification tables, on the same declarative ``Base`` as the rest of the store.

Migration ``r0002_movements`` creates them; a test compares the two. History tables
(``site_versions``, ``movement_versions``, ``notifications``, ``acknowledgements``,
``movement_outcomes``) only ever receive INSERTs: the database refuses UPDATE and DELETE on
them (triggers), so the record of what was notified, to whom, when, and who acknowledged it
cannot be quietly changed. ``sites`` and ``movements`` are summaries (which version is
current, state), moved with ``UPDATE ... WHERE current_version = :expected``.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from respite.movements.model import Area, MovementObjective, OutcomeCategory, PublicRelease
from respite.storage.base import HASH_LENGTH, Base, checked
from respite.storage.types import UtcDateTime
from respite.storage.versioned import RecordedVersion, VersionedRecord


class VersionKind(enum.StrEnum):
    """How a site or movement version came about (there is no approval: only information)."""

    NOTIFY = "notify"
    UPDATE = "update"
    WITHDRAW = "withdraw"


class MovementState(enum.StrEnum):
    NOTIFIED = "notified"
    WITHDRAWN = "withdrawn"
    #: an outcome has been recorded
    COMPLETED = "completed"


def _values(kind: type[enum.StrEnum]) -> list[str]:
    return [member.value for member in kind]


class NotifiedRecord(VersionedRecord):
    """What a site and a movement share: an id, the owner organisation and its own reference."""

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    reference: Mapped[str | None] = mapped_column(String(80))


class MovementRow(NotifiedRecord, Base):
    __tablename__ = "movements"
    __table_args__ = (
        CheckConstraint("current_version >= 1", name="current_version"),
        UniqueConstraint("owner_organisation_id", "reference", name="uq_movements_reference"),
    )

    state: Mapped[MovementState] = mapped_column(checked(MovementState, "movement_state"))
    objective: Mapped[MovementObjective] = mapped_column(
        checked(MovementObjective, "movement_objective")
    )
    area: Mapped[Area] = mapped_column(checked(Area, "movement_area"))
    #: earliest planned departure (UTC): what the access snapshot's period is about
    departure_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    #: the planned trip's latest arrival (UTC)
    arrival_by: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    public_release: Mapped[PublicRelease] = mapped_column(checked(PublicRelease, "public_release"))
    #: the pauses the movement counts towards (given, or found by the route check)
    pause_ids: Mapped[list[str]] = mapped_column(JSON)
    outcome_category: Mapped[OutcomeCategory | None] = mapped_column(
        checked(OutcomeCategory, "outcome_category")
    )
    outcome_revisions: Mapped[int] = mapped_column(Integer)


class MovementVersionRow(RecordedVersion, Base):
    __tablename__ = "movement_versions"
    __table_args__ = (CheckConstraint("version >= 1", name="version"),)

    movement_id: Mapped[str] = mapped_column(ForeignKey("movements.id"), primary_key=True)
    action: Mapped[VersionKind] = mapped_column(checked(VersionKind, "movement_version_kind"))
    #: what the system told the organisation on submission (route check, fitting windows)
    plan: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class NotificationRow(Base):
    """One version of a site or movement sent to one party organisation."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint(
            "subject", "version", "party_organisation_id", name="uq_notifications_subject"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: ``movement:<id>`` or ``site:<id>``
    subject: Mapped[str] = mapped_column(String(60), index=True)
    version: Mapped[int] = mapped_column(Integer)
    party_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AcknowledgementRow(Base):
    __tablename__ = "acknowledgements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id"), unique=True)
    acknowledged_at: Mapped[datetime] = mapped_column(UtcDateTime())
    acknowledged_by: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    note: Mapped[str | None] = mapped_column(Text)


class OutcomeRow(Base):
    """A recorded outcome; a correction is a later revision (the latest counts)."""

    __tablename__ = "movement_outcomes"
    __table_args__ = (CheckConstraint("revision >= 1", name="revision"),)

    movement_id: Mapped[str] = mapped_column(ForeignKey("movements.id"), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[OutcomeCategory] = mapped_column(checked(OutcomeCategory, "outcome_category"))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    digest: Mapped[str] = mapped_column(String(HASH_LENGTH))


#: Tables that only ever receive INSERTs (the migration installs the guards).
APPEND_ONLY_TABLES = (
    "site_versions",
    "movement_versions",
    "notifications",
    "acknowledgements",
    "movement_outcomes",
)
