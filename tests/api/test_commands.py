"""The service's command line: ``respite audit verify`` finds a hand-edited, deleted or
reordered ledger entry and names it; ``token create``, ``load`` and ``db`` work on the same
database as the HTTP API. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from api_helpers import POLIO_ROUND_2, Service, pause_document, running
from sqlalchemy import Connection, inspect, select, update

from respite.audit.tables import AuditEntry
from respite.cli import main

ENTRIES = AuditEntry.__table__
#: The ledger's guards (trigger -> table), as installed by the first migration; what someone
#: with database access drops before editing history (as in tests/audit).
GUARDS = {
    "audit_entries_no_update": "audit_entries",
    "audit_entries_no_delete": "audit_entries",
    "audit_entries_no_truncate": "audit_entries",
    "audit_entries_link": "audit_entries",
    "audit_head_forward_only": "audit_head",
    "audit_head_no_delete": "audit_head",
    "audit_head_no_truncate": "audit_head",
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def drop_guards(connection: Connection) -> None:
    postgres = connection.dialect.name == "postgresql"
    for trigger, table in GUARDS.items():
        on = f" ON {table}" if postgres else ""
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}{on}")


def edit(connection: Connection) -> None:
    connection.exec_driver_sql("UPDATE audit_entries SET subject = 'pause:forged' WHERE seq = 3")


def delete(connection: Connection) -> None:
    connection.exec_driver_sql("DELETE FROM audit_entries WHERE seq = 4")


def swap(connection: Connection) -> None:
    """Entries 3 and 4 trade places, each keeping its own hashes."""
    rows = {
        row.seq: row._asdict()
        for row in connection.execute(select(ENTRIES).where(ENTRIES.c.seq.in_([3, 4])))
    }
    for seq, other in ((3, 4), (4, 3)):
        content = {k: v for k, v in rows[other].items() if k not in ("seq", "entry_hash")}
        connection.execute(update(ENTRIES).where(ENTRIES.c.seq == seq).values(**content))
    # entry_hash is unique, so it moves through a placeholder.
    connection.execute(update(ENTRIES).where(ENTRIES.c.seq == 3).values(entry_hash="0" * 64))
    connection.execute(
        update(ENTRIES).where(ENTRIES.c.seq == 4).values(entry_hash=rows[3]["entry_hash"])
    )
    connection.execute(
        update(ENTRIES).where(ENTRIES.c.seq == 3).values(entry_hash=rows[4]["entry_hash"])
    )


@pytest.mark.parametrize(
    ("tamper", "named"),
    [
        (edit, "audit entry 3: hash_mismatch"),
        (delete, "audit entry 4: missing"),
        (swap, "audit entry 3: broken_link"),
    ],
    ids=["edited", "deleted", "reordered"],
)
def test_audit_verify_names_the_tampered_entry(
    service: Service, capsys: pytest.CaptureFixture[str], tamper: Any, named: str
) -> None:
    code, out, err = run(capsys, "audit", "verify", "--database", service.url)
    assert code == 0, err
    last, _ = service.audit_head()
    assert f"audit ledger verified: {last} entries, last {last}" in out

    with service.engine.begin() as connection:
        drop_guards(connection)
        tamper(connection)

    code, out, err = run(capsys, "audit", "verify", "--database", service.url)
    assert code == 1
    lines = err.splitlines()
    assert lines[0].startswith(f"{named}: ")  # e.g. "audit entry 3: hash_mismatch: ..."
    assert "audit ledger FAILED verification" in err
    # The HTTP verification finds the same.
    report = service.client.get("/v1/audit/verify", headers=service.admin).json()
    assert report["ok"] is False
    first = report["problems"][0]
    assert f"audit entry {first['seq']}: {first['fault']}" == named


def test_token_create_prints_a_token_the_api_accepts(
    service: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "token", "create", "--role", "coordinator", "--database", service.url
    )
    assert code == 0, err
    token = out.strip()
    assert token.startswith("rsp_")
    assert "role coordinator" in err and "shown once" in err

    me = service.client.get("/v1/me", headers=Service.auth(token))
    assert me.status_code == 200
    assert (me.json()["role"], me.json()["organisation_id"]) == ("coordinator", service.cell_org_id)
    created = service.client.post(
        "/v1/pauses", headers=Service.auth(token), json=pause_document("from-the-cli-token")
    )
    assert created.status_code == 201, created.text
    assert created.json()["recorded_by"] == me.json()["id"]
    # The user was created by the operator (the first administrator), and it is audited.
    entries = service.client.get("/v1/audit", headers=service.admin).json()["entries"]
    made = [e for e in entries if e["subject"] == f"user:{me.json()['id']}"]
    assert [(e["action"], e["actor_user_id"]) for e in made] == [
        ("user.create", service.admin_user_id)
    ]


def test_token_create_twice_in_a_row_makes_two_users(
    service: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    """Default addresses are unique even within one second."""
    tokens = []
    for _ in range(2):
        code, out, err = run(
            capsys, "token", "create", "--role", "observer", "--database", service.url
        )
        assert code == 0, err
        tokens.append(out.strip())
    users = {
        service.client.get("/v1/me", headers=Service.auth(token)).json()["id"] for token in tokens
    }
    assert len(users) == 2


def test_token_create_refuses_a_non_positive_ttl(
    service: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    before = service.state()
    code, out, err = run(capsys, "token", "create", "--ttl-days", "0", "--database", service.url)
    assert code == 2
    assert out == ""
    assert "--ttl-days" in err
    assert service.state() == before


def test_load_imports_a_pause_file_once(
    service: Service, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "round-2.yaml"
    path.write_text(
        yaml.safe_dump(
            {"format": "respite-pauses/1", "pauses": [POLIO_ROUND_2]}, allow_unicode=True
        ),
        encoding="utf-8",
    )
    pause = POLIO_ROUND_2["id"]
    assert service.client.get(f"/v1/pauses/{pause}").status_code == 404

    code, out, err = run(capsys, "load", str(path), "--database", service.url)
    assert code == 0, err
    assert "1 created, 0 amended, 0 edited, 0 unchanged" in out
    shown = service.client.get(f"/v1/pauses/{pause}", headers=service.admin)
    assert shown.status_code == 200
    assert shown.json()["owner_organisation_id"] == service.cell_org_id
    assert shown.json()["recorded_by"] == service.admin_user_id
    status = service.client.get(
        "/v1/status", params={"lat": 31.4171, "lon": 34.3510, "at": "2024-10-14T10:00+03:00"}
    ).json()
    assert [m["id"] for m in status["pauses"]] == [pause]

    head = service.audit_head()
    code, out, err = run(capsys, "load", str(path), "--database", service.url)
    assert code == 0, err
    assert "0 created, 0 amended, 0 edited, 1 unchanged" in out
    assert service.audit_head() == head


def test_load_refuses_an_invalid_file_and_stores_nothing(
    service: Service, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    document = pause_document()
    document["parts"][0]["windows"][0]["rrule"] = "FREQ=HOURLY"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"format": "respite-pauses/1", "pauses": [document]}))
    before = service.state()
    code, _, err = run(capsys, "load", str(path), "--database", service.url)
    assert code == 2
    assert "rrule" in err
    assert service.state() == before


def test_db_upgrade_then_init_gives_a_working_service(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "db", "upgrade", "--database", db_url)
    assert code == 0, err
    assert "database at the latest schema" in out
    with running(db_url, bootstrap=False) as svc:
        tables = set(inspect(svc.engine).get_table_names())
        assert {"pauses", "pause_versions", "audit_entries", "api_tokens"} <= tables
        assert svc.pause_count() == 0
        assert svc.audit_head() == (0, "0" * 64)  # the genesis hash: an empty ledger

        code, out, err = run(capsys, "db", "init", "--database", db_url)
        assert code == 0, err
        assert "initialised with 5 pauses" in out
        token = out.strip().splitlines()[-1]
        me = svc.client.get("/v1/me", headers=Service.auth(token))
        assert me.status_code == 200
        assert me.json()["role"] == "admin"
        assert svc.client.get("/v1/pauses").json()["count"] == 5

        code, out, err = run(capsys, "db", "init", "--database", db_url)
        assert code == 0, err
        assert "already initialised; nothing changed" in out
        code, out, err = run(capsys, "db", "upgrade", "--database", db_url)
        assert code == 0, err
        assert svc.pause_count() == 5
