"""The HTML report: self-contained, escaped, and drawing what the report counted."""

from __future__ import annotations

import dataclasses
import importlib.util
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import numpy as np
import pytest
from shapely.geometry import LineString, Point

from respite.compliance.event_table import EventTable
from respite.compliance.render.common import omitted, pick_events
from respite.compliance.render.html import render_html
from respite.compliance.render.timeline import LEFT, RIGHT, WIDTH
from respite.compliance.report.build import ComplianceReport, build_report
from respite.compliance.windows import NearFeature, ReportOptions
from respite.pauses import parse_pauses

_spec = importlib.util.spec_from_file_location("brute", Path(__file__).with_name("brute.py"))
assert _spec is not None and _spec.loader is not None
brute = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(brute)

HOSTILE = '<script>alert("x")</script>'
PAUSE = """
format: respite-pauses/1
pauses:
  - id: html
    name: {en: "Pause <b>bold</b> & 'quoted'"}
    kind: humanitarian_pause
    timezone: Asia/Gaza
    parts:
      - id: east
        name: {en: East <i>zone</i>}
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


@pytest.fixture(scope="module")
def report() -> ComplianceReport:
    noon = utc(2024, 3, 10, 10)
    midnight = utc(2024, 3, 9, 22)  # 10 March 00:00 local
    events = EventTable(
        key=objects(["plain", HOSTILE, "day-event"]),
        lon=np.array([34.45, 34.451, 34.45 + 0.02]),
        lat=np.array([31.50, 31.501, 31.50]),
        t_lo=np.array([noon, noon + 60, midnight], dtype=np.int64),
        t_hi=np.array([noon + 1, noon + 61, midnight + 86_400], dtype=np.int64),
        radius_m=np.array([0.0, 0.0, 2000.0]),
        event_type=objects(["Shelling", "<img src=x onerror=alert(1)>", "Battles"]),
        fatalities=np.array([2, -1, 0], dtype=np.int64),
        time_precision=objects(["second", "second", "day"]),
        geo_precision=objects(["exact", "exact", "town"]),
        location=objects([HOSTILE, None, "Town & <country>"]),
    )
    site = NearFeature("site", "s1", HOSTILE, Point(34.46, 31.51), noon - 3600, noon + 3600)
    road = NearFeature(
        "movement", "m1", "Convoy", LineString([(34.43, 31.48), (34.46, 31.51)]), noon, noon + 60
    )
    pause = parse_pauses(PAUSE)[0]
    return build_report(
        pause, events, near=[site, road], options=ReportOptions(), pairs_of=brute.brute_join
    )


def test_the_page_fetches_nothing(report: ComplianceReport) -> None:
    page = render_html(report)
    lowered = page.lower()
    for needle in ("http:", "https:", "<script", "<link", "<img", "<iframe", "@import", "url("):
        assert needle not in lowered, needle
    doc = lxml.html.fromstring(page)
    for element in doc.iter():
        assert not {"src", "href", "xlink:href", "srcset"} & set(element.attrib)
        assert not any("://" in value for value in element.attrib.values())


def test_outside_text_is_escaped(report: ComplianceReport) -> None:
    page = render_html(report)
    assert HOSTILE not in page
    assert "<img src=x" not in page
    assert "<b>bold</b>" not in page and "<i>zone</i>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "Pause &lt;b&gt;bold&lt;/b&gt; &amp; &#x27;quoted&#x27;" in page
    assert "Town &amp; &lt;country&gt;" in page
    # The hostile key is a row of the event list, shown as text.
    doc = lxml.html.fromstring(page)
    keys = [row[0].text_content() for row in doc.xpath("//table[last()]/tbody/tr")]
    assert HOSTILE in keys and "plain" in keys


def test_svgs_are_well_formed_and_labelled(report: ComplianceReport) -> None:
    page = render_html(report)
    svgs = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert len(svgs) == 2
    for svg in svgs:
        ET.fromstring(svg)  # well-formed XML, entities and all
    timeline, map_svg = svgs
    assert "Local time, EET (Asia/Gaza)" in timeline
    assert ">10 Mar<" in timeline and ">11 Mar<" in timeline
    assert ">N</text>" in map_svg
    assert re.search(r">\d+ (m|km)</text>", map_svg)  # the scale bar
    for svg in svgs:
        assert "inside</text>" in svg and "possibly inside</text>" in svg


def test_a_day_dated_event_is_a_bar_across_its_day(report: ComplianceReport) -> None:
    timeline = re.findall(r"<svg.*?</svg>", render_html(report), flags=re.S)[0]
    root = ET.fromstring(timeline)
    found = {}
    for el in root:
        title = el.find("title")
        if title is not None and title.text and title.text.startswith("day-event ("):
            found[el.tag] = el
    (bar,) = found.values()
    assert bar.tag == "rect"
    # The axis runs over whole local days: 10 and 11 March, margins included.
    day_px = (WIDTH - LEFT - RIGHT) / 2
    assert float(bar.get("width", "0")) == pytest.approx(day_px, abs=0.2)
    # Possibly inside: drawn dashed, not only in another colour.
    assert bar.get("stroke-dasharray")
    marks = [el for el in root if el.tag in ("rect", "circle") and el.find("title") is not None]
    inside = [m for m in marks if (m.findtext("title") or "").startswith("plain (inside)")]
    assert [m.tag for m in inside] == ["rect"]


def test_tables_show_the_counts(report: ComplianceReport) -> None:
    doc = lxml.html.fromstring(render_html(report))
    summary = doc.xpath("//table")[0]
    during = summary.xpath(".//tr[th='During the windows']")[0]
    cells = [td.text_content() for td in during.xpath("td")]
    counts = report.during
    assert cells[:3] == [str(counts.inside), str(counts.possibly), str(counts.outside)]
    assert counts.inside == 2
    assert cells[3] == "2 (+1 not reporting)"  # one inside event did not report fatalities
    near = doc.xpath("//h2[.='Near sites and movements']/following-sibling::table[1]")[0]
    labels = [tr.xpath("td")[1].text_content() for tr in near.xpath("tbody/tr")]
    assert labels == [HOSTILE, "Convoy"]


def test_charts_draw_each_event_once_inside_first_and_cap_the_rest(
    report: ComplianceReport,
) -> None:
    entries = list(report.events)
    chosen, left_out = pick_events(entries, ("during", "near"), key=lambda e: e.key, limit=2)
    assert left_out == len({e.key for e in entries if e.phase in ("during", "near")}) - 2
    assert [e.klass for e in chosen] == ["inside", "inside"]
    # An event met possibly inside one row and inside another is drawn once, as inside.
    inside = next(e for e in entries if e.klass == "inside")
    possibly = dataclasses.replace(inside, klass="possibly", phase="near")
    (drawn,), none_left = pick_events([possibly, inside], ("during", "near"), key=lambda e: e.key)
    assert (drawn, none_left) == (inside, 0)
    assert omitted(3) == "; 3 more not drawn (all are in the event list)"
    assert omitted(0) == ""
