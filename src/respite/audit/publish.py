"""The service's side of checkpoints: sign the ledger's head, only once it has checked it.

:class:`CheckpointPublisher` keeps the latest signed checkpoint in memory and signs a new one
at most every ``refresh_seconds``, so publishing costs one query of new entries per period,
not a signature and a chain walk per request. Before it signs it verifies the entries added
since the last verified one (seq contiguous, each ``prev_hash`` the previous entry's hash,
each hash recomputed, the head pointing at the last) and that the last verified entry still
has the hash it had: the service never signs a head it has not seen grow out of the one
before. The first check after a start walks the whole chain once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from respite.audit.checkpoint import LedgerKey, load_or_create_key
from respite.audit.ledger import GENESIS_HASH, HEAD_ID, VERIFY_BATCH, entry_fields, entry_hash
from respite.audit.tables import AuditEntry, AuditHead
from respite.errors import LedgerUnavailable

#: Where the service publishes its latest checkpoint (the feeds link to it).
CHECKPOINT_PATH = "/v1/audit/checkpoint"


class CheckpointPublisher:
    """Signs checkpoints of the ledger read through ``sessions``, with the key at ``key_path``
    (created on first use; None: no key configured, nothing is signed)."""

    def __init__(
        self,
        sessions: Callable[[], Session],
        *,
        key_path: Path | None,
        issuer: str,
        refresh_seconds: float = 60.0,
    ) -> None:
        self._sessions = sessions
        self._key_path = key_path
        self._issuer = issuer
        self._refresh = refresh_seconds
        self._lock = threading.Lock()
        self._key: LedgerKey | None = None
        self._verified = (0, GENESIS_HASH)
        self._latest: dict[str, Any] | None = None
        self._signed_at = 0.0

    def key(self) -> LedgerKey:
        with self._lock:
            return self._load_key()

    def _load_key(self) -> LedgerKey:
        if self._key is None:
            if self._key_path is None:
                raise LedgerUnavailable(
                    "no ledger key is configured for this database (set RESPITE_LEDGER_KEY)"
                )
            self._key = load_or_create_key(self._key_path)
        return self._key

    def current(self) -> dict[str, Any]:
        """The latest checkpoint, signed anew when the last is older than the period."""
        with self._lock:
            key = self._load_key()
            if self._latest is None or time.monotonic() - self._signed_at >= self._refresh:
                with self._sessions() as session:
                    seq, last_hash = self._verify_since(session)
                self._latest = key.sign(
                    issuer=self._issuer,
                    seq=seq,
                    entry_hash=last_hash,
                    at=datetime.now(UTC),
                )
                self._signed_at = time.monotonic()
            return self._latest

    def _verify_since(self, session: Session) -> tuple[int, str]:
        seq, previous = self._verified
        if seq > 0:
            still = session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.seq == seq))
            if still != previous:
                raise LedgerUnavailable(
                    f"audit entry {seq} changed since it was verified; nothing is signed"
                )
        rows = session.execute(
            select(AuditEntry)
            .where(AuditEntry.seq > seq)
            .order_by(AuditEntry.seq)
            .execution_options(yield_per=VERIFY_BATCH)
        ).scalars()
        for entry in rows:
            fault = (
                entry.seq != seq + 1
                or entry.prev_hash != previous
                or entry_hash(entry.prev_hash, entry_fields(entry)) != entry.entry_hash
            )
            if fault:
                raise LedgerUnavailable(
                    f"audit entry {seq + 1} fails verification; run 'respite audit verify'"
                )
            seq, previous = entry.seq, entry.entry_hash
        head = session.get(AuditHead, HEAD_ID)
        # A head beyond the last entry read is a write committed meanwhile (PostgreSQL reads
        # each statement afresh): the entries read are still a verified prefix to sign.
        behind = head is None or head.last_seq < seq
        if behind or (head is not None and head.last_seq == seq and head.last_hash != previous):
            raise LedgerUnavailable("the audit head does not point at the last entry")
        self._verified = (seq, previous)
        return seq, previous
