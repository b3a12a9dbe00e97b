"""The ledger checkable from outside, end to end: the service publishes its key and signed
checkpoints (JSON and inside the Atom feed); ``respite audit checkpoint`` writes one;
``respite audit verify --checkpoint`` proves the ledger extends it, and catches a history
rewritten consistently after it was published. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from api_helpers import PROBLEM_JSON, Service, assert_problem, circle_pause, running
from sqlalchemy import select, update

from respite.audit import entry_fields, entry_hash
from respite.audit.checkpoint import (
    check_signature,
    load_or_create_key,
    read_checkpoint,
    trusted_key,
)
from respite.audit.publish import CheckpointPublisher
from respite.audit.tables import AuditEntry, AuditHead
from respite.cli import main

ENTRIES = AuditEntry.__table__
GUARDS = {
    "audit_entries_no_update": "audit_entries",
    "audit_entries_link": "audit_entries",
    "audit_head_forward_only": "audit_head",
}


@pytest.fixture
def keyed(db_url: str, tmp_path: Path) -> Any:
    """A service whose ledger key is at a known path (a server database needs one set)."""
    with running(db_url, ledger_key=str(tmp_path / "secrets" / "ledger-key.pem")) as svc:
        yield svc


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _write(svc: Service, n: int) -> None:
    document = circle_pause(f"cp-{n}", lon=34.35, lat=31.42, day="2024-10-02", published=True)
    assert svc.client.post("/v1/pauses", headers=svc.admin, json=document).status_code == 201


def _rewrite_everything(svc: Service) -> None:
    """Edit the first entry and recompute every hash and the head, guards dropped first."""
    with svc.engine.begin() as connection:
        rows = list(connection.execute(select(ENTRIES).order_by(ENTRIES.c.seq)))
    previous = "0" * 64
    forged = []
    for row in rows:
        entry = AuditEntry(**row._asdict())
        fields = entry_fields(entry)
        if row.seq == 1:
            fields["action"] = "forged"
        new = entry_hash(previous, fields)
        forged.append((row.seq, fields["action"], previous, new))
        previous = new
    with svc.engine.begin() as connection:
        postgres = connection.dialect.name == "postgresql"
        for trigger, table in GUARDS.items():
            on = f" ON {table}" if postgres else ""
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}{on}")
        for seq, action, prev, new in forged:
            connection.execute(
                update(ENTRIES)
                .where(ENTRIES.c.seq == seq)
                .values(action=action, prev_hash=prev, entry_hash=new)
            )
        connection.execute(update(AuditHead).values(last_hash=previous))


def test_the_published_checkpoint_is_signed_by_the_published_key(keyed: Service) -> None:
    key_answer = keyed.client.get("/.well-known/respite-ledger-key")
    assert key_answer.status_code == 200
    key = trusted_key(key_answer.content)
    answer = keyed.client.get("/v1/audit/checkpoint")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "public, max-age=60"
    checkpoint = read_checkpoint(answer.content)
    check_signature(checkpoint, key)
    assert (checkpoint["seq"], checkpoint["entry_hash"]) == keyed.audit_head()
    assert checkpoint["issuer"] == "http://127.0.0.1:8000"
    feed = keyed.client.get("/v1/cap")
    assert feed.status_code == 200
    assert b'rel="related" href="http://127.0.0.1:8000/v1/audit/checkpoint"' in feed.content
    check_signature(read_checkpoint(feed.content), key)


def test_verify_against_a_checkpoint_catches_a_rewrite(
    keyed: Service, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = ("--database", keyed.url)
    ledger_key = ("--ledger-key", str(tmp_path / "secrets" / "ledger-key.pem"))
    saved = tmp_path / "checkpoint.json"
    code, out, _ = _cli(capsys, "audit", "checkpoint", "--out", str(saved), *database, *ledger_key)
    assert code == 0, out
    feed = tmp_path / "cap.atom"
    feed.write_bytes(keyed.client.get("/v1/cap").content)
    published_key = tmp_path / "key.json"
    published_key.write_bytes(keyed.client.get("/.well-known/respite-ledger-key").content)
    _write(keyed, 1)  # the ledger grows after the checkpoints: it still extends them
    for source in (saved, feed):
        code, out, err = _cli(
            capsys, "audit", "verify", "--checkpoint", str(source), "--key", str(published_key),
            *database,
        )  # fmt: skip
        assert code == 0, err
        assert "it extends the checkpoint of entry" in out
    _rewrite_everything(keyed)
    _write(keyed, 2)
    code, out, _ = _cli(capsys, "audit", "verify", *database)
    assert code == 0, "consistently rewritten: the chain alone cannot tell"
    code, _, err = _cli(
        capsys, "audit", "verify", "--checkpoint", str(saved), *database, *ledger_key
    )
    assert code == 1
    assert "anchor_mismatch" in err
    assert "does NOT extend the checkpoint" in err


def test_a_checkpoint_signed_by_another_key_is_refused(
    keyed: Service, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "checkpoint.json"
    saved.write_bytes(keyed.client.get("/v1/audit/checkpoint").content)
    other = tmp_path / "other-key.pem"
    code, _, _ = _cli(
        capsys, "audit", "checkpoint", "--out", str(tmp_path / "x.json"), "--database", keyed.url,
        "--ledger-key", str(other),
    )  # fmt: skip
    assert code == 0
    other_public = tmp_path / "other-key.json"
    other_public.write_text(json.dumps(load_or_create_key(other).public_document()))
    code, _, err = _cli(
        capsys, "audit", "verify", "--checkpoint", str(saved), "--key", str(other_public),
        "--database", keyed.url,
    )  # fmt: skip
    assert code == 1
    assert "checkpoint REFUSED" in err
    tampered = json.loads(saved.read_text()) | {"seq": 1}
    saved.write_text(json.dumps(tampered))
    code, _, err = _cli(
        capsys, "audit", "verify", "--checkpoint", str(saved), "--database", keyed.url,
        "--ledger-key", str(tmp_path / "secrets" / "ledger-key.pem"),
    )  # fmt: skip
    assert (code, "altered" in err) == (1, True)
    code, _, err = _cli(
        capsys, "audit", "verify", "--checkpoint", str(tmp_path / "none.json"),
        "--database", keyed.url,
    )  # fmt: skip
    assert code == 2
    assert "--checkpoint: cannot read" in err


def test_without_a_key_path_nothing_is_signed(db_url: str) -> None:
    # A server database has no file to keep a key beside: without RESPITE_LEDGER_KEY the
    # endpoints say so, and the feed is served without a checkpoint. (A SQLite file always
    # has a place beside it; its publisher is given no path to stand for the same case.)
    with running(db_url) as svc:
        app = svc.client.app
        if db_url.startswith("sqlite"):
            app.state.checkpoints = CheckpointPublisher(  # type: ignore[attr-defined]
                app.state.read_sessions,  # type: ignore[attr-defined]
                key_path=None,
                issuer="http://127.0.0.1:8000",
            )
        for path in ("/v1/audit/checkpoint", "/.well-known/respite-ledger-key"):
            answer = svc.client.get(path)
            assert_problem(answer, 503)
            assert answer.headers["content-type"] == PROBLEM_JSON
            assert "RESPITE_LEDGER_KEY" in answer.json()["detail"]
        feed = svc.client.get("/v1/cap")
        assert feed.status_code == 200
        assert b"urn:respite:ledger-checkpoint" not in feed.content
