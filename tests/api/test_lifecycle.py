"""The issue's "done when": a coordinator with a token creates a pause, extends it, and the
change shows in every feed: status, occurrences, GeoJSON, iCalendar, HXL, OGC API Features and
CAP (Atom and alert XML, valid against the OASIS schema), with both versions recorded and the
audit ledger verifying. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

import hxl
import pytest
import recurring_ical_events
from api_helpers import (
    POLIO_ROUND_2,
    Service,
    create_organisation,
    create_user_with_token,
    extension,
    pause_document,
)
from icalendar import Calendar
from lxml import etree

from respite.audit.canonical import digest

GAZA = ZoneInfo("Asia/Gaza")
PAUSE = POLIO_ROUND_2["id"]
CAP = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
ATOM = {"atom": "http://www.w3.org/2005/Atom"}
#: Deir al-Balah (the pause's zone) at 16:30 local on 16 October 2024 (UTC+3): after the
#: pause's first end (15:00) and before its extended end (18:00).
POINT = {"lat": 31.4171, "lon": 34.3510}
LATE = "2024-10-16T16:30:00+03:00"
LATE_UTC = "2024-10-16T13:30:00Z"
OCTOBER = {"from": "2024-10-01T00:00:00Z", "to": "2024-11-01T00:00:00Z"}


@pytest.fixture(scope="module")
def cap_schema() -> etree.XMLSchema:
    xsd = resources.files("respite.feeds.schemas").joinpath("CAP-v1.2.xsd").read_bytes()
    return etree.XMLSchema(etree.fromstring(xsd))


@pytest.fixture
def coordinator(service: Service) -> dict[str, Any]:
    """A coordinator of a coordination cell other than the administrator's."""
    org = create_organisation(service, "cell-central", "coordination")
    user, token = create_user_with_token(
        service, organisation_id=org, role="coordinator", email="central@cell.example.org"
    )
    return {"org": org, "user": user, "headers": Service.auth(token)}


# -- what each public answer says about the pause ----------------------------------------------


def status_late(svc: Service) -> dict[str, Any]:
    response = svc.client.get("/v1/status", params={**POINT, "at": LATE})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=30"
    answer = response.json()
    ours = [m for m in answer["pauses"] if m["id"] == PAUSE]
    return {
        "covered": answer["covered"],
        "ours": [(m["part"], m["version"], m["window_end_local"]) for m in ours],
    }


def occurrences(svc: Service) -> tuple[int, list[tuple[str, str]]]:
    response = svc.client.get(f"/v1/pauses/{PAUSE}/occurrences", params=OCTOBER)
    assert response.status_code == 200
    body = response.json()
    assert body["timezone"] == "Asia/Gaza"
    return body["version"], [(w["start_local"], w["end_local"]) for w in body["occurrences"]]


def geojson(svc: Service) -> list[tuple[str, int, str | None]]:
    response = svc.client.get("/v1/feeds/pauses.geojson")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    features = [f for f in response.json()["features"] if f["properties"]["pause_id"] == PAUSE]
    return [
        (f["id"], f["properties"]["version"], f["properties"]["windows"][-1]["end"])
        for f in features
    ]


def ical(svc: Service) -> list[tuple[str, str, str, int]]:
    """Occurrences of the pause as an independent expander reads the calendar."""
    response = svc.client.get("/v1/feeds/pauses.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    lo, hi = datetime(2024, 10, 13, tzinfo=GAZA), datetime(2024, 10, 20, tzinfo=GAZA)
    found = []
    for event in recurring_ical_events.of(calendar).between(lo, hi):
        if str(event["X-RESPITE-PAUSE-ID"]) != PAUSE:
            continue
        start = event.decoded("DTSTART")
        end = event.decoded("DTEND") if "DTEND" in event else start + event.decoded("DURATION")
        found.append(
            (
                start.astimezone(GAZA).isoformat(),
                end.astimezone(GAZA).isoformat(),
                str(event["X-RESPITE-VERSION"]),
                int(event["SEQUENCE"]),
            )
        )
    return sorted(found)


def hxl_rows(svc: Service) -> list[tuple[str, str, str]]:
    response = svc.client.get("/v1/feeds/pauses.hxl.csv")
    assert response.status_code == 200
    data = list(hxl.data(io.BytesIO(response.content)))
    return [
        (r.get("#loc+id"), r.get("#meta+version"), r.get("#date+end"))
        for r in data
        if r.get("#event+id") == PAUSE
    ]


def hxl_occurrence_ends(svc: Service) -> list[str]:
    response = svc.client.get("/v1/feeds/occurrences.hxl.csv", params=OCTOBER)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[1][0] == "#event+id"  # the HXL hashtag row under the headers
    return [row[6] for row in rows[2:] if row[0] == PAUSE]  # "End (local)"


def ogc_late(svc: Service) -> list[str]:
    """Features of the pause active at LATE (an instant, then the same as an interval)."""
    ids = []
    for value in (LATE_UTC, "2024-10-16T13:00:00Z/2024-10-16T14:00:00Z"):
        response = svc.client.get(
            "/v1/collections/pauses/items", params={"datetime": value, "limit": 1000}
        )
        assert response.status_code == 200
        body = response.json()
        assert body["numberReturned"] == len(body["features"])
        ids.append(sorted(f["id"] for f in body["features"] if f["id"].startswith(PAUSE)))
    assert ids[0] == ids[1]
    return ids[0]


def cap_entries(svc: Service) -> list[tuple[str, str]]:
    """(message type, alert identifier) of the Atom feed's entries for the pause."""
    response = svc.client.get("/v1/cap", params={"pause": PAUSE, **OCTOBER})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = etree.fromstring(response.content)
    entries = []
    for entry in feed.iterfind("atom:entry", ATOM):
        link = entry.find("atom:link[@rel='alternate']", ATOM)
        assert link is not None and link.get("type") == "application/cap+xml"
        category = entry.find("atom:category", ATOM)
        assert category is not None
        entries.append((category.get("term"), link.get("href").rsplit("/", 1)[1]))
    return sorted(entries)


def cap_alert(svc: Service, identifier: str, schema: etree.XMLSchema) -> etree._Element:
    response = svc.client.get(f"/v1/cap/alerts/{identifier}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/cap+xml"
    root = etree.fromstring(response.content)
    assert schema.validate(root), schema.error_log
    return root


def cap_text(root: etree._Element, path: str) -> list[str]:
    return [e.text for e in root.iterfind(path, CAP)]


# -- the story ---------------------------------------------------------------------------------

FIRST = {  # pause-local times
    "14": ("2024-10-14T06:00:00+03:00", "2024-10-14T15:00:00+03:00"),
    "15": ("2024-10-15T06:00:00+03:00", "2024-10-15T15:00:00+03:00"),
    "16": ("2024-10-16T06:00:00+03:00", "2024-10-16T15:00:00+03:00"),
}
EXTENDED_16 = ("2024-10-16T06:00:00+03:00", "2024-10-16T18:00:00+03:00")
ALERT = "respite:polio-round-2-2024-10:central:{day}:v{version}"


def test_coordinator_creates_and_extends_a_pause_seen_in_every_feed(
    service: Service, coordinator: dict[str, Any], cap_schema: etree.XMLSchema
) -> None:
    client = service.client
    assert status_late(service) == {"covered": False, "ours": []}

    # -- create -------------------------------------------------------------------------------
    created = client.post("/v1/pauses", headers=coordinator["headers"], json=pause_document())
    assert created.status_code == 201, created.text
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"] == f"/v1/pauses/{PAUSE}"
    body = created.json()
    assert (body["id"], body["version"], body["current_version"]) == (PAUSE, 1, 1)
    assert body["owner_organisation_id"] == coordinator["org"]
    assert body["recorded_by"] == coordinator["user"]
    assert (body["published"], body["status"]) == (True, "announced")

    shown = client.get(created.headers["location"])  # the public reads it
    assert shown.status_code == 200
    assert shown.headers["etag"] == '"1"'
    assert shown.json()["document"]["name"] == POLIO_ROUND_2["name"]
    assert shown.json()["document"]["parts"][0]["windows"][1]["end"] == "2024-10-16T15:00:00"
    assert "recorded_by" not in shown.json()
    listed = {p["id"]: p for p in client.get("/v1/pauses").json()["pauses"]}
    assert listed[PAUSE]["version"] == 1
    assert listed[PAUSE]["last_end"] == "2024-10-16T12:00:00Z"

    # Version 1 everywhere: three windows, the last ending at 15:00 local.
    assert status_late(service) == {"covered": False, "ours": []}
    assert occurrences(service) == (1, list(FIRST.values()))
    assert geojson(service) == [(f"{PAUSE}/central", 1, "2024-10-16T12:00:00Z")]
    assert ical(service) == [(*FIRST[day], "1", 0) for day in ("14", "15", "16")]
    assert hxl_rows(service) == [("central", "1", "2024-10-16T12:00:00Z")]
    assert hxl_occurrence_ends(service)[-1] == "2024-10-16T15:00:00+03:00"
    assert ogc_late(service) == []
    first_alerts = [("Alert", ALERT.format(day=f"202410{day}T030000Z", version=1)) for day in FIRST]
    assert cap_entries(service) == first_alerts

    # -- extend -------------------------------------------------------------------------------
    extended = client.post(
        f"/v1/pauses/{PAUSE}/amendments",
        headers={**coordinator["headers"], "If-Match": created.headers["etag"]},
        json=extension("2024-10-16T18:00"),
    )
    assert extended.status_code == 201, extended.text
    assert extended.headers["etag"] == '"2"'
    assert extended.headers["location"] == f"/v1/pauses/{PAUSE}/versions/2"
    body = extended.json()
    assert (body["version"], body["current_version"]) == (2, 2)
    [amendment] = body["document"]["amendments"]
    assert (amendment["version"], amendment["action"]) == (2, "extend")
    assert amendment["until"] == "2024-10-16T18:00:00"
    assert client.get(f"/v1/pauses/{PAUSE}").headers["etag"] == '"2"'

    # Version 2 everywhere: the last window ends at 18:00 local; the others are unchanged.
    assert status_late(service) == {
        "covered": True,
        "ours": [("central", 2, "2024-10-16T18:00:00+03:00")],
    }
    assert occurrences(service) == (2, [FIRST["14"], FIRST["15"], EXTENDED_16])
    assert geojson(service) == [(f"{PAUSE}/central", 2, "2024-10-16T15:00:00Z")]
    assert ical(service) == [
        (*FIRST["14"], "2", 1),
        (*FIRST["15"], "2", 1),
        (*EXTENDED_16, "2", 1),
    ]
    assert hxl_rows(service) == [("central", "2", "2024-10-16T15:00:00Z")]
    assert hxl_occurrence_ends(service)[-1] == "2024-10-16T18:00:00+03:00"
    assert ogc_late(service) == [f"{PAUSE}/central"]
    update_id = ALERT.format(day="20241016T030000Z", version=2)
    assert cap_entries(service) == [*first_alerts, ("Update", update_id)]

    # The Update is valid CAP and names the first Alert about the same window.
    first = cap_alert(service, ALERT.format(day="20241016T030000Z", version=1), cap_schema)
    update = cap_alert(service, update_id, cap_schema)
    assert cap_text(first, "cap:msgType") == ["Alert"]
    assert cap_text(update, "cap:msgType") == ["Update"]
    reference = ",".join(
        cap_text(first, f"cap:{name}")[0] for name in ("sender", "identifier", "sent")
    )
    assert cap_text(update, "cap:references") == [reference]
    assert cap_text(update, "cap:sent") == ["2024-10-16T10:00:00-00:00"]  # 13:00 in Gaza
    assert cap_text(first, "cap:info/cap:expires") == ["2024-10-16T12:00:00-00:00"] * 2
    assert cap_text(update, "cap:info/cap:expires") == ["2024-10-16T15:00:00-00:00"] * 2
    assert cap_text(update, "cap:info/cap:area/cap:geocode/cap:value") == ["PS0265"] * 2

    # -- the record ---------------------------------------------------------------------------
    versions = client.get(f"/v1/pauses/{PAUSE}/versions", headers=coordinator["headers"])
    assert versions.status_code == 200
    listed_versions = versions.json()["versions"]
    assert [(v["version"], v["action"]) for v in listed_versions] == [(1, "create"), (2, "extend")]
    assert [v["recorded_by"] for v in listed_versions] == [coordinator["user"]] * 2
    assert listed_versions[1]["effective_at"] == "2024-10-16T10:00:00Z"
    [cited] = listed_versions[1]["source"]
    assert (cited["title"], cited["publisher"]) == ("WHO update", "WHO")
    for listed_version in listed_versions:
        stored = client.get(listed_version["href"]).json()
        assert stored["version"] == listed_version["version"]
        assert listed_version["digest"] == digest(stored["document"])
    assert listed_versions[0]["digest"] != listed_versions[1]["digest"]

    audit = client.get("/v1/audit", headers=service.admin).json()["entries"]
    ours = [(e["action"], e["actor_user_id"]) for e in audit if e["subject"] == f"pause:{PAUSE}"]
    assert ours == [("pause.create", coordinator["user"]), ("pause.amend", coordinator["user"])]
    assert audit[-1]["details"] == {"version": 2, "action": "extend"}
    assert audit[-1]["before_digest"] == listed_versions[0]["digest"]
    assert audit[-1]["after_digest"] == listed_versions[1]["digest"]
    verified = client.get("/v1/audit/verify", headers=service.admin).json()
    assert verified["ok"] is True
    assert verified["problems"] == []
    assert (verified["checked"], verified["last_seq"]) == (audit[-1]["seq"], audit[-1]["seq"])
