"""``GET /v1/pauses/{id}/compliance``: the report over the incidents the caller may see, with
sites and movements near which events are counted, saying which set it used. SQLite and
PostgreSQL, on the scenario's polio round (central Gaza, 1-3 September 2024, 06:00-15:00).
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from api_helpers import assert_problem
from incident_helpers import report_document
from movement_helpers import convoy

PAUSE = "polio-round-1-2024-09"
URL = f"/v1/pauses/{PAUSE}/compliance"

pytestmark = pytest.mark.usefixtures("join_engine")


def report(cast: Any, who: str, **changes: Any) -> str:
    response = cast.post(who, "/v1/incidents", json=report_document(**changes))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def decide(cast: Any, incident_id: str, state: str) -> None:
    response = cast.post(
        "coordinator", f"/v1/incidents/{incident_id}/review", json={"state": state}, if_match='"1"'
    )
    assert response.status_code == 200, response.text


@pytest.fixture
def incidents(cast: Any) -> dict[str, str]:
    """Four incidents inside the central zone during the window on 2 September, one outside
    it in time (at 16:00, after the window), each seen by different callers."""
    found = {
        "public-verified": report(cast, "aid", reference="A", visibility="public"),
        "own-submitted": report(cast, "aid", reference="B"),
        "rejected": report(cast, "aid", reference="C", visibility="public"),
        "other-organisation": report(cast, "other-aid", reference="D"),
        "after-window": report(
            cast, "aid", reference="E", occurred_at="2024-09-02T16:00+03:00", uncertainty_minutes=0
        ),
    }
    decide(cast, found["public-verified"], "verified")
    decide(cast, found["rejected"], "rejected")
    return found


def summary(body: dict[str, Any]) -> tuple[int, int]:
    during = body["summary"]["during"]
    return during["inside"], body["summary"]["after"]["inside"]


def test_each_caller_gets_the_report_over_the_incidents_it_may_see(
    cast: Any, incidents: dict[str, str]
) -> None:
    expected = {
        # caller: (review states counted, inside during, inside in the 6 h after)
        "public": (["verified"], 1, 0),
        "liaison": (["submitted", "verified"], 1, 0),
        "aid": (["submitted", "verified"], 2, 1),
        "other-aid": (["submitted", "verified"], 2, 0),
        "coordinator": (["submitted", "verified"], 3, 1),
    }
    for who, (states, during, after) in expected.items():
        response = cast.get(who, URL)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["incidents"]["review_states"] == states, who
        assert "rejected and duplicate incidents are never counted" in body["incidents"]["text"]
        assert summary(body) == (during, after), who
        header = response.headers["respite-incident-set"]
        assert header == f"{body['incidents']['scope']}; {','.join(states)}"
        keys = {event["key"] for event in body["events"]}
        assert incidents["rejected"] not in keys
    verified = cast.get("coordinator", URL, verified_only="true").json()
    assert verified["incidents"]["review_states"] == ["verified"]
    assert summary(verified) == (1, 0)


def test_the_report_comes_as_hxl_and_html_too(cast: Any, incidents: dict[str, str]) -> None:
    hxl = cast.get("public", URL, format="hxl")
    assert hxl.status_code == 200
    assert hxl.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(hxl.text)))
    assert rows[1][0].startswith("#")
    assert {row[0] for row in rows[2:]} == {PAUSE}
    page = cast.get("public", URL, format="html")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "Incidents counted: public, verified incidents only" in page.text
    assert page.text.index("Incidents counted") < page.text.index("<h2>")


def test_sites_and_movements_are_near_features_for_those_who_see_them(
    cast: Any, incidents: dict[str, str]
) -> None:
    site = {
        "reference": "CLINIC-DB",
        "name": "Deir al-Balah clinic",
        "kind": "clinic",
        "location": {"lon": 34.3512, "lat": 31.4172},
        "contacts": [{"name": "Clinic manager", "phone": "+970 59 222 2222"}],
        "valid_from": "2024-08-01T00:00:00+03:00",
        "valid_until": "2024-12-31T00:00:00+02:00",
    }
    made = cast.post("aid", "/v1/sites", json=site)
    assert made.status_code == 201, made.text
    trip = convoy(
        reference="VAX-0902",
        departure={"earliest": "2024-09-02T07:00", "latest": "2024-09-02T07:30"},
    )
    moved = cast.post("aid", "/v1/movements", json=trip)
    assert moved.status_code == 201, moved.text
    seen = {
        who: {(n["kind"], n["id"]) for n in cast.get(who, URL).json()["near"]}
        for who in ("public", "other-aid", "aid", "observer")
    }
    both = {("site", made.json()["id"]), ("movement", moved.json()["id"])}
    assert seen == {"public": set(), "other-aid": set(), "aid": both, "observer": both}
    near = {n["kind"]: n for n in cast.get("aid", URL).json()["near"]}
    # The clinic is ~25 m from the reported shelling and counts during the whole pause, so
    # all three of the aid organisation's countable events are near it (the one after the
    # window too). The convoy counts only while it may travel, 07:00 to 09:30 local (latest
    # departure + 2 h): it had passed before the shelling at 10:05.
    assert near["site"]["counts"]["inside"] == 3
    movement = near["movement"]
    assert (movement["start"]["local"], movement["end"]["local"]) == (
        "2024-09-02T07:00:00+03:00",
        "2024-09-02T09:30:00+03:00",
    )
    assert (movement["counts"]["inside"], movement["counts"]["possibly"]) == (0, 0)
    assert near["site"]["start"]["utc"] == "2024-09-01T03:00:00Z"


def test_unknown_or_unreadable_pauses_and_bad_options_are_problems(cast: Any) -> None:
    assert_problem(cast.get("public", "/v1/pauses/no-such-pause/compliance"), 404)
    assert_problem(cast.get("public", URL, as_of="2024-09-02T10:00"), 422, location="as_of")
    assert_problem(cast.get("public", URL, format="pdf"), 422, location="format")
    assert_problem(cast.get("public", URL, baseline_days=91), 422, location="baseline_days")
