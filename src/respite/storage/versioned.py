"""Versioned records: the shared columns, get-or-NotFound, and the one compare-and-swap bump.

A versioned record (a pause, site, movement or incident) is one summary row saying which
version is current, plus one append-only row per version holding the whole document. A change
moves ``current_version`` from the version the client read to the next with
``UPDATE ... WHERE current_version = :expected``: of two writers that read the same version, the
second one's UPDATE matches no row (on PostgreSQL it waits for the first to commit) and gets a
:class:`~respite.errors.VersionConflict` (HTTP 412: re-read and decide again).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import JSON, CursorResult, ForeignKey, Integer, String, select, update
from sqlalchemy.orm import InstrumentedAttribute, Mapped, Session, mapped_column

from respite.errors import NotFound, VersionConflict
from respite.storage.base import HASH_LENGTH
from respite.storage.types import UtcDateTime

Row = TypeVar("Row")


class VersionedRecord:
    """The summary row's columns: which version is current, when created and last moved."""

    if TYPE_CHECKING:  # each table declares its own key (the lengths differ)
        id: Mapped[str]

    current_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RecordedVersion:
    """One version row's columns: its number, the whole document, who recorded it and when,
    and the document's digest (what the audit entry names)."""

    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    digest: Mapped[str] = mapped_column(String(HASH_LENGTH))


def fetch(session: Session, model: type[Row], key: object, *, missing: str) -> Row:
    """The row of ``model`` with primary key ``key``, or :class:`NotFound` saying ``missing``.

    Parameters
    ----------
    session
        The caller's session.
    model
        The mapped class.
    key
        Its primary key (a tuple for a composite key).
    missing
        The sentence the error says, e.g. ``"no site 'S-1'"``.

    Returns
    -------
    Row
        The stored row.
    """
    row = session.get(model, key)
    if row is None:
        raise NotFound(missing)
    return row


def compare_and_swap(
    session: Session,
    column: InstrumentedAttribute[int],
    key: InstrumentedAttribute[Any],
    row_id: object,
    *,
    expected: int,
    values: dict[str, Any],
) -> bool:
    """Write ``values`` to the row only if ``column`` still holds ``expected``; True if it did.

    The guard is in SQL, so it holds across processes; ``values`` should move ``column`` on.
    """
    moved = session.execute(
        update(column.class_)
        .where(key == row_id, column == expected)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return isinstance(moved, CursorResult) and moved.rowcount == 1


def bump_version(
    session: Session,
    model: type[VersionedRecord],
    row_id: str,
    *,
    expected: int,
    subject: str,
    values: dict[str, Any],
) -> None:
    """Move ``current_version`` from ``expected`` to the next, writing ``values`` with it.

    Parameters
    ----------
    session
        The caller's session (flushes nothing; the caller adds the new version row).
    model
        The summary table (on :class:`VersionedRecord`).
    row_id
        The record's id.
    expected
        The version the client read (its If-Match).
    subject
        How the error names the record, e.g. ``"pause 'truce'"``, ``"movement M-1"``.
    values
        The other columns to write with the bump.

    Raises
    ------
    VersionConflict
        Another write moved the record first (or it does not exist); nothing was written.
    """
    current_version: InstrumentedAttribute[int] = model.current_version
    key: InstrumentedAttribute[str] = model.id
    bumped = compare_and_swap(
        session,
        current_version,
        key,
        row_id,
        expected=expected,
        values={"current_version": expected + 1, **values},
    )
    if not bumped:
        current = session.scalar(select(current_version).where(key == row_id))
        raise VersionConflict(subject, expected=expected, current=current)
