"""An outcome as answered: the record, the waits, the usable window, against the objective.

The usable part of a window: the windows of the pause zones the route crosses on the day of
departure (local), less the time the convoy waited at holding points and checkpoints inside
them. Against the objective: what was delivered or moved, beside what was planned.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from respite.movements.model import MovementSpec, OutcomeSpec
from respite.movements.planning import resolve_route, route_window
from respite.movements.present import iso, minutes, times, usable_window
from respite.movements.records import spec_part
from respite.movements.service import get_version
from respite.movements.tables import MovementRow, OutcomeRow
from respite.publication.cache import Snapshot


def against_objective(spec: MovementSpec, outcome: OutcomeSpec) -> dict[str, Any]:
    planned = {"trucks": spec.trucks, "people": spec.people}
    delivered = {
        "trucks": outcome.delivered.trucks,
        "people": outcome.delivered.people,
        "fuel_litres": outcome.delivered.fuel_litres,
    }
    share = {
        key: round(delivered[key] / planned[key], 3) if planned[key] else None for key in planned
    }
    return {
        "objective": spec.objective.value,
        "planned": planned,
        "delivered": delivered,
        "share": share,
    }


def outcome_view(
    session: Session, snapshot: Snapshot, row: MovementRow, stored: OutcomeRow
) -> dict[str, Any]:
    outcome = OutcomeSpec.model_validate(stored.document)
    version = get_version(session, row.id)
    spec = MovementSpec.model_validate(spec_part(version.document))
    tz = outcome.timezone
    departure = outcome.departed_at or row.departure_at
    day = departure.astimezone(ZoneInfo(tz)).replace(hour=0, minute=0, second=0, microsecond=0)
    route = resolve_route(spec.route)
    window = route_window(
        snapshot.engine_at(departure),
        route.coordinates,
        start=day,
        end=day + timedelta(days=1),
    )
    return {
        "movement_id": row.id,
        "revision": stored.revision,
        "current": stored.revision == row.outcome_revisions,
        "category": stored.category.value,
        "reason": outcome.reason,
        "timezone": tz,
        **times(tz, departed_at=outcome.departed_at, arrived_at=outcome.arrived_at),
        "delays": [
            {
                "place": delay.place,
                "kind": delay.kind,
                **times(tz, start=delay.start, end=delay.end),
                "minutes": minutes(delay.end - delay.start),
                "note": delay.note,
            }
            for delay in outcome.delays
        ],
        "window": usable_window(window, [(d.start, d.end) for d in outcome.delays], tz),
        "against_objective": against_objective(spec, outcome),
        "note": outcome.note,
        "recorded_at": iso(stored.recorded_at),
        "recorded_by": stored.recorded_by,
        "digest": stored.digest,
    }
