"""Helpers shared by the site and movement services: ids, versions, recipients, audit.

Every function flushes and never commits: the caller's transaction holds a write and its
audit entry together.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from respite.accounts.model import OrganisationKind
from respite.accounts.service import get_user
from respite.accounts.tables import Organisation, User
from respite.audit.canonical import digest
from respite.audit.ledger import append_entry
from respite.errors import (
    AlreadyExists,
    InvalidInput,
    Problem,
)
from respite.movements.tables import MovementRow, NotificationRow, NotifiedRecord

#: Keys added to a stored document that are not part of the notified spec.
WITHDRAWAL_KEY = "withdrawal"


def new_id(prefix: str, when: datetime) -> str:
    """``mv-20231105-3f9a1c``: readable, and not guessable from another's id."""
    return f"{prefix}-{when:%Y%m%d}-{secrets.token_hex(3)}"


def actor(session: Session, user_id: int) -> User:
    return get_user(session, user_id)


def recipients(session: Session, requested: Sequence[int]) -> list[Organisation]:
    """The party organisations to notify: those requested (each must be a party), or every
    party organisation when none is named."""
    if not requested:
        query = select(Organisation).where(Organisation.kind == OrganisationKind.PARTY)
        return list(session.scalars(query.order_by(Organisation.id)))
    found: list[Organisation] = []
    problems = []
    for index, organisation_id in enumerate(requested):
        organisation = session.get(Organisation, organisation_id)
        if organisation is None:
            problems.append(Problem(f"notify[{index}]", f"no organisation {organisation_id}"))
        elif organisation.kind is not OrganisationKind.PARTY:
            problems.append(
                Problem(
                    f"notify[{index}]",
                    f"organisation {organisation_id} ({organisation.slug}) is not a party",
                )
            )
        elif organisation not in found:
            found.append(organisation)
    if problems:
        raise InvalidInput(problems)
    return found


def send(
    session: Session, *, subject: str, version: int, parties: Sequence[int], now: datetime
) -> list[NotificationRow]:
    rows = [
        NotificationRow(subject=subject, version=version, party_organisation_id=p, sent_at=now)
        for p in parties
    ]
    session.add_all(rows)
    session.flush()
    return rows


def parties_of(session: Session, subject: str, version: int) -> list[int]:
    query = (
        select(NotificationRow.party_organisation_id)
        .where(NotificationRow.subject == subject, NotificationRow.version == version)
        .order_by(NotificationRow.party_organisation_id)
    )
    return list(session.scalars(query))


def check_reference(
    session: Session,
    model: type[NotifiedRecord],
    owner: int,
    reference: str | None,
    *,
    own_id: str = "",
) -> None:
    """An organisation's own reference names one of its sites or movements, not two."""
    if reference is None:
        return
    clash = session.scalar(
        select(model.id).where(
            model.owner_organisation_id == owner,
            model.reference == reference,
            model.id != own_id,
        )
    )
    if clash is not None:
        noun = "movement" if model is MovementRow else "site"
        raise AlreadyExists(f"your organisation's {noun} {clash} has reference {reference!r}")


def audit(
    session: Session,
    user: User,
    now: datetime,
    *,
    action: str,
    subject: str,
    after: Any,
    before: Any = None,
    details: dict[str, Any] | None = None,
) -> str:
    """Append the write's audit entry; returns the digest of ``after``."""
    after_digest = digest(after)
    append_entry(
        session,
        at=now,
        actor_user_id=user.id,
        actor_org_id=user.organisation_id,
        action=action,
        subject=subject,
        before_digest=None if before is None else digest(before),
        after_digest=after_digest,
        details=details or {},
    )
    return after_digest


def spec_part(document: dict[str, Any]) -> dict[str, Any]:
    """A stored document without the keys the system added (the withdrawal)."""
    return {k: v for k, v in document.items() if k != WITHDRAWAL_KEY}
