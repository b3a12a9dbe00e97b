"""Signed checkpoints: a ledger rewritten after a checkpoint was published is caught.

The attacker here holds the database: drops the guard triggers, edits an entry, recomputes
every later hash and the head so that the chain verifies on its own, even keeps appending.
Only a checkpoint kept outside the database tells. And a checkpoint is trusted only when the
trusted key signed exactly its content.
"""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from respite.audit import Fault, append_entry, entry_fields, entry_hash, verify_chain
from respite.audit.checkpoint import (
    CheckpointRefused,
    LedgerKey,
    check_extends,
    check_signature,
    load_or_create_key,
    read_checkpoint,
    trusted_key,
)
from respite.audit.tables import AuditEntry, AuditHead
from respite.errors import InvalidInput
from respite.feeds.atom import cap_atom_feed

AT = datetime(2025, 1, 6, 9, 30, tzinfo=UTC)
ENTRIES = AuditEntry.__table__
#: The guard triggers the first migration installs (the TRUNCATE ones on PostgreSQL only).
GUARDS = {
    "audit_entries_no_update": "audit_entries",
    "audit_entries_no_delete": "audit_entries",
    "audit_entries_no_truncate": "audit_entries",
    "audit_entries_link": "audit_entries",
    "audit_head_forward_only": "audit_head",
    "audit_head_no_delete": "audit_head",
    "audit_head_no_truncate": "audit_head",
}


def _drop_guards(connection: Connection) -> None:
    """What an attacker with database access does first."""
    postgres = connection.dialect.name == "postgresql"
    for trigger, table in GUARDS.items():
        on = f" ON {table}" if postgres else ""
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}{on}")


def _append(sessions: sessionmaker[Session], count: int, label: str = "write") -> None:
    for n in range(count):
        with sessions.begin() as session:
            append_entry(session, at=AT, action=f"test.{label}", subject=f"{label}:{n}")


@pytest.fixture
def key(tmp_path: Path) -> LedgerKey:
    return load_or_create_key(tmp_path / "keys" / "ledger-key.pem")


@pytest.fixture
def published(sessions: sessionmaker[Session], key: LedgerKey) -> dict[str, Any]:
    """Eight entries, and a checkpoint of the eighth as the service publishes it."""
    _append(sessions, 8)
    with sessions.begin() as session:
        report = verify_chain(session)
    assert (report.ok, report.last_seq) == (True, 8)
    signed = key.sign(issuer="https://respite.test", seq=8, entry_hash=report.last_hash, at=AT)
    # What a partner keeps: the published text, read back.
    return read_checkpoint(json.dumps(signed).encode())


def _rewrite_from(db_engine: Engine, sessions: sessionmaker[Session], seq: int) -> None:
    """Edit entry ``seq`` and recompute every later hash and the head: a consistent chain."""
    with sessions.begin() as session:
        rows = list(session.scalars(select(AuditEntry).where(AuditEntry.seq >= seq - 1)))
        previous = rows[0].entry_hash
        rewritten = []
        for entry in rows[1:]:
            fields = entry_fields(entry)
            if entry.seq == seq:
                fields["subject"] = "write:forged"
            forged = entry_hash(previous, fields)
            rewritten.append((entry.seq, fields["subject"], previous, forged))
            previous = forged
    with db_engine.begin() as connection:
        _drop_guards(connection)
        for number, subject, prev, forged in rewritten:
            connection.execute(
                update(ENTRIES)
                .where(ENTRIES.c.seq == number)
                .values(subject=subject, prev_hash=prev, entry_hash=forged)
            )
        connection.execute(update(AuditHead).values(last_hash=previous))


def test_the_ledger_extends_its_checkpoint_as_it_grows(sessions, published) -> None:
    _append(sessions, 3, "later")
    with sessions.begin() as session:
        report = check_extends(session, published)
    assert report.ok
    assert report.last_seq == 11


def test_a_consistent_rewrite_is_caught_against_the_checkpoint(
    db_engine: Engine, sessions, published
) -> None:
    _rewrite_from(db_engine, sessions, 3)
    _append(sessions, 2, "after-the-rewrite")
    with sessions.begin() as session:
        alone = verify_chain(session)
        against = check_extends(session, published)
    assert alone.ok, "the rewrite is consistent: the chain alone cannot tell"
    assert [(p.seq, p.fault) for p in against.problems] == [(8, Fault.ANCHOR_MISMATCH)]


def test_an_older_checkpoint_does_not_cover_what_came_after_it(
    db_engine: Engine, sessions, key
) -> None:
    # The threat model's limit: a rewrite of entries after a checkpoint is not caught by it.
    _append(sessions, 4)
    with sessions.begin() as session:
        head = verify_chain(session)
    early = key.sign(issuer="https://respite.test", seq=4, entry_hash=head.last_hash, at=AT)
    _append(sessions, 4, "later")
    _rewrite_from(db_engine, sessions, 6)
    with sessions.begin() as session:
        assert check_extends(session, early).ok


def test_a_ledger_cut_below_the_checkpoint_is_caught(
    db_engine: Engine, sessions, published
) -> None:
    with sessions.begin() as session:
        fifth = session.get(AuditEntry, 5)
        assert fifth is not None
        fifth_hash = fifth.entry_hash
    with db_engine.begin() as connection:
        _drop_guards(connection)
        connection.execute(ENTRIES.delete().where(ENTRIES.c.seq >= 6))
        connection.execute(update(AuditHead).values(last_seq=5, last_hash=fifth_hash))
    with sessions.begin() as session:
        assert verify_chain(session).ok
        report = check_extends(session, published)
    assert [(p.seq, p.fault) for p in report.problems] == [(8, Fault.ANCHOR_MISMATCH)]


def test_only_the_trusted_key_is_believed(published, key: LedgerKey, tmp_path: Path) -> None:
    check_signature(published, key.trusted)
    other = load_or_create_key(tmp_path / "other.pem")
    with pytest.raises(CheckpointRefused, match="signed by key"):
        check_signature(published, other.trusted)
    # A forger signing with their own key but naming ours is refused too.
    forged = other.sign(issuer="https://respite.test", seq=8, entry_hash="0" * 64, at=AT)
    forged["key_id"] = key.trusted.key_id
    with pytest.raises(CheckpointRefused, match="altered"):
        check_signature(forged, key.trusted)


@pytest.mark.parametrize(
    ("field", "value"),
    [("seq", 7), ("entry_hash", "f" * 64), ("at", "2030-01-01T00:00:00Z"), ("issuer", "x")],
)
def test_an_altered_checkpoint_is_refused(published, key: LedgerKey, field, value) -> None:
    with pytest.raises(CheckpointRefused, match="altered"):
        check_signature({**published, field: value}, key.trusted)


def test_a_tampered_signature_is_refused(published, key: LedgerKey) -> None:
    signature = published["signature"]
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    with pytest.raises(CheckpointRefused, match="altered"):
        check_signature({**published, "signature": flipped}, key.trusted)


def test_the_key_file_is_private_and_kept(tmp_path: Path, key: LedgerKey) -> None:
    assert stat.S_IMODE(key.path.stat().st_mode) == 0o600
    again = load_or_create_key(key.path)
    assert again.trusted.key_id == key.trusted.key_id
    document = key.public_document()
    assert trusted_key(json.dumps(document).encode()).key_id == key.trusted.key_id
    assert trusted_key(document["public_key_pem"].encode()).key_id == key.trusted.key_id
    assert "PRIVATE" not in json.dumps(document)


def test_a_checkpoint_is_read_back_from_an_atom_feed(published) -> None:
    feed = cap_atom_feed(
        [],
        feed_id="https://respite.test/v1/cap",
        self_url="https://respite.test/v1/cap",
        alert_url=lambda a: "",
        updated=AT,
        checkpoint=json.dumps(published),
        checkpoint_url="https://respite.test/v1/audit/checkpoint",
    )
    assert read_checkpoint(feed) == published


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (b"not json", "neither JSON nor an Atom feed"),
        (b"[1]", "must be a JSON object"),
        (b'{"format": "other"}', r"checkpoint\.format"),
        (b'<!DOCTYPE x [<!ENTITY a "b">]><feed/>', "must not declare a document type"),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'/>", "not an Atom feed carrying"),
    ],
)
def test_unreadable_checkpoints_are_named(text: bytes, says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        read_checkpoint(text)


def test_a_seq_past_64_bits_is_refused(published) -> None:
    too_big = json.dumps({**published, "seq": 2**64}).encode()
    with pytest.raises(InvalidInput, match=r"checkpoint\.seq"):
        read_checkpoint(too_big)
