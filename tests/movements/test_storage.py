"""The notification tables: the migration matches the models, the history tables refuse
UPDATE, DELETE (and TRUNCATE) in the database itself, the services write their audit entry
in the caller's transaction. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from movement_helpers import Cast, convoy, site
from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError

from respite.audit import verify_chain
from respite.audit.tables import AuditEntry
from respite.engine import CoverageEngine
from respite.movements.model import MovementSpec
from respite.movements.planning import plan_movement
from respite.movements.service import notify_movement
from respite.movements.tables import APPEND_ONLY_TABLES, MovementRow
from respite.scenarios import load_scenario
from respite.storage import downgrade, make_engine, session_factory, upgrade
from respite.storage.base import Base

TABLES = {
    "sites",
    "site_versions",
    "movements",
    "movement_versions",
    "notifications",
    "acknowledgements",
    "movement_outcomes",
}
#: A column of each history table to try to overwrite with itself.
COLUMN = {
    "site_versions": "digest",
    "movement_versions": "digest",
    "notifications": "sent_at",
    "acknowledgements": "note",
    "movement_outcomes": "category",
}


def test_the_migration_creates_what_the_models_describe(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        downgrade(engine, "0001")
        assert not TABLES & set(inspect(engine).get_table_names())
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()


def test_the_record_of_notifications_cannot_be_changed(cast: Cast) -> None:
    svc = cast.svc
    mid = cast.post("aid", "/v1/movements", json=convoy(notify=[cast.orgs["liaison"]])).json()["id"]
    sid = cast.post("aid", "/v1/sites", json=site(notify=[cast.orgs["liaison"]])).json()["id"]
    assert (
        cast.post(
            "liaison", f"/v1/movements/{mid}/acknowledgements", json={"note": "ok"}
        ).status_code
        == 201
    )
    assert cast.post("liaison", f"/v1/sites/{sid}/acknowledgements").status_code == 201
    outcome = {"category": "facilitated", "delivered": {"people": 40}}
    assert (
        cast.post("coordinator", f"/v1/movements/{mid}/outcomes", json=outcome).status_code == 201
    )
    postgres = svc.engine.dialect.name == "postgresql"
    for table in APPEND_ONLY_TABLES:
        assert svc.sql(f"SELECT COUNT(*) FROM {table}")[0][0] >= 1, table
        statements = [
            f"UPDATE {table} SET {COLUMN[table]} = {COLUMN[table]}",
            f"DELETE FROM {table}",
        ]
        if postgres:
            statements.append(f"TRUNCATE {table} CASCADE")
        for statement in statements:
            with pytest.raises(DBAPIError, match="append-only"):
                svc.sql(statement)
    assert cast.get("admin", "/v1/audit/verify").json()["ok"] is True


def test_services_write_nothing_until_the_caller_commits(service: Any) -> None:
    svc = service
    engine = CoverageEngine(load_scenario())
    spec = MovementSpec.model_validate(convoy())
    found = plan_movement(engine, spec.in_utc())
    sessions = session_factory(svc.engine)
    now = datetime(2023, 11, 4, 12, tzinfo=UTC)
    with sessions() as session:
        session.begin()
        row = notify_movement(
            session,
            spec=spec,
            plan=found,
            owner_org_id=svc.cell_org_id,
            user_id=svc.admin_user_id,
            now=now,
        )
        assert session.get(MovementRow, row.id) is not None
        entry = session.query(AuditEntry).order_by(AuditEntry.seq.desc()).first()
        assert entry is not None and entry.subject == f"movement:{row.id}"
        session.rollback()
    assert svc.count(MovementRow) == 0
    with sessions.begin() as session:
        row = notify_movement(
            session,
            spec=spec,
            plan=found,
            owner_org_id=svc.cell_org_id,
            user_id=svc.admin_user_id,
            now=now,
        )
    with sessions() as session:
        report = verify_chain(session)
        assert report.ok
        last = session.get(AuditEntry, report.last_seq)
        assert last is not None and (last.action, last.subject) == (
            "movement.notify",
            f"movement:{row.id}",
        )
        assert last.details["plan_digest"]
