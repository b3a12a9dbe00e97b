"""The HXL tables read back by libhxl, the HXL reference library."""

from __future__ import annotations

import importlib.util
import io
from datetime import UTC, datetime
from pathlib import Path

import hxl
import numpy as np
import pytest
from shapely.geometry import Point

from respite.compliance.event_table import EventTable
from respite.compliance.render.hxl import (
    EVENT_COLUMNS,
    WINDOW_COLUMNS,
    render_hxl,
    render_hxl_events,
)
from respite.compliance.report.build import ComplianceReport, build_report
from respite.compliance.windows import NearFeature, ReportOptions
from respite.pauses import parse_pauses

_spec = importlib.util.spec_from_file_location("brute", Path(__file__).with_name("brute.py"))
assert _spec is not None and _spec.loader is not None
brute = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(brute)

PAUSE = """
format: respite-pauses/1
pauses:
  - id: hxl-test
    name: {en: HXL test}
    kind: humanitarian_pause
    timezone: Asia/Gaza
    parts:
      - id: east
        zone: {circle: {lon: 34.45, lat: 31.50, radius_m: 3000}}
        windows:
          - {start_time: "08:00", end_time: "14:00", first_date: 2024-03-10, rrule: FREQ=DAILY;COUNT=2}
    sources: [{title: synthetic test data}]
"""


def utc(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())


def objects(values: list[object]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def read(text: str) -> hxl.model.Dataset:
    # libhxl sniffs the format from bytes; it cannot read a text stream.
    return hxl.data(io.BytesIO(text.encode("utf-8")))


@pytest.fixture(scope="module")
def report() -> ComplianceReport:
    noon = utc(2024, 3, 10, 10)
    n = 4
    events = EventTable(
        key=objects(["a", "b", "c", "d, with comma"]),
        lon=np.array([34.45, 34.45, 34.45, 34.47]),
        lat=np.array([31.50, 31.50, 31.50, 31.51]),
        t_lo=np.array([noon, noon + 5, utc(2024, 3, 9, 10), noon + 3600], dtype=np.int64),
        t_hi=np.array([noon + 1, noon + 6, utc(2024, 3, 9, 11), noon + 3601]),
        radius_m=np.zeros(n),
        event_type=objects(["Shelling", "Shelling", "Battles", "Battles"]),
        fatalities=np.array([-1, -1, 4, 1], dtype=np.int64),
        time_precision=objects(["second"] * n),
        geo_precision=objects(["exact"] * n),
        location=objects(['Gaza, "east"', None, None, None]),
    )
    site = NearFeature("site", "s1", "Clinic", Point(34.47, 31.51), noon - 86_400, noon + 86_400)
    pause = parse_pauses(PAUSE)[0]
    return build_report(
        pause, events, near=[site], options=ReportOptions(), pairs_of=brute.brute_join
    )


def test_window_table(report: ComplianceReport) -> None:
    text = render_hxl(report)
    data = read(text)
    assert [c.display_tag for c in data.columns] == [tag for _, tag in WINDOW_COLUMNS]
    rows = list(read(text))
    # Per window: during, before, after and the 7 baseline days; then the site.
    assert len(rows) == 2 * (3 + 7) + 1
    first = [r for r in rows if r.get("#meta+window") == "1"]
    assert [r.get("#meta+phase") for r in first[:3]] == ["during", "before", "after"]
    during = first[0]
    assert during.get("#date+start+utc") == "2024-03-10T06:00:00Z"
    assert during.get("#date+start+local") == "2024-03-10T08:00:00+02:00"
    assert during.get("#meta+timezone") == "Asia/Gaza"
    assert during.get("#indicator+num+inside") == "3"
    assert during.get("#affected+killed+inside") == "1"
    assert during.get("#indicator+num+inside+unknown_killed") == "2"
    # No event counted, so no fatalities reported: the killed cell is empty, not 0.
    assert first[1].get("#indicator+num+inside") == "0"
    assert first[1].get("#affected+killed+inside") is None
    baseline = [r for r in first if r.get("#meta+phase") == "baseline"]
    assert [r.get("#meta+baseline_day") for r in baseline] == [str(d) for d in range(1, 8)]
    assert [r.get("#indicator+num+inside") for r in baseline] == ["1"] + ["0"] * 6
    window = report.parts[0].windows[0]
    assert during.get("#indicator+num+baseline_mean") == f"{window.baseline.mean_any:.3f}"
    (site,) = [r for r in rows if r.get("#meta+phase") == "near"]
    assert (site.get("#loc+type"), site.get("#loc+id")) == ("site", "s1")
    assert site.get("#indicator+num+inside") == str(report.near[0].counts.inside) == "1"
    assert site.get("#affected+killed+inside") == "1"
    result = hxl.validate(read(text))
    assert [i for i in result["issues"] if i["severity"] == "error"] == []


def test_event_table(report: ComplianceReport) -> None:
    text = render_hxl_events(report)
    data = read(text)
    assert [c.display_tag for c in data.columns] == [tag for _, tag in EVENT_COLUMNS]
    rows = list(read(text))
    assert len(rows) == len(report.events)
    got = [(r.get("#event+code"), r.get("#meta+phase"), r.get("#status")) for r in rows]
    assert got == [(e.key, e.phase, e.klass) for e in report.events]
    assert ("d, with comma", "near", "inside") in got
    a = next(r for r in rows if r.get("#event+code") == "a")
    assert a.get("#loc+name") == 'Gaza, "east"'
    assert a.get("#affected+killed") is None  # not reported
    assert a.get("#description+why").startswith("at 2024-03-10 12:00 EET (Asia/Gaza) lies within")
    result = hxl.validate(read(text))
    assert [i for i in result["issues"] if i["severity"] == "error"] == []
