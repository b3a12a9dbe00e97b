"""The tables, as typed SQLAlchemy declarative models.

The migrations in ``migrations/versions`` are the source of truth for the schema; these models
describe the same tables for the ORM, and a test compares the two. Timestamps use
:class:`~respite.storage.types.UtcDateTime` (aware UTC in, aware UTC out).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Enum,
    ForeignKey,
    Integer,
    MetaData,
    String,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from respite.pauses.model import PauseKind, PauseStatus
from respite.storage.types import UtcDateTime

#: Constraint names are part of the schema (migrations refer to them), so they are fixed here.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: SHA-256 hex digests and chain hashes.
HASH_LENGTH = 64


class OrganisationKind(enum.StrEnum):
    COORDINATION = "coordination"
    AID = "aid"
    PARTY = "party"
    MEDIATOR = "mediator"
    OBSERVER = "observer"
    PUBLIC_MEDIA = "public_media"


class UserRole(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    ORGANISATION = "organisation"
    OBSERVER = "observer"
    PARTY_LIAISON = "party_liaison"


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
    POSTPONE = "postpone"
    REPORT_BROKEN = "report_broken"
    ANNOUNCE_WINDOW = "announce_window"
    PUBLISH = "publish"


def _values(kind: type[enum.StrEnum]) -> list[str]:
    return [member.value for member in kind]


def _checked_enum(kind: type[enum.StrEnum], name: str) -> Enum:
    # Stored as VARCHAR + CHECK rather than a native PostgreSQL ENUM: adding a value is then an
    # ordinary migration on both backends.
    return Enum(kind, name=name, native_enum=False, create_constraint=True, values_callable=_values)


def _library_enum(kind: type[enum.StrEnum]) -> Enum:
    # Pause kinds and statuses belong to the pure library and are validated there before
    # anything is stored; a CHECK here would make every new kind wait for a migration.
    return Enum(
        kind, native_enum=False, create_constraint=False, length=32, values_callable=_values
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[OrganisationKind] = mapped_column(
        _checked_enum(OrganisationKind, "organisation_kind")
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    #: Stored lower-cased, so uniqueness ignores case.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[UserRole] = mapped_column(_checked_enum(UserRole, "user_role"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    organisation: Mapped[Organisation] = relationship(lazy="joined")


class ApiToken(Base):
    """An API token; only the SHA-256 of the secret is stored (see ``storage/tokens.py``)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_prefix: Mapped[str] = mapped_column(String(8), index=True)
    token_hash: Mapped[str] = mapped_column(String(HASH_LENGTH), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class PauseRow(Base):
    """One pause; its content lives in ``pause_versions`` (this row says which is current)."""

    __tablename__ = "pauses"
    __table_args__ = (CheckConstraint("current_version >= 1", name="current_version"),)

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    current_version: Mapped[int] = mapped_column(Integer)
    published: Mapped[bool] = mapped_column(Boolean)
    kind: Mapped[PauseKind] = mapped_column(_library_enum(PauseKind))
    status: Mapped[PauseStatus] = mapped_column(_library_enum(PauseStatus))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PauseVersionRow(Base):
    """The full pause document as of one version (the spec with amendments up to it)."""

    __tablename__ = "pause_versions"
    __table_args__ = (CheckConstraint("version >= 1", name="version"),)

    pause_id: Mapped[str] = mapped_column(ForeignKey("pauses.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    action: Mapped[VersionAction] = mapped_column(_checked_enum(VersionAction, "version_action"))
    #: When the version took effect in the world (UTC); None if the record does not say.
    effective_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The sources cited for this version (a list of Source documents); None for an edit.
    source: Mapped[list[Any] | None] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(HASH_LENGTH))


class AuditEntry(Base):
    """One link of the hash chain; see :mod:`respite.audit.ledger`."""

    __tablename__ = "audit_entries"
    __table_args__ = (CheckConstraint("seq >= 1", name="seq"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(200))
    before_digest: Mapped[str | None] = mapped_column(String(HASH_LENGTH))
    after_digest: Mapped[str | None] = mapped_column(String(HASH_LENGTH))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    entry_hash: Mapped[str] = mapped_column(String(HASH_LENGTH), unique=True)


class AuditHead(Base):
    """The one row saying where the chain ends; appends lock it, verification compares it."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
