"""Importing incidents from a reader's rows: streamed, batched, idempotent, audited.

A file of a million events is never one transaction nor one list: rows are taken from the
reader ``batch_size`` at a time; each batch looks up its keys, writes what is new or changed,
moves the run's counts and appends one audit entry (listing every key and digest it wrote),
then commits. Memory stays that of one batch whatever the file's size.

Per row, by ``(source, dataset, source_key)``:

- not stored yet: **inserted** (version 1, the run's visibility and review state);
- stored with the same digest: **unchanged**; nothing is written, no audit entry;
- stored with another digest: **updated**, a new version, sent back to the run's review
  state (what was verified is no longer what is stored); its visibility is kept;
- a row the reader could not read (or that the store cannot hold): **rejected**, its problems
  kept on the run (the first :data:`PROBLEM_CAP`; the count is exact) and handed to
  ``on_rejected``; never dropped silently.

So importing the same file again changes nothing: every row is unchanged, and neither the
tables nor the audit ledger grow. A dataset belongs to the organisation that first imported
it; another organisation's import into it is refused before anything is read.

Unlike the other services this one commits (the run row first, then each batch): pass a
session that is not inside ``with session.begin()``. If a batch fails it is rolled back, the
run is marked ``failed`` with the reason, and the error is raised; batches already committed
stay, and importing the file again completes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from respite.accounts.service import get_user
from respite.errors import Conflict, InvalidInput, Problem
from respite.events.record import IncidentSource, ParsedRow
from respite.incidents.batch import PROBLEM_CAP, Counts, ImportProgress, Run, import_batch
from respite.incidents.tables import (
    DATASET_LENGTH,
    ImportRunRow,
    ImportState,
    IncidentRow,
    ReviewState,
    Visibility,
)
from respite.storage.types import require_aware

__all__ = ["BATCH_SIZE", "PROBLEM_CAP", "ImportProgress", "ImportSummary", "import_rows"]

BATCH_SIZE = 2000


@dataclass(frozen=True, slots=True)
class ImportSummary:
    run_id: int
    source: IncidentSource
    dataset: str
    file_sha256: str | None
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int
    #: the first rejected rows' problems (at most PROBLEM_CAP); ``rejected`` is the count
    problems: tuple[Problem, ...]
    audit_entries: int


def import_rows(
    session: Session,
    rows: Iterable[ParsedRow],
    *,
    source: IncidentSource,
    dataset: str,
    owner_org_id: int,
    visibility: Visibility,
    user_id: int,
    now: datetime,
    file_sha256: str | None = None,
    file_name: str | None = None,
    options: dict[str, Any] | None = None,
    review_state: ReviewState = ReviewState.SUBMITTED,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[ImportProgress], None] | None = None,
    on_rejected: Callable[[ParsedRow], None] | None = None,
    clock: Callable[[], datetime] | None = None,
) -> ImportSummary:
    """Import ``rows`` (see the module); returns the run's counts."""
    now = require_aware(now, "now")
    tick = clock or (lambda: now)
    _check_request(session, source, dataset, owner_org_id, review_state, batch_size)
    user = get_user(session, user_id)
    stored = ImportRunRow(
        source=source,
        dataset=dataset,
        owner_organisation_id=owner_org_id,
        visibility=visibility,
        review_state=review_state,
        file_name=file_name,
        file_sha256=file_sha256,
        options=dict(options or {}),
        state=ImportState.RUNNING,
        started_at=now,
        finished_at=None,
        started_by=user.id,
        rows_read=0,
        inserted=0,
        updated=0,
        unchanged=0,
        rejected=0,
        problems=[],
        failure=None,
    )
    session.add(stored)
    session.commit()
    run = Run(
        stored.id,
        source,
        dataset,
        owner_org_id,
        visibility,
        review_state,
        user.id,
        user.organisation_id,
    )
    counts = Counts()
    try:
        for batch in _batches(rows, batch_size):
            import_batch(session, run, batch, counts, require_aware(tick(), "clock"), on_rejected)
            session.commit()
            if progress is not None:
                progress(counts.progress())
    except BaseException as error:
        session.rollback()
        _fail(session, run.id, tick(), error)
        if isinstance(error, IntegrityError):
            raise Conflict(
                f"import run {run.id} stopped: another write stored the same keys at the same "
                "time; import the file again"
            ) from error
        raise
    _finish(session, run.id, ImportState.COMPLETED, tick())
    session.commit()
    return ImportSummary(
        run_id=run.id,
        source=source,
        dataset=dataset,
        file_sha256=file_sha256,
        rows_read=counts.rows_read,
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
        rejected=counts.rejected,
        problems=tuple(counts.problems),
        audit_entries=counts.audit_entries,
    )


def _check_request(
    session: Session,
    source: IncidentSource,
    dataset: str,
    owner_org_id: int,
    review_state: ReviewState,
    batch_size: int,
) -> None:
    problems: list[Problem] = []
    if source is IncidentSource.FIELD:
        problems.append(Problem("source", "field reports are entered one by one, not imported"))
    if not dataset.strip() or len(dataset) > DATASET_LENGTH or dataset.startswith("field/"):
        problems.append(
            Problem("dataset", f"give a name of 1-{DATASET_LENGTH} characters, not field/...")
        )
    if review_state not in (ReviewState.SUBMITTED, ReviewState.VERIFIED):
        problems.append(Problem("review_state", "imported incidents are submitted or verified"))
    if batch_size < 1:
        problems.append(Problem("batch_size", "must be at least 1"))
    if problems:
        raise InvalidInput(problems)
    owner = session.scalar(
        select(IncidentRow.owner_organisation_id)
        .where(IncidentRow.source == source, IncidentRow.dataset == dataset)
        .limit(1)
    )
    if owner is not None and owner != owner_org_id:
        raise InvalidInput(
            f"dataset {dataset!r} ({source.value}) belongs to another organisation "
            f"(id {owner}); import under another dataset name",
            location="dataset",
        )


def _batches(rows: Iterable[ParsedRow], size: int) -> Iterator[list[ParsedRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _fail(session: Session, run_id: int, now: datetime, error: BaseException) -> None:
    try:
        _finish(session, run_id, ImportState.FAILED, now, failure=str(error) or repr(error))
        session.commit()
    except Exception:  # the original error is the one to report
        session.rollback()


def _finish(
    session: Session,
    run_id: int,
    state: ImportState,
    now: datetime,
    *,
    failure: str | None = None,
) -> None:
    session.execute(
        update(ImportRunRow)
        .where(ImportRunRow.id == run_id)
        .values(state=state, finished_at=now, failure=failure)
    )
