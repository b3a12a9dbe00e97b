"""The pause tables, as typed SQLAlchemy declarative models: a pause and its versions.

The migrations in ``storage/migrations/versions`` are the source of truth for the schema; these
models describe the same tables for the ORM, and a test compares the two.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from respite.pauses.model import PauseKind, PauseStatus
from respite.storage.base import Base, checked_enum, library_enum
from respite.storage.types import UtcDateTime
from respite.storage.versioned import RecordedVersion, VersionedRecord


class VersionAction(enum.StrEnum):
    """How a pause version came about: its creation, an amendment, or an edit of the record."""

    CREATE = "create"
    EXTEND = "extend"
    SHORTEN = "shorten"
    SUSPEND = "suspend"
    RESUME = "resume"
    END = "end"
    CANCEL = "cancel"
    REPLACE_PARTS = "replace_parts"
    EDIT = "edit"


class PauseRow(VersionedRecord, Base):
    """One pause; its content lives in ``pause_versions`` (this row says which is current)."""

    __tablename__ = "pauses"
    __table_args__ = (CheckConstraint("current_version >= 1", name="current_version"),)

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    published: Mapped[bool] = mapped_column(Boolean)
    kind: Mapped[PauseKind] = mapped_column(library_enum(PauseKind))
    status: Mapped[PauseStatus] = mapped_column(library_enum(PauseStatus))


class PauseVersionRow(RecordedVersion, Base):
    """The full pause document as of one version (the spec with amendments up to it)."""

    __tablename__ = "pause_versions"
    __table_args__ = (CheckConstraint("version >= 1", name="version"),)

    pause_id: Mapped[str] = mapped_column(ForeignKey("pauses.id"), primary_key=True)
    action: Mapped[VersionAction] = mapped_column(checked_enum(VersionAction, "version_action"))
    #: When the version took effect in the world (UTC); None if the record does not say.
    effective_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: The sources cited for this version (a list of Source documents); None for an edit.
    source: Mapped[list[Any] | None] = mapped_column(JSON)
