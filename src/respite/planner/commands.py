"""``respite plan ...``: plan movements into pause windows, and VRPTW benchmark instances.

* ``respite plan vrptw FILE.vrp --seconds N --seed S --json``: one VRPLIB/Solomon VRPTW
  instance through the planner's solving path; one JSON object with ``distance`` (DIMACS:
  truncated to one decimal), ``routes`` and ``feasible``.
* ``respite plan example polio|truce|week``: a worked problem on the bundled data
  (:mod:`respite.planner.examples`), written as JSON, CSV or a self-contained HTML page;
  ``--what-if`` solves a changed problem too and prints both side by side.

Bad input exits 2 with every problem on stderr (``location: message``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from respite.errors import InvalidInput, RespiteError
from respite.planner import examples, whatif
from respite.planner.model import PlanningProblem
from respite.planner.page import plan_html
from respite.planner.plan import plan
from respite.planner.result import PlanResult
from respite.planner.stop import MaxRuntime
from respite.planner.vrptw import solve_vrptw
from respite.planner.writers import plan_json, stops_csv

EXIT_OK, EXIT_BAD_INPUT = 0, 2
EXAMPLES: dict[str, Callable[..., PlanningProblem]] = {
    "polio": examples.polio_round_1,
    "truce": examples.truce_day,
    "week": examples.pause_week,
}


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``respite plan ...`` on the ``respite`` parser."""
    group = sub.add_parser("plan", help="plan convoys, evacuations and teams into pause windows")
    actions = group.add_subparsers(dest="action", required=True, parser_class=type(group))
    vrptw = actions.add_parser("vrptw", help="solve a VRPLIB or Solomon VRPTW instance")
    vrptw.add_argument("file", type=Path)
    _budget(vrptw)
    vrptw.add_argument("--json", action="store_true", help="one JSON object (the default)")
    vrptw.set_defaults(handler=_vrptw)
    example = actions.add_parser("example", help="plan a worked problem on the bundled data")
    example.add_argument("name", choices=sorted(EXAMPLES))
    example.add_argument(
        "--days", type=int, help="polio: days per zone (3, or 4 with the optional day); week: days"
    )
    _budget(example)
    example.add_argument("--format", choices=["json", "csv", "html"], default="json")
    example.add_argument("-o", "--out", type=Path, help="file to write (default: stdout)")
    example.add_argument(
        "--what-if",
        help="also plan a change and compare: extend:WINDOW[:HOURS], add-day:WINDOW, "
        "add-vehicles:KIND:N, close:DEPOT",
    )
    example.set_defaults(handler=_example)


def _budget(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=float, default=10.0, help="solver time (default 10)")
    parser.add_argument("--seed", type=int, default=0)


def _vrptw(args: argparse.Namespace, out: Console) -> int:
    del out  # one JSON object on stdout, nothing else
    try:
        answer = solve_vrptw(args.file, MaxRuntime(args.seconds), seed=args.seed)
    except (InvalidInput, ValueError) as error:
        return _bad(error)
    print(json.dumps(answer.as_json()))
    return EXIT_OK


def _example(args: argparse.Namespace, out: Console) -> int:
    del out  # the document goes to stdout or --out; progress to stderr
    try:
        build = EXAMPLES[args.name]
        problem = build(days=args.days) if args.days else build()
        change = _change(problem, args.what_if) if args.what_if else None
        base = _solve(problem, args)
        if change is not None:
            label, changed = change
            comparison = whatif.compare(label, base, _solve(changed, args))
            _write(json.dumps(comparison.as_json(), ensure_ascii=False, indent=1), args.out)
            return EXIT_OK
    except RespiteError as error:
        return _bad(error)
    if args.format == "csv":
        text = stops_csv(base)
    elif args.format == "html":
        text = plan_html(base)
    else:
        text = json.dumps(plan_json(base), ensure_ascii=False)
    _write(text, args.out)
    return EXIT_OK


def _solve(problem: PlanningProblem, args: argparse.Namespace) -> PlanResult:
    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(f"planning {problem.name}", total=1.0)

        def tick(done: int, total: int, elapsed: float) -> None:
            share = (done + min(elapsed / max(args.seconds / total, 1e-9), 0.99)) / total
            bar.update(task, completed=min(share, 1.0))

        return plan(problem, MaxRuntime(args.seconds), seed=args.seed, progress=tick)


def _change(problem: PlanningProblem, spec: str) -> tuple[str, PlanningProblem]:
    verb, _, rest = spec.partition(":")
    parts = rest.split(":") if rest else []
    try:
        if verb == "extend" and 1 <= len(parts) <= 2:
            hours = float(parts[1]) if len(parts) == 2 else 1.0
            return spec, whatif.extend_window(problem, parts[0], hours)
        if verb == "add-day" and len(parts) == 1:
            return spec, whatif.add_day(problem, parts[0])
        if verb == "add-vehicles" and len(parts) == 2:
            return spec, whatif.add_vehicles(problem, parts[0], int(parts[1]))
        if verb == "close" and len(parts) == 1:
            return spec, whatif.close_crossing(problem, parts[0])
    except ValueError as error:
        if isinstance(error, InvalidInput):
            raise
        raise InvalidInput(f"{spec!r}: {error}", location="--what-if") from error
    raise InvalidInput(
        f"{spec!r} is not extend:WINDOW[:HOURS], add-day:WINDOW, add-vehicles:KIND:N or "
        "close:DEPOT",
        location="--what-if",
    )


def _write(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text + ("" if text.endswith("\n") else "\n"))
    else:
        out.write_text(text, encoding="utf-8")


def _bad(error: Exception) -> int:
    problems = getattr(error, "problems", None)
    for problem in problems or [error]:
        print(f"respite plan: {problem}", file=sys.stderr)
    return EXIT_BAD_INPUT
