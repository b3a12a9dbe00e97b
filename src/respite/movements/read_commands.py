"""Read-only and pure command-line actions (plan, list, unacknowledged, snapshot, progress),
and the helpers every ``respite movements`` action shares: see :mod:`.commands`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from rich.console import Console
from sqlalchemy.orm import Session

from respite.accounts.commands import operator, organisation
from respite.clikit.session import database, now, print_json
from respite.engine import CoverageEngine
from respite.errors import InvalidInput, NotFound
from respite.movements import notices, service
from respite.movements.access_views import missions
from respite.movements.model import (
    DEFAULT_TIMEZONE,
    Area,
    Contact,
    MovementObjective,
    MovementSpec,
    RouteSpec,
    TimeWindow,
)
from respite.movements.planning import plan_movement
from respite.movements.present import plan_summary, plan_to_json, span_text
from respite.movements.snapshot import (
    access_snapshot,
    objective_progress,
    snapshot_html,
    snapshot_hxl_csv,
)
from respite.pauses import load_pause_file
from respite.publication.cache import PublishedCache, Snapshot
from respite.scenarios import load_scenario
from respite.storage import session_factory

EXIT_OK = 0

Handler = Callable[[argparse.Namespace, Console], int]


def published(session: Session) -> Snapshot:
    bind = session.get_bind()
    return PublishedCache(session_factory(bind.engine, read_only=True), check_seconds=0).get()


# -- actions ---------------------------------------------------------------------------------


def plan(args: argparse.Namespace, out: Console) -> int:
    """Route check and fitting departures against a pause file or scenario (no database)."""
    if (args.road is None) == (args.path is None):
        raise InvalidInput("give --road (with --direction) or --path", location="--road")
    route = (
        RouteSpec(road=args.road, direction=args.direction)
        if args.road
        else RouteSpec(waypoints=tuple(_positions(args.path)))
    )
    spec = MovementSpec(
        name="command-line plan",
        objective=MovementObjective.OTHER,
        route=route,
        departure=TimeWindow(earliest=_time(args.depart), latest=_time(args.depart)),
        travel_minutes=args.travel_minutes,
        speed_kmh=args.speed,
        contacts=(Contact(name="command line", phone="000"),),
        timezone=args.tz,
    ).in_utc()
    pauses = load_pause_file(args.pauses) if args.pauses else load_scenario(args.scenario)
    engine = CoverageEngine(pauses)
    if not engine.horizon[0] <= spec.departure.earliest < engine.horizon[1]:
        start = spec.departure.earliest - timedelta(days=1)
        engine = CoverageEngine(pauses, horizon=(start, start + timedelta(days=400)))
    found = plan_movement(engine, spec, search_days=args.days)
    if args.json:
        print_json(out, plan_to_json(found, args.tz))
    else:
        out.print(plan_summary(found, args.tz), markup=False)
        for warning in found.warnings:
            out.print(f"warning: {warning}", markup=False)
    return EXIT_OK


def _time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{text!r} is not an ISO 8601 time", location="--depart") from None


def _positions(text: str) -> list[tuple[float, float]]:
    try:
        return [
            (float(p.split(",")[0]), float(p.split(",")[1])) for p in text.split(";") if p.strip()
        ]
    except (ValueError, IndexError):
        raise InvalidInput("write positions as 'lon,lat;lon,lat'", location="--path") from None


def listing(args: argparse.Namespace, out: Console) -> int:
    with database(args, write=False) as session:
        owner = None
        if args.org:
            owner = organisation(session, args.org, operator(session), "--org")
        rows = service.list_movements(session, owner_org_id=owner)
        items = [
            {
                "id": r.id,
                "reference": r.reference,
                "state": r.state.value,
                "area": r.area.value,
                "departure": span_text(r.departure_at, r.arrival_by, DEFAULT_TIMEZONE),
                "outcome": None if r.outcome_category is None else r.outcome_category.value,
            }
            for r in rows
        ]
    if args.json:
        print_json(out, items)
        return EXIT_OK
    for item in items:
        out.print(
            f"{item['id']}  {item['state']:<9} {item['area']:<5} {item['departure']}  "
            f"{item['reference'] or ''} {item['outcome'] or ''}",
            markup=False,
        )
    out.print(f"{len(items)} movement(s)", markup=False)
    return EXIT_OK


def unacknowledged(args: argparse.Namespace, out: Console) -> int:
    moment = now()
    with database(args, write=False) as session:
        rows = [r for r in service.list_movements(session) if r.state.value == "notified"]
        versions = {service.subject_of(r.id): r.current_version for r in rows}
        departures = {service.subject_of(r.id): r.departure_at for r in rows}
        found = notices.current(notices.notices(session, versions), versions)
    warning = timedelta(hours=args.within_hours)
    waiting = [n for n in found if n.acknowledged_at is None]
    for item in waiting:
        flag = notices.flag(item, departure=departures[item.subject], now=moment, warning=warning)
        hours = (moment - item.sent_at).total_seconds() / 3600
        out.print(
            f"{item.subject} v{item.version}  {item.party}: unacknowledged for {hours:.1f} h"
            + (f"  [{flag}]" if flag else ""),
            markup=False,
        )
    out.print(f"{len(waiting)} unacknowledged notification(s)", markup=False)
    return EXIT_OK


def snapshot(args: argparse.Namespace, out: Console) -> int:
    start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
    area = Area(args.area) if args.area else None
    with database(args, write=False) as session:
        found = missions(session, start, end, DEFAULT_TIMEZONE)
    report = access_snapshot(found, start=start, end=end, tz=DEFAULT_TIMEZONE, area=area)
    text = {
        "json": lambda: json.dumps(report, ensure_ascii=False, indent=2) + "\n",
        "hxl": lambda: snapshot_hxl_csv(report),
        "html": lambda: snapshot_html(report),
    }[args.format]()
    if args.out:
        Path(args.out).write_text(text, "utf-8")
        out.print(f"wrote {args.out}", markup=False)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def progress(args: argparse.Namespace, out: Console) -> int:
    with database(args, write=False) as session:
        pause = published(session).pause(args.pause_id)
        if pause is None:
            raise NotFound(f"no published pause {args.pause_id!r}")
        start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
        report = objective_progress(
            pause, missions(session, start, end, pause.timezone), start=start, end=end
        )
    print_json(out, report)
    return EXIT_OK
