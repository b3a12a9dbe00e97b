"""A compliance report as a JSON-ready dict (shape documented in ``docs/compliance.md``).

Every instant is an object with ``utc`` (ISO 8601, ``Z``), ``local`` (ISO 8601 with the
offset then in force) and ``text`` (local, zone named), so a reader never converts by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from respite.compliance.report.text import time_json
from respite.geometry import to_geojson

if TYPE_CHECKING:
    from respite.compliance.report.events import EventEntry
    from respite.compliance.report.model import (
        Baseline,
        ComplianceReport,
        Counts,
        Margin,
        PartReport,
        WindowReport,
    )

FORMAT = "respite-compliance/1"


def report_json(report: ComplianceReport) -> dict[str, Any]:
    tz = ZoneInfo(report.timezone)
    options = report.options
    return {
        "format": FORMAT,
        "pause": {
            "id": report.pause_id,
            "name": report.pause_name,
            "kind": report.kind,
            "status": report.status,
            "version": report.version,
            "timezone": report.timezone,
        },
        "options": {
            "margin_hours": options.margin_hours,
            "baseline_days": options.baseline_days,
            "near_distance_m": options.near_distance_m,
            "list_events": options.list_events,
            "as_of": None if options.as_of is None else time_json(options.as_of, tz),
        },
        "projection": {"lon0": report.projection.lon0, "lat0": report.projection.lat0},
        "events_seen": report.events_seen,
        "summary": _phases(report.during, report.before, report.after, report.baseline, tz),
        "parts": [_part(part, tz) for part in report.parts],
        "near": [
            {
                "kind": n.feature.kind,
                "id": n.feature.id,
                "label": n.feature.label,
                "geometry": to_geojson(n.feature.geometry),
                "start": time_json(n.feature.start, tz),
                "end": time_json(n.feature.end, tz),
                "counts": counts_json(n.counts),
            }
            for n in report.near
        ],
        "pairs_total": report.pairs_total,
        "pairs_listed": len(report.events),
        "events": [_event(e, tz) for e in report.events],
    }


def counts_json(counts: Counts) -> dict[str, Any]:
    return {
        "inside": counts.inside,
        "possibly": counts.possibly,
        "outside": counts.outside,
        "by_type": {
            t.event_type: {"inside": t.inside, "possibly": t.possibly} for t in counts.by_type
        },
        "fatalities": {
            "inside": counts.fatalities_inside,
            "possibly": counts.fatalities_possibly,
            "unknown_inside": counts.unknown_fatalities_inside,
            "unknown_possibly": counts.unknown_fatalities_possibly,
        },
    }


def _phases(
    during: Counts, before: Counts, after: Counts, baseline: Baseline, tz: ZoneInfo
) -> dict[str, Any]:
    return {
        "during": counts_json(during),
        "before": counts_json(before),
        "after": counts_json(after),
        "baseline": _baseline(baseline, tz),
    }


def _part(part: PartReport, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "id": part.id,
        "name": part.name,
        "approximation": part.approximation,
        **_phases(part.during, part.before, part.after, part.baseline, tz),
        "windows": [_window(w, tz) for w in part.windows],
    }


def _window(window: WindowReport, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "number": window.number,
        "start": time_json(window.start, tz),
        "end": time_json(window.end, tz),
        "cut_at_as_of": window.cut,
        "during": counts_json(window.during),
        "before": _margin(window.before, tz),
        "after": _margin(window.after, tz),
        "baseline": _baseline(window.baseline, tz),
    }


def _margin(margin: Margin | None, tz: ZoneInfo) -> dict[str, Any] | None:
    if margin is None:
        return None
    return {
        "start": time_json(margin.start, tz),
        "end": time_json(margin.end, tz),
        **counts_json(margin.counts),
    }


def _baseline(baseline: Baseline, tz: ZoneInfo) -> dict[str, Any]:
    days = []
    for d in baseline.days:
        day: dict[str, Any] = {
            "day": d.day,
            "inside": d.inside,
            "possibly": d.possibly,
            "outside": d.outside,
        }
        if d.start is not None and d.end is not None:
            day |= {
                "start": time_json(d.start, tz),
                "end": time_json(d.end, tz),
                "shift_days": d.shift_days,
            }
        days.append(day)
    return {
        "days": days,
        "mean_inside": baseline.mean_inside,
        "mean_any": baseline.mean_any,
        "during_inside": baseline.during_inside,
        "during_any": baseline.during_inside + baseline.during_possibly,
        "ratio_inside": baseline.ratio_inside,
        "ratio_any": baseline.ratio_any,
    }


def _event(e: EventEntry, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "key": e.key,
        "phase": e.phase,
        "part": e.part,
        "window": e.window,
        "baseline_day": e.baseline_day,
        "near": e.near,
        "row": {"start": time_json(e.row_start, tz), "end": time_json(e.row_end, tz)},
        "class": e.klass,
        "time": e.time,
        "place": e.place,
        "occurred_from": time_json(e.occurred_from, tz),
        "occurred_until": time_json(e.occurred_until, tz),
        "lon": e.lon,
        "lat": e.lat,
        "radius_m": e.radius_m,
        "point_inside_zone": e.point_inside,
        "point_to_edge_m": round(e.edge_m, 1),
        "event_type": e.event_type,
        "fatalities": e.fatalities,
        "time_precision": e.time_precision,
        "geo_precision": e.geo_precision,
        "location": e.location,
        "why": e.why,
    }
