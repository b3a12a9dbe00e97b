"""Humanitarian notifications: sites, movements, notifications, acknowledgements, outcomes.

Revision ID: 0002_movements
Revises: 0001
Create Date: 2025-11-26

The history tables (site and movement versions, notifications sent, acknowledgements, mission
outcomes) are append-only in the database itself, as the audit ledger is: UPDATE and DELETE
(and TRUNCATE on PostgreSQL) are refused by triggers, so what was notified to whom and when,
and who acknowledged it, cannot be quietly changed. Corrections are new rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_movements"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SITE_STATES = ("active", "withdrawn")
SITE_KINDS = ("office", "warehouse", "shelter", "clinic", "distribution_point")
VERSION_KINDS = ("notify", "update", "withdraw")
MOVEMENT_STATES = ("notified", "withdrawn", "completed")
OBJECTIVES = ("aid_in", "people_out", "medical", "vaccination", "other")
AREAS = ("north", "south")
PUBLIC_RELEASE = ("never", "after_completion")
OUTCOMES = ("facilitated", "partially_facilitated", "impeded", "denied", "cancelled")

APPEND_ONLY = (
    "site_versions",
    "movement_versions",
    "notifications",
    "acknowledgements",
    "movement_outcomes",
)
REFUSED = "{table} is append-only: the record of notifications cannot be changed"


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


def _summary(
    table: str, states: Sequence[str], state_check: str, *extra: sa.schema.SchemaItem
) -> None:
    op.create_table(
        table,
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("owner_organisation_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(80), nullable=True),
        sa.Column("current_version", sa.Integer(), nullable=False),
        *_enum("state", states, table, state_check),
        *extra,
        _utc("created_at"),
        _utc("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        _fk(table, "owner_organisation_id", "organisations"),
        sa.UniqueConstraint("owner_organisation_id", "reference", name=f"uq_{table}_reference"),
        sa.CheckConstraint("current_version >= 1", name=op.f(f"ck_{table}_current_version")),
    )
    op.create_index(op.f(f"ix_{table}_owner_organisation_id"), table, ["owner_organisation_id"])


def _history(
    table: str, parent: str, key: str, number: str, *columns: sa.schema.SchemaItem
) -> None:
    op.create_table(
        table,
        sa.Column(key, sa.String(40), nullable=False),
        sa.Column(number, sa.Integer(), nullable=False),
        *columns,
        sa.Column("document", sa.JSON(), nullable=False),
        _utc("recorded_at"),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint(key, number, name=op.f(f"pk_{table}")),
        sa.ForeignKeyConstraint([key], [f"{parent}.id"], name=op.f(f"fk_{table}_{key}_{parent}")),
        _fk(table, "recorded_by", "users"),
        sa.CheckConstraint(f"{number} >= 1", name=op.f(f"ck_{table}_{number}")),
    )
    op.create_index(op.f(f"ix_{table}_recorded_by"), table, ["recorded_by"])


def upgrade() -> None:
    _summary(
        "sites",
        SITE_STATES,
        "site_state",
        *_enum("kind", SITE_KINDS, "sites", "site_kind"),
    )
    _history(
        "site_versions",
        "sites",
        "site_id",
        "version",
        *_enum("action", VERSION_KINDS, "site_versions", "site_version_kind"),
    )
    _summary(
        "movements",
        MOVEMENT_STATES,
        "movement_state",
        *_enum("objective", OBJECTIVES, "movements", "movement_objective"),
        *_enum("area", AREAS, "movements", "movement_area"),
        _utc("departure_at"),
        _utc("arrival_by"),
        _utc("expires_at"),
        *_enum("public_release", PUBLIC_RELEASE, "movements", "public_release"),
        sa.Column("pause_ids", sa.JSON(), nullable=False),
        sa.Column("outcome_category", sa.String(21), nullable=True),
        sa.CheckConstraint(
            "outcome_category IN ({})".format(", ".join(f"'{v}'" for v in OUTCOMES)),
            name=op.f("ck_movements_outcome_category"),
        ),
        sa.Column("outcome_revisions", sa.Integer(), nullable=False),
    )
    op.create_index(op.f("ix_movements_departure_at"), "movements", ["departure_at"])
    _history(
        "movement_versions",
        "movements",
        "movement_id",
        "version",
        *_enum("action", VERSION_KINDS, "movement_versions", "movement_version_kind"),
        sa.Column("plan", sa.JSON(), nullable=True),
    )
    _history(
        "movement_outcomes",
        "movements",
        "movement_id",
        "revision",
        *_enum("category", OUTCOMES, "movement_outcomes", "outcome_category"),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("party_organisation_id", sa.Integer(), nullable=False),
        _utc("sent_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        _fk("notifications", "party_organisation_id", "organisations"),
        sa.UniqueConstraint(
            "subject", "version", "party_organisation_id", name="uq_notifications_subject"
        ),
    )
    op.create_index(op.f("ix_notifications_subject"), "notifications", ["subject"])
    op.create_index(
        op.f("ix_notifications_party_organisation_id"), "notifications", ["party_organisation_id"]
    )
    op.create_table(
        "acknowledgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=False),
        _utc("acknowledged_at"),
        sa.Column("acknowledged_by", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acknowledgements")),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
            name=op.f("fk_acknowledgements_notification_id_notifications"),
        ),
        _fk("acknowledgements", "acknowledged_by", "users"),
        sa.UniqueConstraint("notification_id", name=op.f("uq_acknowledgements_notification_id")),
    )
    op.create_index(
        op.f("ix_acknowledgements_acknowledged_by"), "acknowledgements", ["acknowledged_by"]
    )
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
    for table in (
        "acknowledgements",
        "notifications",
        "movement_outcomes",
        "movement_versions",
        "movements",
        "site_versions",
        "sites",
    ):
        op.drop_table(table)
