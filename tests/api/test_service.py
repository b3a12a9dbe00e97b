"""The service's self-description and public basics: OpenAPI, health, status caching, the OGC
landing pages. SQLite only: nothing here depends on the backend.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_helpers import Service, pause_document, running

POLIO_POINT = {"lat": 31.4171, "lon": 34.3510}

V1_PATHS = {
    "/v1/health",
    "/v1/status",
    "/v1/pauses",
    "/v1/pauses/{pause_id}",
    "/v1/pauses/{pause_id}/amendments",
    "/v1/pauses/{pause_id}/versions",
    "/v1/pauses/{pause_id}/versions/{version}",
    "/v1/pauses/{pause_id}/occurrences",
    "/v1/pauses/{pause_id}/compliance",
    "/v1/me",
    "/v1/organisations",
    "/v1/users",
    "/v1/tokens",
    "/v1/tokens/{token_id}",
    "/v1/audit",
    "/v1/audit/verify",
    "/v1/audit/checkpoint",
    "/.well-known/respite-ledger-key",
    "/v1/feeds/pauses.geojson",
    "/v1/feeds/pauses.ics",
    "/v1/feeds/pauses.hxl.csv",
    "/v1/feeds/occurrences.hxl.csv",
    "/v1/cap",
    "/v1/cap/alerts/{identifier}",
    "/v1",
    "/v1/conformance",
    "/v1/collections",
    "/v1/collections/pauses",
    "/v1/collections/pauses/items",
    "/v1/collections/pauses/items/{feature_id}",
    "/v1/pauses/{pause_id}/summary.txt",
    "/v1/drafts",
}


def test_openapi_lists_every_v1_path(sqlite_service: Service) -> None:
    response = sqlite_service.client.get("/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "Respite"
    # the notification endpoints are checked in tests/movements/test_walkthrough.py
    assert {
        p
        for p in spec["paths"]
        if not p.startswith(("/v1/movements", "/v1/sites", "/v1/access", "/v1/incidents"))
    } == V1_PATHS
    pauses = spec["paths"]["/v1/pauses"]
    assert set(pauses) == {"get", "post"}
    assert set(spec["paths"]["/v1/pauses/{pause_id}"]) == {"get", "put"}
    assert set(spec["paths"]["/v1/tokens/{token_id}"]) == {"delete"}
    status_params = {p["name"] for p in spec["paths"]["/v1/status"]["get"]["parameters"]}
    assert status_params == {"lat", "lon", "at", "known_at"}
    docs = sqlite_service.client.get("/docs")
    assert docs.status_code == 200
    assert "/openapi.json" in docs.text


def test_health(sqlite_service: Service) -> None:
    response = sqlite_service.client.get("/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.fixture
def long_cache(sqlite_service: Service) -> Iterator[Service]:
    """A second app on the same database whose status answers may be cached for 120 s."""
    with running(sqlite_service.url, bootstrap=False, status_max_age=120) as svc:
        yield svc


def test_status_answers_say_how_long_they_may_be_cached(
    sqlite_service: Service, long_cache: Service
) -> None:
    at = {"at": "2024-09-02T10:00+03:00"}
    fixed = sqlite_service.client.get("/v1/status", params={**POLIO_POINT, **at})
    assert fixed.status_code == 200
    assert fixed.headers["cache-control"] == "public, max-age=30"
    assert fixed.headers["vary"] == "Accept-Encoding"
    body = fixed.json()
    assert body["covered"] is True
    assert [m["id"] for m in body["pauses"]] == ["polio-round-1-2024-09"]
    assert body["data_generation"] == sqlite_service.audit_head()[0]

    # A fixed time may be cached as long as configured; "now" at most 30 s.
    longer = long_cache.client.get("/v1/status", params={**POLIO_POINT, **at})
    assert longer.headers["cache-control"] == "public, max-age=120"
    now = long_cache.client.get("/v1/status", params=POLIO_POINT)
    assert now.status_code == 200
    assert now.headers["cache-control"] == "public, max-age=30"


def test_feeds_are_cacheable_and_typed(sqlite_service: Service) -> None:
    client = sqlite_service.client
    expected = {
        "/v1/feeds/pauses.geojson": "application/geo+json",
        "/v1/feeds/pauses.ics": "text/calendar; charset=utf-8",
        "/v1/feeds/pauses.hxl.csv": "text/csv; charset=utf-8",
        "/v1/cap": "application/atom+xml",
        "/v1/collections/pauses/items": "application/geo+json",
    }
    for path, media_type in expected.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"] == media_type, path
        assert response.headers["cache-control"].startswith("public, max-age="), path


def test_ogc_landing_conformance_and_collection(sqlite_service: Service) -> None:
    client = sqlite_service.client
    landing = client.get("/v1").json()
    assert {link["rel"] for link in landing["links"]} >= {
        "self",
        "service-desc",
        "conformance",
        "data",
    }
    conformance = client.get("/v1/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in conformance
    collection = client.get("/v1/collections/pauses").json()
    west, south, east, north = collection["extent"]["spatial"]["bbox"][0]
    assert 34.2 < west < east < 34.6 and 31.2 < south < north < 31.6  # the Gaza Strip
    items = client.get("/v1/collections/pauses/items", params={"limit": 2}).json()
    assert items["numberMatched"] == 7  # one feature per part: 4 pauses of one part, 3 polio zones
    assert items["numberReturned"] == 2
    assert [link["rel"] for link in items["links"]] == ["self", "next"]
    feature = client.get("/v1/collections/pauses/items/polio-round-1-2024-09/central")
    assert feature.status_code == 200
    assert feature.json()["properties"]["part_id"] == "central"
    missing = client.get("/v1/collections/pauses/items/polio-round-1-2024-09/west")
    assert missing.status_code == 404


def test_a_write_shows_at_once_in_the_worker_that_made_it(sqlite_service: Service) -> None:
    """Workers cache the published pauses; the one that writes drops its cache at once, the
    others may lag by up to ``cache_check_seconds`` (here far longer than time.monotonic()
    has run, which a cache that marks itself stale with "checked at 0" got wrong)."""
    at = {"lat": 31.4171, "lon": 34.3510, "at": "2024-10-14T10:00+03:00"}  # in round 2
    with (
        running(sqlite_service.url, bootstrap=False, cache_check_seconds=1e9) as writer,
        running(sqlite_service.url, bootstrap=False, cache_check_seconds=1e9) as other,
    ):
        for worker in (writer, other):
            assert worker.client.get("/v1/status", params=at).json()["covered"] is False
        created = writer.client.post(
            "/v1/pauses", headers=sqlite_service.admin, json=pause_document()
        )
        assert created.status_code == 201, created.text
        assert writer.client.get("/v1/status", params=at).json()["covered"] is True
        assert other.client.get("/v1/status", params=at).json()["covered"] is False  # lags
        other.client.app.state.cache.invalidate()  # what the check interval's end does
        assert other.client.get("/v1/status", params=at).json()["covered"] is True
