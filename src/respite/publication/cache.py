"""The published pauses and their coverage engine, shared by the public endpoints.

Every write appends an audit entry, so the audit head's sequence number is a generation
counter for the whole store. A worker checks it at most once per ``check_seconds`` and
rebuilds when it moved; a write in this worker invalidates at once. So the public answer lags
a change made through another worker by at most that interval, and the hot path (status,
feeds) never waits for the database.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from respite.audit.tables import AuditHead
from respite.engine import CoverageEngine
from respite.pauses.queries import load_specs
from respite.pauses.resolve import Pause, resolve_pause
from respite.pauses.tables import PauseRow


class Memo(OrderedDict[Any, Any]):
    """A small least-recently-used mapping: the oldest entry goes when it is full."""

    def __init__(self, capacity: int) -> None:
        super().__init__()
        self.capacity = capacity

    def __getitem__(self, key: Any) -> Any:
        value = super().__getitem__(key)
        self.move_to_end(key)
        return value

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.capacity:
            self.popitem(last=False)


@dataclass(frozen=True, slots=True)
class Snapshot:
    generation: int
    pauses: tuple[Pause, ...]
    engine: CoverageEngine
    #: pause id -> (owner organisation id, stored version)
    rows: dict[str, tuple[int, int]]
    #: answers derived from this snapshot (feeds, engines for other years), bounded so that
    #: requests with ever-new parameters cannot grow memory without limit
    memo: Memo = field(default_factory=lambda: Memo(256))

    def engine_at(self, at: datetime) -> CoverageEngine:
        """An engine whose horizon holds ``at``: the shared one, or one made for that year."""
        lo, hi = self.engine.horizon
        if lo <= at < hi:
            return self.engine
        key = ("engine", at.year)
        if key not in self.memo:
            start = min(lo, datetime(at.year, 1, 1, tzinfo=UTC))
            end = max(hi, datetime(at.year, 1, 1, tzinfo=UTC) + timedelta(days=366 + 400))
            self.memo[key] = CoverageEngine(self.pauses, horizon=(start, end))
        engine: CoverageEngine = self.memo[key]
        return engine

    def pause(self, pause_id: str) -> Pause | None:
        for pause in self.pauses:
            if pause.id == pause_id:
                return pause
        return None


class PublishedCache:
    def __init__(self, sessions: sessionmaker[Session], *, check_seconds: float) -> None:
        self._sessions = sessions
        self._check_seconds = check_seconds
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        # -inf, not 0: time.monotonic() may itself be under check_seconds (it counts from an
        # arbitrary point, often boot), and then "checked at 0" would still look recent.
        self._checked_at = -math.inf

    def invalidate(self) -> None:
        self._checked_at = -math.inf

    def get(self) -> Snapshot:
        snapshot = self._snapshot
        if snapshot is not None and time.monotonic() - self._checked_at < self._check_seconds:
            return snapshot
        with self._lock:
            with self._sessions() as session:
                generation = _generation(session)
                if self._snapshot is None or self._snapshot.generation != generation:
                    self._snapshot = _build(session, generation)
            self._checked_at = time.monotonic()
            return self._snapshot


def _generation(session: Session) -> int:
    head = session.scalar(select(AuditHead.last_seq))
    return int(head or 0)


def _build(session: Session, generation: int) -> Snapshot:
    specs = load_specs(session, published_only=True)
    pauses: Sequence[Pause] = [resolve_pause(spec) for spec in specs]
    rows = {
        row.id: (row.owner_organisation_id, row.current_version)
        for row in session.scalars(select(PauseRow).where(PauseRow.published.is_(True)))
    }
    return Snapshot(generation, tuple(pauses), CoverageEngine(pauses), rows)
