"""Part-level amendment actions: postpone, report_broken, announce_window, publish.

Revision ID: 0004_part_actions
Revises: 0003_incidents
Create Date: 2026-12-04

A pause version's ``action`` may now also be one of the part-level actions of issue 10; the
longest, ``announce_window``, needs a wider column. Part statuses, breaks, promised windows and
visibility live in the version's document, which is stored whole, so no other column changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_part_actions"
down_revision: str | None = "0003_incidents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_ACTIONS = (
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
NEW_ACTIONS = (*OLD_ACTIONS, "postpone", "report_broken", "announce_window", "publish")
CONSTRAINT = "ck_pause_versions_version_action"


def _one_of(values: Sequence[str]) -> str:
    return "action IN ({})".format(", ".join(f"'{value}'" for value in values))


def _rebuild(values: Sequence[str], length: int) -> None:
    # batch mode: SQLite cannot alter a CHECK or a column type in place (it copies the table).
    with op.batch_alter_table("pause_versions") as batch:
        batch.drop_constraint(op.f(CONSTRAINT), type_="check")
        batch.alter_column(
            "action", existing_type=sa.String(), type_=sa.String(length), existing_nullable=False
        )
        batch.create_check_constraint(op.f(CONSTRAINT), _one_of(values))


def upgrade() -> None:
    _rebuild(NEW_ACTIONS, 15)


def downgrade() -> None:
    # Refuse rather than delete history: versions made by the new actions have no older form.
    new = ", ".join(f"'{value}'" for value in NEW_ACTIONS[len(OLD_ACTIONS) :])
    used = op.get_bind().execute(
        sa.text(f"SELECT COUNT(*) FROM pause_versions WHERE action IN ({new})")  # noqa: S608
    )
    if used.scalar():
        raise RuntimeError("pause versions use part-level actions; cannot downgrade below 0004")
    _rebuild(OLD_ACTIONS, 13)
