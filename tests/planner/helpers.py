"""Small planning problems whose answers can be worked out by hand or by brute force."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from respite.planner import (
    Cargo,
    Depot,
    Destination,
    PlanningProblem,
    TravelMatrix,
    VehicleKind,
    Window,
)

DAY = datetime(2031, 5, 6, tzinfo=UTC)


def at(hour: float) -> datetime:
    return DAY + timedelta(hours=hour)


def line_matrix(ids: list[str], positions_km: list[float]) -> TravelMatrix:
    """Places on a line: the distance is the gap between their positions."""
    km = tuple(tuple(abs(a - b) for b in positions_km) for a in positions_km)
    return TravelMatrix(tuple(ids), km)


def small_problem(
    *,
    demands: tuple[int, ...] = (10, 10, 10),
    positions: tuple[float, ...] = (10.0, 20.0, 30.0),
    capacity: int = 100,
    count: int = 1,
    speed: float = 60.0,
    throughput: int | None = None,
    windows: tuple[tuple[float, float], ...] = ((8.0, 12.0),),
    priorities: tuple[int, ...] | None = None,
) -> PlanningProblem:
    """One depot at km 0 and destinations on a line, a given matrix, no zones."""
    names = [f"d{i}" for i in range(len(demands))]
    prios = priorities or tuple(2 for _ in demands)
    return PlanningProblem(
        name="line",
        timezone="Asia/Damascus",
        now=at(0),
        depots=(Depot("base", "Base", 36.0, 33.0, throughput_per_hour=throughput),),
        vehicles=(VehicleKind("truck", Cargo.GOODS, capacity, count, speed, ("base",)),),
        windows=tuple(Window(f"w{i}", at(a), at(b)) for i, (a, b) in enumerate(windows)),
        destinations=tuple(
            Destination(
                n, n.upper(), 36.0 + 0.01 * (i + 1), 33.0, demand=d, priority=p, service_minutes=0
            )
            for i, (n, d, p) in enumerate(zip(names, demands, prios, strict=True))
        ),
        travel=line_matrix(["base", *names], [0.0, *positions]),
    )


def with_destination(problem: PlanningProblem, **changes: object) -> PlanningProblem:
    first = replace(problem.destinations[0], **changes)  # type: ignore[arg-type]
    return replace(problem, destinations=(first, *problem.destinations[1:]))
