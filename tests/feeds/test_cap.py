"""CAP 1.2 alerts validate against the official OASIS schema and tell a pause's history."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pytest
import shapely
from lxml import etree

from respite.errors import InvalidInput
from respite.feeds.cap import CAP_NS, CapAlert, alert_xml, cap_polygons, pause_alerts
from respite.pauses import Pause, parse_pauses

NS = {"cap": CAP_NS}
SENDER = "alerts@respite.example.org"
LO = int(datetime(2023, 1, 1, tzinfo=UTC).timestamp())
HI = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())
HORIZON_DAYS = 30  # the Kerem Shalom pause is daily until further notice
TIME_ELEMENTS = ("sent", "effective", "onset", "expires")


@pytest.fixture(scope="module")
def cap_schema() -> etree.XMLSchema:
    xsd = resources.files("respite.feeds.schemas").joinpath("CAP-v1.2.xsd").read_bytes()
    return etree.XMLSchema(etree.fromstring(xsd))


def scenario_alerts(pause: Pause) -> list[CapAlert]:
    hi = HI
    if pause.latest.parts[0].is_open_ended:
        hi = pause.latest.parts[0].first_start() + HORIZON_DAYS * 86_400
    return pause_alerts(pause, sender=SENDER, lo=LO, hi=hi)


def parsed(alert: CapAlert) -> etree._Element:
    return etree.fromstring(alert_xml(alert))


def texts(root: etree._Element, path: str) -> list[str]:
    return [e.text for e in root.iterfind(path, NS)]


def test_every_scenario_alert_validates(scenario, cap_schema) -> None:
    counts = {}
    identifiers = set()
    for pause in scenario:
        alerts = scenario_alerts(pause)
        counts[pause.id] = len(alerts)
        for alert in alerts:
            root = parsed(alert)
            assert cap_schema.validate(root), (alert.identifier, cap_schema.error_log)
            identifiers.add(alert.identifier)
    assert counts == {
        "salah-al-din-corridor-2023-11": 4,  # 5 Nov, 7 Nov, 11 Nov, 12 Nov
        "jabalia-tactical-pause-2023-11-11": 1,
        "truce-2023-11-24": 3,  # announced, extended, extended again (the end changes nothing)
        "kerem-shalom-road-tactical-pause-2024-06": HORIZON_DAYS,
        "polio-round-1-2024-09": 12,  # 3 zones x 4 days
    }
    assert len(identifiers) == sum(counts.values())


def test_truce_is_an_alert_then_updates_naming_it(scenario) -> None:
    truce = next(p for p in scenario if p.id == "truce-2023-11-24")
    first, second, third = (parsed(a) for a in scenario_alerts(truce))
    assert texts(first, "cap:msgType") == ["Alert"]
    assert first.find("cap:references", NS) is None
    assert texts(second, "cap:msgType") == texts(third, "cap:msgType") == ["Update"]

    def triple(root: etree._Element) -> str:
        return ",".join(texts(root, f"cap:{name}")[0] for name in ("sender", "identifier", "sent"))

    assert texts(second, "cap:references") == [triple(first)]
    assert texts(third, "cap:references") == [f"{triple(first)} {triple(second)}"]
    assert texts(first, "cap:sent") == ["2023-11-22T04:00:00-00:00"]  # 06:00 in Gaza (UTC+2)
    assert texts(second, "cap:sent") == ["2023-11-27T18:00:00-00:00"]
    assert texts(first, "cap:info/cap:expires") == ["2023-11-28T05:00:00-00:00"] * 2
    assert texts(second, "cap:info/cap:expires") == ["2023-11-30T05:00:00-00:00"] * 2
    assert texts(third, "cap:info/cap:expires") == ["2023-12-01T05:00:00-00:00"] * 2
    assert texts(third, "cap:info/cap:onset") == ["2023-11-24T05:00:00-00:00"] * 2
    assert texts(second, "cap:note") == ["Extended by two days, to 07:00 on 30 November."]
    assert texts(first, "cap:incidents") == ["truce-2023-11-24"]


SUSPENDED = (Path(__file__).parents[1] / "data" / "suspended-and-open.yaml").read_text()


def test_suspension_and_end_give_updates_and_cancels(cap_schema) -> None:
    daily, _ = parse_pauses(SUSPENDED)
    lo = int(datetime(2024, 2, 1, tzinfo=UTC).timestamp())
    hi = int(datetime(2024, 4, 1, tzinfo=UTC).timestamp())
    alerts = pause_alerts(daily, sender=SENDER, lo=lo, hi=hi)
    for alert in alerts:
        assert cap_schema.validate(parsed(alert)), cap_schema.error_log
    by_version = {v: [a for a in alerts if a.version == v] for v in (1, 2, 3)}
    assert {a.msg_type for a in by_version[1]} == {"Alert"}
    assert len(by_version[1]) == 31  # 1-31 March
    first = {a.onset: a for a in by_version[1]}
    # 3 March cut at 12:00, 4 March gone, 5 March from 11:00 (local, UTC+2).
    v2 = [(a.msg_type, a.identifier.split(":")[3]) for a in by_version[2]]
    assert v2 == [
        ("Update", "20240303T080000Z"),
        ("Update", "20240305T090000Z"),
        ("Cancel", "20240304T080000Z"),
    ]
    cancel = by_version[2][2]
    assert cancel.references == (first[cancel.onset].reference,)
    root = parsed(cancel)
    assert texts(root, "cap:info/cap:certainty") == ["Unlikely", "Unlikely"]
    assert texts(root, "cap:note") == ["suspended"]
    # 5 March starts later than announced; the Update still names that day's Alert.
    moved = by_version[2][1]
    assert moved.references == (first[moved.onset - 3600].reference,)
    # The end on 8 March at 12:00: that day shortened, 9-31 March cancelled.
    v3 = by_version[3]
    assert [a.msg_type for a in v3] == ["Update"] + ["Cancel"] * 23
    assert all(a.references == (first[a.onset].reference,) for a in v3[1:])


def test_open_end_has_no_expires_and_circle_zone_is_a_polygon(cap_schema) -> None:
    _, open_ended = parse_pauses(SUSPENDED)
    lo = int(datetime(2024, 3, 1, tzinfo=UTC).timestamp())
    (alert,) = pause_alerts(open_ended, sender=SENDER, lo=lo, hi=lo + 86_400 * 3)
    root = parsed(alert)
    assert cap_schema.validate(root), cap_schema.error_log
    assert alert.expires is None
    assert root.find("cap:info/cap:expires", NS) is None
    assert texts(root, "cap:info/cap:urgency") == ["Future", "Future"]
    assert "حتى إشعار آخر" in texts(root, "cap:info/cap:headline")[1]


def test_polygons_are_closed_lat_lon_rings(scenario) -> None:
    for pause in scenario:
        for alert in scenario_alerts(pause)[:3]:
            polygons = texts(parsed(alert), "cap:info/cap:area/cap:polygon")
            assert polygons, alert.identifier
            for polygon in polygons:
                pairs = [tuple(map(float, pair.split(","))) for pair in polygon.split(" ")]
                assert 4 <= len(pairs) <= 200
                assert pairs[0] == pairs[-1]
                for lat, lon in pairs:
                    assert 31.1 < lat < 31.7 and 34.1 < lon < 34.7  # lat first: CAP order


def test_governorate_zones_carry_pcodes(scenario) -> None:
    polio = next(p for p in scenario if p.id.startswith("polio"))
    south = next(a for a in scenario_alerts(polio) if a.part_id == "south")
    area = parsed(south).find("cap:info/cap:area", NS)
    assert texts(area, "cap:geocode/cap:valueName") == ["OCHA_PCODE", "OCHA_PCODE"]
    assert texts(area, "cap:geocode/cap:value") == ["PS0270", "PS0275"]


def test_large_polygons_are_simplified_within_the_limit() -> None:
    disc = shapely.Point(34.4, 31.4).buffer(0.05, quad_segs=200)  # 801 points
    (ring,) = cap_polygons(disc)
    assert len(ring) <= 200 and ring[0] == ring[-1]
    simplified = shapely.Polygon([(lon, lat) for lat, lon in ring])
    assert simplified.area == pytest.approx(disc.area, rel=0.01)


def test_english_and_arabic_info_blocks(scenario) -> None:
    truce = next(p for p in scenario if p.id == "truce-2023-11-24")
    root = parsed(scenario_alerts(truce)[1])
    assert texts(root, "cap:info/cap:language") == ["en-US", "ar"]
    en, ar = root.findall("cap:info", NS)
    assert texts(en, "cap:event") == ["Truce"]
    assert texts(ar, "cap:event") == ["هدنة"]
    assert texts(ar, "cap:area/cap:areaDesc") == ["قطاع غزة كاملاً"]
    assert "مُددت يومين" in texts(ar, "cap:description")[0]
    assert texts(ar, "cap:instruction") == ["لا عودة من جنوب غزة إلى شمالها."]
    for info in (en, ar):
        assert texts(info, "cap:category") == ["Safety"]
        assert texts(info, "cap:responseType") == ["Monitor"]
        assert texts(info, "cap:severity") == ["Unknown"]
        assert texts(info, "cap:certainty") == ["Likely"]
        assert texts(info, "cap:urgency") == ["Immediate"]  # the truce was under way


def test_arabic_falls_back_to_english() -> None:
    daily, _ = parse_pauses(SUSPENDED)  # no Arabic anywhere in this pause
    (alert,) = pause_alerts(daily, sender=SENDER, lo=1709280000, hi=1709290000)
    ar = alert.infos[1]
    assert ar.language == "ar"
    assert ar.area_desc == "daily pause with a suspension"
    assert ar.event == "هدنة إنسانية"


def test_times_carry_an_offset_never_z(scenario) -> None:
    offset = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-00:00$")
    for pause in scenario:
        for alert in scenario_alerts(pause):
            root = parsed(alert)
            for name in TIME_ELEMENTS:
                for value in texts(root, f".//cap:{name}"):
                    assert offset.match(value), value
            for reference in alert.references:
                assert offset.match(reference.split(",")[2])


def test_identifiers_do_not_depend_on_the_span(scenario) -> None:
    polio = next(p for p in scenario if p.id.startswith("polio"))
    wide = scenario_alerts(polio)
    narrow = pause_alerts(polio, sender=SENDER, lo=wide[4].onset, hi=wide[4].onset + 1)
    assert narrow == [wide[4]]


def test_bad_sender_is_refused(scenario) -> None:
    with pytest.raises(InvalidInput, match="sender"):
        pause_alerts(scenario[0], sender="two words", lo=LO, hi=HI)


@pytest.mark.parametrize(
    ("path", "bad"),
    [("cap:msgType", "Alarm"), ("cap:sent", "2023-11-22T04:00:00Z")],
)
def test_schema_rejects_a_corrupted_alert(scenario, cap_schema, path, bad) -> None:
    root = parsed(scenario_alerts(scenario[0])[0])
    assert cap_schema.validate(root)
    root.find(path, NS).text = bad
    assert not cap_schema.validate(root)
