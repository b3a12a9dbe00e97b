"""Request-scoped dependencies, declared once as Annotated aliases.

Writes use :func:`unit_of_work` inside the endpoint so that the commit happens before the
response is built: a client is never told "done" for a change that failed to commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from respite.errors import Unauthenticated
from respite.httpkit.policy import Principal

#: How a bearer token's secret becomes the caller: the app sets ``app.state.authenticate`` (to
#: :func:`respite.accounts.tokens.principal_of`), so that this kit needs no account tables.
Authenticate = Callable[[Session, str, datetime], Principal | None]


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
    authenticate: Authenticate = request.app.state.authenticate
    with unit_of_work(request) as session:
        principal = authenticate(session, secret.strip(), now())
        if principal is None:
            raise Unauthenticated("the token is unknown, revoked or expired")
        return principal


ReadSession = Annotated[Session, Depends(_read_session)]
Caller = Annotated[Principal | None, Depends(_principal)]
