"""The realistic pause week: share of demand delivered against the crossings' upper bound."""

from __future__ import annotations

import time
from typing import Any

from respite.planner import MaxRuntime, plan
from respite.planner.examples import pause_week


def run_week(seconds: float, seed: int) -> dict[str, Any]:
    problem = pause_week()
    began = time.perf_counter()
    result = plan(problem, MaxRuntime(seconds), seed=seed)
    elapsed = time.perf_counter() - began
    bound = result.upper_bound["goods"] or 0
    reasons: dict[str, int] = {}
    for s in result.shortfalls:
        reasons[s.reason.value] = reasons.get(s.reason.value, 0) + s.amount
    figures = {
        "budget_s": seconds,
        "time_to_plan_s": round(elapsed, 1),
        "feasible": result.feasible,
        "periods": result.periods,
        "demand_pallets": result.demand(),
        "upper_bound_pallets": bound,
        "delivered_pallets": result.delivered(),
        "delivered_share_of_demand": round(result.delivered_share(), 4),
        "delivered_share_of_bound": round(result.delivered() / bound, 4) if bound else None,
        "people": [result.delivered("people"), result.demand("people")],
        "truck_trips": sum(1 for r in result.routes if r.kind == "truck"),
        "undelivered_by_reason": reasons,
    }
    print(
        f"pause week: {figures['delivered_pallets']:,} of {figures['demand_pallets']:,} pallets "
        f"delivered, {figures['delivered_share_of_bound']:.1%} of the crossings' bound "
        f"({bound:,}); people {figures['people'][0]}/{figures['people'][1]}; planned in "
        f"{elapsed:.1f} s; left by reason {reasons}"
    )
    return figures
