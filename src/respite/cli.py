"""The ``respite`` command line: a thin layer over the library.

Exit codes: 0 ok; 2 bad input (with a one-line reason on stderr; ``validate`` prints one line
per problem). Times are printed in the pause's local zone with the zone named, and in UTC.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from respite.clikit.times import parse_time
from respite.engine import CoverageEngine, Status, check_route
from respite.engine.present import describe_time, route_to_json, status_to_json
from respite.errors import InvalidInput, NotFound, OutsideHorizon, RespiteError
from respite.feeds import pauses_to_geojson, pauses_to_ical
from respite.pauses import Pause, load_pause_file
from respite.scenarios import DEFAULT_SCENARIO, available_scenarios, load_scenario
from respite.schedule import from_utc_seconds, utc_seconds

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake in one line, like every other bad input."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"respite: {message} (see 'respite --help')\n")
        raise SystemExit(EXIT_BAD_INPUT)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    out = Console(highlight=False, soft_wrap=True)
    try:
        result: int = args.handler(args, out)
        return result
    except InvalidInput as error:
        if args.command == "validate":
            for problem in error.problems:
                sys.stderr.write(f"{args.file}: {problem}\n")
            sys.stderr.write(f"{args.file}: {len(error.problems)} problem(s); nothing loaded\n")
        else:
            sys.stderr.write(f"respite: {_one_line(str(error))}\n")
        return EXIT_BAD_INPUT
    except (NotFound, OutsideHorizon, RespiteError) as error:
        sys.stderr.write(f"respite: {_one_line(str(error))}\n")
        return EXIT_BAD_INPUT


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="respite",
        description="Humanitarian pauses: check a place and time, list windows, validate, export.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = sub.add_parser("check", help="is this place paused at this moment?")
    check.add_argument("--lat", type=float, required=True, help="latitude (WGS84)")
    check.add_argument("--lon", type=float, required=True, help="longitude (WGS84)")
    check.add_argument("--at", required=True, help="ISO 8601 time with offset, or 'now'")
    check.add_argument("--tz", help="IANA zone for an --at written without an offset")
    check.add_argument("--as-known-at", help="use the versions announced by this time")
    check.add_argument("--json", action="store_true", help="print one JSON object")
    _source_args(check)
    check.set_defaults(handler=_check)

    windows = sub.add_parser("windows", help="a pause's windows between two times")
    windows.add_argument("pause_id")
    windows.add_argument("--from", dest="start", required=True, help="ISO 8601 time or date")
    windows.add_argument("--to", dest="end", required=True, help="ISO 8601 time or date")
    windows.add_argument("--tz", help="IANA zone for --from/--to written without an offset")
    windows.add_argument("--json", action="store_true")
    _source_args(windows)
    windows.set_defaults(handler=_windows)

    route = sub.add_parser("route", help="which stretches of a journey are outside pauses?")
    route.add_argument("--path", required=True, help="'lon,lat;lon,lat;...' (at least two)")
    route.add_argument("--depart", required=True, help="departure, ISO 8601 with offset")
    route.add_argument("--speed", type=float, required=True, help="speed in km/h")
    route.add_argument("--tz", help="IANA zone for a --depart written without an offset")
    route.add_argument("--json", action="store_true")
    _source_args(route)
    route.set_defaults(handler=_route)

    validate = sub.add_parser("validate", help="check a pause file; list every problem")
    validate.add_argument("file", type=Path)
    validate.set_defaults(handler=_validate)

    export = sub.add_parser("export", help="write the pauses as GeoJSON or iCalendar")
    export.add_argument("format", choices=["geojson", "ical"])
    export.add_argument("--out", type=Path, help="file to write (default: standard output)")
    _source_args(export)
    export.set_defaults(handler=_export)

    scenarios = sub.add_parser("scenarios", help="list the shipped scenarios")
    scenarios.set_defaults(handler=_scenarios)
    _service_commands(sub)
    _compliance_commands(sub)
    return parser


def _service_commands(sub: Any) -> None:
    try:
        from respite.api.commands import add_parsers  # noqa: PLC0415 - needs the server extra
    except ImportError:  # the pure library without the server extra: no service commands
        return
    from respite.incidents.commands import add_parsers as incident_parsers  # noqa: PLC0415
    from respite.movements.commands import add_parsers as movement_parsers  # noqa: PLC0415
    from respite.pauses.commands import add_parsers as pause_parsers  # noqa: PLC0415
    from respite.sites.commands import add_parsers as site_parsers  # noqa: PLC0415

    add_parsers(sub)
    pause_parsers(sub)
    site_parsers(movement_parsers(sub))
    incident_parsers(sub)


def _compliance_commands(sub: Any) -> None:
    # Always registered: the commands import pyarrow, DuckDB and Dask only when they run, and
    # name the 'analysis' extra when those are missing.
    from respite.compliance.commands import add_parsers as compliance_parsers  # noqa: PLC0415

    compliance_parsers(sub)


def _source_args(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--pauses", type=Path, help="a pause file (YAML or JSON)")
    group.add_argument(
        "--scenario", default=DEFAULT_SCENARIO, help=f"a shipped scenario ({DEFAULT_SCENARIO})"
    )


def _pauses(args: argparse.Namespace) -> Sequence[Pause]:
    if args.pauses is not None:
        return load_pause_file(args.pauses)
    return load_scenario(args.scenario)


# -- time arguments ----------------------------------------------------------------------------


def _engine_for(pauses: Sequence[Pause], *times: datetime, **kwargs: Any) -> CoverageEngine:
    probe = CoverageEngine(pauses, **kwargs)
    lo, hi = probe.horizon
    wanted_lo = min([lo, *times])
    wanted_hi = max([hi, *(t.replace(year=t.year + 2) for t in times)])
    if (wanted_lo, wanted_hi) == (lo, hi):
        return probe
    return CoverageEngine(pauses, horizon=(wanted_lo, wanted_hi), **kwargs)


# -- commands ----------------------------------------------------------------------------------


def _check(args: argparse.Namespace, out: Console) -> int:
    if not -90 <= args.lat <= 90:
        raise InvalidInput(f"latitude {args.lat} is outside -90..90", location="--lat")
    if not -180 <= args.lon <= 180:
        raise InvalidInput(f"longitude {args.lon} is outside -180..180", location="--lon")
    at = parse_time(args.at, tz=args.tz, field="--at")
    known = (
        parse_time(args.as_known_at, tz=args.tz, field="--as-known-at")
        if (args.as_known_at)
        else None
    )
    pauses = _pauses(args)
    engine = _engine_for(pauses, at, as_known_at=known)
    status = engine.status(args.lon, args.lat, at)
    if args.json:
        out.print_json(json.dumps(status_to_json(status), ensure_ascii=False))
    else:
        _print_status(out, status)
    return EXIT_OK


def _print_status(out: Console, status: Status) -> None:
    where = f"{status.lat:.5f}, {status.lon:.5f}"
    window = status.next_window
    zones = [m.timezone for m in status.matches] + ([window.timezone] if window else [])
    at = describe_time(status.at, zones[0] if zones else None)
    if status.covered:
        out.print(f"[bold green]PAUSED[/] at {where} on {at}")
        for match in status.matches:
            out.print(f"  {escape(match.name.en)} ({match.kind.value}, pause {match.pause_id})")
            if match.name.ar:
                out.print(f"  {escape(match.name.ar)}")
            out.print(f"  window ends {describe_time(match.window_end, match.timezone)}")
        if status.covered_until is not None and status.covered_until > max(
            m.window_end for m in status.matches
        ):
            out.print(f"  covered without a gap until {describe_time(status.covered_until, None)}")
        return
    out.print(f"[bold red]NOT PAUSED[/] at {where} on {at}")
    if window is None:
        out.print("  no later window covers this place")
        return
    out.print(f"  next window: {escape(window.name.en)} (pause {window.pause_id})")
    out.print(f"  from {describe_time(window.start, window.timezone)}")
    out.print(f"  to   {describe_time(window.end, window.timezone)}")


def _windows(args: argparse.Namespace, out: Console) -> int:
    start = parse_time(args.start, tz=args.tz, field="--from")
    end = parse_time(args.end, tz=args.tz, field="--to")
    if end <= start:
        raise InvalidInput("--to must be after --from", location="--to")
    pauses = {pause.id: pause for pause in _pauses(args)}
    if args.pause_id not in pauses:
        raise NotFound(f"no pause {args.pause_id!r}; known: {', '.join(sorted(pauses))}")
    pause = pauses[args.pause_id]
    lo, hi = utc_seconds(start), utc_seconds(end)
    rows = [(part.id, s, e) for part in pause.latest.parts for s, e in part.coverage(lo, hi)]
    rows.sort(key=lambda row: (row[1], row[0]))
    tz = ZoneInfo(pause.timezone)
    if args.json:
        payload = {
            "pause_id": pause.id,
            "version": pause.latest.version,
            "timezone": pause.timezone,
            "windows": [
                {
                    "part": part,
                    "start": _iso_utc(s),
                    "end": _iso_utc(e),
                    "start_local": from_utc_seconds(s).astimezone(tz).isoformat(),
                    "end_local": from_utc_seconds(e).astimezone(tz).isoformat(),
                }
                for part, s, e in rows
            ],
        }
        out.print_json(json.dumps(payload, ensure_ascii=False))
        return EXIT_OK
    table = Table(title=f"{pause.spec.name.en} - version {pause.latest.version}")
    table.add_column("part")
    table.add_column(f"start ({pause.timezone})")
    table.add_column(f"end ({pause.timezone})")
    table.add_column("start (UTC)")
    table.add_column("end (UTC)")
    for part, s, e in rows:
        table.add_row(
            part,
            _local(s, tz),
            _local(e, tz),
            from_utc_seconds(s).strftime("%Y-%m-%d %H:%M"),
            from_utc_seconds(e).strftime("%Y-%m-%d %H:%M"),
        )
    out.print(table)
    if not rows:
        out.print("no window in that period")
    return EXIT_OK


def _route(args: argparse.Namespace, out: Console) -> int:
    path = _parse_path(args.path)
    depart = parse_time(args.depart, tz=args.tz, field="--depart")
    pauses = _pauses(args)
    engine = _engine_for(pauses, depart)
    result = check_route(engine, path, departure=depart, speed_kmh=args.speed)
    if args.json:
        out.print_json(json.dumps(route_to_json(result), ensure_ascii=False))
        return EXIT_OK
    out.print(
        f"{result.length_km:.2f} km, departing {describe_time(result.departure, None)}, "
        f"arriving {describe_time(result.arrival, None)}; "
        f"{result.covered_fraction:.0%} of the journey time is inside a pause"
    )
    for stretch in result.uncovered:
        out.print(
            f"  [bold red]outside[/] km {stretch.from_km:.2f}-{stretch.to_km:.2f} "
            f"{stretch.start:%H:%M:%S}-{stretch.end:%H:%M:%S} UTC"
        )
    return EXIT_OK


def _parse_path(text: str) -> list[tuple[float, float]]:
    points = []
    for i, pair in enumerate(p for p in text.split(";") if p.strip()):
        try:
            lon, lat = (float(v) for v in pair.split(","))
        except ValueError:
            raise InvalidInput(
                f"position {i} ({pair.strip()!r}) is not 'lon,lat'", location="--path"
            ) from None
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise InvalidInput(f"position {i} is out of range (lon,lat order)", location="--path")
        points.append((lon, lat))
    return points


def _validate(args: argparse.Namespace, out: Console) -> int:
    pauses = load_pause_file(args.file)
    parts = sum(len(p.latest.parts) for p in pauses)
    out.print(f"{args.file}: ok: {len(pauses)} pause(s), {parts} part(s)")
    return EXIT_OK


def _export(args: argparse.Namespace, out: Console) -> int:
    pauses = _pauses(args)
    if args.format == "geojson":
        data = json.dumps(pauses_to_geojson(pauses), ensure_ascii=False, indent=1).encode()
    else:
        data = pauses_to_ical(pauses)
    if args.out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        args.out.write_bytes(data)
        out.print(f"wrote {args.out} ({len(data)} bytes)", style="dim")
    return EXIT_OK


def _scenarios(args: argparse.Namespace, out: Console) -> int:
    for name in available_scenarios():
        pauses = load_scenario(name)
        out.print(f"{name}: {len(pauses)} pauses ({', '.join(p.id for p in pauses)})")
    return EXIT_OK


def _iso_utc(seconds: int) -> str:
    return from_utc_seconds(seconds).isoformat().replace("+00:00", "Z")


def _local(seconds: int, tz: ZoneInfo) -> str:
    local = from_utc_seconds(seconds).astimezone(tz)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


if __name__ == "__main__":
    raise SystemExit(main())
