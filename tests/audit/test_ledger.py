"""The audit ledger: every write leaves an entry, the chain verifies, tampering is found."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Connection, Engine, delete, select, text, update
from sqlalchemy.exc import DBAPIError

from respite.accounts.tokens import issue_token, list_tokens, revoke_token
from respite.audit import (
    GENESIS_HASH,
    Fault,
    append_entry,
    entry_fields,
    entry_hash,
    verify_chain,
)
from respite.audit.tables import AuditEntry, AuditHead
from respite.pauses.service import amend_pause, create_pause

#: Trigger name -> table, as installed by the first migration.
GUARDS = {
    "audit_entries_no_update": "audit_entries",
    "audit_entries_no_delete": "audit_entries",
    "audit_entries_no_truncate": "audit_entries",  # PostgreSQL only
    "audit_entries_link": "audit_entries",
    "audit_head_forward_only": "audit_head",
    "audit_head_no_delete": "audit_head",
    "audit_head_no_truncate": "audit_head",  # PostgreSQL only
}
ENTRIES = AuditEntry.__table__


@pytest.fixture
def history(sessions, accounts, truce, truce_announced, now) -> list[str]:
    """Six more writes through the services; returns every action recorded, in order."""
    with sessions.begin() as session:
        create_pause(
            session,
            spec=truce_announced,
            owner_org_id=accounts.org_id,
            user_id=accounts.user_id,
            now=now,
        )
    with sessions.begin() as session:
        amend_pause(
            session,
            pause_id=truce.id,
            amendment=truce.amendments[0],
            expected_version=1,
            user_id=accounts.user_id,
            now=now + timedelta(minutes=5),
        )
    with sessions.begin() as session:
        issue_token(session, user_id=accounts.other_user_id, now=now)
    with sessions.begin() as session:
        token = list_tokens(session, user_id=accounts.other_user_id)[0]
        revoke_token(session, token_id=token.id, actor_user_id=accounts.user_id, now=now)
    with sessions.begin() as session:
        return [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.seq))]


def _verify(sessions):
    with sessions.begin() as session:
        return verify_chain(session)


def _drop_guards(connection: Connection) -> None:
    """What an attacker with database access does first."""
    postgres = connection.dialect.name == "postgresql"
    for trigger, table in GUARDS.items():
        on = f" ON {table}" if postgres else ""
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}{on}")


def test_every_write_is_appended_and_the_chain_verifies(sessions, history) -> None:
    assert history == [
        "organisation.create",
        "user.create",
        "organisation.create",
        "user.create",
        "pause.create",
        "pause.amend",
        "token.issue",
        "token.revoke",
    ]
    report = _verify(sessions)
    assert report.ok, report.problems
    assert (report.checked, report.last_seq) == (8, 8)
    with sessions.begin() as session:
        head = session.get(AuditHead, 1)
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert head is not None
    assert (head.last_seq, head.last_hash) == (8, report.last_hash)
    assert [e.seq for e in entries] == list(range(1, 9))
    assert entries[0].prev_hash == GENESIS_HASH
    previous = GENESIS_HASH
    for entry in entries:
        assert entry.prev_hash == previous
        assert entry.entry_hash == entry_hash(previous, entry_fields(entry))
        previous = entry.entry_hash


def test_an_empty_ledger_verifies(sessions) -> None:
    report = _verify(sessions)
    assert report.ok
    assert (report.checked, report.last_seq, report.last_hash) == (0, 0, GENESIS_HASH)


def test_entries_cannot_be_updated_or_deleted(db_engine: Engine, history, backend) -> None:
    for statement in (
        "UPDATE audit_entries SET subject = 'pause:forged' WHERE seq = 3",
        "DELETE FROM audit_entries WHERE seq = 3",
        "DELETE FROM audit_entries",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db_engine.begin() as connection:
            connection.exec_driver_sql(statement)
    if backend == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"), db_engine.begin() as connection:
            connection.exec_driver_sql("TRUNCATE audit_entries CASCADE")


def test_the_head_cannot_be_rewound_or_removed(db_engine: Engine, history) -> None:
    for statement in (
        "UPDATE audit_head SET last_seq = 4",
        "UPDATE audit_head SET last_seq = last_seq + 1",  # no such entry to point at
        "DELETE FROM audit_head",
    ):
        with pytest.raises(DBAPIError, match="audit head"), db_engine.begin() as connection:
            connection.exec_driver_sql(statement)


def test_an_insert_must_continue_the_chain(db_engine: Engine, history, now) -> None:
    forged = {
        "seq": 9,
        "at": now,
        "action": "pause.create",
        "subject": "pause:forged",
        "details": {},
        "prev_hash": GENESIS_HASH,
        "entry_hash": "f" * 64,
    }
    with pytest.raises(DBAPIError, match="continue the chain"), db_engine.begin() as connection:
        connection.execute(ENTRIES.insert().values(**forged))


def test_an_edited_entry_is_found(db_engine: Engine, sessions, history) -> None:
    with db_engine.begin() as connection:
        _drop_guards(connection)
        connection.execute(text("UPDATE audit_entries SET subject = 'pause:forged' WHERE seq = 5"))
    report = _verify(sessions)
    assert [(p.seq, p.fault) for p in report.problems] == [(5, Fault.HASH_MISMATCH)]


def test_an_edited_and_rehashed_entry_breaks_the_next_link(
    db_engine: Engine, sessions, history
) -> None:
    with sessions.begin() as session:
        victim = session.get(AuditEntry, 5)
        assert victim is not None
        fields = {**entry_fields(victim), "subject": "pause:forged"}
        rehashed = entry_hash(victim.prev_hash, fields)
    with db_engine.begin() as connection:
        _drop_guards(connection)
        connection.execute(
            update(ENTRIES)
            .where(ENTRIES.c.seq == 5)
            .values(subject="pause:forged", entry_hash=rehashed)
        )
    report = _verify(sessions)
    assert report.first_failure is not None
    assert (report.first_failure.seq, report.first_failure.fault) == (6, Fault.BROKEN_LINK)


def test_a_deleted_entry_is_found(db_engine: Engine, sessions, history) -> None:
    with db_engine.begin() as connection:
        _drop_guards(connection)
        connection.execute(delete(ENTRIES).where(ENTRIES.c.seq == 4))
    report = _verify(sessions)
    assert [(p.seq, p.fault) for p in report.problems] == [(4, Fault.MISSING)]


def test_swapped_entries_are_found(db_engine: Engine, sessions, history) -> None:
    with db_engine.begin() as connection:
        _drop_guards(connection)
        rows = {
            row.seq: row._asdict()
            for row in connection.execute(select(ENTRIES).where(ENTRIES.c.seq.in_([3, 6])))
        }
        for seq, other in ((3, 6), (6, 3)):
            content = {k: v for k, v in rows[other].items() if k not in ("seq", "entry_hash")}
            # entry_hash is unique, so it moves in a second step.
            connection.execute(update(ENTRIES).where(ENTRIES.c.seq == seq).values(**content))
        connection.execute(update(ENTRIES).where(ENTRIES.c.seq == 3).values(entry_hash="0" * 64))
        connection.execute(
            update(ENTRIES).where(ENTRIES.c.seq == 6).values(entry_hash=rows[3]["entry_hash"])
        )
        connection.execute(
            update(ENTRIES).where(ENTRIES.c.seq == 3).values(entry_hash=rows[6]["entry_hash"])
        )
    report = _verify(sessions)
    assert report.first_failure is not None
    assert (report.first_failure.seq, report.first_failure.fault) == (3, Fault.BROKEN_LINK)
    assert {p.seq for p in report.problems} >= {3, 6}


def test_a_truncated_tail_is_found(db_engine: Engine, sessions, history) -> None:
    with db_engine.begin() as connection:
        _drop_guards(connection)
        connection.execute(delete(ENTRIES).where(ENTRIES.c.seq >= 7))
    report = _verify(sessions)
    assert [(p.seq, p.fault) for p in report.problems] == [(7, Fault.TRUNCATED)]


def test_a_consistent_rewrite_needs_an_anchor_to_be_found(
    db_engine: Engine, sessions, history
) -> None:
    anchor = {8: _verify(sessions).last_hash}
    # Rewrite entry 8 and move the head to match: the chain alone cannot tell.
    with sessions.begin() as session:
        last = session.get(AuditEntry, 8)
        assert last is not None
        forged = entry_hash(last.prev_hash, {**entry_fields(last), "subject": "token:0"})
    with db_engine.begin() as connection:
        _drop_guards(connection)
        connection.execute(
            update(ENTRIES).where(ENTRIES.c.seq == 8).values(subject="token:0", entry_hash=forged)
        )
        connection.execute(update(AuditHead).values(last_hash=forged))
    assert _verify(sessions).ok
    with sessions.begin() as session:
        report = verify_chain(session, anchors=anchor)
    assert [(p.seq, p.fault) for p in report.problems] == [(8, Fault.ANCHOR_MISMATCH)]


def test_concurrent_appends_do_not_fork_the_chain(sessions, now) -> None:
    def append(worker: int) -> None:
        for step in range(5):
            with sessions.begin() as session:
                append_entry(
                    session,
                    at=now,
                    action="test.append",
                    subject=f"worker:{worker}",
                    details={"step": step},
                )

    with ThreadPoolExecutor(max_workers=6) as pool:
        for outcome in [pool.submit(append, worker) for worker in range(6)]:
            outcome.result()
    report = _verify(sessions)
    assert report.ok, report.problems
    assert (report.checked, report.last_seq) == (30, 30)


def test_a_rolled_back_write_leaves_no_entry(sessions, now) -> None:
    def failing_write() -> None:
        with sessions.begin() as session:
            append_entry(session, at=now, action="test.append", subject="lost")
            raise RuntimeError("the write this entry recorded failed")

    with pytest.raises(RuntimeError):
        failing_write()
    assert _verify(sessions).checked == 0


def test_naive_times_are_refused(sessions) -> None:
    naive = datetime(2025, 1, 1)  # naive on purpose
    with pytest.raises(ValueError, match="timezone-aware"), sessions.begin() as session:
        append_entry(session, at=naive, action="test.append", subject="naive")
