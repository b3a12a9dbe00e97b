"""Who a command-line action is recorded as, and organisations named on the command line."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from respite.accounts.tables import Organisation, User
from respite.errors import NotFound
from respite.roles import UserRole


def operator(session: Session) -> User:
    """The user command-line actions are recorded as: the first administrator."""
    user = session.scalar(
        select(User)
        .where(User.role == UserRole.ADMIN, User.disabled_at.is_(None))
        .order_by(User.id)
    )
    if user is None:
        raise LookupError("no administrator: start the service once, or run 'respite db init'")
    return user


def organisation(session: Session, slug: str | None, fallback: User, flag: str) -> int:
    if slug is None:
        return fallback.organisation_id
    found = session.scalar(select(Organisation.id).where(Organisation.slug == slug))
    if found is None:
        raise NotFound(f"no organisation {slug!r} ({flag})")
    return found
