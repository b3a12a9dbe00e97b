"""One batch of an import (see :mod:`respite.incidents.importer`): sort the rows into
rejected, unchanged, inserted and updated, write them with three Core statements, append the
batch's audit entry and move the run's counts, all in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from respite.audit.canonical import digest
from respite.audit.ledger import append_entry
from respite.errors import Conflict, Problem
from respite.events.record import IncidentSource, ParsedRow
from respite.incidents.convert import record_columns, record_json, store_problems
from respite.incidents.service import new_incident_id
from respite.incidents.tables import (
    ChangeKind,
    ImportRunRow,
    IncidentRow,
    IncidentVersionRow,
    ReviewState,
    Visibility,
)

INCIDENTS = cast(Table, IncidentRow.__table__)
VERSIONS = cast(Table, IncidentVersionRow.__table__)
#: Problems kept on the run row (the rejected count is always exact).
PROBLEM_CAP = 1000


@dataclass(frozen=True, slots=True)
class ImportProgress:
    """The counts so far, handed to ``progress`` after each committed batch."""

    batches: int
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int


@dataclass(slots=True)
class Counts:
    batches: int = 0
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    audit_entries: int = 0
    problems: list[Problem] = field(default_factory=list)

    def progress(self) -> ImportProgress:
        return ImportProgress(
            self.batches,
            self.rows_read,
            self.inserted,
            self.updated,
            self.unchanged,
            self.rejected,
        )


@dataclass(frozen=True, slots=True)
class Run:
    id: int
    source: IncidentSource
    dataset: str
    owner_org_id: int
    visibility: Visibility
    review_state: ReviewState
    user_id: int
    org_id: int


def _reject(
    row: ParsedRow,
    problems: Iterable[Problem],
    counts: Counts,
    on_rejected: Callable[[ParsedRow], None] | None,
) -> None:
    listed = tuple(problems) or (Problem(row.location, "the row could not be read"),)
    counts.rejected += 1
    room = PROBLEM_CAP - len(counts.problems)
    counts.problems.extend(listed[: max(room, 0)])
    if on_rejected is not None:
        on_rejected(ParsedRow(row.location, row.record, listed))


def import_batch(
    session: Session,
    run: Run,
    batch: list[ParsedRow],
    counts: Counts,
    now: datetime,
    on_rejected: Callable[[ParsedRow], None] | None,
) -> None:
    counts.batches += 1
    counts.rows_read += len(batch)
    kept_before = len(counts.problems)
    good = []
    for row in batch:
        record = row.record
        if record is None or row.problems:
            _reject(row, row.problems, counts, on_rejected)
        elif record.source is not run.source:
            problem = Problem(f"{row.location}.source", f"not a {run.source.value} record")
            _reject(row, [problem], counts, on_rejected)
        elif problems := store_problems(record, row.location):
            _reject(row, problems, counts, on_rejected)
        else:
            good.append(record)
    stored = _stored(session, run, [r.source_key for r in good])
    incidents: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    versions: list[dict[str, Any]] = []
    inserted: list[list[str]] = []
    changed: list[list[str]] = []
    for record in good:
        record_digest = record.digest()
        found = stored.get(record.source_key)
        if found is not None and found.digest == record_digest:
            counts.unchanged += 1
            continue
        values = record_columns(record, record_digest)
        review = {"review_state": run.review_state, "duplicate_of": None, "updated_at": now}
        if found is None:
            found = Stored(new_incident_id(record.occurred_from), record_digest, 1, run.visibility)
            action = ChangeKind.IMPORT
            incidents.append(
                {
                    "id": found.id,
                    "dataset": run.dataset,
                    "owner_organisation_id": run.owner_org_id,
                    "visibility": run.visibility,
                    "current_version": 1,
                    "created_at": now,
                    **review,
                    **values,
                }
            )
            inserted.append([record.source_key, record_digest])
        else:
            bump = {"current_version": found.version + 1}
            updates.append({"b_id": found.id, "b_expected": found.version} | bump | review | values)
            changed.append([record.source_key, record_digest])
            # The content is the source's; who may see it stays as it was decided.
            found = Stored(found.id, record_digest, found.version + 1, found.visibility)
            action = ChangeKind.REIMPORT
        stored[record.source_key] = found
        versions.append(_version(run, found, action, record_json(record), now))
    _write(session, incidents, updates, versions)
    counts.inserted += len(inserted)
    counts.updated += len(changed)
    if inserted or changed:
        _audit(session, run, counts.batches, inserted, changed, now)
        counts.audit_entries += 1
    _move_counts(session, run.id, counts, grew=len(counts.problems) > kept_before)


class Stored(NamedTuple):
    id: str
    digest: str
    version: int
    visibility: Visibility


def _stored(session: Session, run: Run, keys: list[str]) -> dict[str, Stored]:
    """The keys already stored, as they are (locked against a concurrent import on
    PostgreSQL; SQLite's writer already holds the database lock)."""
    if not keys:
        return {}
    query = (
        select(
            IncidentRow.source_key,
            IncidentRow.id,
            IncidentRow.digest,
            IncidentRow.current_version,
            IncidentRow.visibility,
        )
        .where(
            IncidentRow.source == run.source,
            IncidentRow.dataset == run.dataset,
            IncidentRow.source_key.in_(sorted(set(keys))),
        )
        .with_for_update()
    )
    return {key: Stored(i, d, v, seen) for key, i, d, v, seen in session.execute(query)}


def _version(
    run: Run, stored: Stored, action: ChangeKind, document: dict[str, Any], now: datetime
) -> dict[str, Any]:
    return {
        "incident_id": stored.id,
        "version": stored.version,
        "action": action,
        "visibility": stored.visibility,
        "review_state": run.review_state,
        "duplicate_of": None,
        "document": document,
        "digest": stored.digest,
        "note": None,
        "import_run_id": run.id,
        "recorded_at": now,
        "recorded_by": run.user_id,
    }


def _write(
    session: Session,
    incidents: list[dict[str, Any]],
    updates: list[dict[str, Any]],
    versions: list[dict[str, Any]],
) -> None:
    # Core, not the ORM: inserts are one executemany each, and no object stays in the session.
    connection = session.connection()
    if incidents:
        connection.execute(insert(INCIDENTS), incidents)
    # One statement per update, so each is checked against the version it was read at; a key
    # repeated within one batch is updated in file order, each update one version on.
    for change in updates:
        params = {k: v for k, v in change.items() if not k.startswith("b_")}
        moved = connection.execute(
            update(INCIDENTS)
            .where(
                INCIDENTS.c.id == change["b_id"],
                INCIDENTS.c.current_version == change["b_expected"],
            )
            .values(**params)
        )
        if moved.rowcount != 1:
            raise Conflict(
                f"incident {change['b_id']} changed during the import; import the file again"
            )
    if versions:
        connection.execute(insert(VERSIONS), versions)


def _audit(
    session: Session,
    run: Run,
    batch: int,
    inserted: list[list[str]],
    changed: list[list[str]],
    now: datetime,
) -> None:
    details = {
        "run": run.id,
        "batch": batch,
        "source": run.source.value,
        "dataset": run.dataset,
        "owner_organisation_id": run.owner_org_id,
        "visibility": run.visibility.value,
        "review_state": run.review_state.value,
        # [source_key, record digest] of every incident written
        "inserted": inserted,
        "updated": changed,
    }
    append_entry(
        session,
        at=now,
        actor_user_id=run.user_id,
        actor_org_id=run.org_id,
        action="incident.import",
        subject=f"import:{run.id}",
        after_digest=digest({"inserted": inserted, "updated": changed}),
        details=details,
    )


def _move_counts(session: Session, run_id: int, counts: Counts, *, grew: bool) -> None:
    values: dict[str, Any] = {
        "rows_read": counts.rows_read,
        "inserted": counts.inserted,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "rejected": counts.rejected,
    }
    if grew:  # the kept problems are rewritten only while they still grow (up to the cap)
        values["problems"] = [
            {"location": p.location, "message": p.message} for p in counts.problems
        ]
    session.execute(update(ImportRunRow).where(ImportRunRow.id == run_id).values(**values))
