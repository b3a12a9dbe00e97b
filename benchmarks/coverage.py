"""Coverage benchmark: Respite's engine against shapely STRtree and geopandas sjoin.

``benchmarks/run`` builds 10,000 synthetic zone-windows (see :mod:`benchmarks.synthetic`),
then answers the same 1,000,000 random (point, time) questions three ways, in one process:

* ``CoverageEngine.status_many`` on raw lon/lat/time arrays (what users call);
* ``STRtree.query(points, predicate="within")`` followed by a numpy time mask;
* ``geopandas.sjoin(points, zones, predicate="within")`` followed by the same mask.

For transparency it also times STRtree's query alone, and the inverted query that geopandas
runs internally for "within" (a tree over the points, queried with the zones and "contains").
All answers must be identical or the run fails: a fast wrong answer is worth nothing.
It also times single ``CoverageEngine.status`` calls. Each batch figure is the best of
``--repeat`` runs (the least disturbed one, as ``timeit`` advises). Progress goes to stderr,
a table to stdout, and the last line on stdout is one JSON object with every figure.
``--quick`` (2,000 zones, 100,000 questions) runs in well under 30 seconds; it shrinks the area
to 22 x 22 km so that zone density, and so the work behind each answer, stays the same.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from benchmarks.synthetic import (
    Checks,
    Workload,
    make_checks,
    make_single_checks,
    make_workload,
    mean_area_km2,
    pause_document,
    polygons,
)
from respite.engine import CoverageEngine
from respite.pauses import Pause, parse_pauses

T = TypeVar("T")
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

#: The issue's targets: engine vs STRtree throughput, and one ``status`` call's median.
TARGET_VS_STRTREE = 3.0
TARGET_STATUS_MEDIAN_US = 20.0
CRS = "EPSG:4326"
#: The issue's workload: 10,000 zones over 50 x 50 km.
FULL_ZONES, FULL_SIDE_KM = 10_000, 50.0


class Mismatch(Exception):
    """Two methods disagree: the run's figures would be meaningless."""


# -- options ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    zones: int
    checks: int
    singles: int
    seed: int
    repeat: int
    side_km: float
    cells_per_zone: int | None
    json_only: bool


def parse_args(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="benchmarks/run",
        description="Checks per second: Respite's engine vs shapely STRtree vs geopandas sjoin.",
    )
    parser.add_argument("--quick", action="store_true", help="2,000 zones, 100,000 checks")
    parser.add_argument("--zones", type=int, help="zone-windows to build (default 10,000)")
    parser.add_argument("--checks", type=int, help="(point, time) pairs (default 1,000,000)")
    parser.add_argument("--singles", type=int, default=20_000, help="timed status() calls")
    parser.add_argument("--seed", type=int, default=20240901)
    parser.add_argument("--repeat", type=int, default=3, help="runs per batch method; best kept")
    parser.add_argument(
        "--side-km",
        type=float,
        help="side of the square area (default: 50 km for 10,000 zones, scaled with the zone "
        "count so that zone density, and so the work per check, stays the same)",
    )
    parser.add_argument(
        "--cells-per-zone", type=int, help="CoverageEngine grid resolution (engine default)"
    )
    parser.add_argument("--json-only", action="store_true", help="print only the JSON line")
    args = parser.parse_args(argv)
    zones_default, checks_default = (2_000, 100_000) if args.quick else (10_000, 1_000_000)
    zones = zones_default if args.zones is None else args.zones
    side_km = args.side_km
    if side_km is None:
        side_km = FULL_SIDE_KM * math.sqrt(max(zones, 0) / FULL_ZONES)
    options = Options(
        zones=zones,
        checks=checks_default if args.checks is None else args.checks,
        singles=args.singles,
        seed=args.seed,
        repeat=args.repeat,
        side_km=side_km,
        cells_per_zone=args.cells_per_zone,
        json_only=args.json_only,
    )
    if min(options.zones, options.checks, options.singles, options.repeat, side_km) <= 0:
        parser.error("--zones, --checks, --singles, --repeat and --side-km must be positive")
    return options


# -- progress --------------------------------------------------------------------------------


class Phases:
    """One rich progress line per phase, on stderr so that stdout stays parseable.

    Refreshing twice a second keeps the display thread from disturbing the timings.
    """

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            SpinnerColumn(finished_text="[green]✓"),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:,.0f}/{task.total:,.0f}"),
            TimeElapsedColumn(),
            console=console,
            refresh_per_second=2,
        )

    def __enter__(self) -> Phases:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    @contextmanager
    def phase(self, name: str, total: int = 1) -> Iterator[Callable[[int], None]]:
        """A task that is complete when the block ends; the block may advance it itself."""
        task = self.progress.add_task(name, total=total)
        yield lambda steps: self.progress.advance(task, steps)
        self.progress.update(task, completed=total)


def best_of(repeat: int, run: Callable[[], T]) -> tuple[float, T]:
    """Fastest wall time of ``repeat`` runs, and the last result."""
    best = float("inf")
    result: T | None = None
    for _ in range(repeat):
        gc.collect()  # so that no run pays for garbage left by the previous one
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return best, result


# -- the contenders --------------------------------------------------------------------------


@dataclass(frozen=True)
class PackedWindows:
    """Every zone's windows as (slot, zone) arrays: one contiguous row per window slot.

    Unused slots are [0, 0), which covers no time, so the mask needs no per-zone count.
    """

    starts: IntArray
    ends: IntArray

    @classmethod
    def of(cls, workload: Workload) -> PackedWindows:
        return cls(
            np.ascontiguousarray(workload.window_starts.T),
            np.ascontiguousarray(workload.window_ends.T),
        )

    def mask(self, point_idx: IntArray, zone_idx: IntArray, times: IntArray) -> BoolArray:
        """Covered points, given the (point, zone) pairs where the point lies in the zone."""
        t = times[point_idx]
        timely = np.zeros(len(point_idx), dtype=bool)
        for starts, ends in zip(self.starts, self.ends, strict=True):
            timely |= (starts[zone_idx] <= t) & (t < ends[zone_idx])
        covered = np.zeros(len(times), dtype=bool)
        covered[point_idx[timely]] = True
        return covered


@dataclass(frozen=True)
class Contenders:
    engine: CoverageEngine
    zones: npt.NDArray[np.object_]
    tree: shapely.STRtree
    zones_frame: gpd.GeoDataFrame
    windows: PackedWindows


def engine_covered(engine: CoverageEngine, checks: Checks) -> BoolArray:
    return engine.status_many(checks.lons, checks.lats, checks.times).covered


def index_covered(engine: CoverageEngine, checks: Checks) -> BoolArray:
    # The engine's index without status_many's input checks and window_end bookkeeping.
    hits = engine.index.hits(checks.lons, checks.lats, checks.times)
    covered = np.zeros(len(checks), dtype=bool)
    covered[hits.points] = True
    return covered


def strtree_covered(contenders: Contenders, checks: Checks) -> BoolArray:
    # Building the points is part of the cost: the tree cannot take raw coordinates.
    points = shapely.points(checks.lons, checks.lats)
    point_idx, zone_idx = contenders.tree.query(points, predicate="within")
    return contenders.windows.mask(point_idx, zone_idx, checks.times)


def inverted_strtree_covered(contenders: Contenders, checks: Checks) -> BoolArray:
    # What geopandas does for "within": a tree over the points, queried with each zone and
    # "contains", which prepares the zone once instead of testing it point by point.
    points = shapely.points(checks.lons, checks.lats)
    zone_idx, point_idx = shapely.STRtree(points).query(contenders.zones, predicate="contains")
    return contenders.windows.mask(point_idx, zone_idx, checks.times)


def geopandas_covered(contenders: Contenders, checks: Checks) -> BoolArray:
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(checks.lons, checks.lats), crs=CRS)
    joined = gpd.sjoin(points, contenders.zones_frame, how="inner", predicate="within")
    # Both frames have a RangeIndex, so labels are positions.
    point_idx = joined.index.to_numpy(dtype=np.int64)
    zone_idx = joined["index_right"].to_numpy(dtype=np.int64)
    return contenders.windows.mask(point_idx, zone_idx, checks.times)


# -- setup -----------------------------------------------------------------------------------


@dataclass
class Setup:
    workload: Workload
    checks: Checks
    singles: Checks
    contenders: Contenders
    seconds: dict[str, float]
    #: 1-minute load average when the run began: other work on the machine skews timings
    load_at_start: float


def horizon_datetimes(workload: Workload) -> tuple[datetime, datetime]:
    lo, hi = workload.horizon
    return datetime.fromtimestamp(lo, UTC), datetime.fromtimestamp(hi, UTC)


def prepare(options: Options, phases: Phases) -> Setup:
    load_at_start = os.getloadavg()[0]
    seconds: dict[str, float] = {}

    @contextmanager
    def timed(key: str, name: str) -> Iterator[None]:
        with phases.phase(name):
            start = time.perf_counter()
            yield
            seconds[key] = time.perf_counter() - start

    with timed("generate", f"generate {options.zones:,} zones, {options.checks:,} checks"):
        workload = make_workload(options.zones, options.seed, options.side_km)
        checks = make_checks(workload, options.checks, options.seed)
        singles = make_single_checks(workload, options.singles, options.seed)
        document = pause_document(workload)
    with timed("parse", "parse + resolve the pause file (respite-pauses/1 JSON)"):
        pauses = parse_pauses(document, name="synthetic")
    with timed("build", "build CoverageEngine"):
        engine = build_engine(pauses, workload, options.cells_per_zone)
    zones = polygons(workload)
    with timed("strtree_build", "build STRtree"):
        tree = shapely.STRtree(zones)
    with timed("geodataframe_build", "build zones GeoDataFrame"):
        zones_frame = gpd.GeoDataFrame(geometry=zones, crs=CRS)
    contenders = Contenders(engine, zones, tree, zones_frame, PackedWindows.of(workload))
    return Setup(workload, checks, singles, contenders, seconds, load_at_start)


def build_engine(
    pauses: list[Pause], workload: Workload, cells_per_zone: int | None
) -> CoverageEngine:
    engine = CoverageEngine(
        pauses, horizon=horizon_datetimes(workload), cells_per_zone=cells_per_zone
    )
    # One engine entry per zone, or the engine is not answering the same question.
    if len(engine.entries) != workload.zone_count:
        raise Mismatch(f"engine has {len(engine.entries)} parts for {workload.zone_count} zones")
    return engine


# -- measurements ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Batch:
    label: str
    seconds: float
    checks: int

    @property
    def per_second(self) -> float:
        return self.checks / self.seconds


def measure_batches(setup: Setup, options: Options, phases: Phases) -> tuple[dict[str, Batch], int]:
    """Each method's best time, and how many checks they all agree are covered."""
    contenders, checks = setup.contenders, setup.checks
    # For STRtree's query alone the points are made beforehand: its best possible case.
    points = shapely.points(checks.lons, checks.lats)
    methods: list[tuple[str, str, Callable[[], Any]]] = [
        (
            "engine",
            "respite CoverageEngine.status_many",
            lambda: engine_covered(contenders.engine, checks),
        ),
        (
            "index",
            "  of which SpaceTimeIndex.hits",
            lambda: index_covered(contenders.engine, checks),
        ),
        (
            "strtree",
            "shapely STRtree within + time mask",
            lambda: strtree_covered(contenders, checks),
        ),
        (
            "strtree_query",
            "  of which STRtree.query only",
            lambda: contenders.tree.query(points, predicate="within"),
        ),
        (
            "strtree_inverted",
            "  variant: STRtree(points).query(zones, contains) + mask",
            lambda: inverted_strtree_covered(contenders, checks),
        ),
        (
            "geopandas",
            "geopandas sjoin within + time mask",
            lambda: geopandas_covered(contenders, checks),
        ),
    ]
    batches: dict[str, Batch] = {}
    answers: dict[str, BoolArray] = {}
    for key, label, run in methods:
        with phases.phase(f"{label.strip()} (best of {options.repeat})"):
            seconds, result = best_of(options.repeat, run)
        batches[key] = Batch(label, seconds, len(checks))
        if key != "strtree_query":  # the only one that answers pairs, not coverage
            answers[key] = result
    check_agreement(answers)
    return batches, int(answers["engine"].sum())


def check_agreement(answers: dict[str, BoolArray]) -> None:
    reference = answers["engine"]
    for key, answer in answers.items():
        differ = int(np.count_nonzero(answer != reference))
        if differ:
            raise Mismatch(
                f"{key} disagrees with the engine on {differ:,} of {len(reference):,} checks "
                f"({int(answer.sum()):,} vs {int(reference.sum()):,} covered)"
            )


@dataclass(frozen=True)
class Latency:
    micros: npt.NDArray[np.float64]
    covered: BoolArray

    def median(self, which: BoolArray | None = None) -> float | None:
        """Median microseconds, of the calls selected by ``which`` if given (None if none)."""
        sample = self.micros if which is None else self.micros[which]
        return round(float(np.median(sample)), 2) if len(sample) else None

    def p99(self) -> float:
        return round(float(np.percentile(self.micros, 99)), 2)


def measure_status(setup: Setup, phases: Phases) -> Latency:
    """Wall time of each single ``status`` call, timed one by one."""
    engine, singles = setup.contenders.engine, setup.singles
    # Python floats and aware datetimes, made beforehand: what a caller would pass.
    lons, lats = singles.lons.tolist(), singles.lats.tolist()
    ats = [datetime.fromtimestamp(t, UTC) for t in singles.times.tolist()]
    for i in range(min(500, len(ats))):  # warm caches and lazily built state
        engine.status(lons[i], lats[i], ats[i])
    nanos = np.empty(len(ats), dtype=np.int64)
    covered = np.empty(len(ats), dtype=bool)
    chunk = 1_000
    with phases.phase(f"{len(ats):,} single status() calls", total=len(ats)) as advance:
        for first in range(0, len(ats), chunk):
            last = min(first + chunk, len(ats))
            gc.disable()  # a collection inside one call would be the collector's cost, not ours
            try:
                time_calls(engine, lons, lats, ats, first, last, nanos, covered)
            finally:
                gc.enable()
            advance(last - first)
    batch = engine.status_many(singles.lons, singles.lats, singles.times).covered
    if not np.array_equal(batch, covered):
        differ = int(np.count_nonzero(batch != covered))
        raise Mismatch(f"status() and status_many() disagree on {differ} of {len(ats)} checks")
    return Latency(nanos / 1_000, covered)


def time_calls(
    engine: CoverageEngine,
    lons: list[float],
    lats: list[float],
    ats: list[datetime],
    first: int,
    last: int,
    nanos: IntArray,
    covered: BoolArray,
) -> None:
    clock, status = time.perf_counter_ns, engine.status
    for i in range(first, last):
        start = clock()
        answer = status(lons[i], lats[i], ats[i])
        nanos[i] = clock() - start
        covered[i] = answer.covered


# -- report ----------------------------------------------------------------------------------


def summary(
    options: Options, setup: Setup, batches: dict[str, Batch], covered: int, latency: Latency
) -> dict[str, Any]:
    engine, strtree, gpd_batch = batches["engine"], batches["strtree"], batches["geopandas"]
    index = setup.contenders.engine.index
    vs_strtree = engine.per_second / strtree.per_second
    return {
        "engine_checks_per_s": round(engine.per_second),
        "engine_index_only_checks_per_s": round(batches["index"].per_second),
        "strtree_checks_per_s": round(strtree.per_second),
        "strtree_query_only_checks_per_s": round(batches["strtree_query"].per_second),
        "strtree_inverted_checks_per_s": round(batches["strtree_inverted"].per_second),
        "geopandas_checks_per_s": round(gpd_batch.per_second),
        "engine_vs_strtree": round(vs_strtree, 2),
        "engine_vs_strtree_query_only": round(
            engine.per_second / batches["strtree_query"].per_second, 2
        ),
        "engine_vs_geopandas": round(engine.per_second / gpd_batch.per_second, 2),
        "status_median_us": latency.median(),
        "status_p99_us": latency.p99(),
        "status_covered_median_us": latency.median(latency.covered),
        "status_uncovered_median_us": latency.median(~latency.covered),
        "status_calls": len(latency.micros),
        "build_seconds": round(setup.seconds["build"], 3),
        "parse_seconds": round(setup.seconds["parse"], 3),
        "strtree_build_seconds": round(setup.seconds["strtree_build"], 3),
        "zones": options.zones,
        "side_km": round(options.side_km, 2),
        "windows": int(setup.workload.window_counts.sum()),
        "checks": options.checks,
        "covered": covered,
        "covered_fraction": round(covered / options.checks, 4),
        "mean_zone_area_km2": round(mean_area_km2(setup.workload), 3),
        "grid_cells": index.grid.cell_count,
        "grid_levels": len(index.grid.levels),
        "grid_entries": len(index.grid.entry_zone),
        "cells_per_zone": options.cells_per_zone,
        "repeat": options.repeat,
        "seed": options.seed,
        "targets_met": {
            "engine_vs_strtree_3x": vs_strtree >= TARGET_VS_STRTREE,
            "status_median_under_20us": (latency.median() or 0.0) < TARGET_STATUS_MEDIAN_US,
        },
        "python": platform.python_version(),
        "numpy": np.__version__,
        "shapely": shapely.__version__,
        "geopandas": gpd.__version__,
        "cores": os.cpu_count(),
        "load_average_1m": [round(setup.load_at_start, 2), round(os.getloadavg()[0], 2)],
        "machine": platform.machine(),
    }


def print_report(console: Console, batches: dict[str, Batch], figures: dict[str, Any]) -> None:
    strtree = batches["strtree"].per_second
    table = Table(
        title=f"{figures['checks']:,} (point, time) checks against {figures['zones']:,} "
        f"zone-windows; {figures['covered']:,} covered ({figures['covered_fraction']:.1%})"
    )
    table.add_column("method")
    table.add_column("checks/s", justify="right")
    table.add_column("seconds", justify="right")
    table.add_column("vs STRtree", justify="right")
    for batch in batches.values():
        ratio = batch.per_second / strtree
        table.add_row(
            batch.label, f"{batch.per_second:,.0f}", f"{batch.seconds:.3f}", f"{ratio:.2f}x"
        )
    console.print(table)
    targets = figures["targets_met"]
    console.print(
        f"single status(): median {_us(figures['status_median_us'])}, "
        f"p99 {_us(figures['status_p99_us'])} "
        f"(median when covered {_us(figures['status_covered_median_us'])}, "
        f"when not {_us(figures['status_uncovered_median_us'])}) "
        f"over {figures['status_calls']:,} calls"
    )
    console.print(
        f"build: parse {figures['parse_seconds']:.2f} s, engine {figures['build_seconds']:.2f} s "
        f"({figures['grid_entries']:,} grid entries), STRtree "
        f"{figures['strtree_build_seconds']:.2f} s"
    )
    speed = _verdict(targets["engine_vs_strtree_3x"])
    latency = _verdict(targets["status_median_under_20us"])
    console.print(
        f"targets: engine ≥ {TARGET_VS_STRTREE:g}x STRtree {speed}, "
        f"status median < {TARGET_STATUS_MEDIAN_US:g} µs {latency}"
    )


def _us(micros: float | None) -> str:
    return "n/a" if micros is None else f"{micros:.1f} µs"


def _verdict(met: bool) -> str:
    return "[green]met[/]" if met else "[red]NOT met[/]"


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    # Piped output gets 120 columns rather than rich's default 80, so the table stays whole.
    out = Console(quiet=options.json_only, width=None if sys.stdout.isatty() else 120)
    err = Console(stderr=True, quiet=options.json_only, width=None if sys.stderr.isatty() else 120)
    try:
        with Phases(err) as phases:
            setup = prepare(options, phases)
            batches, covered = measure_batches(setup, options, phases)
            latency = measure_status(setup, phases)
    except Mismatch as error:
        err.quiet = False
        err.print(f"[bold red]MISMATCH:[/] {error}")
        return 1
    figures = summary(options, setup, batches, covered, latency)
    print_report(out, batches, figures)
    # Plain print, not rich: the JSON must stay on one unwrapped, unstyled line.
    print(json.dumps(figures), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
