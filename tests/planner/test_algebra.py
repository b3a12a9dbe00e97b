"""Properties of the pieces plan() is built from: shifts, drops, fleet shares, open spans."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from respite.planner import Depot, VehicleKind, Window
from respite.planner.build import fleet_shares
from respite.planner.model import Cargo
from respite.planner.shifts import drops_of, open_spans, shifts_of
from respite.schedule import IntervalSet, utc_seconds

from .helpers import at, small_problem

GAZA = ZoneInfo("Asia/Gaza")

spans = st.lists(
    st.tuples(st.integers(0, 47), st.integers(1, 12)).map(lambda t: (t[0], t[0] + t[1])),
    min_size=1,
    max_size=6,
)


@settings(max_examples=60, deadline=None)
@given(spans, st.integers(0, 30))
def test_shifts_partition_the_open_time_after_now(pairs, now_hour) -> None:
    windows = tuple(Window(f"w{i}", at(a), at(b)) for i, (a, b) in enumerate(pairs))
    problem = replace(small_problem(), windows=windows, now=at(now_hour))
    shifts = shifts_of(problem)
    union = IntervalSet.from_pairs([(utc_seconds(w.start), utc_seconds(w.end)) for w in windows])
    after_now = union - IntervalSet.from_pairs([(0, utc_seconds(at(now_hour)))])
    covered = IntervalSet.from_pairs([(utc_seconds(s.start), utc_seconds(s.end)) for s in shifts])
    assert covered == after_now
    for first, second in itertools.pairwise(shifts):
        assert first.end <= second.start
    for shift in shifts:  # the windows open in a shift are open throughout it
        assert shift.windows
        assert all(w.start <= shift.start and shift.end <= w.end for w in shift.windows)
        assert set(shift.windows) == {
            w for w in windows if w.start <= shift.start and shift.end <= w.end
        }


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 500), min_size=1, max_size=5), st.integers(1, 60))
def test_drops_add_up_to_the_demand_and_fit_a_vehicle(demands, capacity) -> None:
    problem = small_problem(
        demands=tuple(demands), positions=tuple(10.0 for _ in demands), capacity=capacity
    )
    drops = drops_of(problem)
    for item, demand in enumerate(demands):
        mine = [d.amount for d in drops if d.item == item]
        assert sum(mine) == demand
        assert max(mine) <= capacity
        assert len(mine) == -(-demand // capacity)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 400), st.lists(st.one_of(st.none(), st.integers(1, 40)), min_size=1, max_size=4)
)
def test_fleet_shares_add_up_and_follow_throughput(count, rates) -> None:
    depots = tuple(Depot(f"c{i}", f"C{i}", 34.0, 31.0, r) for i, r in enumerate(rates))
    kind = VehicleKind("truck", Cargo.GOODS, 20, count, 30, tuple(d.id for d in depots))
    problem = replace(small_problem(), depots=depots, vehicles=(kind,))
    shares = fleet_shares(problem)
    assert sum(shares.values()) == count
    weights = [r if r is not None else max((x for x in rates if x), default=1) for r in rates]
    for d, weight in enumerate(weights):  # largest remainder: within one of the exact share
        assert abs(shares[(0, d)] - count * weight / sum(weights)) < 1


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 23), st.integers(1, 23), st.integers(0, 70), st.integers(1, 72))
def test_open_spans_lie_inside_both_the_span_and_the_hours(open_h, length, lo, span) -> None:
    close_h = min(open_h + length, 23)
    if close_h <= open_h:
        return
    opening = ((time(open_h), time(close_h)),)
    start, end = at(lo), at(lo + span)
    pieces = open_spans(start, end, opening, "Asia/Gaza")
    for a, b in pieces:
        assert start <= a < b <= end
        local_a = a.astimezone(GAZA)
        local_b = (b - timedelta(seconds=1)).astimezone(local_a.tzinfo)
        assert time(open_h) <= local_a.time() and local_b.time() < time(close_h)
    # every hour inside both is in some piece
    probe = start
    while probe < end:
        local = probe.astimezone(GAZA).time()
        inside = time(open_h) <= local < time(close_h)
        assert inside == any(a <= probe < b for a, b in pieces)
        probe += timedelta(minutes=37)
