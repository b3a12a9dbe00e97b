"""Compliance counts, recomputed here from the brute-force oracle and by plain loops."""

from __future__ import annotations

import importlib.util
import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import shapely

from respite.compliance.event_table import EventTable
from respite.compliance.frame import INSIDE, EventColumns
from respite.compliance.report.build import ComplianceReport, build_report
from respite.compliance.windows import BASELINE, DURING, NearFeature, ReportOptions, ReportPlan
from respite.errors import InvalidInput
from respite.events.record import GeoPrecision, IncidentRecord, IncidentSource, TimePrecision
from respite.geometry import LocalProjection
from respite.pauses import Pause, parse_pauses

_spec = importlib.util.spec_from_file_location("brute", Path(__file__).with_name("brute.py"))
assert _spec is not None and _spec.loader is not None
brute = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(brute)

GAZA = ZoneInfo("Asia/Gaza")
PAUSE = """
format: respite-pauses/1
pauses:
  - id: two-parts
    name: {en: Synthetic two-part pause}
    kind: humanitarian_pause
    timezone: Asia/Gaza
    parts:
      - id: east
        zone: {circle: {lon: 34.45, lat: 31.50, radius_m: 3000}}
        windows:
          - {start_time: "08:00", end_time: "14:00", first_date: 2024-03-10, rrule: FREQ=DAILY;COUNT=3}
      - id: west
        zone: {circle: {lon: 34.40, lat: 31.46, radius_m: 2000}}
        windows: [{start: "2024-03-11T10:00", end: "2024-03-12T10:00"}]
    sources: [{title: synthetic test data}]
"""


def utc(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())


@pytest.fixture(scope="module")
def pause() -> Pause:
    return parse_pauses(PAUSE)[0]


def table(rows: list[tuple[float, float, int, int, float, str, int | None]]) -> EventTable:
    """Events from (lon, lat, from, until, radius_m, event_type, fatalities)."""
    records = [
        IncidentRecord(
            source=IncidentSource.FIELD,
            source_key=f"e{i}",
            occurred_from=lo,
            occurred_until=hi,
            time_precision=TimePrecision.SPAN,
            lon=lon,
            lat=lat,
            radius_m=radius,
            geo_precision=GeoPrecision.EXACT,
            event_type=kind,
            fatalities=dead,
            location=f"place {i}",
        )
        for i, (lon, lat, lo, hi, radius, kind, dead) in enumerate(rows)
    ]
    return EventTable.from_records([r.source_key for r in records], records)


def random_table(n: int, seed: int) -> EventTable:
    rng = np.random.default_rng(seed)
    lo = rng.integers(utc(2024, 3, 1), utc(2024, 3, 14), n)
    rows = [
        (
            float(rng.uniform(34.36, 34.50)),
            float(rng.uniform(31.43, 31.54)),
            int(lo[i]),
            int(lo[i] + rng.choice([1, 3600, 86_400, 3 * 86_400])),
            float(rng.choice([0.0, 500.0, 2000.0])),
            str(rng.choice(["Battles", "Shelling"])),
            None if rng.random() < 0.3 else int(rng.integers(0, 4)),
        )
        for i in range(n)
    ]
    return table(rows)


def oracle(plan: ReportPlan, events: EventTable):  # -> Pairs
    x, y = plan.project(events.lon, events.lat)
    cols = EventColumns(x, y, events.t_lo, events.t_hi, events.radius_m)
    return brute.brute_join(cols, plan.rows)


def overlapping(events: EventTable, start: int, end: int) -> int:
    return sum(
        1 for lo, hi in zip(events.t_lo, events.t_hi, strict=True) if lo < end and hi > start
    )


def test_window_counts_match_the_oracle(pause: Pause) -> None:
    events = random_table(150, seed=7)
    options = ReportOptions()
    plan = ReportPlan.build(pause, options=options)
    report = build_report(pause, events, options=options, pairs_of=brute.brute_join)
    pairs = oracle(plan, events)
    assert report.events_seen == 150
    checked = 0
    for p, part in enumerate(report.parts):
        for w in part.windows:
            (row,) = [
                r
                for r in range(len(plan.rows))
                if plan.row_phase[r] == DURING
                and plan.rows.zone[r] == p
                and (plan.rows.start[r], plan.rows.end[r]) == (w.start, w.end)
            ]
            mine = pairs.row == row
            inside = int((pairs.klass[mine] == INSIDE).sum())
            assert (w.during.inside, w.during.possibly) == (inside, int(mine.sum()) - inside)
            assert w.during.outside == overlapping(events, w.start, w.end) - int(mine.sum())
            dead = events.fatalities[pairs.event[mine & (pairs.klass == INSIDE)]]
            assert w.during.fatalities_inside == int(dead[dead >= 0].sum())
            assert w.during.unknown_fatalities_inside == int((dead < 0).sum())
            checked += inside + int(mine.sum())
    assert checked > 0  # the random events do meet the windows


def test_pause_counts_distinct_events_at_their_best_class(pause: Pause) -> None:
    events = random_table(200, seed=11)
    options = ReportOptions()
    plan = ReportPlan.build(pause, options=options)
    report = build_report(pause, events, options=options, pairs_of=brute.brute_join)
    pairs = oracle(plan, events)
    best: dict[int, int] = {}
    for e, r, k in zip(pairs.event, pairs.row, pairs.klass, strict=True):
        if plan.row_phase[r] == DURING:
            best[int(e)] = max(best.get(int(e), 0), int(k))
    windows = [(w.start, w.end) for part in report.parts for w in part.windows]
    in_time = {
        i
        for i in range(len(events))
        if any(events.t_lo[i] < end and events.t_hi[i] > start for start, end in windows)
    }
    inside = sum(1 for k in best.values() if k == INSIDE)
    assert report.during.inside == inside
    assert report.during.possibly == len(best) - inside
    assert report.during.outside == len(in_time) - len(best)
    assert report.during.possibly > 0 and report.during.outside > 0
    # A part counts its own distinct events: never more than the sum of its windows.
    east = report.parts[0]
    assert east.during.inside <= sum(w.during.inside for w in east.windows)


def test_fatalities_unknown_are_counted_apart_and_types_by_class(pause: Pause) -> None:
    noon = utc(2024, 3, 10, 10)  # 12:00 local, inside the first east window
    centre = (34.45, 31.50)
    events = table(
        [
            (*centre, noon, noon + 1, 0.0, "Battles", 3),
            (*centre, noon, noon + 1, 0.0, "Battles", None),
            (*centre, noon, noon + 1, 0.0, "Shelling", 0),
            # 2 km around a point 2.5 km from the centre: crosses the 3 km zone's edge.
            (34.45, 31.50 + 2500 / 111_000, noon, noon + 1, 2000.0, "Shelling", 2),
            (34.45, 31.50 + 2500 / 111_000, noon, noon + 1, 2000.0, "Shelling", None),
            # Same time, 20 km away: outside.
            (34.30, 31.35, noon, noon + 1, 0.0, "Battles", 9),
        ]
    )
    report = build_report(pause, events, options=ReportOptions(), pairs_of=brute.brute_join)
    first = report.parts[0].windows[0].during
    assert (first.inside, first.possibly, first.outside) == (3, 2, 1)
    assert (first.fatalities_inside, first.unknown_fatalities_inside) == (3, 1)
    assert (first.fatalities_possibly, first.unknown_fatalities_possibly) == (2, 1)
    assert [(t.event_type, t.inside, t.possibly) for t in first.by_type] == [
        ("Battles", 2, 0),
        ("Shelling", 1, 2),
    ]
    counts = report.to_json()["parts"][0]["windows"][0]["during"]
    assert counts["fatalities"] == {
        "inside": 3,
        "possibly": 2,
        "unknown_inside": 1,
        "unknown_possibly": 1,
    }
    unknown = [e for e in report.events if e.key == "e1"]
    assert [e.fatalities for e in unknown] == [None]


def test_margins_and_baseline_days(pause: Pause) -> None:
    centre = (34.45, 31.50)

    def at(day: int, hour: int) -> tuple[float, float, int, int, float, str, int]:
        t = utc(2024, 3, day, hour - 2)  # local hour in March (+02)
        return (*centre, t, t + 60, 0.0, "Shelling", 1)

    events = table(
        [
            at(10, 9), at(10, 10), at(10, 11),  # during the first window
            at(10, 7),  # the margin before it
            at(10, 15),  # the margin after it
            at(9, 9), at(9, 12),  # baseline day 1 (the 9th, 08:00-14:00)
            at(7, 13),  # baseline day 3
            at(9, 15),  # the 9th but after the window's hours: no baseline
        ]
    )  # fmt: skip
    report = build_report(pause, events, options=ReportOptions(), pairs_of=brute.brute_join)
    w = report.parts[0].windows[0]
    assert w.during.inside == 3
    assert w.before is not None and w.after is not None
    assert (w.before.counts.inside, w.after.counts.inside) == (1, 1)
    assert (w.before.start, w.before.end) == (w.start - 6 * 3600, w.start)
    assert [d.inside for d in w.baseline.days] == [2, 0, 1, 0, 0, 0, 0]
    assert [d.shift_days for d in w.baseline.days] == list(range(1, 8))
    assert w.baseline.mean_inside == pytest.approx(3 / 7)
    assert w.baseline.ratio_inside == pytest.approx(3 / (3 / 7))
    # The part adds its three windows: each looks back at the same 7 days before the pause.
    east = report.parts[0]
    assert [d.inside for d in east.baseline.days] == [6, 0, 3, 0, 0, 0, 0]
    assert east.baseline.during_inside == 3
    assert east.baseline.ratio_inside == pytest.approx(3 / (9 / 7))
    assert report.before.inside == 1
    assert report.after.inside == 1


def test_near_sites_and_movements_are_counted_per_feature(pause: Pause) -> None:
    site_at = (34.47, 31.52)
    proj = LocalProjection.at(*site_at)
    centre = proj.to_metric(shapely.Point(site_at))

    def away(metres: float) -> tuple[float, float]:
        p = proj.to_lonlat(shapely.Point(centre.x + metres, centre.y))
        return p.x, p.y

    t = utc(2024, 3, 20)
    site = NearFeature("site", "clinic", "Clinic", shapely.Point(site_at), t, t + 86_400)
    events = table(
        [
            (*away(500), t + 10, t + 11, 0.0, "Shelling", 0),  # inside the 1 km ring
            (*away(1500), t + 10, t + 11, 1000.0, "Shelling", 0),  # its circle reaches it
            (*away(3000), t + 10, t + 11, 0.0, "Shelling", 0),  # outside
            (*away(200), t - 100, t - 50, 0.0, "Shelling", 0),  # before the site's time
        ]
    )
    report = build_report(
        pause, events, near=[site], options=ReportOptions(), pairs_of=brute.brute_join
    )
    (near,) = report.near
    assert (near.counts.inside, near.counts.possibly, near.counts.outside) == (1, 1, 1)
    entries = {e.key: e for e in report.events if e.phase == "near"}
    assert sorted(entries) == ["e0", "e1"]
    assert entries["e0"].near == "clinic" and entries["e0"].part is None
    assert entries["e0"].why.startswith(
        "at 2024-03-20 02:00:10 EET (Asia/Gaza) lies within the site's time "
        "2024-03-20 02:00 EET - 2024-03-21 02:00 EET (Asia/Gaza); the point is inside "
        "1 km around site Clinic, "
    )
    # 500 m from the ring's edge, less a little for the buffer's straight segments.
    assert entries["e0"].edge_m == pytest.approx(500, abs=2)
    assert entries["e0"].why.endswith(f"{entries['e0'].edge_m:.0f} m from its edge")


def test_event_list_explains_each_pair(pause: Pause) -> None:
    day = int(datetime(2024, 3, 10, tzinfo=GAZA).timestamp())
    # 2 km around a point 2.5 km north of the east zone's centre: the circle crosses its edge.
    events = table([(34.45, 31.50 + 2500 / 111_000, day, day + 86_400, 2000.0, "Shelling", 1)])
    report = build_report(pause, events, options=ReportOptions(), pairs_of=brute.brute_join)
    during = [e for e in report.events if e.phase == "during"]
    assert [(e.part, e.window, e.klass, e.time, e.place) for e in during] == [
        ("east", 1, "possibly", "overlaps", "overlaps")
    ]
    (entry,) = during
    assert entry.why.startswith(
        "dated 2024-03-10 (whole day, Asia/Gaza) overlaps window "
        "2024-03-10 08:00-14:00 EET (Asia/Gaza); 2 km around the point crosses the edge of "
        "the zone of part east (point "
    )
    assert entry.point_inside
    assert entry.edge_m == pytest.approx(500, abs=15)
    phases = sorted({e.phase for e in report.events})
    assert phases == ["after", "before", "during"]  # the day reaches into both margins
    doc = report.to_json()
    json.dumps(doc)  # plain Python values only
    (first,) = [e for e in doc["events"] if e["phase"] == "during"]
    assert first["occurred_from"] == {
        "utc": "2024-03-09T22:00:00Z",
        "local": "2024-03-10T00:00:00+02:00",
        "text": "2024-03-10 00:00 EET (Asia/Gaza)",
    }
    assert first["class"] == "possibly" and first["radius_m"] == 2000.0
    window = doc["parts"][0]["windows"][0]
    assert window["start"]["text"] == "2024-03-10 08:00 EET (Asia/Gaza)"
    assert doc["pause"] == {
        "id": "two-parts",
        "name": "Synthetic two-part pause",
        "kind": "humanitarian_pause",
        "status": "announced",
        "version": 1,
        "timezone": "Asia/Gaza",
    }


def test_baseline_events_are_listed_once_however_many_windows_they_serve(
    pause: Pause,
) -> None:
    t = utc(2024, 3, 9, 10)  # 12:00 local on baseline day 1 of all three east windows
    events = table([(34.45, 31.50, t, t + 1, 0.0, "Shelling", 0)])
    plan = ReportPlan.build(pause, options=ReportOptions())
    assert len(np.flatnonzero(plan.row_phase == BASELINE)) < len(plan.baseline.row)
    report = build_report(pause, events, options=ReportOptions(), pairs_of=brute.brute_join)
    listed = [e for e in report.events if e.phase == "baseline"]
    assert [(e.key, e.part, e.baseline_day) for e in listed] == [("e0", "east", 1)]
    assert report.parts[0].baseline.days[0].inside == 3


def test_bad_events_are_named_with_their_position(pause: Pause) -> None:
    events = table([(34.45, 31.5, 100, 200, 0.0, "x", 0), (34.45, 31.5, 300, 400, 0.0, "x", 0)])
    broken = EventTable(
        **{
            **{n: getattr(events, n) for n in EventTable.__dataclass_fields__},
            "t_hi": np.array([200, 300], dtype=np.int64),
            "lat": np.array([31.5, np.nan]),
        }
    )
    acc = ReportPlan.build(pause, options=ReportOptions()).accumulator()
    acc.add(events, pairs_of=brute.brute_join)
    with pytest.raises(InvalidInput) as error:
        acc.add(broken, pairs_of=brute.brute_join)
    # Positions continue from the events already added.
    assert [p.location for p in error.value.problems] == [
        "events[3].lat",
        "events[3].occurred_until",
    ]
    assert "e1" in error.value.problems[0].message


def test_an_empty_report_still_has_every_window(pause: Pause) -> None:
    report = build_report(pause, table([]), options=ReportOptions(), pairs_of=brute.brute_join)
    assert isinstance(report, ComplianceReport)
    assert [len(p.windows) for p in report.parts] == [3, 1]
    assert report.during.inside == report.during.outside == 0
    assert report.baseline.ratio_any is None  # nothing to compare with, not 0
    assert report.events == ()


def test_outside_counts_follow_half_open_windows(pause: Pause) -> None:
    start, end = utc(2024, 3, 10, 6), utc(2024, 3, 10, 12)  # the first east window
    far = (34.30, 31.35)  # 20 km away: never paired
    events = table(
        [
            (*far, end, end + 60, 0.0, "Shelling", 0),  # begins as the window ends
            (*far, start - 60, start, 0.0, "Shelling", 0),  # ends as it begins
            (*far, start, start + 1, 0.0, "Shelling", 0),  # its first second
            (*far, end - 1, end, 0.0, "Shelling", 0),  # its last second
        ]
    )
    report = build_report(pause, events, options=ReportOptions(), pairs_of=brute.brute_join)
    window = report.parts[0].windows[0]
    assert (window.start, window.end) == (start, end)
    assert window.during.outside == 2
    assert report.during.outside == 2
    # Margins are half-open too: each meets only the event touching it from outside.
    assert window.before is not None and window.before.counts.outside == 1
    assert window.after is not None and window.after.counts.outside == 1


def test_an_event_takes_its_best_class_over_overlapping_parts() -> None:
    nested = parse_pauses(
        """
format: respite-pauses/1
pauses:
  - id: nested
    name: {en: nested parts}
    kind: humanitarian_pause
    timezone: Asia/Gaza
    parts:
      - id: wide
        zone: {circle: {lon: 34.45, lat: 31.50, radius_m: 3000}}
        windows: [{start: "2024-03-10T08:00", end: "2024-03-10T14:00"}]
      - id: narrow
        zone: {circle: {lon: 34.45, lat: 31.50, radius_m: 500}}
        windows: [{start: "2024-03-10T09:00", end: "2024-03-10T12:00"}]
    sources: [{title: synthetic test data}]
"""
    )[0]
    t = utc(2024, 3, 10, 8)  # 10:00 local, within both windows
    # 800 m around the centre: all inside the wide zone, spilling out of the narrow one.
    events = table([(34.45, 31.50, t, t + 60, 800.0, "Shelling", 5)])
    report = build_report(nested, events, options=ReportOptions(), pairs_of=brute.brute_join)
    wide, narrow = report.parts
    assert (wide.during.inside, wide.during.possibly) == (1, 0)
    assert (narrow.during.inside, narrow.during.possibly) == (0, 1)
    assert (report.during.inside, report.during.possibly) == (1, 0)
    assert (report.during.fatalities_inside, report.during.fatalities_possibly) == (5, 0)


def test_the_default_join_engine_agrees_with_the_oracle(pause: Pause) -> None:
    chunks = [random_table(80, seed=s) for s in (21, 22)]
    options = ReportOptions()
    plan = ReportPlan.build(pause, options=options)
    default, oracle_acc = plan.accumulator(), plan.accumulator()
    for chunk in chunks:
        default.add(chunk)  # respite.compliance.join.index, its index built once
        oracle_acc.add(chunk, pairs_of=brute.brute_join)
    assert default.finish().to_json() == oracle_acc.finish().to_json()


def test_a_capped_event_list_keeps_every_count_and_lists_window_pairs_first(pause: Pause) -> None:
    events = random_table(150, seed=11)
    full = build_report(
        pause, events, options=ReportOptions(list_events=None), pairs_of=brute.brute_join
    )
    capped = build_report(
        pause, events, options=ReportOptions(list_events=5), pairs_of=brute.brute_join
    )
    assert len(full.events) == full.pairs_total > 5
    assert capped.pairs_total == full.pairs_total
    assert len(capped.events) == 5
    body_full, body_capped = full.to_json(), capped.to_json()
    assert body_capped["pairs_listed"] == 5
    assert body_capped["pairs_total"] == full.pairs_total
    for key in ("summary", "parts", "near"):
        assert body_capped[key] == body_full[key]
    # The listed pairs are the first five of the full list once ordered by phase (the window's
    # own pairs first, baseline last), then event position, then row.
    rank = {"during": 0, "before": 1, "after": 2, "near": 3, "baseline": 4}
    position = {str(k): i for i, k in enumerate(events.key)}

    def order(e: dict) -> tuple:
        return (rank[e["phase"]], position[e["key"]], e["row"]["start"]["utc"])

    expected = sorted(body_full["events"], key=order)[:5]
    assert sorted(body_capped["events"], key=order) == expected
    assert {e["phase"] for e in body_capped["events"]} == {"during"}
