"""Organisations, users, tokens and the audit ledger over HTTP (admin and observer)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy import select

from respite.accounts.model import OrganisationCreate, TokenCreate, UserCreate
from respite.accounts.service import (
    create_organisation,
    create_user,
    get_user,
    organisation_view,
    user_view,
)
from respite.accounts.tables import ApiToken, Organisation, User
from respite.accounts.tokens import issue_token, list_tokens, revoke_token, token_view
from respite.audit import verify_chain
from respite.audit.tables import AuditEntry
from respite.errors import Forbidden, InvalidInput
from respite.httpkit.deps import Caller, ReadSession, now, unit_of_work
from respite.httpkit.policy import Action, require

router = APIRouter(prefix="/v1", tags=["accounts"])


@router.get("/me")
def me(session: ReadSession, caller: Caller) -> dict[str, Any]:
    principal = require(caller, Action.ISSUE_OWN_TOKEN)
    return user_view(get_user(session, principal.user_id))


@router.post("/organisations", status_code=201)
def new_organisation(request: Request, caller: Caller, body: OrganisationCreate) -> dict[str, Any]:
    principal = require(caller, Action.MANAGE_ACCOUNTS)
    with unit_of_work(request) as session:
        organisation = create_organisation(
            session,
            slug=body.slug,
            name=body.name,
            kind=body.kind,
            now=now(),
            actor_user_id=principal.user_id,
        )
        return organisation_view(organisation)


@router.post("/users", status_code=201)
def new_user(request: Request, caller: Caller, body: UserCreate) -> dict[str, Any]:
    principal = require(caller, Action.MANAGE_ACCOUNTS)
    with unit_of_work(request) as session:
        if session.get(Organisation, body.organisation_id) is None:
            # A field naming nothing is bad input (422), not a missing resource (404).
            raise InvalidInput(
                f"no organisation {body.organisation_id}", location="organisation_id"
            )
        user = create_user(
            session,
            organisation_id=body.organisation_id,
            name=body.name,
            email=str(body.email),
            role=body.role,
            now=now(),
            actor_user_id=principal.user_id,
        )
        return user_view(user)


@router.post("/tokens", status_code=201)
def new_token(request: Request, caller: Caller, body: TokenCreate) -> dict[str, Any]:
    """Issue a token; the secret is in this answer only and never stored."""
    principal = require(caller, Action.ISSUE_OWN_TOKEN)
    user_id = body.user_id if body.user_id is not None else principal.user_id
    if user_id != principal.user_id:
        require(caller, Action.MANAGE_ACCOUNTS)
    ttl = None if body.ttl_days is None else timedelta(days=body.ttl_days)
    with unit_of_work(request) as session:
        if session.get(User, user_id) is None:
            raise InvalidInput(f"no user {user_id}", location="user_id")
        secret = issue_token(
            session, user_id=user_id, now=now(), ttl=ttl, actor_user_id=principal.user_id
        )
        token = list_tokens(session, user_id=user_id)[0]
        return token_view(token) | {"token": secret}


@router.delete("/tokens/{token_id}")
def revoke(request: Request, caller: Caller, token_id: int) -> dict[str, Any]:
    principal = require(caller, Action.ISSUE_OWN_TOKEN)
    with unit_of_work(request) as session:
        token = session.get(ApiToken, token_id)
        if token is not None and token.user_id != principal.user_id:
            try:
                require(caller, Action.MANAGE_ACCOUNTS)
            except Forbidden:
                raise Forbidden("only an admin may revoke another user's token") from None
        revoked = revoke_token(
            session, token_id=token_id, actor_user_id=principal.user_id, now=now()
        )
        return token_view(revoked)


@router.get("/audit")
def audit_entries(
    session: ReadSession,
    caller: Caller,
    after: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    require(caller, Action.READ_AUDIT)
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq).limit(limit)
    )
    return {
        "entries": [
            {
                "seq": e.seq,
                "at": e.at.isoformat().replace("+00:00", "Z"),
                "actor_user_id": e.actor_user_id,
                "actor_org_id": e.actor_org_id,
                "action": e.action,
                "subject": e.subject,
                "before_digest": e.before_digest,
                "after_digest": e.after_digest,
                "details": e.details,
                "prev_hash": e.prev_hash,
                "entry_hash": e.entry_hash,
            }
            for e in entries
        ]
    }


@router.get("/audit/verify")
def audit_verify(session: ReadSession, caller: Caller) -> dict[str, Any]:
    require(caller, Action.READ_AUDIT)
    report = verify_chain(session)
    return {
        "ok": report.ok,
        "checked": report.checked,
        "last_seq": report.last_seq,
        "last_hash": report.last_hash,
        "problems": [
            {"seq": p.seq, "fault": p.fault.value, "message": p.message} for p in report.problems
        ],
    }
