"""Compliance join benchmark: which (event, zone-window) pairs meet, five engines, one answer.

``benchmarks/compliance`` writes the workload of :mod:`.workload` (5,000,000 events, 10,000
zone-windows) to Parquet in a temporary directory once, then runs each engine in a fresh
process (:mod:`.child`): Respite's ``JoinIndex(rows).join(events)``, shapely's STRtree,
geopandas' ``sjoin``, DuckDB spatial and PostGIS. Each reports its load and join seconds
separately (what each counts as load is said in its module), the pair count, the time/place
class split and a pair-set checksum (:mod:`.pairs`); the parent reads each child's peak RSS
with ``wait4`` (PostGIS: also the server backend's, from /proc). Every engine must give the
same answer or the run fails, loudly: a fast wrong join is worth nothing.

``--spatial-only`` makes every window span the 30 days, so only space decides (the pure spatial
join); ``--quick`` is 500,000 events x 1,000 zones for smoke runs. Results: a table on stdout
and ``benchmarks/results/compliance[-quick][-spatial].{md,json}``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from benchmarks.compliance_join import report, workload
from benchmarks.compliance_join.child import ENGINES
from benchmarks.compliance_join.outcome import PHASE
from benchmarks.compliance_join.pairs import Summary

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"


@dataclass(frozen=True)
class Options:
    spec: workload.Spec
    engines: tuple[str, ...]
    repeat: int
    chunk: int
    out_dir: Path
    name: str


def parse_args(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="benchmarks/compliance",
        description="Events x zone-windows join: Respite vs shapely, geopandas, DuckDB, PostGIS.",
    )
    parser.add_argument("--quick", action="store_true", help="500,000 events x 1,000 zones")
    parser.add_argument(
        "--spatial-only", action="store_true", help="every window spans the 30 days"
    )
    parser.add_argument("--events", type=int, help="events (default 5,000,000)")
    parser.add_argument(
        "--zones",
        type=int,
        help="zone-windows (default 10,000; the square shrinks with fewer to keep the density)",
    )
    parser.add_argument("--seed", type=int, default=20231101)
    parser.add_argument("--repeat", type=int, default=1, help="joins per engine; best kept")
    parser.add_argument("--chunk", type=int, default=500_000, help="events per shapely query")
    parser.add_argument(
        "--engines", default=",".join(ENGINES), help=f"comma-separated, of {','.join(ENGINES)}"
    )
    parser.add_argument("--out-dir", type=Path, default=RESULTS, help="where results go")
    args = parser.parse_args(argv)
    events, zones = (500_000, 1_000) if args.quick else (workload.FULL_EVENTS, workload.FULL_ZONES)
    events = args.events if args.events is not None else events
    zones = args.zones if args.zones is not None else zones
    engines = tuple(e.strip() for e in args.engines.split(",") if e.strip())
    unknown = [e for e in engines if e not in ENGINES]
    if unknown or not engines:
        parser.error(f"--engines: unknown {', '.join(unknown) or '(none given)'}")
    if min(events, zones, args.repeat, args.chunk) <= 0:
        parser.error("--events, --zones, --repeat and --chunk must be positive")
    name = (
        "compliance" + ("-quick" if args.quick else "") + ("-spatial" if args.spatial_only else "")
    )
    spec = workload.Spec.scaled(events, zones, args.seed, args.spatial_only)
    return Options(spec, engines, args.repeat, args.chunk, args.out_dir, name)


def run_child(
    engine: str, directory: Path, options: Options, show: Callable[[str], None] = print
) -> dict[str, Any]:
    """The child's JSON result plus its peak RSS; its stderr is kept for when it fails.

    ``show`` gets each step the child announces as it starts it.
    """
    command = [
        sys.executable,
        "-m",
        "benchmarks.compliance_join.child",
        engine,
        str(directory),
        f"--repeat={options.repeat}",
        f"--chunk={options.chunk}",
    ]
    with tempfile.TemporaryFile() as errors:
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, cwd=ROOT) as process:
            assert process.stdout is not None
            lines = []
            for raw in process.stdout:
                line = raw.decode().rstrip("\n")
                if line.startswith(PHASE):
                    show(line.removeprefix(PHASE))
                else:
                    lines.append(line)
            # wait4, not wait: it gives this child's own rusage, so its peak RSS.
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    try:
        result: dict[str, Any] = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        result = {"engine": engine, "status": "failed", "reason": f"exit {process.returncode}"}
    result["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)  # Linux reports KB
    if result["status"] != "ok":
        result["stderr_tail"] = stderr[-4000:]
    return result


def check_agreement(results: list[dict[str, Any]]) -> list[str]:
    """Every difference between an engine's answer and the reference engine's."""
    done = [r for r in results if r["status"] == "ok"]
    if not done:
        return []
    reference = done[0]
    expected = Summary.from_json(reference["summary"])
    problems = []
    for result in done[1:]:
        got = Summary.from_json(result["summary"])
        for field, want in vars(expected).items():
            have = getattr(got, field)
            if have != want:
                problems.append(
                    f"{result['engine']} {field} = {have} but {reference['engine']} says {want}"
                )
    return problems


def machine() -> dict[str, Any]:
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory_kb = 0
    try:
        with open("/proc/meminfo") as meminfo:
            memory_kb = int(meminfo.readline().split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": model,
        "memory_gb": round(memory_kb / 1024**2, 1),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average_1m_start": round(os.getloadavg()[0], 2),
    }


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    err = Console(stderr=True, width=None if sys.stderr.isatty() else 120)
    facts = machine()
    results: list[dict[str, Any]] = []
    progress = Progress(
        SpinnerColumn(finished_text="[green]✓"),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        refresh_per_second=2,  # a busy display thread would disturb the timings
    )
    spec = options.spec
    with tempfile.TemporaryDirectory(prefix="respite-compliance-") as temp, progress:
        directory = Path(temp)
        task = progress.add_task(f"write {spec.events:,} events, {spec.zones:,} zones to Parquet")
        start = time.perf_counter()
        workload.write(spec, directory)
        facts["generate_s"] = round(time.perf_counter() - start, 2)
        progress.update(task, total=1, completed=1)
        for engine in options.engines:
            task = progress.add_task(f"{engine}: starting its own process")

            def show(step: str, task: TaskID = task, engine: str = engine) -> None:
                progress.update(task, description=f"{engine}: {step}")

            result = run_child(engine, directory, options, show)
            results.append(result)
            done = "[green]✓" if result["status"] == "ok" else f"[red]{result['status']}"
            progress.update(task, total=1, completed=1, description=f"{engine}: {done}")
    facts["load_average_1m_end"] = round(os.getloadavg()[0], 2)
    problems = check_agreement(results)
    document = report.document(options, facts, results, problems)
    options.out_dir.mkdir(parents=True, exist_ok=True)
    (options.out_dir / f"{options.name}.json").write_text(json.dumps(document, indent=2) + "\n")
    markdown = report.markdown(document)
    (options.out_dir / f"{options.name}.md").write_text(markdown)
    # Plain, not rich: the markdown must come out exactly as written to the file.
    sys.stdout.write(markdown)
    for result in results:
        if result["status"] != "ok":
            err.print(
                f"[bold red]{result['engine']} {result['status'].upper()}:[/] {result['reason']}"
            )
            if result.get("stderr_tail"):
                err.print(result["stderr_tail"], markup=False, highlight=False)
    for problem in problems:
        err.print(f"[bold red]MISMATCH:[/] {problem}", highlight=False)
    print(json.dumps({"ok": document["ok"], "results": str(options.out_dir / options.name)}))
    return 0 if document["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
