"""The audit ledger: an append-only, hash-chained record of every write.

Each entry's hash covers the previous entry's hash and the entry's own fields::

    entry_hash = sha256(prev_hash + canonical_json({seq, at, actor_user_id, actor_org_id,
                                                   action, subject, before_digest,
                                                   after_digest, details}))

with ``prev_hash`` of entry 1 being 64 zeros. ``audit_head`` (one row) holds the last seq and
hash. :func:`append_entry` runs in the transaction of the write it records, so either both are
committed or neither is.

Appends are serialised so the chain cannot fork: on PostgreSQL by ``SELECT ... FOR UPDATE`` of
the head row (a second writer waits until the first commits, then reads the new head); on
SQLite the transaction already holds the database write lock from ``BEGIN IMMEDIATE`` (see
:mod:`respite.storage.db`), so nobody else can be appending. The head is then moved with
``UPDATE ... WHERE last_seq = :read`` as a last guard.

The database refuses UPDATE and DELETE on entries (triggers installed by the migration), but
:func:`verify_chain` assumes nothing of the kind: it recomputes every hash, so someone who drops
the triggers and edits, deletes, reorders or truncates entries is still found. What a chain
cannot catch on its own is a consistent rewrite of everything from some entry to the end,
including the head; pass ``anchors`` (entry hashes published or kept elsewhere) to catch that.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from respite.audit.canonical import canonical_json, normalised, sha256_hex
from respite.audit.tables import AuditEntry, AuditHead
from respite.errors import LedgerError
from respite.storage.types import require_aware

GENESIS_HASH = "0" * 64
HEAD_ID = 1
#: Rows fetched at a time while verifying, so a long ledger is not held in memory.
VERIFY_BATCH = 1000


def entry_fields(entry: AuditEntry) -> dict[str, Any]:
    """The fields an entry's hash covers, as JSON values."""
    return {
        "seq": entry.seq,
        "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_user_id": entry.actor_user_id,
        "actor_org_id": entry.actor_org_id,
        "action": entry.action,
        "subject": entry.subject,
        "before_digest": entry.before_digest,
        "after_digest": entry.after_digest,
        "details": entry.details,
    }


def entry_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """``sha256(prev_hash + canonical JSON of fields)`` as hex."""
    return sha256_hex(prev_hash + canonical_json(fields))


def append_entry(
    session: Session,
    *,
    at: datetime,
    action: str,
    subject: str,
    actor_user_id: int | None = None,
    actor_org_id: int | None = None,
    before_digest: str | None = None,
    after_digest: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry in the session's transaction (commit it together with the write)."""
    head = session.execute(
        select(AuditHead)
        .where(AuditHead.id == HEAD_ID)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if head is None:
        raise LedgerError("the audit head is missing; run respite.storage.upgrade first")
    previous_seq, previous_hash = head.last_seq, head.last_hash
    entry = AuditEntry(
        seq=previous_seq + 1,
        at=require_aware(at, "at"),
        actor_user_id=actor_user_id,
        actor_org_id=actor_org_id,
        action=action,
        subject=subject,
        before_digest=before_digest,
        after_digest=after_digest,
        # Stored as it will read back, so the hash recomputed from the column is the same.
        details=normalised(dict(details or {})),
        prev_hash=previous_hash,
    )
    entry.entry_hash = entry_hash(previous_hash, entry_fields(entry))
    session.add(entry)
    # The entry must exist before the head points at it (the head trigger checks that).
    session.flush()
    moved = session.execute(
        update(AuditHead)
        .where(AuditHead.id == HEAD_ID, AuditHead.last_seq == previous_seq)
        .values(last_seq=entry.seq, last_hash=entry.entry_hash)
        .execution_options(synchronize_session=False)
    )
    if not isinstance(moved, CursorResult) or moved.rowcount != 1:
        raise LedgerError("the audit head moved during an append; the transaction must retry")
    session.expire(head)
    return entry


# -- verification ------------------------------------------------------------------------------


class Fault(enum.StrEnum):
    """Why an entry failed verification."""

    #: The entry's fields no longer give its stored hash: it was edited.
    HASH_MISMATCH = "hash_mismatch"
    #: ``prev_hash`` is not the previous entry's hash: entries were reordered or re-linked.
    BROKEN_LINK = "broken_link"
    #: A seq is missing: entries were deleted.
    MISSING = "missing"
    #: The head records more entries than there are: the tail was cut off.
    TRUNCATED = "truncated"
    #: There are entries beyond the head, or the head's hash is not the last entry's.
    HEAD_MISMATCH = "head_mismatch"
    #: The head row is gone.
    HEAD_MISSING = "head_missing"
    #: An entry's hash differs from the one recorded elsewhere (see ``anchors``).
    ANCHOR_MISMATCH = "anchor_mismatch"


@dataclass(frozen=True, slots=True)
class ChainProblem:
    seq: int
    fault: Fault
    message: str

    def __str__(self) -> str:
        return f"seq {self.seq}: {self.fault.value}: {self.message}"


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """What :func:`verify_chain` found; ``ok`` when there are no problems."""

    checked: int
    last_seq: int
    last_hash: str
    problems: tuple[ChainProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_failure(self) -> ChainProblem | None:
        return min(self.problems, key=lambda p: p.seq, default=None)


def verify_chain(session: Session, *, anchors: Mapping[int, str] | None = None) -> VerifyReport:
    """Recompute every hash and link; report each problem with the seq where it shows."""
    problems: list[ChainProblem] = []
    anchors = dict(anchors or {})
    expected_seq, previous_hash, checked = 1, GENESIS_HASH, 0
    rows = session.execute(
        select(AuditEntry)
        .order_by(AuditEntry.seq)
        # populate_existing: entries already in the session are re-read, not trusted.
        .execution_options(yield_per=VERIFY_BATCH, populate_existing=True)
    ).scalars()
    for entry in rows:
        checked += 1
        gap = entry.seq != expected_seq
        if gap:
            problems.append(
                ChainProblem(
                    expected_seq,
                    Fault.MISSING,
                    f"entries {expected_seq}..{entry.seq - 1} are missing",
                )
            )
        elif entry.prev_hash != previous_hash:
            # After a gap the link is broken by construction; the gap is the finding.
            problems.append(
                ChainProblem(
                    entry.seq, Fault.BROKEN_LINK, "prev_hash is not the previous entry's hash"
                )
            )
        if entry_hash(entry.prev_hash, entry_fields(entry)) != entry.entry_hash:
            problems.append(
                ChainProblem(
                    entry.seq, Fault.HASH_MISMATCH, "the entry's content does not give its hash"
                )
            )
        anchored = anchors.pop(entry.seq, None)
        if anchored is not None and anchored != entry.entry_hash:
            problems.append(
                ChainProblem(entry.seq, Fault.ANCHOR_MISMATCH, "hash differs from the anchor")
            )
        expected_seq, previous_hash = entry.seq + 1, entry.entry_hash
    last_seq = expected_seq - 1
    for seq in sorted(anchors):
        problems.append(ChainProblem(seq, Fault.ANCHOR_MISMATCH, "anchored entry is missing"))
    problems.extend(_head_problems(session, last_seq, previous_hash))
    problems.sort(key=lambda p: p.seq)
    return VerifyReport(checked, last_seq, previous_hash, tuple(problems))


def _head_problems(session: Session, last_seq: int, last_hash: str) -> list[ChainProblem]:
    head = session.get(AuditHead, HEAD_ID, populate_existing=True)
    if head is None:
        return [ChainProblem(last_seq + 1, Fault.HEAD_MISSING, "the audit head row is missing")]
    if head.last_seq > last_seq:
        return [
            ChainProblem(
                last_seq + 1,
                Fault.TRUNCATED,
                f"the head records {head.last_seq} entries but the ledger ends at {last_seq}",
            )
        ]
    if head.last_seq < last_seq:
        return [
            ChainProblem(
                head.last_seq + 1,
                Fault.HEAD_MISMATCH,
                f"entries after {head.last_seq} were added without moving the head",
            )
        ]
    if head.last_hash != last_hash:
        return [
            ChainProblem(last_seq, Fault.HEAD_MISMATCH, "the head's hash is not the last entry's")
        ]
    return []
