"""Static sites: registered, updated and withdrawn as versions, sent to the parties and
acknowledged, seen only by those who may."""

from __future__ import annotations

from api_helpers import assert_problem
from movement_helpers import Cast, site


def test_a_site_from_registration_to_withdrawal(sqlite_cast: Cast) -> None:
    cast = sqlite_cast
    made = cast.post("aid", "/v1/sites", json=site(notify=[cast.orgs["liaison"]]))
    assert made.status_code == 201, made.text
    body = made.json()
    sid = body["id"]
    assert (body["version"], body["state"], body["site_kind"]) == (1, "active", "warehouse")
    assert "not a request for permission" in body["notice"]["en"]
    assert body["validity"]["valid_from"] == "2023-10-31T22:00:00Z"
    assert body["validity"]["valid_from_local"] == "2023-11-01T00:00:00+02:00"
    assert body["document"]["location"] == {"lon": 34.351, "lat": 31.4171}
    assert [(a["party"], a["acknowledged"]) for a in body["acknowledgements"]] == [
        ("party-office", False)
    ]

    assert cast.get("liaison", f"/v1/sites/{sid}").status_code == 200
    for who in ("other-liaison", "other-aid", "public"):
        assert cast.get(who, f"/v1/sites/{sid}").status_code == 404, who
    assert cast.post("liaison", f"/v1/sites/{sid}/acknowledgements").status_code == 201

    moved = site(location={"lon": 34.3600, "lat": 31.4200}, notify=[cast.orgs["liaison"]])
    assert_problem(cast.put("aid", f"/v1/sites/{sid}", json=moved), 428)
    updated = cast.put("aid", f"/v1/sites/{sid}", if_match='"1"', json=moved)
    assert updated.status_code == 200, updated.text
    assert updated.json()["version"] == 2
    assert [a["acknowledged"] for a in updated.json()["acknowledgements"]] == [False]
    assert_problem(cast.put("aid", f"/v1/sites/{sid}", if_match='"1"', json=moved), 412)

    gone = cast.post(
        "aid", f"/v1/sites/{sid}/withdrawal", if_match='"2"', json={"reason": "Warehouse emptied"}
    )
    assert gone.status_code == 201, gone.text
    assert (gone.json()["state"], gone.json()["version"]) == ("withdrawn", 3)
    versions = cast.get("observer", f"/v1/sites/{sid}/versions").json()["versions"]
    assert [(v["version"], v["action"]) for v in versions] == [
        (1, "notify"),
        (2, "update"),
        (3, "withdraw"),
    ]
    assert versions[0]["document"]["location"]["lon"] == 34.351  # the first version is kept
    assert_problem(cast.put("aid", f"/v1/sites/{sid}", if_match='"3"', json=moved), 409)
    notices = cast.get("liaison", f"/v1/sites/{sid}/acknowledgements").json()["notifications"]
    assert [(n["version"], n["acknowledged"], n["current"]) for n in notices] == [
        (1, True, False),
        (2, False, False),
        (3, False, True),
    ]
    entries = cast.svc.client.get("/v1/audit", headers=cast.svc.admin).json()["entries"]
    actions = [e["action"] for e in entries if e["subject"] == f"site:{sid}"]
    assert actions == ["site.register", "site.acknowledge", "site.update", "site.withdraw"]


def test_site_documents_are_checked(sqlite_cast: Cast) -> None:
    cast = sqlite_cast
    cases = [
        (site(kind="bunker"), "kind"),
        (site(location={"lon": 34.35, "lat": 131.4}), "location.lat"),
        (site(valid_until="2023-10-01T00:00:00+02:00"), "valid_until"),
        (site(contacts=[]), "contacts"),
    ]
    for document, location in cases:
        assert_problem(cast.post("aid", "/v1/sites", json=document), 422, location=location)
    assert cast.get("aid", "/v1/sites").json()["count"] == 0
