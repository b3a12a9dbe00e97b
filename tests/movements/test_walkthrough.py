"""The issue's "done when", tried as a new user would, on SQLite and PostgreSQL.

An organisation notifies a convoy along the Salah al-Din road for 5 November 2023 (scenario
gaza-2023-2024: the corridor was open 10:00-14:00 local, UTC+02:00); it is told that the first
half of its 09:00 trip is outside the window and which departures would fit; a party liaison
acknowledges it; the coordinator records the outcome; the access snapshot for that week shows
it; a second organisation sees none of it; every step is in the audit ledger, which verifies.
"""

from __future__ import annotations

from typing import Any

from movement_helpers import Cast, convoy, include_movements

CORRIDOR = "salah-al-din-corridor-2023-11"


def test_a_convoy_from_notification_to_access_snapshot(cast: Cast) -> None:
    svc = cast.svc
    head_before = svc.audit_head()[0]

    # 1. The organisation notifies the convoy and is told what falls outside the pause.
    made = cast.post("aid", "/v1/movements", json=convoy())
    assert made.status_code == 201, made.text
    movement: dict[str, Any] = made.json()
    movement_id = movement["id"]
    assert made.headers["ETag"] == '"1"'
    assert made.headers["Location"] == f"/v1/movements/{movement_id}"
    assert "not a request for permission" in movement["notice"]["en"]
    assert movement["state"] == "notified"
    assert movement["area"] == "south"  # Deir al-Balah is south of Wadi Gaza
    assert movement["timezone"] == "Asia/Gaza"
    assert movement["schedule"]["departure_earliest"] == "2023-11-05T07:00:00Z"
    assert movement["schedule"]["departure_earliest_local"] == "2023-11-05T09:00:00+02:00"
    assert movement["pause_ids"] == [CORRIDOR]

    plan = movement["plan"]
    assert plan["route"]["length_km"] == 14.633
    assert plan["travel_minutes"] == 120.0
    assert plan["planned_trip"]["fully_covered"] is False
    [outside] = plan["outside_coverage"]
    assert (outside["from_km"], round(outside["to_km"], 1)) == (0.0, 7.3)
    assert outside["start_local"] == "2023-11-05T09:00:00+02:00"
    assert outside["end_local"] == "2023-11-05T10:00:00+02:00"
    assert outside["text"].startswith(
        "km 0.0-7.3, Sun 2023-11-05 09:00-10:00 (Asia/Gaza, UTC+02:00)"
    )
    fits = [(f["earliest_local"], f["latest_local"]) for f in plan["fitting_departures"]]
    assert fits == [
        ("2023-11-05T10:00:00+02:00", "2023-11-05T12:00:00+02:00"),
        ("2023-11-07T13:00:00+02:00", "2023-11-07T14:00:00+02:00"),
    ]
    assert plan["fitting_departures"][0]["arrival_by_local"] == "2023-11-05T14:00:00+02:00"
    assert plan["fits_planned_window"] is False
    assert "outside pause coverage" in plan["summary"]
    assert "Sun 2023-11-05 10:00-12:00" in plan["summary"]
    # Notified to every party organisation, each still to acknowledge.
    parties = {a["party"]: a["acknowledged"] for a in movement["acknowledgements"]}
    assert parties == {"party-office": False, "second-party": False}

    # 2. A party's liaison sees it and acknowledges receipt (timestamped, once).
    seen = cast.get("liaison", f"/v1/movements/{movement_id}")
    assert seen.status_code == 200
    assert [a["party"] for a in seen.json()["acknowledgements"]] == ["party-office"]
    pending = cast.get("coordinator", "/v1/movements/unacknowledged").json()["unacknowledged"]
    assert {(p["movement_id"], p["party"], p["flag"]) for p in pending} == {
        (movement_id, "party-office", "departure_passed"),
        (movement_id, "second-party", "departure_passed"),
    }
    acked = cast.post("liaison", f"/v1/movements/{movement_id}/acknowledgements", json={})
    assert acked.status_code == 201, acked.text
    [mine] = acked.json()["acknowledgements"]
    assert mine["acknowledged"] is True and mine["acknowledged_by"] == cast.users["liaison"]
    again = cast.post("liaison", f"/v1/movements/{movement_id}/acknowledgements", json={})
    assert again.status_code == 409
    pending = cast.get("coordinator", "/v1/movements/unacknowledged").json()["unacknowledged"]
    assert [p["party"] for p in pending] == ["second-party"]

    # 3. The coordinator records the outcome: partially facilitated, held at a checkpoint.
    outcome = cast.post(
        "coordinator",
        f"/v1/movements/{movement_id}/outcomes",
        json={
            "category": "partially_facilitated",
            "reason": "Held at a checkpoint; 10 patients could not be moved",
            "timezone": "Asia/Gaza",
            "departed_at": "2023-11-05T10:05",
            "arrived_at": "2023-11-05T12:40",
            "delays": [
                {
                    "place": "Wadi Gaza checkpoint",
                    "kind": "checkpoint",
                    "start": "2023-11-05T10:50",
                    "end": "2023-11-05T11:35",
                }
            ],
            "delivered": {"people": 30, "trucks": 4},
        },
    )
    assert outcome.status_code == 201, outcome.text
    recorded = outcome.json()
    assert recorded["category"] == "partially_facilitated"
    assert recorded["departed_at"] == "2023-11-05T08:05:00Z"
    assert recorded["delays"][0]["minutes"] == 45.0
    assert recorded["window"]["window_minutes"] == 240.0
    assert recorded["window"]["delay_in_window_minutes"] == 45.0
    assert recorded["window"]["usable_minutes"] == 195.0
    assert recorded["against_objective"]["share"] == {"trucks": 1.0, "people": 0.75}

    # 4. The access snapshot for that week shows it (south of Wadi Gaza).
    snapshot = cast.get(
        "coordinator", "/v1/access/snapshot", **{"from": "2023-11-05", "to": "2023-11-11"}
    )
    assert snapshot.status_code == 200, snapshot.text
    rows = {row["area"]: row for row in snapshot.json()["areas"]}
    assert rows["south"]["planned"] == 1
    assert rows["south"]["partially_facilitated"] == 1
    assert rows["south"]["percent"]["partially_facilitated"] == 100.0
    assert rows["north"]["planned"] == 0
    assert rows["all"]["planned"] == 1
    assert snapshot.json()["missions"] == [movement_id]

    # 5. A second organisation cannot see any of it.
    assert cast.get("other-aid", "/v1/movements").json()["count"] == 0
    assert cast.get("other-aid", "/v1/movements/unacknowledged").json()["count"] == 0
    assert cast.get("other-aid", "/v1/movements/released").json()["count"] == 0
    assert cast.get("public", "/v1/movements").status_code == 401
    assert cast.get("public", f"/v1/movements/{movement_id}").status_code == 404
    for path in ("", "/versions", "/acknowledgements", "/outcomes"):
        assert cast.get("other-aid", f"/v1/movements/{movement_id}{path}").status_code == 404, path
    assert (
        cast.get(
            "other-aid", "/v1/access/snapshot", **{"from": "2023-11-05", "to": "2023-11-11"}
        ).status_code
        == 403
    )

    # 6. Every step is in the audit ledger, and the ledger verifies.
    entries = svc.client.get("/v1/audit", headers=svc.admin, params={"after": head_before}).json()[
        "entries"
    ]
    steps = [
        (e["action"], e["subject"]) for e in entries if e["subject"] == f"movement:{movement_id}"
    ]
    assert steps == [
        ("movement.notify", f"movement:{movement_id}"),
        ("movement.acknowledge", f"movement:{movement_id}"),
        ("movement.outcome", f"movement:{movement_id}"),
    ]
    notify_entry = next(e for e in entries if e["action"] == "movement.notify")
    assert notify_entry["actor_org_id"] == cast.orgs["aid"]
    assert notify_entry["after_digest"] == movement["digest"]
    verified = svc.client.get("/v1/audit/verify", headers=svc.admin).json()
    assert verified["ok"] is True
    assert verified["last_seq"] == svc.audit_head()[0]


MOVEMENT_PATHS = {
    "/v1/movements": {"get", "post"},
    "/v1/movements/plan": {"post"},
    "/v1/movements/import": {"post"},
    "/v1/movements/unacknowledged": {"get"},
    "/v1/movements/released": {"get"},
    "/v1/movements/{movement_id}": {"get", "put"},
    "/v1/movements/{movement_id}/withdrawal": {"post"},
    "/v1/movements/{movement_id}/versions": {"get"},
    "/v1/movements/{movement_id}/versions/{version}": {"get"},
    "/v1/movements/{movement_id}/acknowledgements": {"get", "post"},
    "/v1/movements/{movement_id}/outcomes": {"get", "post"},
    "/v1/sites": {"get", "post"},
    "/v1/sites/{site_id}": {"get", "put"},
    "/v1/sites/{site_id}/withdrawal": {"post"},
    "/v1/sites/{site_id}/versions": {"get"},
    "/v1/sites/{site_id}/acknowledgements": {"get", "post"},
    "/v1/access/snapshot": {"get"},
    "/v1/access/snapshot.hxl.csv": {"get"},
    "/v1/access/snapshot.html": {"get"},
    "/v1/access/progress/{pause_id}": {"get"},
}


def test_the_router_is_served_once_and_documented(sqlite_cast: Cast) -> None:
    app = sqlite_cast.svc.client.app
    include_movements(app)  # a second time: nothing is added
    paths = sqlite_cast.svc.client.get("/openapi.json").json()["paths"]
    served = {path: set(ops) for path, ops in paths.items() if path in MOVEMENT_PATHS}
    assert served == MOVEMENT_PATHS
