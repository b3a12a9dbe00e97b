"""Field reports through the API: report, read, correct (If-Match), review, list with
filters and pages, and who sees what. SQLite and PostgreSQL.

The cast (tests/movements): ``aid`` and ``other-aid`` are members of two aid organisations,
``coordinator`` of the coordination cell, ``observer``, ``liaison`` (a party), ``admin``,
``public`` (no token).
"""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import assert_problem
from incident_helpers import report_document

from respite.incidents.tables import IncidentRow, IncidentVersionRow


def made(cast: Any, who: str = "aid", **changes: Any) -> dict[str, Any]:
    response = cast.post(who, "/v1/incidents", json=report_document(**changes))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def patch(cast: Any, who: str, incident_id: str, body: Any, if_match: str | None) -> Any:
    headers = cast.headers(who, **({} if if_match is None else {"If-Match": if_match}))
    return cast.svc.client.patch(f"/v1/incidents/{incident_id}", headers=headers, json=body)


def review(cast: Any, who: str, incident_id: str, if_match: str, **body: Any) -> Any:
    return cast.post(who, f"/v1/incidents/{incident_id}/review", json=body, if_match=if_match)


def test_a_field_report_is_stored_as_sent_and_shown_in_local_time(cast: Any) -> None:
    svc = cast.svc
    head = svc.audit_head()[0]
    response = cast.post("aid", "/v1/incidents", json=report_document())
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["etag"] == '"1"'
    assert response.headers["location"] == f"/v1/incidents/{body['id']}"
    assert (body["source"], body["dataset"], body["source_key"]) == (
        "field",
        "field/gaza-relief",
        "DB-0902-01",
    )
    assert (body["review_state"], body["visibility"], body["version"]) == (
        "submitted",
        "organisation",
        1,
    )
    # 10:15 +-10 minutes, read to the minute: [10:05, 10:26) local = [07:05, 07:26) UTC.
    assert body["occurred"] == {
        "from": "2024-09-02T07:05:00Z",
        "until": "2024-09-02T07:26:00Z",
        "from_local": "2024-09-02T10:05:00+03:00",
        "until_local": "2024-09-02T10:26:00+03:00",
        "precision": "minute",
        "text": "Mon 2024-09-02 10:05-10:26 (Asia/Gaza, UTC+03:00)",
    }
    assert body["place"] == {
        "lon": 34.351,
        "lat": 31.4171,
        "radius_m": 50.0,
        "precision": "exact",
        "location": "Deir al-Balah, near the clinic",
    }
    assert (body["fatalities"], body["injured"], body["owner_organisation_id"]) == (
        2,
        5,
        cast.orgs["aid"],
    )
    assert svc.audit_head()[0] == head + 1
    again = cast.get("aid", f"/v1/incidents/{body['id']}", tz="UTC")
    assert again.status_code == 200
    assert again.json()["occurred"]["from_local"] == "2024-09-02T07:05:00+00:00"
    assert again.json()["digest"] == body["digest"]


def test_a_span_report_keeps_its_span(cast: Any) -> None:
    body = made(
        cast,
        occurred_at=None,
        uncertainty_minutes=None,
        occurred_from="2024-09-02T06:00:00+03:00",
        occurred_until="2024-09-02T09:30:00+03:00",
    )
    assert body["occurred"]["precision"] == "span"
    assert (body["occurred"]["from"], body["occurred"]["until"]) == (
        "2024-09-02T03:00:00Z",
        "2024-09-02T06:30:00Z",
    )


@pytest.mark.parametrize(
    ("changes", "locations"),
    [
        ({"occurred_at": "2024-09-02T10:15:00"}, {"occurred_at"}),
        ({"occurred_from": "2024-09-02T06:00:00+03:00"}, {"occurred_from"}),
        ({"occurred_at": None, "uncertainty_minutes": None}, {"occurred_at"}),
        (
            {
                "occurred_at": None,
                "uncertainty_minutes": None,
                "occurred_from": "2024-09-02T09:00:00+03:00",
                "occurred_until": "2024-09-02T08:00:00+03:00",
            },
            {"occurred_until"},
        ),
        ({"lon": 200, "lat": None, "radius_m": -1}, {"lon", "lat", "radius_m"}),
        (
            {"event_type": "", "fatalities": -1, "colour": "red"},
            {"event_type", "fatalities", "colour"},
        ),
        ({"visibility": "everyone", "actors": ["x"] * 21}, {"visibility", "actors"}),
    ],
)
def test_bad_reports_are_problems_naming_each_field_and_store_nothing(
    cast: Any, changes: dict[str, Any], locations: set[str]
) -> None:
    svc = cast.svc
    before = (svc.audit_head(), svc.count(IncidentRow))
    response = cast.post("aid", "/v1/incidents", json=report_document(**changes))
    body = assert_problem(response, 422)
    assert {e["location"] for e in body["errors"]} == locations
    assert (svc.audit_head(), svc.count(IncidentRow)) == before


def test_a_correction_needs_the_current_version_and_goes_back_to_review(cast: Any) -> None:
    svc = cast.svc
    incident = made(cast, visibility="public")
    iid = incident["id"]
    verified = review(cast, "coordinator", iid, '"1"', state="verified")
    assert verified.status_code == 200, verified.text
    assert (verified.json()["review_state"], verified.headers["etag"]) == ("verified", '"2"')
    assert_problem(patch(cast, "aid", iid, {"fatalities": 3}, None), 428)
    assert_problem(patch(cast, "aid", iid, {"fatalities": 3}, '"1"'), 412)
    assert_problem(patch(cast, "aid", iid, {"fatalities": -3}, '"2"'), 422, location="fatalities")
    assert_problem(
        patch(cast, "aid", iid, {"reference": "other"}, '"2"'), 422, location="reference"
    )
    head = svc.audit_head()
    response = patch(cast, "aid", iid, {"fatalities": 3, "notes": None}, '"2"')
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["version"], body["review_state"], body["fatalities"], body["notes"]) == (
        3,
        "submitted",
        3,
        None,
    )
    assert body["occurred"] == incident["occurred"]  # the time was not sent: kept as it was
    assert body["injured"] == 5
    assert svc.audit_head()[0] == head[0] + 1
    moved = patch(
        cast,
        "aid",
        iid,
        {"occurred_from": "2024-09-02T10:00+03:00", "occurred_until": "2024-09-02T11:00+03:00"},
        '"3"',
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["occurred"]["precision"] == "span"
    history = cast.get("aid", f"/v1/incidents/{iid}/versions").json()["versions"]
    assert [(v["version"], v["action"], v["review_state"]) for v in history] == [
        (1, "report", "submitted"),
        (2, "review", "verified"),
        (3, "correct", "submitted"),
        (4, "correct", "submitted"),
    ]
    assert history[0]["digest"] == history[1]["digest"] != history[2]["digest"]
    assert svc.count(IncidentVersionRow) == 4


def test_review_marks_duplicates_and_refuses_moves_from_a_decision(cast: Any) -> None:
    first = made(cast)["id"]
    second = made(cast, "other-aid", reference="OR-1")["id"]
    missing = review(cast, "coordinator", second, '"1"', state="duplicate")
    assert_problem(missing, 422, location="duplicate_of")
    assert_problem(
        review(cast, "coordinator", second, '"1"', state="approved"), 422, location="state"
    )
    marked = review(cast, "coordinator", second, '"1"', state="duplicate", duplicate_of=first)
    assert marked.status_code == 200, marked.text
    assert (marked.json()["review_state"], marked.json()["duplicate_of"]) == ("duplicate", first)
    assert_problem(review(cast, "coordinator", second, '"2"', state="verified"), 409)
    assert_problem(review(cast, "coordinator", second, '"1"', state="submitted"), 412)
    reopened = review(cast, "admin", second, '"2"', state="submitted", note="different street")
    assert reopened.json()["review_state"] == "submitted"


def test_each_caller_sees_what_it_may(cast: Any) -> None:
    private = made(cast)["id"]
    submitted = made(cast, reference="DB-2", visibility="public")["id"]
    public = made(cast, reference="DB-3", visibility="public")["id"]
    assert review(cast, "coordinator", public, '"1"', state="verified").status_code == 200
    own = made(cast, "other-aid", reference="OR-1")["id"]
    expected = {
        "public": {public},
        "aid": {private, submitted, public},
        "other-aid": {public, own},
        "liaison": {public},
        "coordinator": {private, submitted, public, own},
        "observer": {private, submitted, public, own},
        "admin": {private, submitted, public, own},
    }
    for who, ids in expected.items():
        listed = cast.get(who, "/v1/incidents")
        assert listed.status_code == 200
        body = listed.json()
        assert {i["id"] for i in body["incidents"]} == ids, who
        assert body["total"] == len(ids)
        for incident_id in (private, submitted, public, own):
            status = cast.get(who, f"/v1/incidents/{incident_id}").status_code
            assert status == (200 if incident_id in ids else 404), (who, incident_id)
    public_view = cast.get("public", f"/v1/incidents/{public}").json()
    assert not {"owner_organisation_id", "notes", "reported_by", "attributes"} & set(public_view)
    owner_view = cast.get("aid", f"/v1/incidents/{public}").json()
    assert owner_view["reported_by"] == "Vaccination team 7"
    assert cast.get("other-aid", f"/v1/incidents/{public}/versions").status_code == 404
    assert cast.get("public", "/v1/incidents").json()["visible"]["scope"] == "public"
    assert cast.get("other-aid", "/v1/incidents").json()["visible"]["scope"] == "organisation"


def test_lists_filter_and_page(cast: Any) -> None:
    made(cast, reference="A", occurred_at="2024-09-01T08:00+03:00", event_type="Shelling")
    made(cast, reference="B", occurred_at="2024-09-02T08:00+03:00", event_type="Air strike")
    made(cast, reference="C", occurred_at="2024-09-03T08:00+03:00", lon=34.45, lat=31.50)
    made(cast, reference="D", occurred_at="2024-09-04T08:00+03:00", event_type="Air strike")

    def keys(**params: Any) -> list[str]:
        response = cast.get("aid", "/v1/incidents", **params)
        assert response.status_code == 200, response.text
        return [i["source_key"] for i in response.json()["incidents"]]

    assert keys() == ["A", "B", "C", "D"]
    assert keys(event_type="Air strike") == ["B", "D"]
    assert keys(bbox="34.4,31.45,34.5,31.55") == ["C"]
    assert keys(**{"from": "2024-09-02T00:00+03:00", "to": "2024-09-04T00:00+03:00"}) == ["B", "C"]
    assert keys(state="verified") == []
    assert keys(source="field", state="submitted") == ["A", "B", "C", "D"]
    page = cast.get("aid", "/v1/incidents", limit=3).json()
    assert (page["count"], page["total"]) == (3, 4)
    following = cast.svc.client.get(page["next"], headers=cast.headers("aid")).json()
    assert [i["source_key"] for i in following["incidents"]] == ["D"]
    assert following["next"] is None
    assert_problem(cast.get("aid", "/v1/incidents", bbox="1,2,3"), 422, location="bbox")
    assert_problem(
        cast.get("aid", "/v1/incidents", **{"from": "2024-09-02T00:00"}), 422, location="from"
    )
    assert_problem(cast.get("aid", "/v1/incidents", limit=0), 422, location="limit")
    assert_problem(cast.get("aid", "/v1/incidents", tz="Mars/Olympus"), 422, location="tz")


def test_the_incident_endpoints_are_documented(sqlite_service: Any) -> None:
    paths = sqlite_service.client.get("/openapi.json").json()["paths"]
    served = {
        path: set(operations)
        for path, operations in paths.items()
        if path.startswith("/v1/incidents") or path.endswith("/compliance")
    }
    assert served == {
        "/v1/incidents": {"get", "post"},
        "/v1/incidents/{incident_id}": {"get", "patch"},
        "/v1/incidents/{incident_id}/review": {"post"},
        "/v1/incidents/{incident_id}/versions": {"get"},
        "/v1/pauses/{pause_id}/compliance": {"get"},
    }
