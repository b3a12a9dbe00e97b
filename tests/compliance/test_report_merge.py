"""Chunks and merges: any split of the events, merged, gives the one-pass report."""

from __future__ import annotations

import importlib.util
import itertools
import pickle
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from respite.compliance.event_table import EventTable
from respite.compliance.windows import NearFeature, ReportOptions, ReportPlan
from respite.pauses import parse_pauses

_spec = importlib.util.spec_from_file_location("brute", Path(__file__).with_name("brute.py"))
assert _spec is not None and _spec.loader is not None
brute = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(brute)

PAUSE = parse_pauses(
    """
format: respite-pauses/1
pauses:
  - id: merge
    name: {en: merge test}
    kind: humanitarian_pause
    timezone: Asia/Gaza
    parts:
      - id: a
        zone: {circle: {lon: 34.45, lat: 31.50, radius_m: 2000}}
        windows:
          - {start_time: "08:00", end_time: "14:00", first_date: 2024-03-10, rrule: FREQ=DAILY;COUNT=2}
      - id: b
        zone: {circle: {lon: 34.42, lat: 31.48, radius_m: 1500}}
        windows: [{start: "2024-03-10T12:00", end: "2024-03-11T12:00"}]
    sources: [{title: synthetic test data}]
"""
)[0]
T0 = 1_709_762_400  # 2024-03-07 00:00 local (+02), three days before the first window
SITE = NearFeature("site", "s", "site", Point(34.44, 31.49), T0, T0 + 6 * 86_400)
PLAN = ReportPlan.build(PAUSE, near=[SITE], options=ReportOptions(baseline_days=3, margin_hours=4))

event = st.tuples(
    st.floats(34.40, 34.48),
    st.floats(31.46, 31.52),
    st.integers(0, 6 * 86_400),
    st.sampled_from([1, 600, 3600, 86_400]),
    st.sampled_from([0.0, 300.0, 1500.0]),
    st.sampled_from(["Battles", "Shelling", "Riots"]),
    st.integers(-1, 3),
)


def table(rows: list[tuple[float, float, int, int, float, str, int]], first: int) -> EventTable:
    def objects(values: list[object]) -> np.ndarray:
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out

    lo = np.array([T0 + r[2] for r in rows], dtype=np.int64)
    return EventTable(
        key=objects([f"k{first + i}" for i in range(len(rows))]),
        lon=np.array([r[0] for r in rows], dtype=np.float64),
        lat=np.array([r[1] for r in rows], dtype=np.float64),
        t_lo=lo,
        t_hi=lo + np.array([r[3] for r in rows], dtype=np.int64),
        radius_m=np.array([r[4] for r in rows], dtype=np.float64),
        event_type=objects([r[5] for r in rows]),
        fatalities=np.array([r[6] for r in rows], dtype=np.int64),
        time_precision=objects(["span"] * len(rows)),
        geo_precision=objects(["exact"] * len(rows)),
        location=objects([None] * len(rows)),
    )


@settings(max_examples=30, deadline=None)
@given(rows=st.lists(event, max_size=30), cuts=st.lists(st.integers(0, 30), max_size=3))
def test_merged_chunks_equal_one_pass(rows, cuts) -> None:
    whole = PLAN.accumulator()
    whole.add(table(rows, 0), pairs_of=brute.brute_join)
    bounds = sorted({0, len(rows), *(min(c, len(rows)) for c in cuts)})
    parts = []
    for lo, hi in itertools.pairwise(bounds):
        acc = PLAN.accumulator()
        acc.add(table(rows[lo:hi], lo), pairs_of=brute.brute_join)
        parts.append(acc)
    # Merge as a tree (right-leaning), as Dask's reduction may: order is what matters.
    merged = PLAN.accumulator()
    for acc in reversed(parts):
        merged = acc.merge(merged)
    expected = whole.finish().to_json()
    assert merged.finish().to_json() == expected
    # Feeding the chunks to one accumulator gives the same report too.
    serial = PLAN.accumulator()
    for lo, hi in itertools.pairwise(bounds):
        serial.add(table(rows[lo:hi], lo), pairs_of=brute.brute_join)
    assert serial.finish().to_json() == expected


def test_merge_does_not_change_its_inputs() -> None:
    a, b = PLAN.accumulator(), PLAN.accumulator()
    a.add(
        table([(34.45, 31.50, 3 * 86_400 + 8 * 3600, 60, 0.0, "Battles", 1)], 0),
        pairs_of=brute.brute_join,
    )
    b.add(
        table([(34.45, 31.50, 3 * 86_400 + 9 * 3600, 60, 0.0, "Battles", 2)], 1),
        pairs_of=brute.brute_join,
    )
    before = (a.finish().to_json(), b.finish().to_json())
    both = a.merge(b).finish()
    assert both.during.inside == 2 and both.during.fatalities_inside == 3
    assert (a.finish().to_json(), b.finish().to_json()) == before


def test_copies_of_a_plan_merge_and_other_plans_do_not() -> None:
    # As after crossing to a Dask worker and back: the same plan, another object.
    copy = pickle.loads(pickle.dumps(PLAN))
    assert copy is not PLAN and copy.fingerprint == PLAN.fingerprint
    a, b = PLAN.accumulator(), copy.accumulator()
    a.add(
        table([(34.45, 31.50, 3 * 86_400 + 9 * 3600, 60, 0.0, "Battles", 1)], 0),
        pairs_of=brute.brute_join,
    )
    b.add(
        table([(34.45, 31.50, 3 * 86_400 + 10 * 3600, 60, 0.0, "Battles", 1)], 1),
        pairs_of=brute.brute_join,
    )
    b = pickle.loads(pickle.dumps(b))
    assert a.merge(b).finish().during.inside == 2
    for options in (ReportOptions(baseline_days=2, margin_hours=4), ReportOptions(baseline_days=3)):
        other = ReportPlan.build(PAUSE, near=[SITE], options=options)
        assert other.fingerprint != PLAN.fingerprint
        with pytest.raises(ValueError, match="same ReportPlan"):
            PLAN.accumulator().merge(other.accumulator())
    no_site = ReportPlan.build(PAUSE, options=ReportOptions(baseline_days=3, margin_hours=4))
    assert no_site.fingerprint != PLAN.fingerprint
