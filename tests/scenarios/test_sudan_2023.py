"""The second bundled scenario, sudan-2023: it validates, answers as the sources say (in
Africa/Khartoum, the zone named), and exports valid CAP, iCalendar and GeoJSON."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta, timezone
from importlib import resources

import pytest
import recurring_ical_events
import shapely
from icalendar import Calendar
from lxml import etree
from shapely.geometry import shape

from respite.cli import main
from respite.engine import CoverageEngine
from respite.feeds import pauses_to_geojson, pauses_to_ical
from respite.feeds.cap import alert_xml, pause_alerts
from respite.geometry import AreaCatalogue
from respite.scenarios import DEFAULT_SCENARIO, available_scenarios, load_scenario

KHARTOUM_TIME = timezone(timedelta(hours=2))  # Africa/Khartoum: UTC+2, no daylight saving
KHARTOUM = (32.56, 15.50)
PORT_SUDAN = (37.22, 19.62)
EL_FASHER = (25.35, 13.63)
JUBA = (31.58, 4.85)  # South Sudan: not covered by a Sudan ceasefire
GAZA = (34.35, 31.42)


@pytest.fixture(scope="module")
def sudan() -> tuple:
    return load_scenario("sudan-2023")


@pytest.fixture(scope="module")
def engine(sudan) -> CoverageEngine:
    return CoverageEngine(sudan)


def local(day: int, month: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2023, month, day, hour, minute, tzinfo=KHARTOUM_TIME)


def test_it_is_shipped_but_not_the_default(sudan) -> None:
    assert "sudan-2023" in available_scenarios()
    assert DEFAULT_SCENARIO == "gaza-2023-2024"
    assert [p.id for p in sudan] == [
        "jeddah-ceasefire-2023-05-22",
        "sudan-ceasefire-2023-06-10",
        "sudan-ceasefire-2023-06-18",
    ]
    for pause in sudan:
        assert pause.timezone == "Africa/Khartoum"
        assert pause.spec.sources and all(s.url for s in pause.spec.sources)
        assert all(p.zone_spec.approximation for p in pause.latest.parts)
        # the zone is the shipped outline of Sudan, not a Gaza area
        assert pause.latest.parts[0].zone.equals(AreaCatalogue.bundled().area("SD").geometry)


@pytest.mark.parametrize("place", [KHARTOUM, PORT_SUDAN, EL_FASHER])
def test_the_jeddah_ceasefire_covers_the_country_from_21_45(engine, place) -> None:
    assert not engine.status(*place, local(22, 5, 21, 44)).covered
    status = engine.status(*place, local(22, 5, 21, 45))
    assert [m.pause_id for m in status.matches] == ["jeddah-ceasefire-2023-05-22"]
    assert status.matches[0].timezone == "Africa/Khartoum"
    # the extension of 29 May: in force to 21:45 on 3 June (19:45 UTC)
    assert status.covered_until == datetime(2023, 6, 3, 19, 45, tzinfo=UTC)


def test_the_extension_as_known_before_and_after_it_was_agreed(sudan) -> None:
    before = CoverageEngine(sudan, as_known_at=local(29, 5, 20))
    after = CoverageEngine(sudan, as_known_at=local(29, 5, 22))
    assert not before.status(*KHARTOUM, local(30, 5, 12)).covered
    assert after.status(*KHARTOUM, local(30, 5, 12)).matches[0].version == 2


def test_the_june_ceasefires_and_what_lies_outside(engine) -> None:
    assert not engine.status(*KHARTOUM, local(10, 6, 5, 59)).covered
    ten_june = engine.status(*KHARTOUM, local(10, 6, 6))
    assert [m.pause_id for m in ten_june.matches] == ["sudan-ceasefire-2023-06-10"]
    assert ten_june.covered_until == datetime(2023, 6, 11, 4, 0, tzinfo=UTC)
    gap = engine.status(*KHARTOUM, local(15, 6, 12))
    assert not gap.covered
    assert gap.next_window is not None
    assert gap.next_window.pause_id == "sudan-ceasefire-2023-06-18"
    assert gap.next_window.start == datetime(2023, 6, 18, 4, 0, tzinfo=UTC)
    for outside in (JUBA, GAZA):
        assert not engine.status(*outside, local(19, 6, 12)).covered


def test_cli_answers_in_khartoum_time_with_the_zone_named(capsys) -> None:
    code = main(
        ["check", "--scenario", "sudan-2023", "--lat", "15.50", "--lon", "32.56",
         "--at", "2023-06-19T12:00", "--tz", "Africa/Khartoum"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("PAUSED")
    assert "(Africa/Khartoum, UTC+02:00)" in out
    assert "window ends Wed 2023-06-21 06:00 (Africa/Khartoum, UTC+02:00)" in out
    assert "Gaza" not in out


def test_cap_alerts_validate_and_carry_the_sudan_polygon(sudan) -> None:
    xsd = resources.files("respite.feeds.schemas").joinpath("CAP-v1.2.xsd").read_bytes()
    schema = etree.XMLSchema(etree.fromstring(xsd))
    lo = int(datetime(2023, 5, 1, tzinfo=UTC).timestamp())
    hi = int(datetime(2023, 7, 1, tzinfo=UTC).timestamp())
    ns = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
    alerts = [a for pause in sudan for a in pause_alerts(pause, sender="s@x.org", lo=lo, hi=hi)]
    assert len(alerts) == 4  # the ceasefire, its extension (an Update), and the two June ones
    onsets = set()
    for alert in alerts:
        root = etree.fromstring(alert_xml(alert))
        assert schema.validate(root), schema.error_log
        onsets.add(root.findtext("cap:info/cap:onset", namespaces=ns))
        polygon = root.findtext("cap:info/cap:area/cap:polygon", namespaces=ns)
        lat, lon = (float(v) for v in polygon.split(" ")[0].split(","))
        assert 8 < lat < 23 and 21 < lon < 39  # "lat,lon" pairs, in Sudan
    # CAP times are UTC written "-00:00": 21:45 and 06:00 Khartoum time are 19:45 and 04:00
    assert {"2023-05-22T19:45:00-00:00", "2023-06-10T04:00:00-00:00"} <= onsets


def test_icalendar_export_round_trips_in_africa_khartoum(sudan) -> None:
    ics = pauses_to_ical(sudan, stamp=datetime(2026, 1, 1, tzinfo=UTC))
    calendar = Calendar.from_ical(ics)
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == {"Africa/Khartoum"}
    lo, hi = datetime(2023, 5, 1, tzinfo=UTC), datetime(2023, 7, 1, tzinfo=UTC)
    spans = defaultdict(list)
    for event in recurring_ical_events.of(calendar).between(lo, hi):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert str(start.tzinfo) == "Africa/Khartoum"
        spans[str(event["X-RESPITE-PAUSE-ID"])].append((start, end))
    assert spans["jeddah-ceasefire-2023-05-22"] == [(local(22, 5, 21, 45), local(3, 6, 21, 45))]
    assert spans["sudan-ceasefire-2023-06-18"] == [(local(18, 6, 6), local(21, 6, 6))]


def test_geojson_export_is_rfc7946_in_sudan(sudan) -> None:
    collection = json.loads(json.dumps(pauses_to_geojson(sudan)))
    assert "crs" not in collection
    assert len(collection["features"]) == 3
    for feature in collection["features"]:
        geometry = shape(feature["geometry"])
        assert geometry.is_valid
        for polygon in getattr(geometry, "geoms", [geometry]):
            assert polygon.exterior.is_ccw
        assert geometry.contains(shapely.Point(*KHARTOUM))
        assert feature["properties"]["timezone"] == "Africa/Khartoum"
