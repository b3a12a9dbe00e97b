"""Static sites in the database: register, update, withdraw; every write audited.

A site is one ``sites`` row plus one ``site_versions`` row per version (the whole document,
times in UTC); each version is sent to the recipient parties (``notifications``), as a
movement's is. Keyword-only functions that flush but never commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from respite.accounts.tables import User
from respite.audit.canonical import digest
from respite.errors import Conflict, NotFound, VersionConflict
from respite.movements import records
from respite.movements.tables import VersionKind
from respite.sites.model import SiteSpec
from respite.sites.tables import SiteRow, SiteState, SiteVersionRow
from respite.storage.types import require_aware
from respite.storage.versioned import bump_version


def subject_of(site_id: str) -> str:
    return f"site:{site_id}"


def register_site(
    session: Session, *, spec: SiteSpec, owner_org_id: int, user_id: int, now: datetime
) -> SiteRow:
    now = require_aware(now, "now")
    user = records.actor(session, user_id)
    spec = spec.in_utc()
    parties = [p.id for p in records.recipients(session, spec.notify)]
    records.check_reference(session, SiteRow, owner_org_id, spec.reference)
    row = SiteRow(
        id=records.new_id("site", now),
        owner_organisation_id=owner_org_id,
        reference=spec.reference,
        current_version=1,
        state=SiteState.ACTIVE,
        kind=spec.kind,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    _version(session, row, VersionKind.NOTIFY, spec.model_dump(mode="json"), parties, user, now)
    return row


def update_site(
    session: Session,
    *,
    site_id: str,
    spec: SiteSpec,
    expected_version: int,
    user_id: int,
    now: datetime,
) -> SiteRow:
    now = require_aware(now, "now")
    user = records.actor(session, user_id)
    row = _open(session, site_id)
    spec = spec.in_utc()
    parties = [p.id for p in records.recipients(session, spec.notify)]
    records.check_reference(
        session, SiteRow, row.owner_organisation_id, spec.reference, own_id=row.id
    )
    before = get_site_version(session, site_id, expected_version)
    bump_version(
        session,
        SiteRow,
        row.id,
        expected=expected_version,
        subject=f"site {row.id}",
        values={"updated_at": now, "kind": spec.kind, "reference": spec.reference},
    )
    session.refresh(row)
    document = spec.model_dump(mode="json")
    _version(session, row, VersionKind.UPDATE, document, parties, user, now, before)
    return row


def withdraw_site(
    session: Session,
    *,
    site_id: str,
    reason: str,
    expected_version: int,
    user_id: int,
    now: datetime,
) -> SiteRow:
    now = require_aware(now, "now")
    user = records.actor(session, user_id)
    row = _open(session, site_id)
    before = get_site_version(session, site_id, expected_version)
    bump_version(
        session,
        SiteRow,
        row.id,
        expected=expected_version,
        subject=f"site {row.id}",
        values={"updated_at": now, "state": SiteState.WITHDRAWN},
    )
    session.refresh(row)
    parties = records.parties_of(session, subject_of(row.id), before.version)
    document = {**records.spec_part(before.document), records.WITHDRAWAL_KEY: {"reason": reason}}
    _version(session, row, VersionKind.WITHDRAW, document, parties, user, now, before)
    return row


# -- reading -----------------------------------------------------------------------------------


def get_site(session: Session, site_id: str) -> SiteRow:
    row = session.get(SiteRow, site_id)
    if row is None:
        raise NotFound(f"no site {site_id!r}")
    return row


def get_site_version(session: Session, site_id: str, version: int | None = None) -> SiteVersionRow:
    row = get_site(session, site_id)
    stored = session.get(SiteVersionRow, (site_id, version or row.current_version))
    if stored is None:
        raise VersionConflict(f"site {site_id}", expected=version or 0, current=row.current_version)
    return stored


def list_sites(session: Session, *, owner_org_id: int | None = None) -> list[SiteRow]:
    query = select(SiteRow)
    if owner_org_id is not None:
        query = query.where(SiteRow.owner_organisation_id == owner_org_id)
    return list(session.scalars(query.order_by(SiteRow.created_at, SiteRow.id)))


def list_site_versions(session: Session, site_id: str) -> list[SiteVersionRow]:
    query = select(SiteVersionRow).where(SiteVersionRow.site_id == site_id)
    return list(session.scalars(query.order_by(SiteVersionRow.version)))


# -- internals ---------------------------------------------------------------------------------


def _open(session: Session, site_id: str) -> SiteRow:
    row = get_site(session, site_id)
    if row.state is SiteState.WITHDRAWN:
        raise Conflict(f"site {site_id} was withdrawn; register it again instead of changing it")
    return row


def _version(
    session: Session,
    row: SiteRow,
    action: VersionKind,
    document: dict[str, Any],
    parties: list[int],
    user: User,
    now: datetime,
    before: SiteVersionRow | None = None,
) -> None:
    session.add(
        SiteVersionRow(
            site_id=row.id,
            version=row.current_version,
            action=action,
            document=document,
            recorded_at=now,
            recorded_by=user.id,
            digest=digest(document),
        )
    )
    session.flush()
    subject = subject_of(row.id)
    records.send(session, subject=subject, version=row.current_version, parties=parties, now=now)
    verb = {VersionKind.NOTIFY: "register", VersionKind.UPDATE: "update"}.get(action, "withdraw")
    records.audit(
        session,
        user,
        now,
        action=f"site.{verb}",
        subject=subject,
        before=None if before is None else before.document,
        after=document,
        details={
            "version": row.current_version,
            "owner_organisation_id": row.owner_organisation_id,
            "parties": parties,
        },
    )
