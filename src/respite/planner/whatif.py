"""What if: the same plan with a window an hour longer, a day added, more trucks, a crossing
closed; and the difference, side by side, in what is delivered and how it is driven.

Each change is a pure function ``PlanningProblem -> PlanningProblem``; :func:`compare` sets
two results side by side. Both plans are solved with the same budget and seed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from respite.errors import InvalidInput
from respite.planner.model import PlanningProblem, Window
from respite.planner.result import PlanResult


def extend_window(problem: PlanningProblem, window_id: str, hours: float = 1.0) -> PlanningProblem:
    """``window_id`` ends ``hours`` later."""
    window = _window(problem, window_id)
    longer = replace(window, end=window.end + timedelta(hours=hours))
    return problem.with_windows([longer if w is window else w for w in problem.windows])


def add_day(problem: PlanningProblem, window_id: str) -> PlanningProblem:
    """Another window like ``window_id`` the day after the last window of its pause part."""
    window = _window(problem, window_id)
    same_part = [
        w for w in problem.windows if (w.pause_id, w.part_id) == (window.pause_id, window.part_id)
    ]
    last = max(same_part if window.pause_id else [window], key=lambda w: w.start)
    day = timedelta(days=1)
    extra = replace(last, id=f"{last.id}+1d", start=last.start + day, end=last.end + day)
    return problem.with_windows([*problem.windows, extra])


def add_vehicles(problem: PlanningProblem, kind_id: str, count: int) -> PlanningProblem:
    """``count`` more vehicles of kind ``kind_id``."""
    if not any(v.id == kind_id for v in problem.vehicles):
        raise InvalidInput(f"unknown vehicle kind {kind_id!r}", location="vehicles")
    kinds = tuple(
        replace(v, count=v.count + count) if v.id == kind_id else v for v in problem.vehicles
    )
    return replace(problem, vehicles=kinds)


def close_crossing(problem: PlanningProblem, depot_id: str) -> PlanningProblem:
    """``depot_id`` closed: its vehicles move to the kinds' other depots (a kind with none
    left is dropped)."""
    if not any(d.id == depot_id for d in problem.depots):
        raise InvalidInput(f"unknown crossing or base {depot_id!r}", location="depots")
    kinds = tuple(
        replace(v, depots=tuple(d for d in v.depots if d != depot_id)) for v in problem.vehicles
    )
    return replace(
        problem,
        depots=tuple(d for d in problem.depots if d.id != depot_id),
        vehicles=tuple(v for v in kinds if v.depots),
    )


def _window(problem: PlanningProblem, window_id: str) -> Window:
    for window in problem.windows:
        if window.id == window_id:
            return window
    known = ", ".join(w.id for w in problem.windows[:5])
    raise InvalidInput(f"unknown window {window_id!r} (known: {known}...)", location="window")


@dataclass(frozen=True, slots=True)
class ItemChange:
    item_id: str
    name: str
    cargo: str
    before: int
    after: int


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two plans side by side: the base and the variant named ``change``."""

    change: str
    base: PlanResult
    variant: PlanResult

    def delivered(self, cargo: str = "goods") -> tuple[int, int]:
        return self.base.delivered(cargo), self.variant.delivered(cargo)

    def items(self) -> list[ItemChange]:
        """Items whose delivered amount differs (variant items missing in the base count 0)."""
        before = {(i.cargo, i.item_id): i.delivered for i in self.base.items}
        out = []
        for item in self.variant.items:
            was = before.get((item.cargo, item.item_id), 0)
            if was != item.delivered:
                out.append(ItemChange(item.item_id, item.name, item.cargo, was, item.delivered))
        return out

    def as_json(self) -> dict[str, Any]:
        def side(result: PlanResult) -> dict[str, Any]:
            return {
                "delivered": {c: result.delivered(c) for c in ("goods", "people")},
                "delivered_share": round(result.delivered_share("goods"), 4),
                "vehicles_used": len(result.routes),
                "km": round(sum(r.km for r in result.routes), 1),
                "undelivered_by_reason": _by_reason(result),
            }

        return {
            "change": self.change,
            "base": side(self.base),
            "variant": side(self.variant),
            "difference": {
                c: self.variant.delivered(c) - self.base.delivered(c) for c in ("goods", "people")
            },
            "items": [
                {
                    "id": i.item_id,
                    "name": i.name,
                    "cargo": i.cargo,
                    "before": i.before,
                    "after": i.after,
                }
                for i in self.items()
            ],
        }


def _by_reason(result: PlanResult) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in result.shortfalls:
        out[s.reason.value] = out.get(s.reason.value, 0) + s.amount
    return out


def compare(change: str, base: PlanResult, variant: PlanResult) -> Comparison:
    return Comparison(change, base, variant)
