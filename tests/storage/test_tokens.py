"""API tokens: issued once, only the hash stored, refused when revoked, expired or disabled."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from respite.accounts.service import disable_user
from respite.accounts.tables import ApiToken
from respite.accounts.tokens import authenticate, issue_token, list_tokens, revoke_token
from respite.audit.tables import AuditEntry
from respite.errors import InvalidInput, NotFound
from respite.storage.base import Base


def _issue(sessions, user_id, now, **kw) -> str:
    with sessions.begin() as session:
        return issue_token(session, user_id=user_id, now=now, **kw)


def _who(sessions, secret, now) -> int | None:
    with sessions.begin() as session:
        user = authenticate(session, secret, now=now)
        return None if user is None else user.id


def test_a_token_authenticates_its_user(sessions, accounts, now) -> None:
    secret = _issue(sessions, accounts.other_user_id, now)
    assert secret.startswith("rsp_")
    assert len(secret) == 4 + 43  # 32 random bytes, URL-safe base64
    later = now + timedelta(days=400)
    assert _who(sessions, secret, later) == accounts.other_user_id
    with sessions.begin() as session:
        (token,) = list_tokens(session, user_id=accounts.other_user_id)
    assert token.last_used_at == later
    assert token.token_prefix == secret[4:12]
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda s: s[:-1] + ("A" if s[-1] != "A" else "B"),  # same prefix, wrong secret
        lambda s: s.upper(),
        lambda s: s[4:],  # no marker
        lambda s: s[:12],  # prefix only
        lambda s: "",
        lambda s: s + "x" * 500,
    ],
)
def test_anything_but_the_exact_secret_is_refused(sessions, accounts, now, mangle) -> None:
    secret = _issue(sessions, accounts.user_id, now)
    assert _who(sessions, mangle(secret), now) is None


def test_a_revoked_token_is_refused(sessions, accounts, now) -> None:
    secret = _issue(sessions, accounts.other_user_id, now)
    with sessions.begin() as session:
        (token,) = list_tokens(session, user_id=accounts.other_user_id)
        revoke_token(session, token_id=token.id, actor_user_id=accounts.user_id, now=now)
        entries = len(session.scalars(select(AuditEntry)).all())
        # Revoking twice is harmless and records nothing more.
        again = revoke_token(
            session, token_id=token.id, actor_user_id=accounts.user_id, now=now + timedelta(1)
        )
        assert again.revoked_at == now
        assert len(session.scalars(select(AuditEntry)).all()) == entries
    assert _who(sessions, secret, now) is None
    with pytest.raises(NotFound), sessions.begin() as session:
        revoke_token(session, token_id=9999, actor_user_id=accounts.user_id, now=now)


def test_a_token_expires(sessions, accounts, now) -> None:
    secret = _issue(sessions, accounts.user_id, now, ttl=timedelta(hours=1))
    assert _who(sessions, secret, now + timedelta(minutes=59)) == accounts.user_id
    assert _who(sessions, secret, now + timedelta(hours=1)) is None


def test_a_disabled_users_tokens_are_refused(sessions, accounts, now) -> None:
    secret = _issue(sessions, accounts.other_user_id, now)
    with sessions.begin() as session:
        disable_user(
            session, user_id=accounts.other_user_id, actor_user_id=accounts.user_id, now=now
        )
    assert _who(sessions, secret, now + timedelta(seconds=1)) is None


def test_ttl_must_be_positive(sessions, accounts, now) -> None:
    with pytest.raises(InvalidInput, match="ttl"), sessions.begin() as session:
        issue_token(session, user_id=accounts.user_id, now=now, ttl=timedelta(0))


def test_only_the_hash_is_stored_anywhere(sessions, accounts, now) -> None:
    secrets_issued = [_issue(sessions, accounts.user_id, now) for _ in range(3)]
    with sessions.begin() as session:
        revoke_token(
            session,
            token_id=list_tokens(session, user_id=accounts.user_id)[0].id,
            actor_user_id=accounts.user_id,
            now=now,
        )
        cells = [
            str(value) for table in Base.metadata.sorted_tables for value in _cells(session, table)
        ]
    assert cells
    for secret in secrets_issued:
        assert not any(secret in cell for cell in cells)
        # Nor the part after the lookup prefix, which is where the entropy lives.
        assert not any(secret[12:] in cell for cell in cells)
    with sessions.begin() as session:
        hashes = set(session.scalars(select(ApiToken.token_hash)))
    assert hashes == {hashlib.sha256(s.encode()).hexdigest() for s in secrets_issued}


def test_issue_and_revoke_are_audited(sessions, accounts, now) -> None:
    _issue(sessions, accounts.other_user_id, now, actor_user_id=accounts.user_id)
    with sessions.begin() as session:
        (token,) = list_tokens(session, user_id=accounts.other_user_id)
        revoke_token(session, token_id=token.id, actor_user_id=accounts.user_id, now=now)
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()[-2:]
    assert [(e.action, e.subject, e.actor_user_id) for e in entries] == [
        ("token.issue", f"token:{token.id}", accounts.user_id),
        ("token.revoke", f"token:{token.id}", accounts.user_id),
    ]
    assert entries[1].before_digest == entries[0].after_digest


def _cells(session: Session, table: Table) -> list[object]:
    return [value for row in session.execute(select(table)) for value in row]
