"""The access snapshot, in the shape OCHA publishes it, and per-pause objective progress.

Pure: the caller gathers :class:`Mission` records (one per notified movement, with its latest
outcome) and these functions count them. A mission counts in the period of its earliest planned
departure (local date) and in the area of its destination (north or south of Wadi Gaza):

- ``planned``: every notified movement;
- ``facilitated``, ``partially_facilitated``, ``impeded`` (initially facilitated, then
  impeded), ``denied``, ``cancelled`` (postponed or cancelled by the organisation): by the latest
  recorded outcome; a withdrawn notification without an outcome counts as ``cancelled``;
- ``pending``: no outcome recorded yet.

Percentages are of ``planned``, to one decimal. Formats: JSON (:func:`access_snapshot`), HXL
1.1 CSV (:func:`snapshot_hxl_csv`) and a readable HTML page (:func:`snapshot_html`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from respite.movements.model import (
    NOTICE,
    OBJECTIVE_KINDS,
    Area,
    MovementObjective,
    OutcomeCategory,
)
from respite.pauses.model import ObjectiveKind
from respite.pauses.resolve import Pause

COLUMNS = (
    "planned",
    "facilitated",
    "partially_facilitated",
    "impeded",
    "denied",
    "cancelled",
    "pending",
)
LABELS = {
    "planned": "Planned",
    "facilitated": "Facilitated",
    "partially_facilitated": "Partially facilitated",
    "impeded": "Initially facilitated, then impeded",
    "denied": "Denied",
    "cancelled": "Postponed or cancelled by the organisation",
    "pending": "No outcome recorded yet",
}
AREA_NAMES = {"north": "North of Wadi Gaza", "south": "South of Wadi Gaza", "all": "Gaza Strip"}
#: Outcomes in which something got through (counted as delivered in objective progress).
REACHED = frozenset(
    {
        OutcomeCategory.FACILITATED,
        OutcomeCategory.PARTIALLY_FACILITATED,
        OutcomeCategory.IMPEDED,
    }
)


@dataclass(frozen=True, slots=True)
class Mission:
    movement_id: str
    area: Area
    departure: datetime
    objective: MovementObjective
    pause_ids: tuple[str, ...]
    outcome: OutcomeCategory | None
    withdrawn: bool
    planned_trucks: int = 0
    planned_people: int = 0
    trucks: int = 0
    people: int = 0
    fuel_litres: float = 0.0

    @property
    def column(self) -> str:
        if self.outcome is not None:
            return self.outcome.value
        return "cancelled" if self.withdrawn else "pending"


def _counts(missions: Sequence[Mission]) -> dict[str, Any]:
    counts = dict.fromkeys(COLUMNS, 0)
    counts["planned"] = len(missions)
    for mission in missions:
        counts[mission.column] += 1
    planned = counts["planned"]
    return {
        **counts,
        "percent": {
            key: round(100 * counts[key] / planned, 1) if planned else None for key in COLUMNS[1:]
        },
    }


def local_bounds(start: date, end: date, tz: str) -> tuple[datetime, datetime]:
    """UTC instants of local midnight on ``start`` and after ``end`` (both days included)."""
    zone = ZoneInfo(tz)
    first = datetime(start.year, start.month, start.day, tzinfo=zone)
    after = end + timedelta(days=1)
    return first, datetime(after.year, after.month, after.day, tzinfo=zone)


def access_snapshot(
    missions: Iterable[Mission],
    *,
    start: date,
    end: date,
    tz: str,
    area: Area | None = None,
) -> dict[str, Any]:
    lo, hi = local_bounds(start, end, tz)
    inside = [m for m in missions if lo <= m.departure < hi]
    areas = [area] if area is not None else list(Area)
    rows = [
        {"area": a.value, "name": AREA_NAMES[a.value]} | _counts([m for m in inside if m.area is a])
        for a in areas
    ]
    if area is None:
        rows.append({"area": "all", "name": AREA_NAMES["all"]} | _counts(inside))
    return {
        "notice": NOTICE.model_dump(),
        "period": {"from": start.isoformat(), "to": end.isoformat(), "timezone": tz},
        "definitions": LABELS,
        "areas": rows,
        "missions": sorted(m.movement_id for m in inside),
    }


HXL_COLUMNS = (
    ("Area", "#loc+name"),
    ("Area code", "#loc+code"),
    ("Period start", "#date+start"),
    ("Period end", "#date+end"),
    *(
        (f"{LABELS[key]}{suffix}", f"#indicator+{key.replace('_', '')}{tag}")
        for key in COLUMNS
        for suffix, tag in (("", "+num"), (" (%)", "+pct"))
        if not (key == "planned" and tag == "+pct")
    ),
)


def snapshot_hxl_csv(report: dict[str, Any]) -> str:
    """One row per area: a human header row, then the HXL hashtag row, then the data."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([label for label, _ in HXL_COLUMNS])
    writer.writerow([tag for _, tag in HXL_COLUMNS])
    period = report["period"]
    for row in report["areas"]:
        cells: list[Any] = [row["name"], row["area"], period["from"], period["to"]]
        for key in COLUMNS:
            cells.append(row[key])
            if key != "planned":
                share = row["percent"][key]
                cells.append("" if share is None else f"{share:.1f}")
        writer.writerow(cells)
    return out.getvalue()


def snapshot_html(report: dict[str, Any]) -> str:
    """A readable, printable page (no scripts, no external assets)."""
    period = report["period"]
    head = "".join(f"<th scope='col'>{escape(LABELS[k])}</th>" for k in COLUMNS)
    body = []
    for row in report["areas"]:
        cells = [f"<td>{row['planned']}</td>"]
        for key in COLUMNS[1:]:
            share = row["percent"][key]
            pct = "" if share is None else f" <small>({share:.1f}%)</small>"
            cells.append(f"<td>{row[key]}{pct}</td>")
        body.append(f"<tr><th scope='row'>{escape(row['name'])}</th>{''.join(cells)}</tr>")
    title = f"Access snapshot, {period['from']} to {period['to']}"
    query = escape(f"from={period['from']}&to={period['to']}")
    return (
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
        "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3em .6em;"
        "text-align:right}th[scope=row]{text-align:left}.notice{background:#eef;"
        "padding:.6em}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        f"<p>Days are local dates in {escape(period['timezone'])}. Missions are counted by "
        "their earliest planned departure and the area of their destination.</p>"
        f"<p class='notice'>{escape(report['notice']['en'])}</p>"
        f"<p class='notice' lang='ar' dir='rtl'>{escape(report['notice']['ar'] or '')}</p>"
        f"<table><thead><tr><th scope='col'>Area</th>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
        f"<p>Also as <a href='snapshot.hxl.csv?{query}'>HXL CSV</a> and "
        f"<a href='snapshot?{query}'>JSON</a>.</p></body></html>\n"
    )


# -- objective progress ------------------------------------------------------------------------

_MEASURE = {
    ObjectiveKind.AID_TRUCKS_IN: ("trucks", "planned_trucks"),
    ObjectiveKind.FUEL_IN: ("fuel_litres", None),
    ObjectiveKind.PEOPLE_EVACUATED: ("people", "planned_people"),
    ObjectiveKind.PATIENTS_TRANSFERRED: ("people", "planned_people"),
    ObjectiveKind.CHILDREN_VACCINATED: ("people", "planned_people"),
}


def objective_progress(
    pause: Pause, missions: Iterable[Mission], *, start: date, end: date
) -> dict[str, Any]:
    """Per objective of the pause and per local day: the target, what the notified movements
    planned and what their outcomes delivered (facilitated, partially or until impeded),
    beside the achievement the pause record itself cites for that day."""
    tz = pause.timezone
    counted = [m for m in missions if pause.id in m.pause_ids]
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    objectives = []
    for objective in pause.spec.objectives:
        measure = _MEASURE.get(objective.kind)
        if measure is None:
            continue
        field, planned_field = measure
        relevant = [m for m in counted if objective.kind in OBJECTIVE_KINDS[m.objective]]
        recorded = {a.date: a.value for a in objective.achieved if a.date is not None}
        rows = []
        for day in days:
            lo, hi = local_bounds(day, day, tz)
            today = [m for m in relevant if lo <= m.departure < hi]
            delivered = sum(getattr(m, field) for m in today if m.outcome in REACHED)
            planned = sum(getattr(m, planned_field) for m in today) if planned_field else None
            target = objective.target if objective.per == "day" else None
            rows.append(
                {
                    "date": day.isoformat(),
                    "target": target,
                    "movements": len(today),
                    "planned": planned,
                    "delivered": delivered,
                    "share_of_target": round(delivered / target, 3) if target else None,
                    "recorded_in_pause": recorded.get(day),
                }
            )
        objectives.append(
            {
                "id": objective.id,
                "kind": objective.kind.value,
                "description": objective.description.model_dump(),
                "unit": objective.unit,
                "per": objective.per,
                "target": objective.target,
                "measure": field,
                "days": rows,
                "delivered_total": sum(r["delivered"] for r in rows),
            }
        )
    return {
        "pause_id": pause.id,
        "timezone": tz,
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "objectives": objectives,
    }
