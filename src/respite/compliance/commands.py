"""``respite compliance ...``: did a pause hold, over an events file of any size.

``report`` reads the events file (Parquet or CSV, see :mod:`respite.compliance.columnar`) in
batches with a progress bar, joins each batch with the chosen engine and writes the report
(JSON, HXL or HTML). ``convert acled`` turns an ACLED CSV export into an events Parquet file
through the ACLED precision rules. A file with bad rows is refused with every bad value named
(row and column) on stderr and exit code 2; nothing is dropped silently.

Heavy modules (pyarrow, DuckDB, Dask) are imported when a command runs, not when ``respite``
starts, so ``respite check`` stays quick and works without the ``analysis`` extra.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from respite.clikit.times import parse_time
from respite.errors import InvalidInput, NotFound, Problem, RespiteError
from respite.pauses import Pause, load_pause_file
from respite.scenarios import DEFAULT_SCENARIO, available_scenarios, load_scenario
from respite.schedule import utc_seconds

if TYPE_CHECKING:
    from respite.compliance.frame import EventColumns, Pairs, ZoneWindows
    from respite.compliance.report.accumulate import Accumulator
    from respite.compliance.report.build import ComplianceReport
    from respite.compliance.windows import ReportPlan

EXIT_OK = 0
EXIT_BAD_INPUT = 2
ENGINES = ("respite", "duckdb", "dask")
FORMATS = ("json", "hxl", "html")
#: Bad values listed on stderr; the count of the rest follows.
SHOWN_PROBLEMS = 100

PairsOf = Callable[["EventColumns", "ZoneWindows"], "Pairs"]


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``respite compliance ...`` on the ``respite`` parser."""
    group = sub.add_parser("compliance", help="did a pause hold? reports over event files")
    actions = group.add_subparsers(dest="action", required=True, parser_class=type(group))

    report = actions.add_parser("report", help="a pause's compliance report from an events file")
    report.add_argument("--events", type=Path, required=True, help=".parquet, .csv or .csv.gz")
    report.add_argument("--pause", required=True, help="the pause's id")
    source = report.add_mutually_exclusive_group()
    source.add_argument("--pauses", type=Path, help="a pause file (YAML or JSON)")
    source.add_argument(
        "--scenario",
        default=DEFAULT_SCENARIO,
        help=f"a shipped scenario or a pause file's path (default {DEFAULT_SCENARIO})",
    )
    report.add_argument("--as-of", help="ISO 8601: count what happened up to this time")
    report.add_argument("--tz", help="IANA zone for an --as-of written without an offset")
    report.add_argument("--margin-hours", type=float, default=6.0)
    report.add_argument("--baseline-days", type=int, default=7)
    report.add_argument("--list-events", type=_listed, default=20_000, help=_LIST_HELP)
    report.add_argument("--engine", choices=ENGINES, default="respite")
    report.add_argument("--scheduler", help="dask: a scheduler address (default: local cluster)")
    report.add_argument("--workers", type=int, default=2, help="dask: local cluster workers")
    report.add_argument("--batch-rows", type=int, default=250_000, metavar="N")
    report.add_argument("--format", choices=FORMATS, default="json")
    report.add_argument("-o", "--out", type=Path, help="file to write (default: stdout)")
    report.set_defaults(handler=report_command)

    convert = actions.add_parser("convert", help="an event export as an events Parquet file")
    convert.add_argument("kind", choices=["acled"])
    convert.add_argument("file", type=Path, help="the export (CSV)")
    convert.add_argument("-o", "--out", type=Path, required=True, help="the .parquet to write")
    convert.add_argument("--timezone", default="Asia/Gaza", help="the events' local zone")
    convert.add_argument("--batch-rows", type=int, default=100_000, metavar="N")
    convert.set_defaults(handler=convert_command)


def report_command(args: argparse.Namespace, out: Console) -> int:
    if args.batch_rows < 1:
        raise InvalidInput("must be at least 1", location="--batch-rows")
    windows = _analysis("respite.compliance.windows")
    pause = _pause(args)
    as_of = utc_seconds(parse_time(args.as_of, tz=args.tz, field="--as-of")) if args.as_of else None
    try:
        options = windows.ReportOptions(
            margin_hours=args.margin_hours,
            baseline_days=args.baseline_days,
            as_of=as_of,
            list_events=args.list_events,
        )
        plan: ReportPlan = windows.ReportPlan.build(pause, options=options)
    except InvalidInput as error:
        raise _as_flags(error) from None
    err = Console(stderr=True, highlight=False)
    if args.engine == "dask":
        acc, rows, problems = _on_dask(args, plan, err)
    else:
        acc, rows, problems = _in_process(args, plan, err)
    if problems:
        return _refuse(args.events, problems, rows)
    report: ComplianceReport = acc.finish()
    data = _render(report, args.format)
    if args.out is None:
        sys.stdout.write(data)
        sys.stdout.flush()
    else:
        args.out.write_text(data, encoding="utf-8")
    err.print(
        f"{rows} events read; pause {pause.id}: {report.during.inside} inside, "
        f"{report.during.possibly} possibly inside during its windows"
        + (f"; wrote {args.out}" if args.out else ""),
        markup=False,
    )
    return EXIT_OK


def convert_command(args: argparse.Namespace, out: Console) -> int:
    columnar = _analysis("respite.compliance.columnar")
    if args.batch_rows < 1:
        raise InvalidInput("must be at least 1", location="--batch-rows")
    if not args.file.is_file():
        raise InvalidInput(f"no such file: {args.file}", location="file")
    if args.out.suffix.lower() not in (".parquet", ".pq"):
        raise InvalidInput("the output is a Parquet file: name it .parquet", location="--out")
    err = Console(stderr=True, highlight=False)
    with _bar(err, "bytes", args.file.stat().st_size, f"converting {args.file.name}") as step:
        try:
            done = columnar.convert_acled(
                args.file,
                args.out,
                timezone=args.timezone,
                batch_rows=args.batch_rows,
                progress=lambda read, _total: step(read),
            )
        except InvalidInput as error:
            if error.problems and error.problems[0].location.startswith("row["):
                return _refuse(args.file, error.problems, None)
            raise
    out.print(f"{done.rows} rows read, {done.events} events written to {args.out}", markup=False)
    return EXIT_OK


# -- engines -----------------------------------------------------------------------------------


def _in_process(
    args: argparse.Namespace, plan: ReportPlan, err: Console
) -> tuple[Accumulator, int, list[Problem]]:
    columnar = _analysis("respite.compliance.columnar")
    events = columnar.EventsFile(args.events)
    pairs_of, close = _engine(args.engine, plan.rows)
    acc = plan.accumulator()
    problems: list[Problem] = []
    rows = 0
    try:
        with _bar(err, events.unit, events.total, f"reading {args.events.name}") as step:
            for batch in events.batches(args.batch_rows):
                problems.extend(batch.problems)
                rows += batch.rows
                if not problems:  # a refused file needs no more joining, only its problems
                    acc.add(batch.table, pairs_of=pairs_of)
                step(batch.done)
    finally:
        close()
    return acc, rows, problems


def _engine(name: str, rows: ZoneWindows) -> tuple[PairsOf, Callable[[], None]]:
    if name == "duckdb":
        duck = _analysis("respite.compliance.duck").DuckJoin(rows)
        return (lambda events, _rows: duck.join(events)), duck.close
    from respite.compliance.join.index import JoinIndex  # noqa: PLC0415 - only when a report runs

    index = JoinIndex(rows)
    return (lambda events, _rows: index.join(events)), lambda: None


def _on_dask(
    args: argparse.Namespace, plan: ReportPlan, err: Console
) -> tuple[Accumulator, int, list[Problem]]:
    distributed = _analysis("respite.compliance.distributed")
    if not args.events.exists():
        raise InvalidInput(f"no such file or directory: {args.events}", location="--events")
    if args.events.is_file() and args.events.suffix.lower() not in (".parquet", ".pq"):
        raise InvalidInput(
            "--engine dask reads Parquet; convert the CSV first "
            "(e.g. with duckdb or pyarrow), or use --engine respite",
            location="--events",
        )
    with distributed.dask_client(args.scheduler, workers=args.workers) as client:
        where = args.scheduler or f"a local cluster of {args.workers} workers"
        err.print(f"dask: {where}", markup=False, style="dim")
        with _bar(err, "pieces", None, f"reading {args.events.name}") as step:
            result = distributed.dask_accumulate(args.events, plan, client, progress=step)
    return result.accumulator, result.rows, list(result.problems)


# -- helpers -----------------------------------------------------------------------------------


def _analysis(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise RespiteError(
            f"respite compliance needs the 'analysis' extra (pip install 'respite[analysis]'): "
            f"{error}"
        ) from None


def _pause(args: argparse.Namespace) -> Pause:
    pauses: Sequence[Pause]
    if args.pauses is not None:
        pauses = load_pause_file(args.pauses)
    elif args.scenario in available_scenarios():
        pauses = load_scenario(args.scenario)
    elif Path(args.scenario).is_file():
        pauses = load_pause_file(args.scenario)
    else:
        raise NotFound(
            f"no scenario or pause file {args.scenario!r}; "
            f"shipped: {', '.join(available_scenarios())}"
        )
    found = {pause.id: pause for pause in pauses}
    if args.pause not in found:
        raise NotFound(f"no pause {args.pause!r}; known: {', '.join(sorted(found))}")
    return found[args.pause]


_FLAGS = {
    "options.as_of": "--as-of",
    "options.margin_hours": "--margin-hours",
    "options.baseline_days": "--baseline-days",
    "options.list_events": "--list-events",
}

_LIST_HELP = "event pairs listed one by one (a number or 'all'); counts cover every pair"


def _listed(text: str) -> int | None:
    if text == "all":
        return None
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= 0 or 'all'")
    return int(text)


def _as_flags(error: InvalidInput) -> InvalidInput:
    """The plan's problems named by the command-line flag that sets each value."""
    moved = [Problem(_FLAGS.get(p.location, p.location), p.message) for p in error.problems]
    return InvalidInput(moved)


def _render(report: ComplianceReport, fmt: str) -> str:
    if fmt == "json":
        # No indent: an indented dump takes the pure-Python encoder, ~10x slower on big lists.
        return json.dumps(report.to_json(), ensure_ascii=False) + "\n"
    if fmt == "hxl":
        text: str = importlib.import_module("respite.compliance.render.hxl").render_hxl(report)
        return text
    html: str = importlib.import_module("respite.compliance.render.html").render_html(report)
    return html


def _refuse(path: Path, problems: Sequence[Problem], rows: int | None) -> int:
    for problem in problems[:SHOWN_PROBLEMS]:
        sys.stderr.write(f"{path}: {problem}\n")
    more = len(problems) - SHOWN_PROBLEMS
    if more > 0:
        sys.stderr.write(f"{path}: ... and {more} more\n")
    read = f" in {rows} rows" if rows is not None else ""
    sys.stderr.write(f"{path}: {len(problems)} bad value(s){read}; no report written\n")
    return EXIT_BAD_INPUT


@contextmanager
def _bar(
    console: Console, unit: str, total: int | None, label: str
) -> Iterator[Callable[..., None]]:
    """A progress bar on stderr (only on a terminal); yields ``step(done, total=None)``."""
    amount = DownloadColumn() if unit == "bytes" else MofNCompleteColumn()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        amount,
        TextColumn(unit if unit != "bytes" else ""),
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal,
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=total)

        def step(done: int, new_total: int | None = None) -> None:
            if new_total is not None:
                progress.update(task, total=new_total)
            progress.update(task, completed=done)

        yield step
