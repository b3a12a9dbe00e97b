"""Organisations and users: creation, lookup and disabling, each recorded in the audit ledger.

Users are never deleted (audit entries and pause versions point at them); a disabled user keeps
their history and can no longer authenticate.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from respite.accounts.model import OrganisationKind
from respite.accounts.tables import Organisation, User
from respite.audit.canonical import digest
from respite.audit.ledger import append_entry
from respite.errors import AlreadyExists, NotFound
from respite.roles import UserRole
from respite.storage.types import require_aware


def get_organisation(session: Session, organisation_id: int) -> Organisation:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(f"no organisation {organisation_id}")
    return organisation


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


def create_organisation(
    session: Session,
    *,
    slug: str,
    name: str,
    kind: OrganisationKind,
    now: datetime,
    actor_user_id: int | None = None,
) -> Organisation:
    """A new organisation; ``actor_user_id`` is None only when bootstrapping."""
    now = require_aware(now, "now")
    if session.scalar(select(Organisation.id).where(Organisation.slug == slug)) is not None:
        raise AlreadyExists(f"an organisation with slug {slug!r} exists")
    organisation = Organisation(slug=slug, name=name, kind=kind, created_at=now)
    session.add(organisation)
    session.flush()
    _record(
        session,
        actor_user_id,
        now,
        action="organisation.create",
        subject=f"organisation:{organisation.id}",
        after=organisation_view(organisation),
    )
    return organisation


def create_user(
    session: Session,
    *,
    organisation_id: int,
    name: str,
    email: str,
    role: UserRole,
    now: datetime,
    actor_user_id: int | None = None,
) -> User:
    """A new user of an existing organisation; the email is stored lower-cased."""
    now = require_aware(now, "now")
    get_organisation(session, organisation_id)
    email = email.strip().lower()
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AlreadyExists(f"a user with email {email!r} exists")
    user = User(organisation_id=organisation_id, name=name, email=email, role=role, created_at=now)
    session.add(user)
    session.flush()
    _record(
        session,
        actor_user_id,
        now,
        action="user.create",
        subject=f"user:{user.id}",
        after=user_view(user),
    )
    return user


def disable_user(
    session: Session, *, user_id: int, actor_user_id: int | None, now: datetime
) -> User:
    """Disable a user (idempotent: an already disabled user is returned unchanged)."""
    now = require_aware(now, "now")
    user = get_user(session, user_id)
    if user.disabled_at is not None:
        return user
    before = user_view(user)
    user.disabled_at = now
    session.flush()
    _record(
        session,
        actor_user_id,
        now,
        action="user.disable",
        subject=f"user:{user.id}",
        before=before,
        after=user_view(user),
    )
    return user


def organisation_view(organisation: Organisation) -> dict[str, Any]:
    """The organisation as the JSON whose digest the audit ledger records."""
    return {
        "id": organisation.id,
        "slug": organisation.slug,
        "name": organisation.name,
        "kind": organisation.kind.value,
        "created_at": organisation.created_at.isoformat(),
    }


def user_view(user: User) -> dict[str, Any]:
    """The user as the JSON whose digest the audit ledger records."""
    return {
        "id": user.id,
        "organisation_id": user.organisation_id,
        "name": user.name,
        "email": user.email,
        "role": user.role.value,
        "created_at": user.created_at.isoformat(),
        "disabled_at": user.disabled_at.isoformat() if user.disabled_at else None,
    }


def _record(
    session: Session,
    actor_user_id: int | None,
    now: datetime,
    *,
    action: str,
    subject: str,
    after: dict[str, Any],
    before: dict[str, Any] | None = None,
) -> None:
    actor = get_user(session, actor_user_id) if actor_user_id is not None else None
    append_entry(
        session,
        at=now,
        actor_user_id=actor.id if actor else None,
        actor_org_id=actor.organisation_id if actor else None,
        action=action,
        subject=subject,
        before_digest=digest(before) if before is not None else None,
        after_digest=digest(after),
        details={},
    )
