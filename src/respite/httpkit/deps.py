"""Request-scoped dependencies, declared once as Annotated aliases.

Writes use :func:`unit_of_work` inside the endpoint so that the commit happens before the
response is built: a client is never told "done" for a change that failed to commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from respite.accounts.tokens import authenticate
from respite.errors import Unauthenticated
from respite.httpkit.policy import Principal


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _read_session(request: Request) -> Iterator[Session]:
    factory: sessionmaker[Session] = request.app.state.read_sessions
    with factory() as session:
        yield session


@contextmanager
def unit_of_work(request: Request) -> Iterator[Session]:
    """A read-write session committed on success and rolled back on any error."""
    factory: sessionmaker[Session] = request.app.state.write_sessions
    with factory() as session, session.begin():
        yield session


def _principal(request: Request) -> Principal | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Unauthenticated("use 'Authorization: Bearer <token>'")
    with unit_of_work(request) as session:
        user = authenticate(session, secret.strip(), now=now())
        if user is None:
            raise Unauthenticated("the token is unknown, revoked or expired")
        return Principal(user.id, user.organisation_id, user.role)


ReadSession = Annotated[Session, Depends(_read_session)]
Caller = Annotated[Principal | None, Depends(_principal)]
