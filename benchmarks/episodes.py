"""Episodes benchmark: one ``check`` over real pauses spread across four countries.

``benchmarks/episodes`` answers what ``respite check --pauses FILE --lat --lon --at`` costs
over ``tests/data/episodes/four-countries.yaml`` (14 pauses, 21 parts in Gaza, Syria, Ukraine
and Sudan; Sudan is one 1.8 million km2 polygon), with the index as it is now (a grid level per
zone size, sparse when its zones are scattered) and, side by side in the same run, the former
layout (one dense grid over every zone's extent, ``index_layout="single"``). Each layout runs
in its own process, so that its peak RSS is its own: the process imports Respite, parses the
file, builds the engine the way the CLI does (``respite.cli._engine_for``) and answers one
question per episode; it repeats the build ``--repeat`` times and keeps the best.

Figures: parse seconds, build seconds, first-check and median-check latency, and the peak RSS
of the process (with the RSS after imports and parsing, so that the index's own share shows).
Progress goes to stderr, a table to stdout; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = ROOT / "tests" / "data" / "episodes" / "four-countries.yaml"
LAYOUTS = ("levels", "single")
#: One question per country, each inside a window (lon, lat, local time with its offset).
QUESTIONS = (
    (32.5599, 15.5007, "2023-05-25T10:00+02:00"),  # Khartoum, Jeddah ceasefire
    (37.1850, 36.2050, "2016-10-20T09:00+03:00"),  # eastern Aleppo, 20 Oct 2016
    (36.4000, 33.5700, "2018-02-27T10:00+02:00"),  # Douma, Eastern Ghouta
    (37.5413, 47.0951, "2022-03-09T10:00+02:00"),  # Mariupol, six corridors
    (34.3500, 31.4200, "2023-11-25T12:00+02:00"),  # Gaza, the truce
)


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(layout: str, path: Path, repeat: int) -> dict[str, Any]:
    """Run inside the measured process: one layout, every figure."""
    start = time.perf_counter()
    from respite.cli import _engine_for  # noqa: PLC0415 - timed: part of what a check costs
    from respite.pauses import load_pause_file  # noqa: PLC0415 - timed as well

    imported = time.perf_counter()
    pauses = load_pause_file(path)
    parsed = time.perf_counter()
    rss_before_build = _peak_mb()
    times = [datetime.fromisoformat(at) for _, _, at in QUESTIONS]
    builds = []
    engine = None
    for _ in range(repeat):
        engine = None  # let the previous engine go before the next is built
        begin = time.perf_counter()
        engine = _engine_for(pauses, *times, index_layout=layout)
        builds.append(time.perf_counter() - begin)
    assert engine is not None
    first = time.perf_counter()
    covered = [
        engine.status(lon, lat, at).covered
        for (lon, lat, _), at in zip(QUESTIONS, times, strict=True)
    ]
    first_us = (time.perf_counter() - first) / len(QUESTIONS) * 1e6
    calls = []
    for _ in range(200):
        for (lon, lat, _), at in zip(QUESTIONS, times, strict=True):
            begin = time.perf_counter()
            engine.status(lon, lat, at)
            calls.append(time.perf_counter() - begin)
    calls.sort()
    grid = engine.index.grid
    return {
        "layout": layout,
        "import_seconds": round(imported - start, 3),
        "parse_seconds": round(parsed - imported, 3),
        "build_seconds": round(min(builds), 4),
        "build_seconds_first": round(builds[0], 4),
        "first_check_us": round(first_us, 1),
        "median_check_us": round(calls[len(calls) // 2] * 1e6, 1),
        "build_plus_check_ms": round((min(builds) + calls[len(calls) // 2]) * 1e3, 2),
        "rss_before_build_mb": round(rss_before_build, 1),
        "peak_rss_mb": round(_peak_mb(), 1),
        "grid_levels": len(grid.levels),
        "grid_cells": grid.cell_count,
        "grid_entries": len(grid.entry_zone),
        "parts": len(engine.entries),
        "covered": covered,
    }


def run_child(layout: str, path: Path, repeat: int) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    command = [sys.executable, "-m", "benchmarks.episodes", "--child", layout]
    command += ["--file", str(path), "--repeat", str(repeat)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the {layout} run failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks/episodes", description=__doc__.split("\n")[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="a pause file")
    parser.add_argument("--repeat", type=int, default=5, help="engine builds per layout; best kept")
    parser.add_argument("--layouts", default=",".join(LAYOUTS), help="comma-separated")
    parser.add_argument("--child", choices=LAYOUTS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.file, args.repeat)))
        return 0

    layouts = [name for name in args.layouts.split(",") if name]
    results: dict[str, dict[str, Any]] = {}
    with Progress(
        SpinnerColumn(finished_text="[green]✓"),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    ) as progress:
        for layout in layouts:
            task = progress.add_task(
                f"{layout}: import, parse, build x{args.repeat}, check", total=1
            )
            results[layout] = run_child(layout, args.file, args.repeat)
            progress.update(task, completed=1)
    answers = {tuple(r["covered"]) for r in results.values()}
    if len(answers) != 1 or not all(next(iter(answers))):
        raise SystemExit(f"layouts disagree or miss a window: {answers}")

    table = Table(title=f"one check over {args.file.name} ({results[layouts[0]]['parts']} parts)")
    for column in ("layout", "levels", "cells", "build ms", "check us", "peak MB", "pre-build MB"):
        table.add_column(column, justify="right", no_wrap=True)
    for layout, r in results.items():
        table.add_row(
            layout,
            str(r["grid_levels"]),
            f"{r['grid_cells']:,}",
            f"{r['build_seconds'] * 1e3:,.1f}",
            f"{r['median_check_us']:.1f}",
            f"{r['peak_rss_mb']:,.0f}",
            f"{r['rss_before_build_mb']:,.0f}",
        )
    Console().print(table)
    figures = {
        "file": str(args.file.relative_to(ROOT) if args.file.is_relative_to(ROOT) else args.file),
        "results": results,
        "python": platform.python_version(),
        "cores": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
