"""API tokens over HTTP: revoked, expired and malformed credentials get 401 (with
WWW-Authenticate) and change nothing; a secret is shown once and stored nowhere. Runs on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from api_helpers import Service, assert_problem, create_user_with_token, pause_document
from sqlalchemy import select

from respite.accounts.tokens import issue_token
from respite.storage.base import Base
from respite.storage.db import session_factory


def assert_unauthenticated(response: httpx.Response) -> None:
    problem = assert_problem(response, 401)
    assert problem["type"].endswith("/unauthenticated")
    assert response.headers["www-authenticate"] == "Bearer"


def coordinator(svc: Service, email: str = "coordinator@cell.example.org") -> tuple[int, str]:
    return create_user_with_token(
        svc, organisation_id=svc.cell_org_id, role="coordinator", email=email
    )


def test_a_revoked_token_is_refused(service: Service) -> None:
    user_id, token = coordinator(service)
    me = service.client.get("/v1/me", headers=Service.auth(token))
    assert me.status_code == 200
    assert (me.json()["id"], me.json()["role"]) == (user_id, "coordinator")
    token_id = service.sql(
        "SELECT id FROM api_tokens WHERE user_id = :u AND revoked_at IS NULL", u=user_id
    )[0][0]

    revoked = service.client.delete(f"/v1/tokens/{token_id}", headers=service.admin)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revoked_at"] is not None

    before = service.state()
    assert_unauthenticated(service.client.get("/v1/me", headers=Service.auth(token)))
    refused = service.client.post(
        "/v1/pauses", headers=Service.auth(token), json=pause_document("never-stored")
    )
    assert_unauthenticated(refused)
    assert service.state() == before
    # Revoking twice changes and records nothing.
    again = service.client.delete(f"/v1/tokens/{token_id}", headers=service.admin)
    assert again.status_code == 200
    assert service.state() == before


def test_a_user_can_revoke_their_own_token(service: Service) -> None:
    _, token = coordinator(service)
    issued = service.client.post("/v1/tokens", headers=Service.auth(token), json={})
    assert issued.status_code == 201
    second = issued.json()
    revoked = service.client.delete(f"/v1/tokens/{second['id']}", headers=Service.auth(token))
    assert revoked.status_code == 200, revoked.text
    assert_unauthenticated(service.client.get("/v1/me", headers=Service.auth(second["token"])))
    assert service.client.get("/v1/me", headers=Service.auth(token)).status_code == 200


def test_an_expired_token_is_refused(service: Service) -> None:
    user_id, _ = coordinator(service)
    past = datetime.now(UTC).replace(microsecond=0) - timedelta(days=10)
    with session_factory(service.engine).begin() as session:
        expired = issue_token(session, user_id=user_id, now=past, ttl=timedelta(days=1))
        still_valid = issue_token(session, user_id=user_id, now=past, ttl=timedelta(days=30))
    assert service.client.get("/v1/me", headers=Service.auth(still_valid)).status_code == 200
    before = service.state()
    assert_unauthenticated(service.client.get("/v1/me", headers=Service.auth(expired)))
    amend = service.client.post(
        "/v1/pauses/polio-round-1-2024-09/amendments",
        headers={**Service.auth(expired), "If-Match": '"1"'},
        json={
            "action": "end",
            "effective_at": "2024-09-02T10:00:00",
            "summary": {"en": "Ended"},
            "source": {"title": "Nobody"},
        },
    )
    assert_unauthenticated(amend)
    assert service.state() == before


def test_a_token_issued_with_a_ttl_over_http_says_when_it_expires(service: Service) -> None:
    issued = service.client.post("/v1/tokens", headers=service.admin, json={"ttl_days": 2})
    assert issued.status_code == 201
    expires = datetime.fromisoformat(issued.json()["expires_at"])
    created = datetime.fromisoformat(issued.json()["created_at"])
    assert expires - created == timedelta(days=2)


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic YWRtaW46c2VjcmV0",  # another scheme
        "Token {token}",  # the right secret under the wrong scheme
        "Bearer",  # no secret
        "Bearer    ",
        "Bearer rsp_not-a-token-anyone-was-given",  # well-formed, unknown
        "Bearer {token}x",  # one character off
        "{token}",  # no scheme
    ],
)
def test_malformed_or_unknown_credentials_get_401(
    shared_service: Service, authorization: str
) -> None:
    service = shared_service
    header = authorization.format(token=service.admin_token)
    before = service.state()
    for request in (
        lambda: service.client.get("/v1/pauses", headers={"Authorization": header}),
        lambda: service.client.post(
            "/v1/organisations",
            headers={"Authorization": header},
            json={"slug": "sneaky", "name": "Sneaky", "kind": "aid"},
        ),
    ):
        assert_unauthenticated(request())
    assert service.state() == before
    # The scheme is case-insensitive (RFC 9110): the control that the token itself works.
    ok = service.client.get("/v1/me", headers={"Authorization": f"bearer {service.admin_token}"})
    assert ok.status_code == 200


def test_a_secret_is_shown_once_and_stored_only_as_its_hash(service: Service) -> None:
    user_id, secret = coordinator(service)
    issued = service.client.post("/v1/tokens", headers=Service.auth(secret), json={})
    second = issued.json()["token"]
    assert second.startswith("rsp_") and len(second) == 47
    assert issued.json()["token_prefix"] == second[4:12]

    readers = [
        service.client.get("/v1/me", headers=Service.auth(secret)),
        service.client.get("/v1/audit", headers=service.admin, params={"limit": 1000}),
        service.client.get("/v1/pauses", headers=Service.auth(secret)),
    ]
    for response in readers:
        assert response.status_code == 200
        for shown in (secret, second, service.admin_token):
            assert shown not in response.text
            assert hashlib.sha256(shown.encode()).hexdigest() not in response.text

    stored = service.sql("SELECT token_hash FROM api_tokens WHERE user_id = :u", u=user_id)
    assert sorted(row[0] for row in stored) == sorted(
        hashlib.sha256(s.encode()).hexdigest() for s in (secret, second)
    )
    # No column of any table holds any secret.
    with session_factory(service.engine, read_only=True)() as session:
        dump = "\n".join(
            repr(tuple(row))
            for table in Base.metadata.sorted_tables
            for row in session.execute(select(table)).all()
        )
    assert "token_hash" not in dump  # (the dump holds values only)
    assert hashlib.sha256(secret.encode()).hexdigest() in dump
    for shown in (secret, second, service.admin_token):
        assert shown not in dump
        assert shown[4:] not in dump  # nor the random part alone
