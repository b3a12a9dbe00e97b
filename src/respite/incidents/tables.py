"""The incident tables, on the same declarative ``Base`` as the rest of the store.

Migration ``r0003_incidents`` creates them; a test compares the two. ``incidents`` holds one
row per incident as it stands now (content, review state, which version is current);
``incident_versions`` receives one row per content change and per review decision and is
append-only in the database (triggers), so what was reported, corrected and decided cannot be
quietly changed. ``import_runs`` is the record of each file import, its counts moved forward
batch by batch in the batch's own transaction, so the counts always match what was committed.

Times of the incident itself are UTC seconds (BIGINT), as :class:`IncidentRecord` keeps them;
the bookkeeping times (created, recorded) are UTC timestamps like every other table's.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from respite.events.record import GeoPrecision, IncidentSource, TimePrecision
from respite.storage.base import HASH_LENGTH, Base, checked
from respite.storage.types import UtcDateTime
from respite.storage.versioned import RecordedVersion, VersionedRecord

#: Column widths, checked before writing so that a long value is a named problem, not a
#: database error halfway through a batch.
KEY_LENGTH = 200
DATASET_LENGTH = 120
TYPE_LENGTH = 200


class Visibility(enum.StrEnum):
    #: anyone, once verified
    PUBLIC = "public"
    #: the owning organisation, coordinators, observers and administrators
    ORGANISATION = "organisation"


class ReviewState(enum.StrEnum):
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    REJECTED = "rejected"
    #: the same event as ``duplicate_of`` (which is counted instead)
    DUPLICATE = "duplicate"


class ChangeKind(enum.StrEnum):
    """How an incident version came about."""

    REPORT = "report"  # a field report (version 1)
    IMPORT = "import"  # first seen in an import (version 1)
    REIMPORT = "reimport"  # an import brought new content for the same key
    CORRECT = "correct"  # a correction of a field report
    REVIEW = "review"  # a review decision (content unchanged)


class ImportState(enum.StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class IncidentRow(VersionedRecord, Base):
    __tablename__ = "incidents"
    __table_args__ = (
        UniqueConstraint("source", "dataset", "source_key", name="uq_incidents_source_key"),
        CheckConstraint("current_version >= 1", name="current_version"),
        CheckConstraint("occurred_until > occurred_from", name="time_span"),
        CheckConstraint("radius_m >= 0", name="radius"),
        CheckConstraint("lon >= -180 AND lon <= 180 AND lat >= -90 AND lat <= 90", name="lonlat"),
        CheckConstraint("fatalities IS NULL OR fatalities >= 0", name="fatalities"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[IncidentSource] = mapped_column(checked(IncidentSource, "incident_source"))
    #: the import stream ("acled", a CSV mapping's name, "field/<organisation slug>")
    dataset: Mapped[str] = mapped_column(String(DATASET_LENGTH))
    source_key: Mapped[str] = mapped_column(String(KEY_LENGTH))
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    visibility: Mapped[Visibility] = mapped_column(checked(Visibility, "incident_visibility"))
    review_state: Mapped[ReviewState] = mapped_column(checked(ReviewState, "review_state"))
    duplicate_of: Mapped[str | None] = mapped_column(ForeignKey("incidents.id"))
    #: IncidentRecord.digest() of the current content
    digest: Mapped[str] = mapped_column(String(HASH_LENGTH))
    occurred_from: Mapped[int] = mapped_column(BigInteger, index=True)
    occurred_until: Mapped[int] = mapped_column(BigInteger)
    time_precision: Mapped[TimePrecision] = mapped_column(checked(TimePrecision, "time_precision"))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    radius_m: Mapped[float] = mapped_column(Float)
    geo_precision: Mapped[GeoPrecision] = mapped_column(checked(GeoPrecision, "geo_precision"))
    event_type: Mapped[str] = mapped_column(String(TYPE_LENGTH))
    sub_event_type: Mapped[str | None] = mapped_column(String(TYPE_LENGTH))
    fatalities: Mapped[int | None] = mapped_column(Integer)
    location: Mapped[str | None] = mapped_column(Text)
    actors: Mapped[list[str]] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(Text)
    reported_by: Mapped[str | None] = mapped_column(Text)
    attributes: Mapped[dict[str, str]] = mapped_column(JSON)


class ImportRunRow(Base):
    __tablename__ = "import_runs"
    __table_args__ = (
        CheckConstraint(
            "rows_read >= 0 AND inserted >= 0 AND updated >= 0 AND unchanged >= 0 "
            "AND rejected >= 0",
            name="counts",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[IncidentSource] = mapped_column(checked(IncidentSource, "import_source"))
    dataset: Mapped[str] = mapped_column(String(DATASET_LENGTH))
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    visibility: Mapped[Visibility] = mapped_column(checked(Visibility, "import_visibility"))
    #: the review state the imported incidents were given
    review_state: Mapped[ReviewState] = mapped_column(checked(ReviewState, "import_review_state"))
    file_name: Mapped[str | None] = mapped_column(Text)
    file_sha256: Mapped[str | None] = mapped_column(String(HASH_LENGTH))
    #: how the file was read (column mapping, time zone), as given
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[ImportState] = mapped_column(checked(ImportState, "import_state"))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    started_by: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    rows_read: Mapped[int] = mapped_column(Integer)
    inserted: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)
    #: the first rejected rows' problems ([{"location", "message"}]); ``rejected`` is exact
    problems: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    #: why a failed run stopped
    failure: Mapped[str | None] = mapped_column(Text)


class IncidentVersionRow(RecordedVersion, Base):
    """One version: ``document`` is the whole record as JSON (see
    :func:`respite.incidents.convert.record_json`), ``digest`` its IncidentRecord.digest()."""

    __tablename__ = "incident_versions"
    __table_args__ = (CheckConstraint("version >= 1", name="version"),)

    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    action: Mapped[ChangeKind] = mapped_column(checked(ChangeKind, "incident_change"))
    visibility: Mapped[Visibility] = mapped_column(checked(Visibility, "version_visibility"))
    review_state: Mapped[ReviewState] = mapped_column(checked(ReviewState, "version_review"))
    duplicate_of: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"), index=True)


#: Tables that only ever receive INSERTs (the migration installs the guards).
APPEND_ONLY_TABLES = ("incident_versions",)
