"""API tokens: issued once, stored as a hash, checked in constant time.

A token is ``rsp_`` followed by 43 URL-safe characters from :func:`secrets.token_urlsafe`
(256 random bits). Only its SHA-256 is stored. A fast unsalted hash is enough here, unlike for
passwords: the secret is random and long, so there is no dictionary to try and a brute force of
2^256 is out of reach whatever the hash costs; a slow hash would only slow every request.

``token_prefix`` holds the 8 characters after ``rsp_`` (48 of the 256 bits), indexed, so a
request finds its candidate rows without scanning; the hash comparison itself uses
:func:`hmac.compare_digest`. The prefix is also what a person sees when listing their tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from respite.accounts.service import get_user
from respite.accounts.tables import ApiToken, User
from respite.audit.canonical import digest
from respite.audit.ledger import append_entry
from respite.errors import InvalidInput, NotFound
from respite.httpkit.policy import Principal
from respite.storage.types import require_aware

TOKEN_MARKER = "rsp_"  # noqa: S105 - a public marker, not a secret
PREFIX_LENGTH = 8
SECRET_BYTES = 32
#: Longer inputs are refused before hashing (a request header is not a place for megabytes).
MAX_TOKEN_LENGTH = 200


def hash_token(secret: str) -> str:
    """The stored form of a token: SHA-256 hex of its full text."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_prefix(secret: str) -> str:
    """The lookup key: the first random characters, after the marker."""
    return secret[len(TOKEN_MARKER) : len(TOKEN_MARKER) + PREFIX_LENGTH]


def issue_token(
    session: Session,
    *,
    user_id: int,
    now: datetime,
    ttl: timedelta | None = None,
    actor_user_id: int | None = None,
) -> str:
    """A new token for ``user_id``; the secret is returned here once and never again.

    ``ttl`` None means the token does not expire (it can still be revoked). ``actor_user_id``
    is who issued it, if not the user themselves.
    """
    now = require_aware(now, "now")
    user = get_user(session, user_id)
    if ttl is not None and ttl <= timedelta(0):
        raise InvalidInput("ttl must be longer than zero", location="ttl")
    secret = TOKEN_MARKER + secrets.token_urlsafe(SECRET_BYTES)
    token = ApiToken(
        user_id=user.id,
        token_prefix=token_prefix(secret),
        token_hash=hash_token(secret),
        created_at=now,
        expires_at=None if ttl is None else now + ttl,
    )
    session.add(token)
    session.flush()
    _record(session, token, actor_user_id or user.id, now, "token.issue", before=None)
    return secret


def authenticate(session: Session, secret: str, *, now: datetime) -> User | None:
    """The user a token belongs to, or None if it is unknown, revoked, expired or disabled.

    Records ``last_used_at`` on success (a write: use a read-write session).
    """
    now = require_aware(now, "now")
    if not secret.startswith(TOKEN_MARKER) or not (
        len(TOKEN_MARKER) + PREFIX_LENGTH < len(secret) <= MAX_TOKEN_LENGTH
    ):
        return None
    wanted = hash_token(secret)
    candidates = session.scalars(
        select(ApiToken).where(ApiToken.token_prefix == token_prefix(secret))
    ).all()
    match = None
    for candidate in candidates:
        # Compare with every candidate, so the time taken does not depend on which matched.
        if hmac.compare_digest(candidate.token_hash, wanted):
            match = candidate
    if match is None or match.revoked_at is not None:
        return None
    if match.expires_at is not None and match.expires_at <= now:
        return None
    user = get_user(session, match.user_id)
    if user.disabled_at is not None and user.disabled_at <= now:
        return None
    match.last_used_at = now
    session.flush()
    return user


def principal_of(session: Session, secret: str, now: datetime) -> Principal | None:
    """The caller a bearer token stands for (see :func:`authenticate`), for the HTTP kit."""
    user = authenticate(session, secret, now=now)
    return None if user is None else Principal(user.id, user.organisation_id, user.role)


def revoke_token(session: Session, *, token_id: int, actor_user_id: int, now: datetime) -> ApiToken:
    """Revoke a token (idempotent: revoking again changes and records nothing)."""
    now = require_aware(now, "now")
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"no token {token_id}")
    if token.revoked_at is not None:
        return token
    before = token_view(token)
    token.revoked_at = now
    session.flush()
    _record(session, token, actor_user_id, now, "token.revoke", before=before)
    return token


def list_tokens(session: Session, *, user_id: int) -> list[ApiToken]:
    """A user's tokens, newest first (prefixes and dates only: the secrets are not stored)."""
    query = (
        select(ApiToken)
        .where(ApiToken.user_id == user_id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(session.scalars(query))


def token_view(token: ApiToken) -> dict[str, Any]:
    """The token's metadata as the JSON whose digest the audit ledger records."""
    return {
        "id": token.id,
        "user_id": token.user_id,
        "token_prefix": token.token_prefix,
        "created_at": token.created_at.isoformat(),
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


def _record(
    session: Session,
    token: ApiToken,
    actor_user_id: int,
    now: datetime,
    action: str,
    *,
    before: dict[str, Any] | None,
) -> None:
    actor = get_user(session, actor_user_id)
    append_entry(
        session,
        at=now,
        actor_user_id=actor.id,
        actor_org_id=actor.organisation_id,
        action=action,
        subject=f"token:{token.id}",
        before_digest=digest(before) if before is not None else None,
        after_digest=digest(token_view(token)),
        details={"user_id": token.user_id, "token_prefix": token.token_prefix},
    )
