"""Reading stored pauses: documents by version, version history, filtered lists.

Re-exported by :mod:`respite.pauses.service`, which holds the writes.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from respite.errors import NotFound
from respite.pauses.model import PauseKind, PauseSpec, PauseStatus
from respite.pauses.tables import PauseRow, PauseVersionRow


def get_pause(session: Session, pause_id: str, *, version: int | None = None) -> PauseSpec:
    """The pause document at ``version`` (default: the current one)."""
    return PauseSpec.model_validate(get_version(session, pause_id, version=version).document)


def get_version(session: Session, pause_id: str, *, version: int | None = None) -> PauseVersionRow:
    """The stored version row (document, action, digest, who and when)."""
    row = session.get(PauseRow, pause_id)
    if row is None:
        raise NotFound(f"no pause {pause_id!r}")
    number = row.current_version if version is None else version
    stored = session.get(PauseVersionRow, (pause_id, number))
    if stored is None:
        raise NotFound(f"pause {pause_id!r} has no version {number}")
    return stored


def list_versions(session: Session, pause_id: str) -> list[PauseVersionRow]:
    """Every stored version of a pause, oldest first."""
    if session.get(PauseRow, pause_id) is None:
        raise NotFound(f"no pause {pause_id!r}")
    query = (
        select(PauseVersionRow)
        .where(PauseVersionRow.pause_id == pause_id)
        .order_by(PauseVersionRow.version)
    )
    return list(session.scalars(query))


def list_pauses(
    session: Session,
    *,
    kinds: Collection[PauseKind] | None = None,
    statuses: Collection[PauseStatus] | None = None,
    published_only: bool,
) -> list[PauseRow]:
    """Pause rows by id, filtered by kind, recorded status (of the current version), publication."""
    query = select(PauseRow).order_by(PauseRow.id)
    if kinds is not None:
        query = query.where(PauseRow.kind.in_(sorted(kinds)))
    if statuses is not None:
        query = query.where(PauseRow.status.in_(sorted(statuses)))
    if published_only:
        query = query.where(PauseRow.published.is_(True))
    return list(session.scalars(query))


def load_specs(session: Session, *, published_only: bool) -> list[PauseSpec]:
    """The current document of every pause, by id (what the coverage engine is built from)."""
    query = (
        select(PauseVersionRow.document)
        .join(
            PauseRow,
            (PauseRow.id == PauseVersionRow.pause_id)
            & (PauseRow.current_version == PauseVersionRow.version),
        )
        .order_by(PauseRow.id)
    )
    if published_only:
        query = query.where(PauseRow.published.is_(True))
    return [PauseSpec.model_validate(document) for document in session.scalars(query)]
