"""Incidents: field reports and imported conflict events, their versions, and import runs.

Revision ID: 0003_incidents
Revises: 0002_movements
Create Date: 2026-11-26

``incident_versions`` is append-only in the database (UPDATE, DELETE and, on PostgreSQL,
TRUNCATE refused by triggers): the record of what was reported and how it was reviewed cannot
be quietly changed. ``incidents`` and ``import_runs`` are summaries moved forward in place.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_incidents"
down_revision: str | None = "0002_movements"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SOURCES = ("field", "acled", "csv", "geojson")
TIME_PRECISIONS = ("second", "minute", "hour", "day", "week", "month", "span")
GEO_PRECISIONS = ("exact", "town", "near_town", "region")
VISIBILITIES = ("public", "organisation")
REVIEW_STATES = ("submitted", "verified", "rejected", "duplicate")
CHANGES = ("report", "import", "reimport", "correct", "review")
IMPORT_STATES = ("running", "completed", "failed")

APPEND_ONLY = ("incident_versions",)
REFUSED = "{table} is append-only: the record of incidents cannot be changed"


def _utc(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _enum(column: str, values: Sequence[str], table: str, name: str) -> list[sa.schema.SchemaItem]:
    listed = ", ".join(f"'{value}'" for value in values)
    return [
        sa.Column(column, sa.String(max(len(v) for v in values)), nullable=False),
        sa.CheckConstraint(f"{column} IN ({listed})", name=op.f(f"ck_{table}_{name}")),
    ]


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _incidents() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.String(40), nullable=False),
        *_enum("source", SOURCES, "incidents", "incident_source"),
        sa.Column("dataset", sa.String(120), nullable=False),
        sa.Column("source_key", sa.String(200), nullable=False),
        sa.Column("owner_organisation_id", sa.Integer(), nullable=False),
        *_enum("visibility", VISIBILITIES, "incidents", "incident_visibility"),
        *_enum("review_state", REVIEW_STATES, "incidents", "review_state"),
        sa.Column("duplicate_of", sa.String(40), nullable=True),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("occurred_from", sa.BigInteger(), nullable=False),
        sa.Column("occurred_until", sa.BigInteger(), nullable=False),
        *_enum("time_precision", TIME_PRECISIONS, "incidents", "time_precision"),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("radius_m", sa.Float(), nullable=False),
        *_enum("geo_precision", GEO_PRECISIONS, "incidents", "geo_precision"),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("sub_event_type", sa.String(200), nullable=True),
        sa.Column("fatalities", sa.Integer(), nullable=True),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("actors", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("reported_by", sa.Text(), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=False),
        _utc("created_at"),
        _utc("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
        _fk("incidents", "owner_organisation_id", "organisations"),
        _fk("incidents", "duplicate_of", "incidents"),
        sa.UniqueConstraint("source", "dataset", "source_key", name="uq_incidents_source_key"),
        sa.CheckConstraint("current_version >= 1", name=op.f("ck_incidents_current_version")),
        sa.CheckConstraint("occurred_until > occurred_from", name=op.f("ck_incidents_time_span")),
        sa.CheckConstraint("radius_m >= 0", name=op.f("ck_incidents_radius")),
        sa.CheckConstraint(
            "lon >= -180 AND lon <= 180 AND lat >= -90 AND lat <= 90",
            name=op.f("ck_incidents_lonlat"),
        ),
        sa.CheckConstraint(
            "fatalities IS NULL OR fatalities >= 0", name=op.f("ck_incidents_fatalities")
        ),
    )
    op.create_index(
        op.f("ix_incidents_owner_organisation_id"), "incidents", ["owner_organisation_id"]
    )
    op.create_index(op.f("ix_incidents_occurred_from"), "incidents", ["occurred_from"])


def _import_runs() -> None:
    op.create_table(
        "import_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        *_enum("source", SOURCES, "import_runs", "import_source"),
        sa.Column("dataset", sa.String(120), nullable=False),
        sa.Column("owner_organisation_id", sa.Integer(), nullable=False),
        *_enum("visibility", VISIBILITIES, "import_runs", "import_visibility"),
        *_enum("review_state", REVIEW_STATES, "import_runs", "import_review_state"),
        sa.Column("file_name", sa.Text(), nullable=True),
        sa.Column("file_sha256", sa.String(64), nullable=True),
        sa.Column("options", sa.JSON(), nullable=False),
        *_enum("state", IMPORT_STATES, "import_runs", "import_state"),
        _utc("started_at"),
        _utc("finished_at", nullable=True),
        sa.Column("started_by", sa.Integer(), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("failure", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_runs")),
        _fk("import_runs", "owner_organisation_id", "organisations"),
        _fk("import_runs", "started_by", "users"),
        sa.CheckConstraint(
            "rows_read >= 0 AND inserted >= 0 AND updated >= 0 AND unchanged >= 0 "
            "AND rejected >= 0",
            name=op.f("ck_import_runs_counts"),
        ),
    )
    op.create_index(
        op.f("ix_import_runs_owner_organisation_id"), "import_runs", ["owner_organisation_id"]
    )
    op.create_index(op.f("ix_import_runs_started_by"), "import_runs", ["started_by"])


def _versions() -> None:
    table = "incident_versions"
    op.create_table(
        table,
        sa.Column("incident_id", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_enum("action", CHANGES, table, "incident_change"),
        *_enum("visibility", VISIBILITIES, table, "version_visibility"),
        *_enum("review_state", REVIEW_STATES, table, "version_review"),
        sa.Column("duplicate_of", sa.String(40), nullable=True),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("import_run_id", sa.Integer(), nullable=True),
        _utc("recorded_at"),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("incident_id", "version", name=op.f(f"pk_{table}")),
        _fk(table, "incident_id", "incidents"),
        _fk(table, "import_run_id", "import_runs"),
        _fk(table, "recorded_by", "users"),
        sa.CheckConstraint("version >= 1", name=op.f(f"ck_{table}_version")),
    )
    op.create_index(op.f(f"ix_{table}_import_run_id"), table, ["import_run_id"])
    op.create_index(op.f(f"ix_{table}_recorded_by"), table, ["recorded_by"])


def upgrade() -> None:
    _incidents()
    _import_runs()
    _versions()
    _append_only()


def _append_only() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:
        message = REFUSED.format(table=table)
        if postgresql:
            # respite_refuse_change(message) comes with revision 0001 (the audit ledger's).
            for event, scope in (("UPDATE", "ROW"), ("DELETE", "ROW"), ("TRUNCATE", "STATEMENT")):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"FOR EACH {scope} EXECUTE FUNCTION respite_refuse_change('{message}')"
                )
            continue
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )


def downgrade() -> None:
    # Dropping a table drops its triggers.
    for table in ("incident_versions", "import_runs", "incidents"):
        op.drop_table(table)
