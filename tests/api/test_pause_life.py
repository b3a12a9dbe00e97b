"""A pause's life through the HTTP API: part-level amendments, versions, known_at, languages.

Runs on SQLite and PostgreSQL (the ``service`` fixture); the episodes are the files under
tests/data/episodes, posted as JSON.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from api_helpers import Service, assert_problem, running
from icalendar import Calendar

EPISODES = Path(__file__).parents[1] / "data" / "episodes"
NORTH = {"lat": 31.52, "lon": 34.46}


def episode(name: str) -> dict[str, Any]:
    document = yaml.safe_load((EPISODES / f"{name}.yaml").read_text())
    (pause,) = document["pauses"]
    return dict(pause)


def as_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def post(svc: Service, name: str, *, amendments: int | None = None) -> dict[str, Any]:
    document = as_json(episode(name))
    if amendments is not None:
        document["amendments"] = document.get("amendments", [])[:amendments]
    response = svc.client.post("/v1/pauses", headers=svc.admin, json=document)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_part_postponed_through_the_api_leaves_the_others(service: Service) -> None:
    post(service, "polio-round-2-2024-10", amendments=0)
    response = service.client.post(
        "/v1/pauses/polio-round-2-2024-10/amendments",
        headers={**service.admin, "If-Match": '"1"'},
        json={
            "action": "postpone",
            "parts": ["north"],
            "effective_at": "2024-10-23T06:00:00",
            "summary": {"en": "North phase postponed"},
            "source": {"title": "WHO"},
        },
    )
    assert response.status_code == 201, response.text
    versions = service.client.get(
        "/v1/pauses/polio-round-2-2024-10/versions", headers=service.admin
    ).json()["versions"]
    assert [v["action"] for v in versions] == ["create", "postpone"]
    assert versions[1]["status"] == "partially_postponed"
    assert versions[1]["parts"] == {
        "central": "announced",
        "south": "announced",
        "north": "postponed",
    }
    # Every feed still validates and answers.
    assert service.client.get("/v1/feeds/pauses.ics").status_code == 200
    north = service.client.get("/v1/status", params={**NORTH, "at": "2024-10-24T07:00Z"}).json()
    assert north["covered"] is False


def test_status_names_the_version_and_replays_what_was_known(service: Service) -> None:
    post(service, "white-house-2023-11-09")
    now = service.client.get("/v1/status", params={**NORTH, "at": "2023-11-11T09:00Z"}).json()
    assert now["covered"] is True
    assert (now["pauses"][0]["version"], now["pauses"][0]["version_announced_at"]) == (
        3,
        "2023-11-11T06:30:00Z",
    )
    before = service.client.get(
        "/v1/status", params={**NORTH, "at": "2023-11-11T09:00Z", "known_at": "2023-11-11T06:00Z"}
    ).json()
    assert before["covered"] is False
    assert before["known_at"] == "2023-11-11T06:00:00Z"
    assert [e["part"] for e in before["expected"]] == ["north"]
    versions = service.client.get(
        "/v1/pauses/northern-gaza-daily-pauses-2023-11/versions", headers=service.admin
    ).json()["versions"]
    assert [len(v["late_notices"]) for v in versions] == [0, 0, 1]
    assert versions[2]["late_notices"][0]["hours_short"] == 1.5


def test_a_confidential_pause_is_in_no_public_feed_until_published(service: Service) -> None:
    post(service, "azovstal-2022", amendments=0)
    public = service.client.get("/v1/feeds/pauses.geojson").json()
    assert "azovstal-safe-passage-2022" not in {
        f["properties"]["pause_id"] for f in public["features"]
    }
    response = service.client.post(
        "/v1/pauses/azovstal-safe-passage-2022/amendments",
        headers={**service.admin, "If-Match": '"1"'},
        json={
            "action": "publish",
            "effective_at": "2022-05-09T12:00:00",
            "summary": {"en": "Published after the last evacuation"},
            "source": {"title": "UN"},
        },
    )
    assert response.status_code == 201, response.text
    public = service.client.get("/v1/feeds/pauses.geojson").json()
    assert "azovstal-safe-passage-2022" in {f["properties"]["pause_id"] for f in public["features"]}


def test_a_deployment_may_require_more_languages(sqlite_url: str) -> None:
    with running(sqlite_url, required_languages=("en", "ar")) as svc:
        before = svc.state()
        document = as_json(episode("mariupol-2022-03-05"))
        response = svc.client.post("/v1/pauses", headers=svc.admin, json=document)
        problem = assert_problem(response, 422, location="name")
        assert "requires ar" in problem["errors"][0]["message"]
        assert svc.state() == before


MARIUPOL = {"lat": 47.15, "lon": 37.40}


def test_a_cancelled_or_draft_pause_is_never_covered_anywhere(service: Service) -> None:
    # Mariupol 5 Mar 2022 as if recorded cancelled from the start, and a draft copy of it.
    for status, pause_id in (("cancelled", "mariupol-cancelled"), ("draft", "mariupol-draft")):
        document = as_json(episode("mariupol-2022-03-05"))
        document.update(id=pause_id, status=status, amendments=[])
        response = service.client.post("/v1/pauses", headers=service.admin, json=document)
        assert response.status_code == 201, response.text
    answer = service.client.get("/v1/status", params={**MARIUPOL, "at": "2022-03-05T08:00Z"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["covered"] is False
    assert answer.json()["pauses"] == []
    ics = service.client.get("/v1/feeds/pauses.ics")
    assert ics.status_code == 200
    events = Calendar.from_ical(ics.content).walk("VEVENT")
    statuses = {str(e["STATUS"]) for e in events if e["X-RESPITE-PAUSE-ID"] == "mariupol-cancelled"}
    assert statuses == {"CANCELLED"}
    assert "mariupol-draft" not in ics.text
    geojson = service.client.get(
        "/v1/feeds/pauses.geojson", params={"from": "2022-03-01T00:00Z", "to": "2022-03-09T00:00Z"}
    ).json()
    features = {f["properties"]["pause_id"]: f["properties"] for f in geojson["features"]}
    assert "mariupol-cancelled" in features
    assert "mariupol-draft" not in features
    assert features["mariupol-cancelled"]["part_status"] == "cancelled"
    cap = service.client.get(
        "/v1/cap", params={"from": "2022-03-01T00:00Z", "to": "2022-03-09T00:00Z"}
    ).text
    assert "mariupol-draft" not in cap
    data = service.client.get("/web/data.json").json()
    drawn = {f["properties"]["pause_id"]: f["properties"] for f in data["features"]}
    assert "mariupol-draft" not in drawn
    # The page answers from the occurrences (tests/web/test_agreement_in_node.py): none,
    # though the map's horizon spans the days the windows were announced for.
    lo, hi = data["horizon"]
    assert lo <= 1646460000 < hi  # 2022-03-05T06:00Z
    assert drawn["mariupol-cancelled"]["occurrences"] == []
    assert drawn["mariupol-cancelled"]["part_status"] == "cancelled"
