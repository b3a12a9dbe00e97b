"""The done-when scenarios: polio round 1 and a truce day, on the bundled data.

Every planned leg is checked with the route check (respite.engine.check_route) against the
scenario's own coverage: a vehicle is never on a stretch outside the pause that covers it.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import datetime, time
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from pyproj import Geod

from respite.engine import CoverageEngine, check_route
from respite.planner import Leg, MaxRuntime, PlanResult, Reason, plan
from respite.planner.examples import polio_round_1, truce_day

GAZA = ZoneInfo("Asia/Gaza")


@pytest.fixture(scope="module")
def polio() -> PlanResult:
    return plan(polio_round_1(), MaxRuntime(1.0), seed=1)


def test_polio_plan_is_feasible_and_says_what_is_left(polio: PlanResult) -> None:
    assert polio.feasible
    assert 0 < polio.delivered() < polio.demand()
    assert polio.demand() == 156_500 + 340_000 + 150_000
    left = sum(s.amount for s in polio.shortfalls)
    assert left == polio.demand() - polio.delivered()
    assert all(s.reason in set(Reason) and s.detail for s in polio.shortfalls)
    # teams work from bases (several trips a day): no crossing bound, the fleet binds
    assert polio.upper_bound["goods"] is None
    assert {s.reason for s in polio.shortfalls} <= {Reason.FLEET, Reason.NOT_SCHEDULED}
    assert polio.runtime < 60


def test_polio_teams_work_only_in_their_zone_window(
    polio: PlanResult, engine: CoverageEngine
) -> None:
    problem = polio_round_1()
    windows = {w.id: w for w in problem.windows}
    sample = random.Random(4).sample(polio.routes, 25)
    for route in sample:
        [window_id] = route.windows
        window = windows[window_id]
        zone = route.kind.removeprefix("team-")
        assert window.part_id == zone
        for leg in route.legs:
            assert window.start <= leg.depart <= leg.arrive <= window.end
            if leg.km < 0.05:
                continue
            check = check_route(engine, list(leg.path), times=_times(leg))
            assert check.uncovered == (), (route.vehicle, leg.from_id, leg.to_id)


def _times(leg: Leg) -> list[datetime]:
    """Vertex times along a leg at constant speed."""
    geod = Geod(ellps="WGS84")
    lons, lats = zip(*leg.path, strict=True)
    steps = np.array(geod.inv(lons[:-1], lats[:-1], lons[1:], lats[1:])[2])
    frac = np.concatenate([[0.0], np.cumsum(steps)]) / max(steps.sum(), 1e-9)
    span = leg.arrive - leg.depart
    return [leg.depart + span * float(f) for f in frac]


def test_truce_day_respects_crossing_throughput_and_windows() -> None:
    problem = truce_day()
    busy = replace(
        problem, destinations=tuple(replace(d, demand=d.demand * 4) for d in problem.destinations)
    )
    result = plan(busy, MaxRuntime(1.0), seed=1)
    assert result.feasible and result.routes
    rates = {d.id: d.throughput_per_hour for d in busy.depots}
    per_hour = Counter((r.depot, r.departure.replace(minute=0, second=0)) for r in result.routes)
    for (depot, _), count in per_hour.items():
        assert count <= rates[depot]
    [window] = busy.windows
    for route in result.routes:
        assert route.depot in {"kerem-shalom", "rafah"}
        out, back = (t.astimezone(GAZA) for t in (route.departure, route.arrival))
        assert out.time() >= time(8) and back.time() <= time(16)  # the crossings' hours
        assert window.start <= route.departure and route.arrival <= window.end
    assert result.delivered() <= result.upper_bound["goods"] == 200 * 20
