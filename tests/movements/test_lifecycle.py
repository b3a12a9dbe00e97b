"""A movement's life: versions (update, withdrawal) sent again to the parties, stale writes
refused, nothing stored on error, acknowledgements per version, flags before departure,
outcome corrections. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from api_helpers import assert_problem
from movement_helpers import Cast, convoy

from respite.movements.tables import MovementRow, MovementVersionRow, NotificationRow


def state(cast: Cast) -> tuple[Any, ...]:
    svc = cast.svc
    return (
        svc.audit_head(),
        svc.count(MovementRow),
        svc.count(MovementVersionRow),
        svc.count(NotificationRow),
    )


def test_versions_are_sent_again_and_acknowledged_per_version(cast: Cast) -> None:
    made = cast.post("aid", "/v1/movements", json=convoy(notify=[cast.orgs["liaison"]]))
    assert made.status_code == 201, made.text
    mid = made.json()["id"]
    assert (
        cast.post(
            "liaison", f"/v1/movements/{mid}/acknowledgements", json={"note": "received"}
        ).status_code
        == 201
    )

    # Later departure: a new version, sent again; the party must acknowledge it again.
    before = state(cast)
    missing = cast.put(
        "aid",
        f"/v1/movements/{mid}",
        json=convoy(departure={"earliest": "2023-11-05T10:00", "latest": "2023-11-05T10:30"}),
    )
    assert_problem(missing, 428)
    later = convoy(
        departure={"earliest": "2023-11-05T10:00", "latest": "2023-11-05T10:30"},
        notify=[cast.orgs["liaison"]],
    )
    updated = cast.put("aid", f"/v1/movements/{mid}", if_match='"1"', json=later)
    assert updated.status_code == 200, updated.text
    assert updated.headers["ETag"] == '"2"'
    body = updated.json()
    assert body["version"] == 2
    assert body["plan"]["planned_trip"]["fully_covered"] is True
    assert body["plan"]["outside_coverage"] == []
    assert body["plan"]["fits_planned_window"] is True
    assert [(a["party"], a["acknowledged"]) for a in body["acknowledgements"]] == [
        ("party-office", False)
    ]
    assert state(cast)[0][0] == before[0][0] + 1
    stale = cast.put("aid", f"/v1/movements/{mid}", if_match='"1"', json=later)
    assert_problem(stale, 412)

    history = cast.get("coordinator", f"/v1/movements/{mid}/acknowledgements").json()[
        "notifications"
    ]
    assert [(n["version"], n["acknowledged"], n["current"], n["note"]) for n in history] == [
        (1, True, False, "received"),
        (2, False, True, None),
    ]
    assert (
        cast.post("liaison", f"/v1/movements/{mid}/acknowledgements", if_match='"1"').status_code
        == 412
    )
    assert (
        cast.post("liaison", f"/v1/movements/{mid}/acknowledgements", if_match='"2"').status_code
        == 201
    )

    # Withdrawal: a third version, sent to the same parties; then nothing may change it.
    withdrawn = cast.post(
        "aid", f"/v1/movements/{mid}/withdrawal", if_match='"2"', json={"reason": "Road closed"}
    )
    assert withdrawn.status_code == 201, withdrawn.text
    assert (withdrawn.json()["state"], withdrawn.json()["version"]) == ("withdrawn", 3)
    assert withdrawn.json()["withdrawal"] == {"reason": "Road closed"}
    versions = cast.get("aid", f"/v1/movements/{mid}/versions").json()["versions"]
    assert [v["action"] for v in versions] == ["notify", "update", "withdraw"]
    assert_problem(cast.put("aid", f"/v1/movements/{mid}", if_match='"3"', json=later), 409)
    assert_problem(
        cast.post(
            "coordinator",
            f"/v1/movements/{mid}/outcomes",
            json={"category": "denied", "reason": "x"},
        ),
        422,
        location="category",
    )
    cancelled = cast.post(
        "coordinator",
        f"/v1/movements/{mid}/outcomes",
        json={"category": "cancelled", "reason": "Withdrawn: road closed"},
    )
    assert cancelled.status_code == 201, cancelled.text
    snapshot = cast.get(
        "coordinator",
        "/v1/access/snapshot",
        **{"from": "2023-11-05", "to": "2023-11-05", "area": "south"},
    ).json()
    [south] = snapshot["areas"]
    assert (south["planned"], south["cancelled"], south["percent"]["cancelled"]) == (1, 1, 100.0)


def test_refused_input_names_the_field_and_stores_nothing(cast: Cast) -> None:
    before = state(cast)
    naive = convoy()
    naive.pop("timezone")
    cases = [
        (naive, "departure.earliest"),
        (convoy(notify=[cast.orgs["other-aid"]]), "notify[0]"),
        (convoy(notify=[9999]), "notify[0]"),
        (convoy(pause_id="no-such-pause"), "pause_id"),
        (convoy(expires_at="2023-11-05T08:00"), "expires_at"),
        (convoy(route={"road": "nowhere", "direction": "south"}), "route.road"),
        (convoy(vehicles=[{"kind": "tank", "count": 1}]), "vehicles[0].kind"),
    ]
    for document, location in cases:
        answer = cast.post("aid", "/v1/movements", json=document)
        body = assert_problem(answer, 422, location=location)
        assert body["instance"] == "/v1/movements"
    assert state(cast) == before


def test_unacknowledged_movements_are_flagged_before_departure(cast: Cast) -> None:
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=6)
    document = convoy(
        reference="SOON-1",
        departure={"earliest": soon.isoformat(), "latest": (soon + timedelta(hours=1)).isoformat()},
        notify=[cast.orgs["liaison"], cast.orgs["other-liaison"]],
    )
    made = cast.post("aid", "/v1/movements", json=document)
    assert made.status_code == 201, made.text
    mid = made.json()["id"]
    assert made.json()["plan"]["outside_coverage"][0]["from_km"] == 0.0  # no pause today
    near = cast.get("coordinator", "/v1/movements/unacknowledged", within_hours=24).json()
    assert {(u["party"], u["flag"]) for u in near["unacknowledged"]} == {
        ("party-office", "departure_soon"),
        ("second-party", "departure_soon"),
    }
    assert all(u["unacknowledged_minutes"] >= 0 for u in near["unacknowledged"])
    assert all(330 <= u["departure_in_minutes"] <= 360 for u in near["unacknowledged"])
    far = cast.get("coordinator", "/v1/movements/unacknowledged", within_hours=1).json()
    assert {u["flag"] for u in far["unacknowledged"]} == {None}
    later = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    after = cast.get("coordinator", "/v1/movements/unacknowledged", at=later).json()
    assert {u["flag"] for u in after["unacknowledged"]} == {"departure_passed"}
    assert all(u["unacknowledged_minutes"] >= 47 * 60 for u in after["unacknowledged"])
    # Each party sees only what is waiting on itself.
    own = cast.get("liaison", "/v1/movements/unacknowledged").json()["unacknowledged"]
    assert [(u["movement_id"], u["party"]) for u in own] == [(mid, "party-office")]
    cast.post("liaison", f"/v1/movements/{mid}/acknowledgements")
    assert cast.get("liaison", "/v1/movements/unacknowledged").json()["count"] == 0
    assert cast.get("other-liaison", "/v1/movements/unacknowledged").json()["count"] == 1
    assert cast.get("aid", "/v1/movements/unacknowledged").json()["count"] == 1


def test_an_outcome_correction_is_a_new_revision(cast: Cast) -> None:
    mid = cast.post("aid", "/v1/movements", json=convoy()).json()["id"]
    first = cast.post(
        "coordinator",
        f"/v1/movements/{mid}/outcomes",
        json={"category": "denied", "reason": "Refused at the checkpoint"},
    )
    assert first.status_code == 201
    second = cast.post(
        "coordinator",
        f"/v1/movements/{mid}/outcomes",
        json={"category": "impeded", "reason": "Turned back at km 9", "delivered": {"people": 12}},
    )
    assert second.status_code == 201, second.text
    listed = cast.get("aid", f"/v1/movements/{mid}/outcomes").json()["outcomes"]
    assert [(o["revision"], o["category"], o["current"]) for o in listed] == [
        (1, "denied", False),
        (2, "impeded", True),
    ]
    rows = cast.get(
        "coordinator", "/v1/access/snapshot", **{"from": "2023-11-05", "to": "2023-11-05"}
    ).json()["areas"]
    totals = {r["area"]: (r["planned"], r["impeded"], r["denied"]) for r in rows}
    assert totals == {"north": (0, 0, 0), "south": (1, 1, 0), "all": (1, 1, 0)}
