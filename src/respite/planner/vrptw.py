"""VRPTW instances (VRPLIB or Solomon text format) solved through the planner's solving path.

This is how anyone can hold the planner against published results: ``respite plan vrptw
FILE.vrp --seconds N --seed S --json`` reads an instance with ``vrplib``, builds the PyVRP data
with the DIMACS convention (every distance and time scaled by 10 and truncated, so distances
are exact to one decimal as the best-known-solution tables state them), solves it with
:func:`respite.planner.solver.run_pyvrp` and reports the total distance in the instance's own
units (one decimal), the routes (client numbers as in the file, depot = 0) and feasibility.
The objective is distance alone with the whole fleet available, as in the DIMACS challenge.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import pyvrp
import vrplib

from respite.errors import InvalidInput
from respite.planner.solver import Progress, run_pyvrp
from respite.planner.stop import Stop

#: DIMACS convention: values scaled by 10 and truncated
_SCALE = 10


@dataclass(frozen=True, slots=True)
class VrptwAnswer:
    """The best solution found for one instance."""

    name: str
    distance: float
    routes: tuple[tuple[int, ...], ...]
    feasible: bool
    iterations: int
    runtime: float

    def as_json(self) -> dict[str, Any]:
        return {
            "instance": self.name,
            "distance": self.distance,
            "vehicles": len(self.routes),
            "routes": [list(route) for route in self.routes],
            "feasible": self.feasible,
            "iterations": self.iterations,
            "runtime_s": round(self.runtime, 3),
        }


def read_vrptw(path: Path) -> pyvrp.ProblemData:
    """Read a VRPTW instance as PyVRP data in the DIMACS convention.

    Raises ``InvalidInput`` (location ``file``) when the file cannot be read as a VRPTW
    instance with one depot, coordinates, demands, time windows and a capacity.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read {path}: {error}", location="file") from error
    solomon = "VEHICLE" in text[:2000] and "NODE_COORD_SECTION" not in text
    try:
        raw = vrplib.read_instance(str(path), instance_format="solomon" if solomon else "vrplib")
    except Exception as error:  # vrplib raises bare ValueError/IndexError/KeyError on bad text
        raise InvalidInput(f"not a VRPLIB or Solomon instance: {error}", location="file") from error
    missing = [key for key in ("node_coord", "demand", "time_window", "capacity") if key not in raw]
    if missing:
        raise InvalidInput(f"the instance lacks {', '.join(missing)}", location="file")
    return _problem_data(raw)


def _problem_data(raw: dict[str, Any]) -> pyvrp.ProblemData:
    coords = np.asarray(raw["node_coord"], dtype=float)
    count = len(coords)
    if "edge_weight" in raw:
        weights = np.asarray(raw["edge_weight"], dtype=float)
    else:  # Solomon text: Euclidean, as vrplib computes it for VRPLIB files
        weights = np.hypot(*(coords[:, None, :] - coords[None, :, :]).transpose(2, 0, 1))
    matrix = (weights * _SCALE).astype(np.int64)
    # every value scaled alike, as pyvrp.read(..., round_func="dimacs") does, so that this path
    # and plain PyVRP search the same numbers
    demand = (np.asarray(raw["demand"], dtype=float) * _SCALE).astype(np.int64)
    windows = (np.asarray(raw["time_window"], dtype=float) * _SCALE).astype(np.int64)
    service = np.broadcast_to(np.asarray(raw.get("service_time", 0), dtype=float), (count,))
    service_scaled = (service * _SCALE).astype(np.int64)
    depots = [int(d) for d in np.atleast_1d(raw.get("depot", [0]))]
    if depots != [0]:
        raise InvalidInput(
            "only instances with one depot, the first node, are supported", location="file"
        )
    capacity = int(np.atleast_1d(raw["capacity"])[0]) * _SCALE
    fleet = int(raw.get("vehicles", count - 1))
    locations = [pyvrp.Location(x=float(x) * _SCALE, y=float(y) * _SCALE) for x, y in coords]
    clients = [
        pyvrp.Client(
            location=i,
            delivery=[int(demand[i])],
            service_duration=int(service_scaled[i]),
            tw_early=int(windows[i, 0]),
            tw_late=int(windows[i, 1]),
            name=str(i),
        )
        for i in range(1, count)
    ]
    depot = pyvrp.Depot(location=0)  # the vehicles' own time window bounds the day
    vehicles = pyvrp.VehicleType(
        num_available=fleet,
        capacity=[capacity],
        tw_early=int(windows[0, 0]),
        tw_late=int(windows[0, 1]),
    )
    return pyvrp.ProblemData(
        locations=locations,
        clients=clients,
        depots=[depot],
        vehicle_types=[vehicles],
        distance_matrices=cast(Any, [matrix]),  # PyVRP's stubs: ndarray[int]
        duration_matrices=cast(Any, [matrix]),
    )


def solve_vrptw(
    path: Path, stop: Stop, *, seed: int = 0, progress: Progress | None = None
) -> VrptwAnswer:
    """Read and solve one VRPTW instance; the answer's distance is in the file's units."""
    data = read_vrptw(path)
    run = run_pyvrp(data, stop.for_share(1.0), seed=seed, progress=progress)
    routes = tuple(
        tuple(int(activity.idx) for activity in route.schedule() if activity.is_client())
        for route in run.solution.routes()
    )
    return VrptwAnswer(
        name=path.stem,
        distance=run.solution.distance() / _SCALE,
        routes=tuple(tuple(client + 1 for client in r) for r in routes),
        feasible=run.feasible,
        iterations=run.iterations,
        runtime=run.runtime,
    )
