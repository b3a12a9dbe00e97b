"""The event list of a compliance report: one entry per inside or possibly pair.

Each entry carries what a reviewer needs to redo the decision by hand: the event's time span
and radius, the row it met (part, window, phase and interval), how time and place relate, and
a one-line "why" with the distance from the event's point to the zone's edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import numpy as np
import shapely

from respite.compliance.event_table import UNKNOWN_FATALITIES, EventTable
from respite.compliance.frame import INSIDE, WITHIN, Float64Array, Pairs
from respite.compliance.report.phases import PHASES
from respite.compliance.report.text import interval_text, metres, place_text, why

if TYPE_CHECKING:
    from respite.compliance.windows import ReportPlan


@dataclass(frozen=True, slots=True)
class EventEntry:
    key: str
    phase: str  # during | before | after | baseline | near
    part: str | None  # None for near rows
    window: int | None  # the part's window number (1 = first); None for baseline and near
    baseline_day: int | None  # 1 = nearest day before the pause
    near: str | None  # the near feature's id
    row_start: int
    row_end: int
    klass: str  # inside | possibly
    time: str  # within | overlaps
    place: str  # within | overlaps
    occurred_from: int
    occurred_until: int
    lon: float
    lat: float
    radius_m: float
    point_inside: bool  # the event's point lies inside the zone
    edge_m: float  # from the point to the zone's edge
    event_type: str
    fatalities: int | None
    time_precision: str
    geo_precision: str
    location: str | None
    why: str


def event_entries(
    plan: ReportPlan,
    table: EventTable | None,
    x: Float64Array,
    y: Float64Array,
    pairs: Pairs,
) -> tuple[EventEntry, ...]:
    if table is None or len(pairs) == 0:
        return ()
    tz = ZoneInfo(plan.pause.timezone)
    rows = plan.rows
    zone_of = rows.zone[pairs.row]
    inside, edge = _edges(plan, zone_of, pairs.event, x, y)
    day_of = _baseline_days(plan)
    klass = pairs.klass
    entries = []
    for i in range(len(pairs)):
        e, r = int(pairs.event[i]), int(pairs.row[i])
        phase = PHASES[int(plan.row_phase[r])]
        p, w, f = int(plan.row_part[r]), int(plan.row_window[r]), int(plan.row_near[r])
        start, end = int(rows.start[r]), int(rows.end[r])
        t_lo, t_hi = int(table.t_lo[e]), int(table.t_hi[e])
        radius = float(table.radius_m[e])
        fatalities = int(table.fatalities[e])
        time_rel, place_rel = int(pairs.time[i]), int(pairs.place[i])
        interval = interval_text(start, end, tz)
        if f >= 0:
            feature = plan.near[f]
            zone = f"{metres(plan.options.near_distance_m)} around {feature.kind} {feature.label}"
            target = f"the {feature.kind}'s time {interval}"
        else:
            zone = f"the zone of part {plan.parts[p].id}"
            target = _target(phase, interval)
        entries.append(
            EventEntry(
                key=str(table.key[e]),
                phase=phase,
                part=plan.parts[p].id if p >= 0 else None,
                window=plan.windows[w].index + 1 if w >= 0 else None,
                baseline_day=day_of.get(r),
                near=plan.near[f].id if f >= 0 else None,
                row_start=start,
                row_end=end,
                klass="inside" if klass[i] == INSIDE else "possibly",
                time=_relation(time_rel),
                place=_relation(place_rel),
                occurred_from=t_lo,
                occurred_until=t_hi,
                lon=float(table.lon[e]),
                lat=float(table.lat[e]),
                radius_m=radius,
                point_inside=bool(inside[i]),
                edge_m=float(edge[i]),
                event_type=str(table.event_type[e]),
                fatalities=None if fatalities == UNKNOWN_FATALITIES else fatalities,
                time_precision=str(table.time_precision[e]),
                geo_precision=str(table.geo_precision[e]),
                location=None if table.location[e] is None else str(table.location[e]),
                why=why(
                    t_lo=t_lo,
                    t_hi=t_hi,
                    time=time_rel,
                    target=target,
                    place=place_text(place_rel, radius, bool(inside[i]), float(edge[i]), zone),
                    tz=tz,
                ),
            )
        )
    return tuple(entries)


def _target(phase: str, interval: str) -> str:
    if phase == "during":
        return f"window {interval}"
    if phase in ("before", "after"):
        return f"the margin {interval} {phase} a window"
    return f"baseline hours {interval}"


def _relation(value: int) -> str:
    return "within" if value == WITHIN else "overlaps"


def _edges(
    plan: ReportPlan,
    zone_of: np.ndarray[tuple[int], np.dtype[np.int32]],
    events: np.ndarray[tuple[int], np.dtype[np.int64]],
    x: Float64Array,
    y: Float64Array,
) -> tuple[np.ndarray[tuple[int], np.dtype[np.bool_]], Float64Array]:
    """Per pair: is the point inside the zone, and its distance to the zone's edge (metres)."""
    inside = np.zeros(len(events), dtype=np.bool_)
    edge = np.zeros(len(events), dtype=np.float64)
    for z in np.unique(zone_of).tolist():
        zone = plan.rows.zones[z]
        picked = np.flatnonzero(zone_of == z)
        # One distance per event, however many rows of this zone it met.
        uniq, back = np.unique(events[picked], return_inverse=True)
        inside[picked] = shapely.contains_xy(zone, x[uniq], y[uniq])[back]
        points = shapely.points(x[uniq], y[uniq])
        edge[picked] = shapely.distance(zone.boundary, points)[back]
    return inside, edge


def _baseline_days(plan: ReportPlan) -> dict[int, int]:
    days: dict[int, int] = {}
    for row, day in zip(plan.baseline.row.tolist(), plan.baseline.day.tolist(), strict=True):
        days[row] = min(day, days.get(row, day))
    return days
