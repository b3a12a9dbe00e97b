"""A compliance report as HXL 1.1 tagged CSV, for spreadsheets and HXL tools alike.

:func:`render_hxl` is one row per window and phase (during, margin before, margin after, one
per baseline day) plus one per near feature; :func:`render_hxl_events` is one row per listed
event pair, tagged as ACLED's own HXL exports tag events (``#event+code``, ``#event+type``,
``#affected+killed``) so the two can be read side by side. Counts are events, in
``#indicator+num``; fatalities are people, in ``#affected+killed``, left empty when no event
counted reports them; unknown fatalities are their own column. Times are UTC with ``Z`` and
local with their offset, and the zone is named.
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from respite.compliance.report.build import ComplianceReport, Counts
from respite.compliance.report.text import time_json
from respite.feeds.hxl import hxl_csv

WINDOW_COLUMNS = (
    ("Pause ID", "#event+id"),
    ("Pause status", "#status"),
    ("Row kind", "#loc+type"),
    ("Part or feature ID", "#loc+id"),
    ("Part or feature name", "#loc+name"),
    ("Window", "#meta+window"),
    ("Phase", "#meta+phase"),
    ("Baseline day", "#meta+baseline_day"),
    ("Start (UTC)", "#date+start+utc"),
    ("End (UTC)", "#date+end+utc"),
    ("Start (local)", "#date+start+local"),
    ("End (local)", "#date+end+local"),
    ("Time zone", "#meta+timezone"),
    ("Window cut at as_of", "#meta+cut"),
    ("Events inside", "#indicator+num+inside"),
    ("Events possibly inside", "#indicator+num+possibly"),
    ("Events outside (same time, elsewhere)", "#indicator+num+outside"),
    ("Killed (inside)", "#affected+killed+inside"),
    ("Killed (possibly inside)", "#affected+killed+possibly"),
    ("Events inside, fatalities not reported", "#indicator+num+inside+unknown_killed"),
    (
        "Events possibly inside, fatalities not reported",
        "#indicator+num+possibly+unknown_killed",
    ),
    ("Event types (inside / possibly)", "#meta+event_types"),
    ("Baseline mean per day (inside or possibly)", "#indicator+num+baseline_mean"),
    ("During / baseline mean (inside or possibly)", "#indicator+num+baseline_ratio"),
)

EVENT_COLUMNS = (
    ("Event key", "#event+code"),
    ("Event type", "#event+type"),
    ("Pause ID", "#meta+pause"),
    ("Part", "#loc+id"),
    ("Window", "#meta+window"),
    ("Phase", "#meta+phase"),
    ("Class", "#status"),
    ("Time", "#meta+time_relation"),
    ("Place", "#meta+place_relation"),
    ("From (UTC)", "#date+start+utc"),
    ("Until (UTC)", "#date+end+utc"),
    ("From (local)", "#date+start+local"),
    ("Until (local)", "#date+end+local"),
    ("Time precision", "#meta+time_precision"),
    ("Latitude", "#geo+lat"),
    ("Longitude", "#geo+lon"),
    ("Radius (m)", "#geo+radius_m"),
    ("Geo precision", "#meta+geo_precision"),
    ("Location", "#loc+name"),
    ("Killed", "#affected+killed"),
    ("Why", "#description+why"),
)


def render_hxl(report: ComplianceReport) -> str:
    tz = ZoneInfo(report.timezone)
    rows: list[list[str]] = []

    def add(where: Sequence[str], span: tuple[int, int], cut: bool, cells: list[str]) -> None:
        a, b = time_json(span[0], tz), time_json(span[1], tz)
        times = [a["utc"], b["utc"], a["local"], b["local"], report.timezone, _yes(cut)]
        rows.append([report.pause_id, report.status, *where, *times, *cells])

    for part in report.parts:
        for w in part.windows:
            at = ["part", part.id, part.name, str(w.number)]
            baseline = [_num(w.baseline.mean_any), _num(w.baseline.ratio_any)]
            add([*at, "during", ""], (w.start, w.end), w.cut, _counts(w.during) + baseline)
            for phase, margin in (("before", w.before), ("after", w.after)):
                if margin is not None:
                    span = (margin.start, margin.end)
                    add([*at, phase, ""], span, False, [*_counts(margin.counts), "", ""])
            for day in w.baseline.days:
                assert day.start is not None and day.end is not None  # one window's own days
                cells = [str(day.inside), str(day.possibly), str(day.outside), *[""] * 7]
                add([*at, "baseline", str(day.day)], (day.start, day.end), False, cells)
    for near in report.near:
        f = near.feature
        where = [f.kind, f.id, f.label, "", "near", ""]
        add(where, (f.start, f.end), False, [*_counts(near.counts), "", ""])
    return hxl_csv(WINDOW_COLUMNS, rows)


def render_hxl_events(report: ComplianceReport) -> str:
    tz = ZoneInfo(report.timezone)
    rows = []
    for e in report.events:
        a, b = time_json(e.occurred_from, tz), time_json(e.occurred_until, tz)
        rows.append(
            [
                e.key,
                e.event_type,
                report.pause_id,
                e.part or e.near or "",
                "" if e.window is None else str(e.window),
                e.phase,
                e.klass,
                e.time,
                e.place,
                a["utc"],
                b["utc"],
                a["local"],
                b["local"],
                e.time_precision,
                f"{e.lat:.6f}",
                f"{e.lon:.6f}",
                _num(e.radius_m),
                e.geo_precision,
                e.location or "",
                "" if e.fatalities is None else str(e.fatalities),
                e.why,
            ]
        )
    return hxl_csv(EVENT_COLUMNS, rows)


def _counts(counts: Counts) -> list[str]:
    types = "; ".join(f"{t.event_type}: {t.inside} / {t.possibly}" for t in counts.by_type)
    return [
        str(counts.inside),
        str(counts.possibly),
        str(counts.outside),
        _killed(counts.fatalities_inside, counts.inside, counts.unknown_fatalities_inside),
        _killed(counts.fatalities_possibly, counts.possibly, counts.unknown_fatalities_possibly),
        str(counts.unknown_fatalities_inside),
        str(counts.unknown_fatalities_possibly),
        types,
    ]


def _killed(total: int, events: int, unknown: int) -> str:
    # Empty, not 0, when no counted event reports fatalities: "none reported" is not "none".
    return "" if events == unknown else str(total)


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.3f}"


def _yes(flag: bool) -> str:
    return "yes" if flag else ""


__all__ = ["EVENT_COLUMNS", "WINDOW_COLUMNS", "render_hxl", "render_hxl_events"]
