"""A plan as JSON and CSV: every time in the place's local time (zone named) and in UTC."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from respite.planner.result import PlannedRoute, PlanResult

FORMAT = "respite-plan/1"


def _times(moment: datetime, zone: ZoneInfo) -> dict[str, str]:
    return {
        "utc": moment.astimezone(ZoneInfo("UTC")).isoformat().replace("+00:00", "Z"),
        "local": moment.astimezone(zone).isoformat(),
    }


def plan_json(result: PlanResult) -> dict[str, Any]:
    """The plan as one JSON-ready object (``format: respite-plan/1``)."""
    zone = ZoneInfo(result.timezone)
    return {
        "format": FORMAT,
        "problem": result.problem,
        "timezone": result.timezone,
        "feasible": result.feasible,
        "summary": {
            "delivered": {c: result.delivered(c) for c in ("goods", "people")},
            "demand": {c: result.demand(c) for c in ("goods", "people")},
            "upper_bound": result.upper_bound,
            "delivered_share": round(result.delivered_share("goods"), 4),
            "by_priority": {
                str(p): {"delivered": done, "demand": total}
                for p, (done, total) in result.delivered_by_priority().items()
            },
            "vehicles_used": len(result.routes),
            "km": round(sum(r.km for r in result.routes), 1),
            "periods": result.periods,
            "iterations": result.iterations,
            "runtime_s": round(result.runtime, 2),
        },
        "routes": [_route_json(r, zone) for r in result.routes],
        "items": [
            {
                "id": i.item_id,
                "name": i.name,
                "cargo": i.cargo,
                "priority": i.priority,
                "demand": i.demand,
                "delivered": i.delivered,
            }
            for i in result.items
        ],
        "undelivered": [
            {
                "id": s.item_id,
                "name": s.name,
                "cargo": s.cargo,
                "priority": s.priority,
                "amount": s.amount,
                "reason": s.reason.value,
                "detail": s.detail,
            }
            for s in result.shortfalls
        ],
    }


def _route_json(route: PlannedRoute, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "vehicle": route.vehicle,
        "kind": route.kind,
        "depot": route.depot,
        "windows": list(route.windows),
        "km": route.km,
        "stops": [
            {
                "place": s.place_id,
                "name": s.name,
                "action": s.action,
                "amount": s.amount,
                "item": s.item_id,
                "arrive": _times(s.arrive, zone),
                "start": _times(s.start, zone),
                "end": _times(s.end, zone),
            }
            for s in route.stops
        ],
        "legs": [
            {
                "from": leg.from_id,
                "to": leg.to_id,
                "depart": _times(leg.depart, zone),
                "arrive": _times(leg.arrive, zone),
                "km": leg.km,
                "under_windows": list(leg.windows),
                "path": [[round(x, 6), round(y, 6)] for x, y in leg.path],
            }
            for leg in route.legs
        ],
    }


STOP_COLUMNS = (
    "vehicle",
    "kind",
    "depot",
    "sequence",
    "action",
    "place",
    "name",
    "item",
    "amount",
    "arrive_local",
    "start_local",
    "end_local",
    "timezone",
    "arrive_utc",
    "start_utc",
    "end_utc",
    "under_windows",
)


def stops_csv(result: PlanResult) -> str:
    """One row per stop of every route (local times with the zone named, and UTC)."""
    zone = ZoneInfo(result.timezone)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(STOP_COLUMNS)
    for route in result.routes:
        for sequence, stop in enumerate(route.stops):
            local = [_times(t, zone)["local"] for t in (stop.arrive, stop.start, stop.end)]
            utc = [_times(t, zone)["utc"] for t in (stop.arrive, stop.start, stop.end)]
            writer.writerow(
                [
                    route.vehicle,
                    route.kind,
                    route.depot,
                    sequence,
                    stop.action,
                    stop.place_id,
                    stop.name,
                    stop.item_id,
                    stop.amount,
                    *local,
                    result.timezone,
                    *utc,
                    " ".join(route.windows),
                ]
            )
    return out.getvalue()


def undelivered_csv(result: PlanResult) -> str:
    """One row per undelivered part of an item, with its binding reason."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("id", "name", "cargo", "priority", "amount", "reason", "detail"))
    for s in result.shortfalls:
        writer.writerow(
            (s.item_id, s.name, s.cargo, s.priority, s.amount, s.reason.value, s.detail)
        )
    return out.getvalue()
