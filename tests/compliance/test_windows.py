"""Zone-window rows from pauses: windows, margins, baseline days (across DST) and near rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, box

from respite.compliance.windows import (
    AFTER,
    BASELINE,
    BEFORE,
    DURING,
    NEAR,
    NearFeature,
    ReportOptions,
    ReportPlan,
)
from respite.errors import InvalidInput
from respite.pauses import Pause, parse_pauses

GAZA = ZoneInfo("Asia/Gaza")


def utc(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())


def local(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC).astimezone(GAZA)


def pause_with(windows: str, *, pid: str = "synthetic") -> Pause:
    text = f"""
format: respite-pauses/1
pauses:
  - id: {pid}
    name: {{en: synthetic}}
    kind: humanitarian_pause
    timezone: Asia/Gaza
    parts:
      - id: only
        zone: {{circle: {{lon: 34.45, lat: 31.5, radius_m: 3000}}}}
        windows: {windows}
    sources: [{{title: synthetic test data}}]
"""
    return parse_pauses(text)[0]


def rows_of(plan: ReportPlan, phase: int) -> list[tuple[int, int]]:
    picked = np.flatnonzero(plan.row_phase == phase)
    return [(int(plan.rows.start[r]), int(plan.rows.end[r])) for r in picked]


def by_id(scenario: Sequence[Pause], pause_id: str) -> Pause:
    return next(p for p in scenario if p.id == pause_id)


# -- the real scenario -------------------------------------------------------------------------


def test_truce_uses_the_latest_version(scenario) -> None:
    truce = by_id(scenario, "truce-2023-11-24")
    plan = ReportPlan.build(truce, options=ReportOptions())
    # Version 1 ended on 28 Nov; the two extensions and the end (versions 2-4) make it 1 Dec.
    assert list(truce.versions[0].parts[0].coverage(utc(2023, 11, 1), utc(2023, 12, 31))) == [
        (utc(2023, 11, 24, 5), utc(2023, 11, 28, 5))
    ]
    assert [(w.start, w.end, w.cut) for w in plan.windows] == [
        (utc(2023, 11, 24, 5), utc(2023, 12, 1, 5), False)
    ]
    assert rows_of(plan, DURING) == [(utc(2023, 11, 24, 5), utc(2023, 12, 1, 5))]
    assert rows_of(plan, BEFORE) == [(utc(2023, 11, 23, 23), utc(2023, 11, 24, 5))]
    assert rows_of(plan, AFTER) == [(utc(2023, 12, 1, 5), utc(2023, 12, 1, 11))]
    # A seven-day window is compared with the seven days just before it, once: baseline spans
    # of a long window are laid end to end, never overlapping.
    assert rows_of(plan, BASELINE) == [(utc(2023, 11, 17, 5), utc(2023, 11, 24, 5))]
    assert plan.baseline.shift_days.tolist() == [7]
    assert plan.baseline.day.tolist() == [1]
    assert len(plan.rows.zones) == 1
    # The whole Strip, in metres: about 365 km².
    assert 300e6 < plan.rows.zones[0].area < 420e6


def test_polio_parts_and_shared_baseline_days(scenario) -> None:
    polio = by_id(scenario, "polio-round-1-2024-09")
    plan = ReportPlan.build(polio, options=ReportOptions())
    assert [p.id for p in plan.parts] == ["central", "south", "north"]
    first_days = {"central": 1, "south": 5, "north": 9}
    for occ in plan.windows:
        day = first_days[plan.parts[occ.part].id] + occ.index
        assert (local(occ.start), local(occ.end)) == (
            datetime(2024, 9, day, 6, tzinfo=GAZA),
            datetime(2024, 9, day, 15, tzinfo=GAZA),
        )
    assert len(plan.windows) == 12
    assert len(rows_of(plan, DURING)) == len(rows_of(plan, BEFORE)) == 12
    # Each zone's seven baseline rows (25-31 Aug, 06:00-15:00) serve all of its four windows.
    baseline = np.flatnonzero(plan.row_phase == BASELINE)
    assert len(baseline) == 21
    assert len(plan.baseline.row) == 12 * 7
    first = utc(2024, 9, 1, 3)
    assert plan.first_start == first
    for w, day, row in zip(plan.baseline.window, plan.baseline.day, plan.baseline.row, strict=True):
        start, end = local(int(plan.rows.start[row])), local(int(plan.rows.end[row]))
        assert (start.hour, end.hour) == (6, 15)
        assert start.date() == date(2024, 9, 1) - timedelta(days=int(day))
        assert plan.rows.end[row] <= first
        assert plan.row_part[row] == plan.windows[w].part


def test_daily_tactical_pause_needs_as_of(scenario) -> None:
    kerem = by_id(scenario, "kerem-shalom-road-tactical-pause-2024-06")
    with pytest.raises(InvalidInput) as error:
        ReportPlan.build(kerem, options=ReportOptions())
    assert error.value.problems[0].location == "options.as_of"
    assert "until further notice" in error.value.problems[0].message

    as_of = utc(2024, 6, 20, 9)  # 12:00 local on the fifth day, mid-window
    plan = ReportPlan.build(kerem, options=ReportOptions(as_of=as_of))
    assert len(plan.windows) == 5
    assert [local(w.start).hour for w in plan.windows] == [8] * 5
    assert [w.cut for w in plan.windows] == [False] * 4 + [True]
    assert plan.windows[-1].end == as_of
    # The cut window has a margin before it but none after: it had not ended.
    after = {int(plan.row_window[r]) for r in np.flatnonzero(plan.row_phase == AFTER)}
    assert after == {0, 1, 2, 3}
    before = {int(plan.row_window[r]) for r in np.flatnonzero(plan.row_phase == BEFORE)}
    assert before == {0, 1, 2, 3, 4}


def test_as_of_ending_exactly_with_a_window_does_not_cut_it() -> None:
    pause = pause_with('[{start: "2024-03-10T08:00", end: "2024-03-10T14:00"}]')
    plan = ReportPlan.build(pause, options=ReportOptions(as_of=utc(2024, 3, 10, 12)))
    assert [(w.end, w.cut) for w in plan.windows] == [(utc(2024, 3, 10, 12), False)]
    # An after margin that reaches beyond as_of stops there.
    plan = ReportPlan.build(pause, options=ReportOptions(as_of=utc(2024, 3, 10, 14)))
    assert rows_of(plan, AFTER) == [(utc(2024, 3, 10, 12), utc(2024, 3, 10, 14))]


# -- margins -----------------------------------------------------------------------------------


def test_margins_stop_at_neighbouring_windows() -> None:
    daily = (
        '[{start_time: "08:00", end_time: "14:00", first_date: 2024-03-10, '
        "rrule: FREQ=DAILY;COUNT=3}]"
    )
    plan = ReportPlan.build(pause_with(daily), options=ReportOptions(margin_hours=20))
    starts = [utc(2024, 3, d, 6) for d in (10, 11, 12)]
    ends = [utc(2024, 3, d, 12) for d in (10, 11, 12)]
    assert rows_of(plan, BEFORE) == [
        (starts[0] - 20 * 3600, starts[0]),
        (ends[0], starts[1]),
        (ends[1], starts[2]),
    ]
    assert rows_of(plan, AFTER) == [
        (ends[0], starts[1]),
        (ends[1], starts[2]),
        (ends[2], ends[2] + 20 * 3600),
    ]
    plan = ReportPlan.build(pause_with(daily), options=ReportOptions(margin_hours=1.5))
    assert rows_of(plan, BEFORE)[1] == (starts[1] - 5400, starts[1])


# -- baseline days across daylight-saving changes ----------------------------------------------


def test_baseline_keeps_local_hours_across_the_2023_autumn_change() -> None:
    # Asia/Gaza left summer time (+03 -> +02) on 2023-10-28; the window is on the 30th.
    pause = pause_with('[{start: "2023-10-30T06:00", end: "2023-10-30T15:00"}]')
    plan = ReportPlan.build(pause, options=ReportOptions())
    baseline = rows_of(plan, BASELINE)
    for k, (start, end) in enumerate(baseline, start=1):
        day = date(2023, 10, 30) - timedelta(days=k)
        assert (local(start).date(), local(start).hour, local(end).hour) == (day, 6, 15)
    utc_hours = [datetime.fromtimestamp(s, UTC).hour for s, _ in baseline]
    assert utc_hours == [4, 4, 3, 3, 3, 3, 3]  # 29 and 28 Oct at +02, earlier days at +03
    assert [e - s for s, e in baseline] == [9 * 3600] * 7


def test_baseline_reads_a_repeated_hour_as_its_first_instant_in_2024() -> None:
    # 2024-10-26 02:00 (+03) became 01:00 (+02): 01:30 happened twice that night.
    pause = pause_with('[{start: "2024-10-28T01:30", end: "2024-10-28T02:30"}]')
    plan = ReportPlan.build(pause, options=ReportOptions(baseline_days=3))
    assert rows_of(plan, BASELINE) == [
        (utc(2024, 10, 26, 23, 30), utc(2024, 10, 27, 0, 30)),  # 27 Oct, +02
        (utc(2024, 10, 25, 22, 30), utc(2024, 10, 26, 0, 30)),  # 26 Oct: first 01:30 (+03)
        (utc(2024, 10, 24, 22, 30), utc(2024, 10, 24, 23, 30)),  # 25 Oct, +03
    ]


def test_baseline_keeps_local_hours_across_the_2023_spring_change() -> None:
    # On 2023-04-29 Gaza clocks jumped from 02:00 (+02) to 03:00 (+03): 00:00-03:00 on the
    # wall clock that day lasted two hours, not three.
    pause = pause_with('[{start: "2023-05-01T00:00", end: "2023-05-01T03:00"}]')
    plan = ReportPlan.build(pause, options=ReportOptions(baseline_days=3))
    assert rows_of(plan, BASELINE) == [
        (utc(2023, 4, 29, 21), utc(2023, 4, 30, 0)),  # 30 Apr, +03
        (utc(2023, 4, 28, 22), utc(2023, 4, 29, 0)),  # 29 Apr: +02 at 00:00, +03 at 03:00
        (utc(2023, 4, 27, 22), utc(2023, 4, 28, 1)),  # 28 Apr, +02
    ]


@settings(max_examples=25, deadline=None)
@given(
    day=st.dates(min_value=date(2023, 1, 1), max_value=date(2024, 12, 31)),
    start_minute=st.integers(0, 23 * 60),
    minutes=st.integers(1, 5 * 24 * 60),
    days=st.integers(1, 9),
)
def test_baseline_days_are_the_same_clock_hours_before_the_start(
    day: date, start_minute: int, minutes: int, days: int
) -> None:
    start = datetime.combine(day, datetime.min.time()) + timedelta(minutes=start_minute)
    end = start + timedelta(minutes=minutes)
    windows = f'[{{start: "{start:%Y-%m-%dT%H:%M}", end: "{end:%Y-%m-%dT%H:%M}"}}]'
    plan = ReportPlan.build(pause_with(windows), options=ReportOptions(baseline_days=days))
    (occ,) = plan.windows
    shifts = plan.baseline.shift_days.tolist()
    # Spans of the window's own length rounded up to whole days, laid end to end.
    step = -(-(occ.end - occ.start) // 86_400)
    assert shifts == list(range(shifts[0], shifts[0] + step * max(1, days // step), step))
    for k, (s, e) in zip(shifts, rows_of(plan, BASELINE), strict=True):
        assert e <= plan.first_start
        assert e > s
        for moment, original in ((s, occ.start), (e, occ.end)):
            wall = local(original).replace(tzinfo=None) - timedelta(days=k)
            expected = wall.replace(tzinfo=GAZA, fold=0)
            # Equal as instants unless the shifted wall time falls in a spring-forward gap.
            if expected.astimezone(UTC).astimezone(GAZA).replace(tzinfo=None) == wall:
                assert moment == int(expected.timestamp())
    # The nearest shift: one day less would still reach past the pause's start.
    if shifts[0] > 1:
        wall = local(occ.end).replace(tzinfo=None) - timedelta(days=shifts[0] - 1)
        assert int(wall.replace(tzinfo=GAZA, fold=0).timestamp()) > plan.first_start


# -- near rows and bad options -----------------------------------------------------------------


def test_near_features_are_buffered_in_metres() -> None:
    pause = pause_with('[{start: "2024-03-10T08:00", end: "2024-03-10T14:00"}]')
    site = NearFeature(
        "site", "s1", "clinic", Point(34.44, 31.49), utc(2024, 3, 1), utc(2024, 4, 1)
    )
    road = LineString([(34.40, 31.45), (34.42, 31.47)])
    move = NearFeature("movement", "m1", "convoy", road, utc(2024, 3, 10, 7), utc(2024, 3, 10, 9))
    plan = ReportPlan.build(pause, near=[site, move], options=ReportOptions(near_distance_m=500))
    near = np.flatnonzero(plan.row_phase == NEAR)
    assert plan.row_near[near].tolist() == [0, 1]
    assert plan.row_part[near].tolist() == [-1, -1]
    assert rows_of(plan, NEAR) == [(site.start, site.end), (move.start, move.end)]
    disc = plan.rows.zones[int(plan.rows.zone[near[0]])]
    assert disc.area == pytest.approx(np.pi * 500**2, rel=0.01)
    centre = plan.projection.to_metric(site.geometry)
    assert disc.centroid.distance(centre) < 1.0


def test_bad_near_features_and_options_are_all_named() -> None:
    pause = pause_with('[{start: "2024-03-10T08:00", end: "2024-03-10T14:00"}]')
    bad = [
        NearFeature("camp", "x", "x", Point(34.4, 31.4), 10, 20),
        NearFeature("site", "y", "y", box(34.4, 31.4, 34.5, 31.5), 10, 20),
        NearFeature("site", "z", "z", Point(3_440_000, 314_000), 20, 20),
    ]
    options = ReportOptions(margin_hours=0, baseline_days=-1, near_distance_m=float("nan"))
    with pytest.raises(InvalidInput) as error:
        ReportPlan.build(pause, near=bad, options=options)
    assert [p.location for p in error.value.problems] == [
        "options.margin_hours",
        "options.baseline_days",
        "options.near_distance_m",
        "near[0].kind",
        "near[1].geometry",
        "near[2].geometry",
        "near[2].end",
    ]
