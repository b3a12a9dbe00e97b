"""Solomon VRPTW: the planner's VRPTW path beside plain PyVRP and OR-Tools, same budget.

Each instance is solved by the three solvers one after another in this one process, each
with the same wall-clock budget and seed; the gap is to the best known distance (DIMACS
convention, ``benchmarks/data/solomon/solomon_bks.csv``). Prints a table, then one JSON line.

    benchmarks/planner [--quick] [--seconds S] [--instances C101,R201,...] [--no-week]
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import time
from pathlib import Path
from typing import Any

import pyvrp
import vrplib
from pyvrp.stop import MaxRuntime as PyvrpRuntime
from rich.console import Console
from rich.progress import Progress

from respite.planner.stop import MaxRuntime
from respite.planner.vrptw import solve_vrptw

DATA = Path(__file__).parent / "data" / "solomon"
QUICK = ("C101", "C201", "R101", "R201", "RC101", "RC201")


def best_known() -> dict[str, float]:
    with (DATA / "solomon_bks.csv").open(encoding="utf-8") as handle:
        return {row["instance"]: float(row["bks_distance"]) for row in csv.DictReader(handle)}


def plain_pyvrp(path: Path, seconds: float, seed: int) -> tuple[float, bool]:
    data = pyvrp.read(path, round_func="dimacs")
    result = pyvrp.solve(data, PyvrpRuntime(seconds), seed=seed, display=False)
    return result.best.distance() / 10, bool(result.is_feasible())


def ortools(path: Path, seconds: float) -> tuple[float, bool]:
    """OR-Tools routing: time dimension with windows, guided local search, DIMACS integers."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2  # noqa: PLC0415

    raw = vrplib.read_instance(str(path))
    dist = (raw["edge_weight"] * 10).astype(int)
    windows = (raw["time_window"] * 10).astype(int)
    service = (
        [int(s * 10) for s in ([0] + [raw["service_time"]] * (len(dist) - 1))]
        if not hasattr(raw["service_time"], "__len__")
        else [int(s * 10) for s in raw["service_time"]]
    )
    demand = [int(d) for d in raw["demand"]]
    fleet, capacity = int(raw["vehicles"]), int(raw["capacity"])
    manager = pywrapcp.RoutingIndexManager(len(dist), fleet, 0)
    routing = pywrapcp.RoutingModel(manager)

    def distance(i: int, j: int) -> int:
        return int(dist[manager.IndexToNode(i), manager.IndexToNode(j)])

    def travel(i: int, j: int) -> int:
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        return int(dist[a, b]) + service[a]

    cost = routing.RegisterTransitCallback(distance)
    routing.SetArcCostEvaluatorOfAllVehicles(cost)
    time_cb = routing.RegisterTransitCallback(travel)
    horizon = int(windows[0, 1])
    routing.AddDimension(time_cb, horizon, horizon, False, "time")
    clock = routing.GetDimensionOrDie("time")
    for node in range(1, len(dist)):
        clock.CumulVar(manager.NodeToIndex(node)).SetRange(
            int(windows[node, 0]), int(windows[node, 1])
        )
    for vehicle in range(fleet):
        clock.CumulVar(routing.Start(vehicle)).SetRange(int(windows[0, 0]), horizon)
        clock.CumulVar(routing.End(vehicle)).SetRange(int(windows[0, 0]), horizon)
    load = routing.RegisterUnaryTransitCallback(lambda i: demand[manager.IndexToNode(i)])
    routing.AddDimensionWithVehicleCapacity(load, 0, [capacity] * fleet, True, "load")
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(int(seconds * 1000))
    solution = routing.SolveWithParameters(params)
    if solution is None:
        return float("nan"), False  # no solution within the budget
    return solution.ObjectiveValue() / 10, True


def run(names: list[str], seconds: float, seed: int) -> dict[str, Any]:
    bks = best_known()
    rows = []
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("Solomon VRPTW", total=len(names))
        for name in names:
            path = DATA / f"{name}.vrp"
            began = time.perf_counter()
            mine = solve_vrptw(path, MaxRuntime(seconds), seed=seed)
            plain, plain_ok = plain_pyvrp(path, seconds, seed)
            other, other_ok = ortools(path, seconds)
            rows.append(
                {
                    "instance": name,
                    "bks": bks[name],
                    "planner": mine.distance,
                    "planner_feasible": mine.feasible,
                    "pyvrp": plain,
                    "pyvrp_feasible": plain_ok,
                    "ortools": other,
                    "ortools_feasible": other_ok,
                    "seconds": round(time.perf_counter() - began, 1),
                }
            )
            bar.advance(task)

    def gap(key: str, row: dict[str, Any]) -> float:
        return 100 * (row[key] - row["bks"]) / row["bks"]

    solvers = ("planner", "pyvrp", "ortools")
    for row in rows:
        for key in solvers:
            solved = row[f"{key}_feasible"]
            row[f"{key}_gap"] = round(gap(key, row), 3) if solved else None
            if not solved:
                row[key] = None
    mean = {
        key: round(
            statistics.fmean(r[f"{key}_gap"] for r in rows if r[f"{key}_gap"] is not None), 3
        )
        if any(r[f"{key}_gap"] is not None for r in rows)
        else None
        for key in solvers
    }
    unsolved = {key: sum(1 for r in rows if r[f"{key}_gap"] is None) for key in solvers}
    return {
        "seconds_per_instance": seconds,
        "seed": seed,
        "instances": rows,
        "mean_gap": mean,
        "unsolved": unsolved,
    }


def table(report: dict[str, Any]) -> str:
    lines = [
        "| instance | best known | planner | gap % | PyVRP | gap % | OR-Tools | gap % |",
        "|---|---|---|---|---|---|---|---|",
    ]

    def cell(value: float | None, digits: int) -> str:
        return "no solution" if value is None else f"{value:.{digits}f}"

    for r in report["instances"]:
        cells = [f"{r['bks']:.1f}"]
        for key in ("planner", "pyvrp", "ortools"):
            cells += [cell(r[key], 1), cell(r[f"{key}_gap"], 2)]
        lines.append(f"| {r['instance']} | " + " | ".join(cells) + " |")
    m, missing = report["mean_gap"], report["unsolved"]
    means = [
        f"**{cell(m[k], 2)}**" + (f" ({missing[k]} unsolved)" if missing[k] else "")
        for k in ("planner", "pyvrp", "ortools")
    ]
    lines.append(f"| **mean** | | | {means[0]} | | {means[1]} | | {means[2]} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{len(QUICK)} instances, 1 s")
    parser.add_argument("--seconds", type=float, help="budget per instance per solver (30)")
    parser.add_argument("--instances", help="comma-separated names (default: all 56)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-week", action="store_true", help="skip the pause-week benchmark")
    parser.add_argument("--week-seconds", type=float, default=60.0)
    args = parser.parse_args()
    names = sorted(best_known())
    if args.instances:
        names = args.instances.split(",")
    elif args.quick:
        names = list(QUICK)
    seconds = args.seconds or (1.0 if args.quick else 30.0)
    report = run(names, seconds, args.seed)
    print(table(report))
    if not args.no_week:
        from benchmarks.pause_week import run_week  # noqa: PLC0415

        report["week"] = run_week(5.0 if args.quick else args.week_seconds, args.seed)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
