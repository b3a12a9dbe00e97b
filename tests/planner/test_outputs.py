"""JSON, CSV and HTML outputs, and the what-if comparisons."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from respite.errors import InvalidInput
from respite.planner import MaxRuntime, PlanResult, plan
from respite.planner.page import plan_html
from respite.planner.whatif import add_day, add_vehicles, close_crossing, compare, extend_window
from respite.planner.writers import STOP_COLUMNS, plan_json, stops_csv, undelivered_csv

from .helpers import small_problem


@pytest.fixture(scope="module")
def result() -> PlanResult:
    problem = small_problem(
        demands=(20, 20, 20, 20), positions=(10.0, 20.0, 30.0, 300.0), capacity=20, count=2
    )
    return plan(problem, MaxRuntime(0.3), seed=1)


def test_json_has_local_and_utc_times_and_reasons(result: PlanResult) -> None:
    doc = json.loads(json.dumps(plan_json(result)))
    assert doc["format"] == "respite-plan/1"
    assert doc["timezone"] == "Asia/Damascus"
    stop = doc["routes"][0]["stops"][0]
    assert stop["arrive"]["utc"].endswith("Z")
    assert stop["arrive"]["local"].endswith("+03:00")  # Damascus is UTC+3 all year
    assert doc["summary"]["delivered"]["goods"] == result.delivered()
    [left] = doc["undelivered"]
    assert (left["id"], left["reason"]) == ("d3", "window too short")
    leg = doc["routes"][0]["legs"][0]
    assert leg["under_windows"] == ["w0"] and len(leg["path"]) >= 2


def test_csv_has_one_row_per_stop(result: PlanResult) -> None:
    rows = list(csv.DictReader(io.StringIO(stops_csv(result))))
    assert tuple(rows[0]) == STOP_COLUMNS
    assert len(rows) == sum(len(r.stops) for r in result.routes)
    assert {r["timezone"] for r in rows} == {"Asia/Damascus"}
    undelivered = list(csv.DictReader(io.StringIO(undelivered_csv(result))))
    assert [(r["id"], r["reason"]) for r in undelivered] == [("d3", "window too short")]


def test_html_is_self_contained(result: PlanResult) -> None:
    page = plan_html(result)
    assert page.count("<svg") == 2  # map and timeline
    assert "window too short" in page
    urls = re.findall(r"(?:src|href)=[\"']([^\"']+)", page)
    assert urls == []
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_more_trucks_deliver_more() -> None:
    base = small_problem(demands=(20,) * 4, positions=(100.0,) * 4, capacity=20, count=2)
    before = plan(base, MaxRuntime(0.3), seed=1)
    after = plan(add_vehicles(base, "truck", 2), MaxRuntime(0.3), seed=1)
    diff = compare("2 more trucks", before, after)
    assert diff.delivered() == (40, 80)
    assert diff.as_json()["difference"]["goods"] == 40
    assert {(i.item_id, i.before, i.after) for i in diff.items()} == {
        ("d2", 0, 20),
        ("d3", 0, 20),
    } or len(diff.items()) == 2


def test_a_longer_window_lets_a_far_place_in() -> None:
    # 130 km each way at 60 km/h: 4 h 20 min, over a 4-hour window; an hour more fits it
    base = small_problem(demands=(10,), positions=(130.0,), windows=((8, 12),))
    before = plan(base, MaxRuntime(0.3), seed=1)
    after = plan(extend_window(base, "w0", 1), MaxRuntime(0.3), seed=1)
    assert (before.delivered(), after.delivered()) == (0, 10)


def test_another_day_and_a_closed_crossing() -> None:
    base = small_problem(
        demands=(20,) * 3,
        positions=(10.0,) * 3,
        capacity=20,
        count=1,
        throughput=1,
        windows=((8, 9),),
    )
    more = add_day(base, "w0")
    assert [w.id for w in more.windows] == ["w0", "w0+1d"]
    assert (
        plan(more, MaxRuntime(0.3), seed=1).delivered()
        == 2 * plan(base, MaxRuntime(0.3), seed=1).delivered()
    )
    with pytest.raises(InvalidInput, match="no vehicle kind carries goods"):
        plan(close_crossing(base, "base"), MaxRuntime(0.3))
    with pytest.raises(InvalidInput, match="unknown window 'w9'"):
        extend_window(base, "w9")
