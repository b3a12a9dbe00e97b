"""Initial schema: organisations, users, tokens, pauses with versions, and the audit ledger.

Revision ID: 0001
Revises:
Create Date: 2025-11-25

The audit tables are guarded in the database itself: entries cannot be updated or deleted, an
insert must continue the chain at the head, and the head only moves forward one entry at a
time (see :mod:`respite.audit.ledger` for why verification does not rely on these guards).
"""

# The DDL below is assembled from this file's own constants, never from input.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS_HASH = "0" * 64

ORGANISATION_KINDS = ("coordination", "aid", "party", "mediator", "observer", "public_media")
USER_ROLES = ("admin", "coordinator", "organisation", "observer", "party_liaison")
VERSION_ACTIONS = (
    "create",
    "extend",
    "shorten",
    "suspend",
    "resume",
    "end",
    "cancel",
    "replace_parts",
    "edit",
)

APPEND_ONLY = "audit entries are append-only"
HEAD_KEPT = "the audit head cannot be deleted"
LINK = "an audit entry must continue the chain at the head (seq and prev_hash)"
FORWARD = "the audit head only moves forward, one existing entry at a time"

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    f"""CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    f"""CREATE TRIGGER audit_entries_link BEFORE INSERT ON audit_entries
    WHEN NOT EXISTS (SELECT 1 FROM audit_head
                     WHERE id = 1 AND last_seq + 1 = NEW.seq AND last_hash = NEW.prev_hash)
    BEGIN SELECT RAISE(ABORT, '{LINK}'); END""",
    f"""CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
    WHEN NEW.id != OLD.id OR NEW.last_seq != OLD.last_seq + 1
      OR NOT EXISTS (SELECT 1 FROM audit_entries
                     WHERE seq = NEW.last_seq AND entry_hash = NEW.last_hash)
    BEGIN SELECT RAISE(ABORT, '{FORWARD}'); END""",
    f"""CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
    BEGIN SELECT RAISE(ABORT, '{HEAD_KEPT}'); END""",
)

POSTGRESQL_FUNCTIONS = (
    """CREATE FUNCTION respite_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '%', TG_ARGV[0];
    END $$""",
    f"""CREATE FUNCTION respite_audit_link() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM audit_head
                       WHERE id = 1 AND last_seq + 1 = NEW.seq AND last_hash = NEW.prev_hash)
        THEN
            RAISE EXCEPTION '{LINK}';
        END IF;
        RETURN NEW;
    END $$""",
    f"""CREATE FUNCTION respite_audit_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.id <> OLD.id OR NEW.last_seq <> OLD.last_seq + 1
           OR NOT EXISTS (SELECT 1 FROM audit_entries
                          WHERE seq = NEW.last_seq AND entry_hash = NEW.last_hash)
        THEN
            RAISE EXCEPTION '{FORWARD}';
        END IF;
        RETURN NEW;
    END $$""",
)

POSTGRESQL_TRIGGERS = (
    f"""CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION respite_refuse_change('{APPEND_ONLY}')""",
    f"""CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION respite_refuse_change('{APPEND_ONLY}')""",
    # Row triggers do not fire on TRUNCATE, which would otherwise empty the ledger silently.
    f"""CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION respite_refuse_change('{APPEND_ONLY}')""",
    """CREATE TRIGGER audit_entries_link BEFORE INSERT ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION respite_audit_link()""",
    """CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION respite_audit_head_forward()""",
    f"""CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION respite_refuse_change('{HEAD_KEPT}')""",
    f"""CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION respite_refuse_change('{HEAD_KEPT}')""",
)


def _utc(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _one_of(column: str, values: Sequence[str], name: str) -> sa.CheckConstraint:
    listed = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({listed})", name=op.f(name))


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(80), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        _utc("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("slug", name=op.f("uq_organisations_slug")),
        _one_of("kind", ORGANISATION_KINDS, "ck_organisations_organisation_kind"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("role", sa.String(13), nullable=False),
        _utc("created_at"),
        _utc("disabled_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_users_organisation_id_organisations"),
        ),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
        _one_of("role", USER_ROLES, "ck_users_user_role"),
    )
    op.create_index(op.f("ix_users_organisation_id"), "users", ["organisation_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_prefix", sa.String(8), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        _utc("created_at"),
        _utc("expires_at", nullable=True),
        _utc("revoked_at", nullable=True),
        _utc("last_used_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")
        ),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"])
    op.create_index(op.f("ix_api_tokens_token_prefix"), "api_tokens", ["token_prefix"])
    op.create_table(
        "pauses",
        sa.Column("id", sa.String(80), nullable=False),
        sa.Column("owner_organisation_id", sa.Integer(), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        _utc("created_at"),
        _utc("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pauses")),
        sa.ForeignKeyConstraint(
            ["owner_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_pauses_owner_organisation_id_organisations"),
        ),
        sa.CheckConstraint("current_version >= 1", name=op.f("ck_pauses_current_version")),
    )
    op.create_index(op.f("ix_pauses_owner_organisation_id"), "pauses", ["owner_organisation_id"])
    op.create_table(
        "pause_versions",
        sa.Column("pause_id", sa.String(80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("action", sa.String(13), nullable=False),
        _utc("effective_at", nullable=True),
        _utc("recorded_at"),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("source", sa.JSON(), nullable=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("pause_id", "version", name=op.f("pk_pause_versions")),
        sa.ForeignKeyConstraint(
            ["pause_id"], ["pauses.id"], name=op.f("fk_pause_versions_pause_id_pauses")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_pause_versions_recorded_by_users")
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_pause_versions_version")),
        _one_of("action", VERSION_ACTIONS, "ck_pause_versions_version_action"),
    )
    op.create_index(op.f("ix_pause_versions_recorded_by"), "pause_versions", ["recorded_by"])
    op.create_table(
        "audit_entries",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        _utc("at"),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_org_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("before_digest", sa.String(64), nullable=True),
        sa.Column("after_digest", sa.String(64), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_entries")),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["users.id"], name=op.f("fk_audit_entries_actor_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["actor_org_id"],
            ["organisations.id"],
            name=op.f("fk_audit_entries_actor_org_id_organisations"),
        ),
        sa.UniqueConstraint("entry_hash", name=op.f("uq_audit_entries_entry_hash")),
        sa.CheckConstraint("seq >= 1", name=op.f("ck_audit_entries_seq")),
    )
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_head_single_row")),
    )
    op.bulk_insert(head, [{"id": 1, "last_seq": 0, "last_hash": GENESIS_HASH}])
    if op.get_bind().dialect.name == "postgresql":
        for statement in (*POSTGRESQL_FUNCTIONS, *POSTGRESQL_TRIGGERS):
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    # Dropping a table drops its triggers; the PostgreSQL functions go afterwards.
    for table in (
        "audit_head",
        "audit_entries",
        "pause_versions",
        "pauses",
        "api_tokens",
        "users",
        "organisations",
    ):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        for function in (
            "respite_audit_head_forward",
            "respite_audit_link",
            "respite_refuse_change",
        ):
            op.execute(f"DROP FUNCTION {function}()")
