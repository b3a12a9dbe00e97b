"""Concurrent edits: If-Match carries the version a change was made against; a stale one gets
412 and changes nothing, so no change is ever silently lost. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest
from api_helpers import Service, assert_problem, extension, pause_document

PAUSE = "polio-round-2-2024-10"


@pytest.fixture
def created(service: Service) -> Service:
    response = service.client.post("/v1/pauses", headers=service.admin, json=pause_document())
    assert response.status_code == 201, response.text
    return service


def amend(svc: Service, body: dict[str, Any], if_match: str | None) -> httpx.Response:
    headers = dict(svc.admin)
    if if_match is not None:
        headers["If-Match"] = if_match
    return svc.client.post(f"/v1/pauses/{PAUSE}/amendments", headers=headers, json=body)


def current(svc: Service) -> dict[str, Any]:
    response = svc.client.get(f"/v1/pauses/{PAUSE}")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    assert response.headers["etag"] == f'"{body["version"]}"'
    return body


def test_the_second_change_from_the_same_version_is_refused_then_applied_after_rereading(
    created: Service,
) -> None:
    svc = created
    first = amend(svc, extension("2024-10-16T18:00"), '"1"')
    assert first.status_code == 201, first.text
    head = svc.audit_head()

    second = amend(svc, extension("2024-10-16T20:00"), '"1"')
    problem = assert_problem(second, 412)
    assert problem["type"].endswith("/version-conflict")
    assert "version 2, not 1" in problem["detail"]
    assert svc.audit_head() == head

    # Nothing lost: version 2 holds the first change, and only it.
    stored = current(svc)
    assert stored["version"] == 2
    assert [a["until"] for a in stored["document"]["amendments"]] == ["2024-10-16T18:00:00"]

    # The second writer re-reads, sees version 2 and applies its change on top.
    third = amend(svc, extension("2024-10-16T20:00"), f'"{stored["version"]}"')
    assert third.status_code == 201, third.text
    assert third.headers["etag"] == '"3"'
    untils = [a["until"] for a in current(svc)["document"]["amendments"]]
    assert untils == ["2024-10-16T18:00:00", "2024-10-16T20:00:00"]
    versions = svc.client.get(f"/v1/pauses/{PAUSE}/versions").json()["versions"]
    assert [v["version"] for v in versions] == [1, 2, 3]


def test_an_edit_against_a_stale_version_is_refused(created: Service) -> None:
    svc = created
    assert amend(svc, extension("2024-10-16T18:00"), '"1"').status_code == 201
    head = svc.audit_head()
    corrected = pause_document(summary={"en": "Corrected summary"})
    stale = svc.client.put(
        f"/v1/pauses/{PAUSE}", headers={**svc.admin, "If-Match": '"1"'}, json=corrected
    )
    assert_problem(stale, 412)
    assert (svc.audit_head(), svc.pause_version(PAUSE)) == (head, 2)
    assert current(svc)["document"]["summary"]["en"] != "Corrected summary"


@pytest.mark.parametrize(
    ("if_match", "status", "location"),
    [
        (None, 428, None),  # no precondition at all
        ("one", 422, "If-Match"),  # not a version
        ('"1", "2"', 422, "If-Match"),  # a list is not one version
        ('"7"', 412, None),  # a version that was never stored: stale, not "not found"
        ('"0"', 412, None),
    ],
)
def test_amendments_need_the_current_version_in_if_match(
    created: Service, if_match: str | None, status: int, location: str | None
) -> None:
    svc = created
    head = svc.audit_head()
    response = amend(svc, extension("2024-10-16T18:00"), if_match)
    assert_problem(response, status, location=location)
    assert (svc.audit_head(), svc.pause_version(PAUSE)) == (head, 1)


def test_edits_need_if_match(created: Service) -> None:
    svc = created
    head = svc.audit_head()
    document = pause_document(summary={"en": "Corrected summary"})
    missing = svc.client.put(f"/v1/pauses/{PAUSE}", headers=svc.admin, json=document)
    assert_problem(missing, 428)
    malformed = svc.client.put(
        f"/v1/pauses/{PAUSE}", headers={**svc.admin, "If-Match": "latest"}, json=document
    )
    assert_problem(malformed, 422, location="If-Match")
    assert (svc.audit_head(), svc.pause_version(PAUSE)) == (head, 1)
    fresh = svc.client.put(
        f"/v1/pauses/{PAUSE}", headers={**svc.admin, "If-Match": '"1"'}, json=document
    )
    assert fresh.status_code == 200, fresh.text
    assert fresh.headers["etag"] == '"2"'
    assert current(svc)["document"]["summary"]["en"] == "Corrected summary"


def test_simultaneous_amendments_from_one_version_commit_exactly_one(created: Service) -> None:
    """Four writers race from version 1: one wins, three get 412, the ledger has one entry."""
    svc = created
    writers = 4
    start = threading.Barrier(writers)
    statuses: list[int] = []
    lock = threading.Lock()

    def write(hours: int) -> None:
        body = extension(f"2024-10-16T{15 + hours:02d}:00")
        start.wait(timeout=30)
        response = amend(svc, body, '"1"')
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=write, args=(i + 1,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [201, 412, 412, 412]
    stored = current(svc)
    assert stored["version"] == 2
    assert len(stored["document"]["amendments"]) == 1
    entries = svc.client.get("/v1/audit", headers=svc.admin).json()["entries"]
    assert [e["action"] for e in entries].count("pause.amend") == 1
    assert svc.client.get("/v1/audit/verify", headers=svc.admin).json()["ok"] is True
